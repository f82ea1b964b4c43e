// The value inspector's table: a 2-D slice of an N-d array as a lazy item
// model. Any two axes may be the rows and the columns (a scalar has neither,
// a vector one of them); the other axes are fixed at the indices given by
// set_slice. Cells show values compactly per dtype, the tooltip shows the
// full index and the shortest digits that round-trip; NaN and Inf cells get
// a marked background.
#pragma once

#include <QAbstractTableModel>
#include <QColor>

#include "views/array_data.h"

namespace jxr::views {

class ArrayTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  // The backgrounds of non-finite cells (Qt::BackgroundRole).
  static QColor nan_background() { return {0xff, 0xb3, 0xb3}; }
  static QColor inf_background() { return {0xff, 0xd0, 0x8a}; }

  explicit ArrayTableModel(QObject* parent = nullptr);

  // Shows `a` with the default axes: a vector as one column, ≥2-d the two
  // trailing axes at leading indices 0. An array whose values do not match
  // its shape shows no cells.
  void set_array(const ArrayData& a);
  void clear();
  const ArrayData& array() const { return array_; }

  // The axes shown as rows and columns; -1 for none (a single row or
  // column). False, and nothing changes, for an axis out of range or both
  // the same axis.
  bool set_axes(int row_axis, int col_axis);
  int row_axis() const { return row_axis_; }
  int col_axis() const { return col_axis_; }
  // The axes that are neither rows nor columns, ascending.
  QVector<int> fixed_axes() const;
  // One index per fixed axis, in the order of fixed_axes(). False, and
  // nothing changes, for the wrong count or an index outside its axis.
  bool set_slice(const QVector<qint64>& indices);
  QVector<qint64> slice() const;

  // The element at a cell of the current slice: its index into the array's
  // values, its full N-d index, its value.
  qint64 flat_index(int row, int col) const;
  QVector<qint64> element_index(int row, int col) const;
  double value(int row, int col) const { return array_.values[flat_index(row, col)]; }

  // `x[1, 2]`: the array's name with an element's full index.
  QString element_label(const QVector<qint64>& index) const;
  // The compact cell text (ints without decimals, bools as True/False,
  // floats %.6g, nan/inf/-inf) and the full one (shortest round-trip digits
  // of the dtype's precision).
  static QString compact_text(double v, const QString& dtype);
  static QString full_text(double v, const QString& dtype);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  qint64 extent(int axis) const { return axis < 0 ? 1 : array_.shape[axis]; }
  bool has_cells() const;

  ArrayData array_;
  QVector<qint64> strides_;
  QVector<qint64> index_;  // full index; only the fixed axes' entries matter
  int row_axis_ = -1, col_axis_ = -1;
};

}  // namespace jxr::views
