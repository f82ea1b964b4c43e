// The compare view: two jaxprs side by side, lines aligned by structure
// (filler opposite lines one side lacks), differences coloured and listed in
// an overview strip between the panes, scrolling and selection linked, a
// clicked variable highlighted with its counterpart; and a "Values" tab that
// compares the values two runs gave the same variables.
#pragma once

#include <QAbstractTableModel>
#include <QBrush>
#include <QWidget>

#include "views/diff_data.h"

class QAction;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QTabWidget;
class QTableView;

namespace jxr::views {

// The values comparison; a row is flagged (red) when its values differ
// beyond the tolerance: both the largest absolute and the largest relative
// difference exceed it, or the two sides cannot be compared (one missing,
// shapes differ).
class DiffValuesModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Variable, Left, Right, MaxAbs, MaxRel, ColumnCount };
  using QAbstractTableModel::QAbstractTableModel;

  void set_rows(QVector<ValueDiffRow> rows);
  const QVector<ValueDiffRow>& rows() const { return rows_; }
  void set_tolerance(double tolerance);
  double tolerance() const { return tolerance_; }
  bool flagged(int row) const;
  int flagged_count() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  QVector<ValueDiffRow> rows_;
  double tolerance_ = 1e-6;
};

class DiffPane;
class DiffOverview;

class DiffView : public QWidget {
  Q_OBJECT
 public:
  explicit DiffView(QWidget* parent = nullptr);

  void set_diff(DiffData data);
  void set_values(QVector<ValueDiffRow> rows);
  const DiffData& diff() const { return data_; }

  // The aligned line selected on both sides, or -1.
  int current_line() const { return current_; }
  void select_line(int line);
  // The first line of each run of differing lines, in order.
  const QVector<int>& difference_starts() const { return starts_; }
  void next_difference();
  void previous_difference();
  // The variable whose occurrences are highlighted on each side (empty: none).
  QString left_highlight() const { return highlight_[0]; }
  QString right_highlight() const { return highlight_[1]; }

  // The fill under aligned line `line` of side 0 (left) or 1 (right).
  QBrush line_background(int side, int line) const;
  QPlainTextEdit* left_pane() const;
  QPlainTextEdit* right_pane() const;
  QWidget* overview() const;
  QTabWidget* tabs() const { return tabs_; }
  QLabel* summary_label() const { return summary_; }
  QAction* next_action() const { return next_; }
  QAction* previous_action() const { return previous_; }
  QTableView* values_table() const { return table_; }
  DiffValuesModel* values_model() const { return model_; }
  QDoubleSpinBox* tolerance_box() const { return tolerance_; }

 signals:
  void left_equation_activated(int equation);
  void right_equation_activated(int equation);

 private:
  friend class DiffPane;
  friend class DiffOverview;
  void clicked(int side, int line, int column);
  void highlight_variable(int side, int line, const QString& name);
  void update_selections();
  void update_actions();
  void update_values_summary();
  QString tooltip(int line) const;

  DiffData data_;
  QVector<int> starts_;
  int current_ = -1;
  QString highlight_[2];
  int highlight_scope_ = -1;
  DiffPane* panes_[2];
  DiffOverview* overview_;
  QLabel* titles_[2];
  QTabWidget* tabs_;
  QLabel* summary_;
  QAction* next_;
  QAction* previous_;
  QTableView* table_;
  DiffValuesModel* model_;
  QDoubleSpinBox* tolerance_;
  QLabel* values_summary_;
};

}  // namespace jxr::views
