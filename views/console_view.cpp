#include "views/console_view.h"

#include <QAction>
#include <QApplication>
#include <QContextMenuEvent>
#include <QMenu>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBlock>

#include "views/theme.h"

namespace jxr::views {

namespace {

// Where each run of text came from, kept in its format so a theme switch can
// recolour what is already shown.
constexpr int kKindProperty = QTextFormat::UserProperty + 1;

const QRegularExpression& location_pattern() {
  // CPython's traceback and SyntaxError form: `File "script.py", line 3`.
  static const QRegularExpression re(QString::fromLatin1(R"re(File "([^"]+)", line (\d+))re"));
  return re;
}

}  // namespace

ConsoleView::ConsoleView(QWidget* parent) : QPlainTextEdit(parent), clear_action_(new QAction(tr("Clear"), this)) {
  setReadOnly(true);
  // Keys as well as the mouse select, so Ctrl+A, Ctrl+C copy the output.
  setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  setUndoRedoEnabled(false);
  setLineWrapMode(QPlainTextEdit::WidgetWidth);
  setMaximumBlockCount(kMaxLines);
  document()->setDocumentMargin(6);
  setPlaceholderText(tr("Output of the script appears here."));
  viewport()->setMouseTracking(true);
  clear_action_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
  clear_action_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  addAction(clear_action_);
  connect(clear_action_, &QAction::triggered, this, [this] {
    clear();
    line_cut_ = false;
  });
  connect(&ThemeNotifier::instance(), &ThemeNotifier::theme_changed, this, &ConsoleView::restyle);
  restyle();
}

void ConsoleView::append_output(const QString& text) { insert(text, Kind::Output); }

void ConsoleView::append_error(const QString& text) { insert(text, Kind::Error); }

void ConsoleView::append_info(const QString& line) {
  const QString body = line.endsWith(QLatin1Char('\n')) ? line : line + QLatin1Char('\n');
  insert(document()->lastBlock().length() > 1 ? QLatin1Char('\n') + body : body, Kind::Info);
}

QTextCharFormat ConsoleView::format_of(Kind kind) const {
  const Theme& t = theme();
  QTextCharFormat f;
  f.setProperty(kKindProperty, static_cast<int>(kind));
  switch (kind) {
    case Kind::Output:
      f.setForeground(t.text);
      break;
    case Kind::Error:
      f.setForeground(t.error);
      break;
    case Kind::Info:
      f.setForeground(t.info);
      f.setFontItalic(true);
      break;
    case Kind::Link:
      f.setForeground(t.link);
      f.setFontUnderline(true);
      break;
  }
  return f;
}

void ConsoleView::insert(const QString& raw, Kind kind) {
  if (raw.isEmpty()) return;
  // Windows line ends would show as stray characters at each line's end.
  const QString text =
      raw.contains(QLatin1Char('\r')) ? QString(raw).replace(QLatin1String("\r\n"), QLatin1String("\n")) : raw;
  QScrollBar* bar = verticalScrollBar();
  // Follow new output only when the user has not scrolled up to read.
  const bool follow = bar->value() == bar->maximum();
  QTextCursor c(document());
  c.movePosition(QTextCursor::End);
  const QTextCharFormat fmt = format_of(kind);
  c.beginEditBlock();
  qsizetype from = 0;
  // Lines that would fall off the top within this one write are skipped
  // (the empty line after the last newline is one of the kMaxLines).
  const qsizetype newlines = text.count(QLatin1Char('\n'));
  for (qsizetype skip = newlines - (kMaxLines - 1); skip > 0; --skip) from = text.indexOf(QLatin1Char('\n'), from) + 1;
  if (from > 0) {
    // The first line kept starts a line of its own, not the end of the last one.
    if (document()->lastBlock().length() > 1) c.insertBlock();
    line_cut_ = false;
  }
  while (from <= text.size()) {
    qsizetype nl = text.indexOf(QLatin1Char('\n'), from);
    const qsizetype piece_end = nl < 0 ? text.size() : nl;
    if (!line_cut_) {
      // lastBlock().length() counts the block separator.
      const qsizetype room = kMaxLineChars - (document()->lastBlock().length() - 1);
      const qsizetype take = std::min(piece_end - from, std::max<qsizetype>(room, 0));
      if (take > 0) c.insertText(text.mid(from, take), fmt);
      if (take < piece_end - from) {
        c.insertText(tr(" … [line cut at %1 characters]").arg(kMaxLineChars), format_of(Kind::Info));
        line_cut_ = true;
      }
    }
    if (nl < 0) break;
    c.insertBlock();
    line_cut_ = false;
    from = nl + 1;
  }
  c.endEditBlock();
  // Blocks dropped off the top renumber the rest; the new text is in the
  // last blocks, one more than the newlines it held.
  mark_links(document()->blockCount() - 1 - static_cast<int>(std::min<qsizetype>(newlines, kMaxLines)));
  if (follow) bar->setValue(bar->maximum());
}

void ConsoleView::mark_links(int first_block) {
  const QTextCharFormat link = format_of(Kind::Link);
  for (QTextBlock b = document()->findBlockByNumber(std::max(first_block, 0)); b.isValid(); b = b.next()) {
    for (auto it = location_pattern().globalMatch(b.text()); it.hasNext();) {
      const auto m = it.next();
      QTextCursor c(b);
      c.setPosition(b.position() + static_cast<int>(m.capturedStart()));
      c.setPosition(b.position() + static_cast<int>(m.capturedEnd()), QTextCursor::KeepAnchor);
      c.mergeCharFormat(link);
    }
  }
}

bool ConsoleView::location_at(QPoint viewport_pos, Location* out) const {
  const QTextCursor c = cursorForPosition(viewport_pos);
  const QTextBlock b = c.block();
  // cursorForPosition snaps to the nearest character even past the end of
  // a line; the click must be on the link's text itself.
  const QRect caret = cursorRect(c);
  if (std::abs(caret.center().x() - viewport_pos.x()) > fontMetrics().averageCharWidth()) return false;
  const int at = c.positionInBlock();
  for (auto it = location_pattern().globalMatch(b.text()); it.hasNext();) {
    const auto m = it.next();
    if (at >= m.capturedStart() && at <= m.capturedEnd()) {
      bool ok = false;
      const int line = m.captured(2).toInt(&ok);
      if (!ok) return false;
      *out = {m.captured(1), line};
      return true;
    }
  }
  return false;
}

void ConsoleView::mousePressEvent(QMouseEvent* e) {
  press_pos_ = e->position().toPoint();
  QPlainTextEdit::mousePressEvent(e);
}

void ConsoleView::mouseReleaseEvent(QMouseEvent* e) {
  QPlainTextEdit::mouseReleaseEvent(e);
  const QPoint pos = e->position().toPoint();
  // A drag selects text; only a click follows a link.
  if (e->button() != Qt::LeftButton || (pos - press_pos_).manhattanLength() >= QApplication::startDragDistance())
    return;
  Location loc;
  if (location_at(pos, &loc)) emit location_activated(loc.file, loc.line);
}

void ConsoleView::mouseMoveEvent(QMouseEvent* e) {
  QPlainTextEdit::mouseMoveEvent(e);
  Location loc;
  viewport()->setCursor(location_at(e->position().toPoint(), &loc) ? Qt::PointingHandCursor : Qt::IBeamCursor);
}

void ConsoleView::contextMenuEvent(QContextMenuEvent* e) {
  QMenu* menu = createStandardContextMenu(e->pos());
  menu->addSeparator();
  clear_action_->setEnabled(!document()->isEmpty());
  menu->addAction(clear_action_);
  menu->setAttribute(Qt::WA_DeleteOnClose);
  menu->popup(e->globalPos());
}

void ConsoleView::restyle() {
  setFont(monospace_font());
  // Recolour what is shown: each run keeps its kind in its format.
  QTextCursor c(document());
  c.beginEditBlock();
  for (QTextBlock b = document()->begin(); b.isValid(); b = b.next()) {
    for (auto it = b.begin(); !it.atEnd(); ++it) {
      const QTextFragment frag = it.fragment();
      if (!frag.isValid() || !frag.charFormat().hasProperty(kKindProperty)) continue;
      const auto kind = static_cast<Kind>(frag.charFormat().intProperty(kKindProperty));
      c.setPosition(frag.position());
      c.setPosition(frag.position() + frag.length(), QTextCursor::KeepAnchor);
      c.mergeCharFormat(format_of(kind));
    }
  }
  c.endEditBlock();
}

}  // namespace jxr::views
