#include "views/editor_view.h"

#include <Qsci/qscilexerpython.h>

#include <QFile>
#include <QFontMetrics>
#include <QKeyEvent>
#include <QPainter>
#include <QSaveFile>
#include <QStringDecoder>
#include <algorithm>

#include "views/theme.h"

namespace jxr::views {

namespace {

// Python, with the names of JAX's namespaces and transformations picked out
// (Scintilla's "highlighted identifiers") so jnp calls read as primitives.
class JaxPythonLexer : public QsciLexerPython {
 public:
  using QsciLexerPython::QsciLexerPython;
  const char* keywords(int set) const override {
    if (set == 2)
      return "jax jnp lax numpy np random jit grad value_and_grad vmap jvp vjp linearize jacfwd jacrev "
             "hessian make_jaxpr";
    return QsciLexerPython::keywords(set);
  }
};

// Files beyond this are not scripts; refusing them keeps the editor responsive.
constexpr qint64 kMaxFileBytes = 8 << 20;

// The annotation style: a fixed number above the Python lexer's styles and
// Scintilla's predefined ones (QsciStyle's own numbering is process-wide and
// runs out after a few dozen editors).
constexpr int kErrorStyle = 63;

QImage dot_image(QColor fill, int size) {
  QImage img(size, size, QImage::Format_ARGB32_Premultiplied);
  img.fill(Qt::transparent);
  QPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(fill.darker(130), 1.0));
  p.setBrush(fill);
  p.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3));
  return img;
}

QImage arrow_image(QColor fill, int size) {
  QImage img(size, size, QImage::Format_ARGB32_Premultiplied);
  img.fill(Qt::transparent);
  QPainter p(&img);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(QPen(fill.darker(150), 1.0));
  p.setBrush(fill);
  const double s = size, m = s * 0.5;
  // A block arrow: a shaft and a head, pointing at the text.
  p.drawPolygon(QPolygonF{{1.5, m - s * 0.18},
                          {m, m - s * 0.18},
                          {m, 1.5},
                          {s - 1.5, m},
                          {m, s - 1.5},
                          {m, m + s * 0.18},
                          {1.5, m + s * 0.18}});
  return img;
}

}  // namespace

EditorView::EditorView(QWidget* parent)
    : QsciScintilla(parent), lexer_(new JaxPythonLexer(this)), error_style_(kErrorStyle) {
  setUtf8(true);
  setLexer(lexer_);

  setIndentationsUseTabs(false);
  setTabWidth(4);
  setIndentationWidth(4);
  setTabIndents(true);
  setBackspaceUnindents(true);
  setAutoIndent(true);
  setIndentationGuides(true);
  setBraceMatching(SloppyBraceMatch);
  // The horizontal scroll range follows the longest line seen, not a fixed 2000 px.
  SendScintilla(SCI_SETSCROLLWIDTH, 1);
  SendScintilla(SCI_SETSCROLLWIDTHTRACKING, 1);
  SendScintilla(SCI_SETMARGINLEFT, 0, 6);
  // Jumps to the current line keep a few lines of context above and below it.
  SendScintilla(SCI_SETVISIBLEPOLICY, VISIBLE_SLOP | VISIBLE_STRICT, 4);

  setMarginType(SymbolMargin, SymbolMarginColor);
  setMarginSensitivity(SymbolMargin, true);
  setMarginMarkerMask(SymbolMargin, (1 << BreakpointMarker) | (1 << CurrentArrowMarker));
  setMarginType(LineNumberMargin, NumberMargin);
  setMarginMarkerMask(LineNumberMargin, 0);
  setMarginSensitivity(LineNumberMargin, false);
  markerDefine(Background, LinkedLineMarker);
  markerDefine(Background, CurrentLineMarker);

  error_indicator_ = indicatorDefine(SquiggleIndicator);
  setAnnotationDisplay(AnnotationBoxed);

  SendScintilla(SCI_SETMOUSEDWELLTIME, 500);
  connect(this, &QsciScintillaBase::SCN_DWELLSTART, this, &EditorView::on_dwell);
  connect(this, &QsciScintilla::marginClicked, this, [this](int margin, int line, Qt::KeyboardModifiers) {
    if (margin == SymbolMargin) toggle_breakpoint(line + 1);
  });
  // Scintilla reports cursor moves when it next repaints; user input is
  // reported at once (keyPressEvent, mousePressEvent), the rest from here.
  connect(this, &QsciScintilla::cursorPositionChanged, this, [this](int line, int) { on_cursor_moved(line); });
  // Markers ride along with their lines as text is inserted or deleted.
  connect(this, &QsciScintilla::linesChanged, this, [this] {
    update_line_number_width();
    notify_breakpoints();
  });
  connect(&ThemeNotifier::instance(), &ThemeNotifier::theme_changed, this, &EditorView::restyle);
  restyle();
}

int EditorView::clamp_line(int line) const { return std::clamp(line, 1, std::max(1, lines())); }

QVector<int> EditorView::breakpoint_lines() const {
  QVector<int> out;
  for (int l = markerFindNext(0, 1u << BreakpointMarker); l >= 0; l = markerFindNext(l + 1, 1u << BreakpointMarker))
    out.append(l + 1);
  return out;
}

void EditorView::set_breakpoint_lines(const QVector<int>& lines_1_based) {
  markerDeleteAll(BreakpointMarker);
  for (int l : lines_1_based)
    if (l >= 1 && l <= lines() && !(markersAtLine(l - 1) & (1u << BreakpointMarker)))
      markerAdd(l - 1, BreakpointMarker);
  notify_breakpoints();
}

void EditorView::notify_breakpoints() {
  QVector<int> now = breakpoint_lines();
  if (now == breakpoints_) return;
  breakpoints_ = std::move(now);
  emit breakpoints_changed();
}

void EditorView::toggle_breakpoint(int line) {
  if (line < 1 || line > lines()) return;
  if (markersAtLine(line - 1) & (1u << BreakpointMarker))
    markerDelete(line - 1, BreakpointMarker);
  else
    markerAdd(line - 1, BreakpointMarker);
  notify_breakpoints();
}

void EditorView::set_current_line(int line) {
  markerDeleteAll(CurrentLineMarker);
  markerDeleteAll(CurrentArrowMarker);
  current_line_ = (line >= 1 && line <= lines()) ? line : -1;
  if (current_line_ < 0) return;
  markerAdd(current_line_ - 1, CurrentLineMarker);
  markerAdd(current_line_ - 1, CurrentArrowMarker);
  ensureLineVisible(current_line_ - 1);
}

void EditorView::set_linked_lines(const QVector<int>& lines_1_based) {
  markerDeleteAll(LinkedLineMarker);
  for (int l : lines_1_based)
    if (l >= 1 && l <= lines()) markerAdd(l - 1, LinkedLineMarker);
}

void EditorView::show_error(int line, const QString& message) {
  const int l = clamp_line(line) - 1;
  const long start = SendScintilla(SCI_GETLINEINDENTPOSITION, l);
  const long end = SendScintilla(SCI_GETLINEENDPOSITION, l);
  if (end > start) {
    SendScintilla(SCI_SETINDICATORCURRENT, error_indicator_);
    SendScintilla(SCI_INDICATORFILLRANGE, start, end - start);
  }
  // A second error on the same line goes under the first.
  const QString previous = annotation(l);
  const QString text = message.trimmed().isEmpty() ? tr("error") : message.trimmed();
  annotate(l, previous.isEmpty() ? text : previous + QLatin1Char('\n') + text, error_style_);
  ensureLineVisible(l);
}

void EditorView::clear_errors() {
  clearAnnotations();
  SendScintilla(SCI_SETINDICATORCURRENT, error_indicator_);
  SendScintilla(SCI_INDICATORCLEARRANGE, 0, length());
}

bool EditorView::load_file(const QString& path, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return false;
  };
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return fail(tr("Cannot open %1: %2").arg(path, f.errorString()));
  if (f.size() > kMaxFileBytes)
    return fail(tr("%1 is too large to edit (%2 MiB; scripts up to %3 MiB)")
                    .arg(path)
                    .arg(static_cast<double>(f.size()) / (1 << 20), 0, 'f', 1)
                    .arg(kMaxFileBytes >> 20));
  const QByteArray bytes = f.readAll();
  if (f.error() != QFileDevice::NoError) return fail(tr("Cannot read %1: %2").arg(path, f.errorString()));
  if (bytes.contains('\0')) return fail(tr("%1 is not a text file").arg(path));
  QStringDecoder decode(QStringDecoder::Utf8);
  const QString text = decode(bytes);
  if (decode.hasError()) return fail(tr("%1 is not UTF-8 text").arg(path));

  loading_ = true;
  setText(text);
  SendScintilla(SCI_EMPTYUNDOBUFFER);
  markerDeleteAll();
  clear_errors();
  current_line_ = -1;
  setCursorPosition(0, 0);
  last_cursor_line_ = 0;
  loading_ = false;
  setModified(false);
  file_path_ = path;
  notify_breakpoints();
  return true;
}

bool EditorView::save_file(const QString& path, QString* error) {
  QSaveFile f(path);
  if (!f.open(QIODevice::WriteOnly)) {
    if (error) *error = tr("Cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  f.write(text().toUtf8());
  if (!f.commit()) {
    if (error) *error = tr("Cannot write %1: %2").arg(path, f.errorString());
    return false;
  }
  setModified(false);
  file_path_ = path;
  return true;
}

void EditorView::keyPressEvent(QKeyEvent* e) {
  if (e->key() == Qt::Key_F9 && e->modifiers() == Qt::NoModifier) {
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    toggle_breakpoint(line + 1);
    return;
  }
  if (e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter) {
    // Auto-indent reads the lexer's styles of the line being ended (is its
    // ':' an operator?); keys typed faster than a repaint leave it unstyled.
    const long pos = SendScintilla(SCI_GETCURRENTPOS);
    SendScintilla(SCI_COLOURISE, 0, SendScintilla(SCI_GETLINEENDPOSITION, SendScintilla(SCI_LINEFROMPOSITION, pos)));
  }
  QsciScintilla::keyPressEvent(e);
  report_cursor_line();
}

void EditorView::mousePressEvent(QMouseEvent* e) {
  QsciScintilla::mousePressEvent(e);
  report_cursor_line();
}

void EditorView::report_cursor_line() {
  int line = 0, index = 0;
  getCursorPosition(&line, &index);
  on_cursor_moved(line);
}

void EditorView::restyle() {
  const Theme& t = theme();
  const QFont font = monospace_font();
  lexer_->setDefaultFont(font);
  lexer_->setDefaultPaper(t.background);
  lexer_->setDefaultColor(t.text);
  lexer_->setFont(font, -1);
  lexer_->setPaper(t.background, -1);
  lexer_->setColor(t.text, -1);
  const std::pair<int, QColor> colours[] = {
      {QsciLexerPython::Comment, t.comment},
      {QsciLexerPython::CommentBlock, t.comment},
      {QsciLexerPython::Number, t.number},
      {QsciLexerPython::DoubleQuotedString, t.string},
      {QsciLexerPython::SingleQuotedString, t.string},
      {QsciLexerPython::TripleSingleQuotedString, t.string},
      {QsciLexerPython::TripleDoubleQuotedString, t.string},
      {QsciLexerPython::DoubleQuotedFString, t.string},
      {QsciLexerPython::SingleQuotedFString, t.string},
      {QsciLexerPython::TripleSingleQuotedFString, t.string},
      {QsciLexerPython::TripleDoubleQuotedFString, t.string},
      {QsciLexerPython::UnclosedString, t.error},
      {QsciLexerPython::Keyword, t.keyword},
      {QsciLexerPython::ClassName, t.function},
      {QsciLexerPython::FunctionMethodName, t.function},
      {QsciLexerPython::HighlightedIdentifier, t.primitive},
      {QsciLexerPython::Decorator, t.decorator},
  };
  for (const auto& [style, colour] : colours) lexer_->setColor(colour, style);
  QFont bold = font;
  bold.setBold(true);
  for (int style : {QsciLexerPython::Keyword, QsciLexerPython::ClassName, QsciLexerPython::FunctionMethodName})
    lexer_->setFont(bold, style);

  setCaretForegroundColor(t.text);
  setSelectionBackgroundColor(t.selection);
  setMatchedBraceForegroundColor(t.text);
  setMatchedBraceBackgroundColor(t.selection);
  setUnmatchedBraceForegroundColor(t.error);
  setUnmatchedBraceBackgroundColor(t.background);
  setIndentationGuidesForegroundColor(t.gutter_text);
  setIndentationGuidesBackgroundColor(t.background);

  QFont margin_font = font;
  margin_font.setPointSizeF(font.pointSizeF() * 0.9);
  setMarginsFont(margin_font);
  setMarginsBackgroundColor(t.gutter);
  setMarginsForegroundColor(t.gutter_text);
  setMarginBackgroundColor(SymbolMargin, t.gutter);
  // The symbols fill the line height, with a pixel of air above and below.
  const int line_height = QFontMetrics(font).height();
  const int symbol = std::max(10, line_height - 2);
  setMarginWidth(SymbolMargin, symbol + 6);
  markerDefine(dot_image(t.breakpoint, symbol), BreakpointMarker);
  markerDefine(arrow_image(t.execution, symbol), CurrentArrowMarker);
  setMarkerBackgroundColor(t.current_line, CurrentLineMarker);
  setMarkerBackgroundColor(t.linked_line, LinkedLineMarker);
  update_line_number_width();

  setIndicatorForegroundColor(t.error, error_indicator_);
  error_style_.setColor(t.error);
  error_style_.setPaper(t.error_background);
  error_style_.setFont(font);
  // Annotations keep the style they were made with; remake them in the new one.
  for (int l = 0; l < lines(); ++l) {
    const QString note = annotation(l);
    if (!note.isEmpty()) annotate(l, note, error_style_);
  }
}

void EditorView::update_line_number_width() {
  // Room for one more digit than the text needs, so typing past 99 or 999
  // lines does not make the text jump sideways.
  const int digits = static_cast<int>(QString::number(std::max(1, lines())).size());
  setMarginWidth(LineNumberMargin, QString(std::max(3, digits + 1), QLatin1Char('9')));
}

void EditorView::on_cursor_moved(int line) {
  if (loading_ || line == last_cursor_line_) return;
  last_cursor_line_ = line;
  emit line_activated(line + 1);
}

void EditorView::on_dwell(int position, int x, int y) {
  if (position < 0) return;
  const long start = SendScintilla(SCI_WORDSTARTPOSITION, position, true);
  const long end = SendScintilla(SCI_WORDENDPOSITION, position, true);
  if (end <= start) return;
  // The lexer classifies a word once it has seen the character after it.
  SendScintilla(SCI_COLOURISE, 0, SendScintilla(SCI_GETLINEENDPOSITION, SendScintilla(SCI_LINEFROMPOSITION, end)));
  // Only names: not keywords, numbers, strings or comments.
  const long style = SendScintilla(SCI_GETSTYLEAT, start);
  if (style != QsciLexerPython::Identifier && style != QsciLexerPython::HighlightedIdentifier &&
      style != QsciLexerPython::FunctionMethodName && style != QsciLexerPython::ClassName)
    return;
  emit hover_word(text(static_cast<int>(start), static_cast<int>(end)), viewport()->mapToGlobal(QPoint(x, y)));
}

}  // namespace jxr::views
