// The debugger's main window: the transform bar above the jaxpr in the
// centre, the variables in a dock, stepping actions with debugger keys in a toolbar and a menu, the mode
// (eval/jvp/vjp) and a status bar with the phase, step and stop reason.
#pragma once

#include <QMainWindow>

#include "views/session.h"

class QAction;
class QComboBox;
class QLabel;

namespace jxr::views {
class JaxprView;
class TransformBar;
class VariablesView;
}  // namespace jxr::views

namespace jxr::gui {

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(views::Session& session, QWidget* parent = nullptr);

  void open_file(const QString& path);
  // The bundled seed demo, `x[0] + x[0] * x[1]`.
  void open_demo();

  views::JaxprView* jaxpr_view() const { return jaxpr_; }
  views::VariablesView* variables_view() const { return variables_; }
  views::TransformBar* transform_bar() const { return transforms_; }
  QComboBox* mode_box() const { return mode_; }
  QAction* action(const QString& object_name) const;

 private:
  void show_state(const views::StepState& s);
  void show_error(const QString& message);

  views::Session& session_;
  views::JaxprView* jaxpr_;
  views::VariablesView* variables_;
  views::TransformBar* transforms_;
  QComboBox* mode_;
  QLabel* status_;
};

}  // namespace jxr::gui
