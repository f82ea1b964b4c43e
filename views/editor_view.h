// The script editor: Python with syntax colours from the theme, line numbers,
// a breakpoint margin, the source line of the current equation, lines linked
// to a selected equation, errors underlined with their message beneath, and
// a hover hook so the app can show a variable's value.
#pragma once

#include <Qsci/qsciscintilla.h>
#include <Qsci/qscistyle.h>

#include <QPoint>
#include <QString>
#include <QVector>

class QsciLexerPython;

namespace jxr::views {

class EditorView : public QsciScintilla {
  Q_OBJECT
 public:
  // Margins, left to right.
  enum Margin { SymbolMargin = 0, LineNumberMargin = 1 };
  // Marker numbers, in drawing order (a higher number paints on top).
  enum Marker { LinkedLineMarker = 0, CurrentLineMarker = 1, BreakpointMarker = 2, CurrentArrowMarker = 3 };

  explicit EditorView(QWidget* parent = nullptr);

  // Lines are 1-based throughout, as in Python tracebacks.
  QVector<int> breakpoint_lines() const;
  void set_breakpoint_lines(const QVector<int>& lines);
  void toggle_breakpoint(int line);

  // Marks `line` as the one executing and scrolls to it; -1 clears.
  void set_current_line(int line);
  int current_line() const { return current_line_; }
  void set_linked_lines(const QVector<int>& lines);

  // Underlines `line` and writes `message` beneath it. A line outside the
  // text goes to the nearest line, so no error is lost.
  void show_error(int line, const QString& message);
  void clear_errors();

  // On failure the text is unchanged and *error says why.
  bool load_file(const QString& path, QString* error = nullptr);
  bool save_file(const QString& path, QString* error = nullptr);
  QString file_path() const { return file_path_; }
  bool is_modified() const { return isModified(); }

  QsciLexerPython* python_lexer() const { return lexer_; }

 signals:
  // A breakpoint was set or cleared, or moved with an edit of the lines above it.
  void breakpoints_changed();
  // The user put the cursor on another line (click or keys).
  void line_activated(int line);
  // The mouse rested on an identifier for half a second.
  void hover_word(const QString& word, QPoint global_pos);

 protected:
  void keyPressEvent(QKeyEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;

 private:
  void restyle();
  void notify_breakpoints();
  void update_line_number_width();
  void on_cursor_moved(int line);
  void report_cursor_line();
  void on_dwell(int position, int x, int y);
  int clamp_line(int line) const;

  QsciLexerPython* lexer_;
  QsciStyle error_style_;
  int error_indicator_;
  QString file_path_;
  QVector<int> breakpoints_;  // as last reported by breakpoints_changed
  int current_line_ = -1;
  int last_cursor_line_ = -1;
  bool loading_ = false;
};

}  // namespace jxr::views
