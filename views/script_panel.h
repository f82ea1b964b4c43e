// The script panel: the editor of a JAX-style Python script, the call to
// trace (`f(jnp.arange(3.0))`, filled from the script's `# jaxray: CALL`
// comment), and Run and Stop. It links the script with the session: the
// source line of the current equation is marked, breakpoints in the margin
// become source-line breakpoints, and an error is shown on its line.
#pragma once

#include <QWidget>

#include "views/session.h"

class QLineEdit;
class QToolButton;
class QLabel;

namespace jxr::views {

class EditorView;

class ScriptPanel : public QWidget {
  Q_OBJECT
 public:
  explicit ScriptPanel(Session& session, QWidget* parent = nullptr);

  EditorView* editor() const { return editor_; }
  QLineEdit* call_field() const { return call_; }
  QToolButton* run_button() const { return run_; }
  QToolButton* stop_button() const { return stop_; }

  // Shows `source` as the script `file` (a path, or a name for a new or
  // bundled script) and takes the call from its last `# jaxray:` comment.
  void set_script(const QString& source, const QString& file);
  bool open_file(const QString& path, QString* error);
  // The script's name as tracebacks and source lines give it.
  QString file() const { return file_; }
  // Traces the call in the script as it is in the editor.
  void run();
  // Marks the source line of `equation` (chosen in another panel) and scrolls to it.
  void show_equation_source(int equation);

  // The call of the last `# jaxray: CALL` comment of `source`, or empty.
  static QString call_in(const QString& source);

 signals:
  // The user put the cursor on a line of the script that produced equations.
  void equations_selected(const QVector<int>& equations);

 private:
  void show_state(const StepState& s);
  void sync_breakpoints();

  Session& session_;
  EditorView* editor_;
  QLineEdit* call_;
  QToolButton* run_;
  QToolButton* stop_;
  QLabel* busy_;
  QString file_;
};

}  // namespace jxr::views
