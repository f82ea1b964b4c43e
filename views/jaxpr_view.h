// The jaxpr panel: the program's text, read-only and coloured, with the
// current equation highlighted and a margin of breakpoints (click the margin
// or press F9 on a line) and bookmarks (Ctrl+M; Ctrl+. and Ctrl+, to go to
// the next and previous); hovering a variable shows its value. Equations
// can be searched and filtered by primitive, variable or type.
#pragma once

#include <QPlainTextEdit>

#include "views/session.h"

namespace jxr::views {

// `h: f32[] = 6`, and its tangent or cotangent below: a variable's value as
// a hover tooltip shows it (in the jaxpr and graph panels).
QString value_tooltip(const VariableValue& v);

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

  // The equations matching `query`: a lowercase word matches a primitive or
  // a variable by its whole name (`mul`, `c`), anything else matches text
  // in the equation (`f32[5]`, `axes=(0,)`). Empty: none.
  QVector<int> find_equations(const QString& query) const;
  // Highlights the equations matching `query`; with `filter`, hides the
  // others (their lines fold away) until the query is cleared.
  void set_search(const QString& query, bool filter);
  QVector<int> matches() const { return matches_; }
  // Selects the next (or previous) match after the cursor, wrapping; -1: none.
  int next_match(bool backwards = false);

  void toggle_bookmark_at_cursor();
  QSet<int> bookmarks() const { return bookmarks_; }
  // Moves to the next (or previous) bookmark after the cursor, wrapping; -1: none.
  int next_bookmark(bool backwards = false);

 signals:
  // The user clicked an equation of the program (not the linear jaxpr).
  void equation_clicked(int equation);

 protected:
  void resizeEvent(QResizeEvent* e) override;
  void keyPressEvent(QKeyEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
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
  // The text lines [first, last) that equation `eqn` spans in the shown jaxpr.
  std::pair<int, int> equation_span(int eqn) const;
  int cursor_equation() const;
  int go_to_next(const QVector<int>& sorted, bool backwards);

  Session& session_;
  QWidget* margin_;
  int current_ = -1;
  int selected_ = -1;
  bool linear_ = false;
  QVector<int> matches_;
  QSet<int> bookmarks_;
  QString hovered_;  // the variable whose value is on its way
  QPoint hover_pos_;
};

}  // namespace jxr::views
