// The variables panel: the operands and results of the current equation (the
// program's inputs and outputs at its start and end) with their types,
// values and tangents or cotangents, and in vjp's backward phase the linear
// equations whose transposes added to each cotangent. NaN and Inf are marked
// in red.
#pragma once

#include <QTableWidget>

#include "views/session.h"

namespace jxr::views {

class VariablesView : public QTableWidget {
  Q_OBJECT
 public:
  enum Column { Name, Type, Value, Derivative, Contributions, Role, ColumnCount };
  explicit VariablesView(Session& session, QWidget* parent = nullptr);

 signals:
  // A row was double-clicked (or Enter pressed on it): the program variable
  // it shows (for a linear variable of the backward phase, the one whose
  // cotangent it carries), to open in the inspector.
  void variable_activated(const QString& name);

 private:
  void show_state(const StepState& s);
};

}  // namespace jxr::views
