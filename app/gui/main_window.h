// The debugger's main window: the transform bar above the jaxpr in the
// centre; the script, variables, console and the other panels in docks that
// the user arranges (the arrangement is remembered); stepping actions with
// debugger keys in a toolbar and a menu; the mode (eval/jvp/vjp); demos,
// recent files and themes; a status bar with the phase, step and stop reason.
#pragma once

#include <QHash>
#include <QMainWindow>

#include "views/session.h"

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QMenu;

namespace jxr::views {
class ConsoleView;
class GraphView;
class JaxprView;
class ScriptPanel;
class TraceBrowser;
class TransformBar;
class ValueInspector;
class VariablesView;
}  // namespace jxr::views

namespace jxr::gui {

class ComparePanel;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(views::Session& session, QWidget* parent = nullptr);

  // A Python script (.py) opens in the script panel and runs; anything else
  // is a jaxpr (text or FILE.jaxray[:ID]) for the session.
  void open_file(const QString& path);
  // The bundled seed demo, `x[0] + x[0] * x[1]`.
  void open_demo();
  // A bundled demo by its file name in resources/demos (`seed.py`).
  void open_bundled(const QString& name);

  views::JaxprView* jaxpr_view() const { return jaxpr_; }
  views::VariablesView* variables_view() const { return variables_; }
  views::TransformBar* transform_bar() const { return transforms_; }
  views::ScriptPanel* script_panel() const { return script_; }
  views::ConsoleView* console() const { return console_; }
  ComparePanel* compare_panel() const { return compare_; }
  views::ValueInspector* inspector() const { return inspector_; }
  views::GraphView* graph_view() const { return graph_; }
  // Which of the inspected variable's arrays the inspector shows: 0 its value, 1 its tangent or cotangent.
  QComboBox* inspect_box() const { return inspect_what_; }
  // Opens `name`'s values in the inspector (as a double-click in the variables panel does).
  void inspect(const QString& name);

  // Saves the shown program and its runs into the trace at `path` (File > Save Trace).
  void save_trace_to(const QString& path);
  // Lists the trace's programs, jaxprs and runs in the Traces panel (File > Open Trace).
  bool open_trace(const QString& path);
  // A window of its own replaying run `run_id` of the trace at `path`.
  MainWindow* open_replay(const QString& path, qint64 run_id);
  views::TraceBrowser* trace_browser() const { return traces_; }
  // The values, tangents and cotangents of two runs of the listed trace, side by side in Compare's Values tab.
  bool compare_runs(qint64 left_run, qint64 right_run);
  // A replay window: no script to run, and its layout is not remembered.
  bool is_replay() const { return replay_; }
  QComboBox* mode_box() const { return mode_; }
  QAction* action(const QString& object_name) const;
  QDockWidget* dock(const QString& object_name) const;

 protected:
  void closeEvent(QCloseEvent* e) override;
  // Hovering an edge of the graph shows its variable's value.
  bool eventFilter(QObject* watched, QEvent* e) override;

 private:
  QDockWidget* add_dock(const QString& title, const char* name, QWidget* panel, Qt::DockWidgetArea area);
  void build_menus();
  void remember(const QString& path);
  void fill_recent_menu();
  void save_script(bool ask);
  void show_state(const views::StepState& s);
  void show_error(const QString& message);
  void show_inspected();
  void show_graph_state(const views::StepState& s);

  views::Session& session_;
  views::JaxprView* jaxpr_;
  views::VariablesView* variables_;
  views::TransformBar* transforms_;
  views::ScriptPanel* script_;
  views::ConsoleView* console_;
  ComparePanel* compare_;
  views::ValueInspector* inspector_;
  QComboBox* inspect_what_;
  views::GraphView* graph_;
  int graph_program_ = -1;  // the session's program_id the graph shows
  QHash<QString, double> magnitudes_;  // the derivatives so far, for the graph's edges
  QString graph_hover_;  // the variable of the graph edge hovered, its value on the way
  QPoint graph_hover_at_;
  views::TraceBrowser* traces_;
  QString trace_path_;  // the trace listed in the Traces panel
  bool replay_ = false;
  QString inspecting_;  // the variable asked for
  views::VariableValue inspected_;
  QComboBox* mode_;
  QLabel* status_;
  QLabel* phase_banner_;
  QMenu* recent_ = nullptr;
  QMenu* view_ = nullptr;
  QByteArray default_state_;
};

}  // namespace jxr::gui
