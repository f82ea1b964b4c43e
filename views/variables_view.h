// The variables panel: the operands and results of the current equation (the
// program's inputs and outputs at its start and end) with their types,
// values and tangents or cotangents. NaN and Inf are marked in red.
#pragma once

#include <QTableWidget>

#include "views/session.h"

namespace jxr::views {

class VariablesView : public QTableWidget {
  Q_OBJECT
 public:
  enum Column { Name, Type, Value, Derivative, Role, ColumnCount };
  explicit VariablesView(Session& session, QWidget* parent = nullptr);

 private:
  void show_state(const StepState& s);
};

}  // namespace jxr::views
