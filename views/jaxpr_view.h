// The jaxpr panel: the program's text, read-only and coloured, with the
// current equation highlighted and a margin of breakpoints (click the margin
// or press F9 on a line).
#pragma once

#include <QPlainTextEdit>

#include "views/session.h"

namespace jxr::views {

class JaxprView : public QPlainTextEdit {
  Q_OBJECT
 public:
  explicit JaxprView(Session& session, QWidget* parent = nullptr);

  int current_equation() const { return current_; }
  // The top-level equation that starts on or spans `block` (a 0-based line), or -1.
  int equation_at_line(int block) const;
  void toggle_breakpoint_at_cursor();

 protected:
  void resizeEvent(QResizeEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;

 private:
  friend class BreakpointMargin;
  void reload();
  void show_state(const StepState& s);
  void update_selections();
  void paint_margin(QPaintEvent* e);

  Session& session_;
  QWidget* margin_;
  int current_ = -1;
};

}  // namespace jxr::views
