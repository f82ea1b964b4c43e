#include "views/variables_view.h"

#include <QFontDatabase>
#include <QHeaderView>

namespace jxr::views {

VariablesView::VariablesView(Session& session, QWidget* parent) : QTableWidget(0, ColumnCount, parent) {
  setHorizontalHeaderLabels({tr("name"), tr("type"), tr("value"), tr("tangent"), tr("operand")});
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionBehavior(QAbstractItemView::SelectRows);
  verticalHeader()->hide();
  horizontalHeader()->setSectionResizeMode(Value, QHeaderView::Stretch);
  horizontalHeader()->setSectionResizeMode(Derivative, QHeaderView::Stretch);
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  connect(&session, &Session::stepped, this, &VariablesView::show_state);
}

void VariablesView::show_state(const StepState& s) {
  const bool derivatives = s.mode != Mode::Eval;
  setColumnHidden(Derivative, !derivatives);
  horizontalHeaderItem(Derivative)->setText(s.mode == Mode::Vjp ? tr("cotangent") : tr("tangent"));
  setRowCount(static_cast<int>(s.variables.size()));
  for (int r = 0; r < s.variables.size(); ++r) {
    const VariableRow& v = s.variables[r];
    const QString cells[ColumnCount] = {v.name, v.type, v.value, v.derivative, v.role};
    for (int c = 0; c < ColumnCount; ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (v.non_finite) {
        item->setForeground(QColor(0xc0, 0x10, 0x10));
        item->setToolTip(tr("holds NaN or Inf"));
      }
      setItem(r, c, item);
    }
  }
  resizeColumnToContents(Name);
  resizeColumnToContents(Type);
}

}  // namespace jxr::views
