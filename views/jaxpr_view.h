// The jaxpr panel: the program's text, read-only and coloured, with the
// current equation highlighted and a margin of breakpoints (click the margin
// or press F9 on a line); hovering a variable shows its value.
#pragma once

#include <QPlainTextEdit>

#include "views/session.h"

namespace jxr::views {

class JaxprView : public QPlainTextEdit {
  Q_OBJECT
 public:
  explicit JaxprView(Session& session, QWidget* parent = nullptr);

  // In the backward phase of vjp, an equation of the linear jaxpr, which the panel shows then.
  int current_equation() const { return current_; }
  bool showing_linear() const { return linear_; }
  // The top-level equation that starts on or spans `block` (a 0-based line), or -1.
  int equation_at_line(int block) const;
  void toggle_breakpoint_at_cursor();
  // Marks `equation` as selected elsewhere (its source line, its graph node)
  // and scrolls to it; -1 clears.
  void select_equation(int equation);
  int selected_equation() const { return selected_; }

 protected:
  void resizeEvent(QResizeEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;
  // Hovering a variable asks the session for its value, shown when it comes.
  bool viewportEvent(QEvent* e) override;

 private:
  friend class BreakpointMargin;
  void reload();
  // The equations' first lines and the breakpoints of the jaxpr shown.
  QVector<int> shown_lines() const;
  QSet<int> shown_breakpoints() const;
  void show_state(const StepState& s);
  void update_selections();
  void paint_margin(QPaintEvent* e);

  Session& session_;
  QWidget* margin_;
  int current_ = -1;
  int selected_ = -1;
  bool linear_ = false;
  QString hovered_;  // the variable whose value is on its way
  QPoint hover_pos_;
};

}  // namespace jxr::views
