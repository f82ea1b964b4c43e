#include "views/array_table_model.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>

namespace jxr::views {

namespace {

QString non_finite_text(double v) {
  if (std::isnan(v)) return QStringLiteral("nan");
  return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
}

bool is_bool(const QString& dtype) { return dtype == QLatin1String("bool"); }
bool is_integer(const QString& dtype) {
  return dtype.startsWith(QLatin1Char('i')) || dtype.startsWith(QLatin1Char('u'));
}

}  // namespace

ArrayTableModel::ArrayTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void ArrayTableModel::set_array(const ArrayData& a) {
  beginResetModel();
  array_ = a;
  strides_ = array_.strides();
  index_ = QVector<qint64>(array_.ndim(), 0);
  row_axis_ = array_.ndim() >= 2 ? array_.ndim() - 2 : array_.ndim() - 1;
  col_axis_ = array_.ndim() >= 2 ? array_.ndim() - 1 : -1;
  endResetModel();
}

void ArrayTableModel::clear() { set_array({}); }

bool ArrayTableModel::set_axes(int row_axis, int col_axis) {
  const int n = array_.ndim();
  if (row_axis < -1 || row_axis >= n || col_axis < -1 || col_axis >= n) return false;
  if (row_axis >= 0 && row_axis == col_axis) return false;
  if (row_axis == row_axis_ && col_axis == col_axis_) return true;
  beginResetModel();
  row_axis_ = row_axis;
  col_axis_ = col_axis;
  endResetModel();
  return true;
}

QVector<int> ArrayTableModel::fixed_axes() const {
  QVector<int> out;
  for (int a = 0; a < array_.ndim(); ++a)
    if (a != row_axis_ && a != col_axis_) out << a;
  return out;
}

bool ArrayTableModel::set_slice(const QVector<qint64>& indices) {
  const QVector<int> axes = fixed_axes();
  if (indices.size() != axes.size()) return false;
  for (int i = 0; i < axes.size(); ++i)
    if (indices[i] < 0 || indices[i] >= array_.shape[axes[i]]) return false;
  for (int i = 0; i < axes.size(); ++i) index_[axes[i]] = indices[i];
  // The table keeps its shape: only the cells change.
  if (rowCount() > 0 && columnCount() > 0)
    emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
  return true;
}

QVector<qint64> ArrayTableModel::slice() const {
  QVector<qint64> out;
  for (int a : fixed_axes()) out << index_[a];
  return out;
}

qint64 ArrayTableModel::flat_index(int row, int col) const {
  qint64 flat = 0;
  for (int a = 0; a < array_.ndim(); ++a) {
    const qint64 i = a == row_axis_ ? row : a == col_axis_ ? col : index_[a];
    flat += i * strides_[a];
  }
  return flat;
}

QVector<qint64> ArrayTableModel::element_index(int row, int col) const {
  QVector<qint64> out = index_;
  if (row_axis_ >= 0) out[row_axis_] = row;
  if (col_axis_ >= 0) out[col_axis_] = col;
  return out;
}

QString ArrayTableModel::element_label(const QVector<qint64>& index) const {
  QStringList parts;
  for (qint64 i : index) parts << QString::number(i);
  const QString name = array_.name.isEmpty() ? QStringLiteral("value") : array_.name;
  return index.isEmpty() ? name : name + QLatin1Char('[') + parts.join(QLatin1String(", ")) + QLatin1Char(']');
}

QString ArrayTableModel::compact_text(double v, const QString& dtype) {
  if (is_bool(dtype)) return v != 0 ? QStringLiteral("True") : QStringLiteral("False");
  if (!std::isfinite(v)) return non_finite_text(v);
  if (is_integer(dtype)) return QString::number(static_cast<qint64>(v));
  // The C library keeps the sign of -0 (a gradient's sign matters), Qt's
  // formatter drops it.
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.6g", v);
  return QString::fromLatin1(buf, n);
}

QString ArrayTableModel::full_text(double v, const QString& dtype) {
  if (is_bool(dtype) || is_integer(dtype) || !std::isfinite(v)) return compact_text(v, dtype);
  char buf[64];
  // Narrow floats (f32, f16, bf16) are exact in float: their shortest
  // digits are those of float, as numpy prints them.
  const std::to_chars_result r = dtype == QLatin1String("f64") || dtype == QLatin1String("float64")
                                     ? std::to_chars(buf, buf + sizeof buf, v)
                                     : std::to_chars(buf, buf + sizeof buf, static_cast<float>(v));
  return QString::fromLatin1(buf, static_cast<qsizetype>(r.ptr - buf));
}

bool ArrayTableModel::has_cells() const {
  if (!array_.consistent()) return false;
  for (int a : fixed_axes())
    if (array_.shape[a] == 0) return false;
  return true;
}

int ArrayTableModel::rowCount(const QModelIndex& parent) const {
  if (parent.isValid() || !has_cells()) return 0;
  return static_cast<int>(std::min<qint64>(extent(row_axis_), INT_MAX));
}

int ArrayTableModel::columnCount(const QModelIndex& parent) const {
  if (parent.isValid() || !has_cells()) return 0;
  return static_cast<int>(std::min<qint64>(extent(col_axis_), INT_MAX));
}

QVariant ArrayTableModel::data(const QModelIndex& index, int role) const {
  if (!checkIndex(index, CheckIndexOption::IndexIsValid)) return {};
  const double v = value(index.row(), index.column());
  switch (role) {
    case Qt::DisplayRole:
      return compact_text(v, array_.dtype);
    case Qt::ToolTipRole:
      return element_label(element_index(index.row(), index.column())) + QStringLiteral(" = ") +
             full_text(v, array_.dtype);
    case Qt::BackgroundRole:
      if (std::isnan(v)) return nan_background();
      if (std::isinf(v)) return inf_background();
      return {};
    case Qt::TextAlignmentRole:
      return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    default:
      return {};
  }
}

QVariant ArrayTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  const int axis = orientation == Qt::Vertical ? row_axis_ : col_axis_;
  if (role == Qt::DisplayRole) return axis < 0 ? QVariant(QString()) : QVariant(QString::number(section));
  if (role == Qt::ToolTipRole && axis >= 0) return tr("axis %1, index %2").arg(axis).arg(section);
  return QAbstractTableModel::headerData(section, orientation, role);
}

}  // namespace jxr::views
