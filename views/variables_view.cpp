#include "views/variables_view.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QRegularExpression>

#include "views/theme.h"

namespace jxr::views {

VariablesView::VariablesView(Session& session, QWidget* parent) : QTableWidget(0, ColumnCount, parent) {
  setHorizontalHeaderLabels({tr("name"), tr("type"), tr("value"), tr("tangent"), tr("accumulated from"), tr("operand")});
  horizontalHeaderItem(Contributions)->setToolTip(
      tr("The linear equations whose transposes added to the cotangent, in order (seed: the output cotangent)"));
  setColumnHidden(Contributions, true);
  setEditTriggers(QAbstractItemView::NoEditTriggers);
  setSelectionBehavior(QAbstractItemView::SelectRows);
  verticalHeader()->hide();
  horizontalHeader()->setSectionResizeMode(Value, QHeaderView::Stretch);
  horizontalHeader()->setSectionResizeMode(Derivative, QHeaderView::Stretch);
  setFont(monospace_font());
  connect(&session, &Session::stepped, this, &VariablesView::show_state);
  connect(this, &QTableWidget::cellActivated, this, [this](int row, int) {
    // `c (dh)`: linear `c` carries the cotangent of the program's `h`.
    static const QRegularExpression linear(QStringLiteral("^\\S+ \\(d(\\S+)\\)$"));
    const QString name = item(row, Name)->text();
    const QRegularExpressionMatch m = linear.match(name);
    emit variable_activated(m.hasMatch() ? m.captured(1) : name);
  });
}

void VariablesView::show_state(const StepState& s) {
  const bool derivatives = s.mode != Mode::Eval;
  setColumnHidden(Derivative, !derivatives);
  horizontalHeaderItem(Derivative)->setText(s.mode == Mode::Vjp ? tr("cotangent") : tr("tangent"));
  setColumnHidden(Contributions, !s.backward || s.finished);
  setRowCount(static_cast<int>(s.variables.size()));
  for (int r = 0; r < s.variables.size(); ++r) {
    const VariableRow& v = s.variables[r];
    const QString cells[ColumnCount] = {v.name, v.type, v.value, v.derivative, v.contributions, v.role};
    for (int c = 0; c < ColumnCount; ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (v.non_finite) {
        item->setForeground(theme().error);
        item->setToolTip(tr("holds NaN or Inf"));
      }
      setItem(r, c, item);
    }
  }
  resizeColumnToContents(Name);
  resizeColumnToContents(Type);
  resizeColumnToContents(Contributions);
}

}  // namespace jxr::views
