// The console: what the user's Python code prints, its errors and tracebacks
// (each `File "NAME", line N` a link back to the source) and notes from the
// debugger, with a cap on retained lines so an endless print loop cannot
// exhaust memory.
#pragma once

#include <QPlainTextEdit>

class QAction;

namespace jxr::views {

class ConsoleView : public QPlainTextEdit {
  Q_OBJECT
 public:
  // The oldest lines go first once there are more than this.
  static constexpr int kMaxLines = 10000;
  // A longer line (one print of a huge array) is cut, with a note saying so.
  static constexpr int kMaxLineChars = 20000;

  explicit ConsoleView(QWidget* parent = nullptr);

  // Streams as written: a chunk need not end a line; a line ends at '\n'.
  void append_output(const QString& text);
  void append_error(const QString& text);
  // A note on a line of its own, in grey ("running f(x)…").
  void append_info(const QString& line);

  QAction* clear_action() const { return clear_action_; }

 signals:
  void location_activated(const QString& file, int line);

 protected:
  void contextMenuEvent(QContextMenuEvent* e) override;
  void mousePressEvent(QMouseEvent* e) override;
  void mouseReleaseEvent(QMouseEvent* e) override;
  void mouseMoveEvent(QMouseEvent* e) override;

 private:
  enum class Kind { Output, Error, Info, Link };
  struct Location {
    QString file;
    int line = 0;
  };

  void insert(const QString& raw, Kind kind);
  void mark_links(int first_block);
  QTextCharFormat format_of(Kind kind) const;
  bool location_at(QPoint viewport_pos, Location* out) const;
  void restyle();

  QAction* clear_action_;
  QPoint press_pos_;
  // The last line has been cut at kMaxLineChars; the rest of it is dropped.
  bool line_cut_ = false;
};

}  // namespace jxr::views
