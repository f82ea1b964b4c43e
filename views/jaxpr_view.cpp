#include "views/jaxpr_view.h"

#include <algorithm>

#include <QKeyEvent>
#include <QPainter>
#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextBlock>
#include <QToolTip>

#include "views/theme.h"

namespace jxr::views {

namespace {

// Colours primitives (the word after `=`), types (`f32[3]`) and literals.
class JaxprHighlighter : public QSyntaxHighlighter {
 public:
  using QSyntaxHighlighter::QSyntaxHighlighter;

 protected:
  void highlightBlock(const QString& text) override {
    static const QRegularExpression primitive(R"(=\s+([A-Za-z_][A-Za-z0-9_]*))");
    static const QRegularExpression type(R"(\b(?:f16|bf16|f32|f64|i8|i16|i32|i64|u8|u16|u32|u64|bool)\[[0-9,]*\])");
    static const QRegularExpression literal(R"((?<![A-Za-z_])-?[0-9]+(?:\.[0-9]*)?(?:e-?[0-9]+)?(?=:)|\b(?:True|False|inf|nan)(?=:))");
    static const QRegularExpression keyword(R"(\b(?:lambda|let|in)\b)");
    const Theme& t = theme();
    QTextCharFormat f;
    f.setForeground(t.primitive);
    f.setFontWeight(QFont::Bold);
    for (auto it = primitive.globalMatch(text); it.hasNext();) {
      auto m = it.next();
      setFormat(m.capturedStart(1), m.capturedLength(1), f);
    }
    auto apply = [&](const QRegularExpression& re, QColor c) {
      QTextCharFormat fmt;
      fmt.setForeground(c);
      for (auto it = re.globalMatch(text); it.hasNext();) {
        auto m = it.next();
        setFormat(m.capturedStart(), m.capturedLength(), fmt);
      }
    };
    apply(type, t.type);
    apply(literal, t.literal);
    apply(keyword, t.keyword);
  }
};

constexpr int kMarginWidth = 18;

}  // namespace

class BreakpointMargin : public QWidget {
 public:
  explicit BreakpointMargin(JaxprView& view) : QWidget(&view), view_(view) { setObjectName("breakpoint_margin"); }

 protected:
  void paintEvent(QPaintEvent* e) override { view_.paint_margin(e); }
  void mousePressEvent(QMouseEvent* e) override {
    if (view_.showing_linear()) return;
    int eqn = view_.equation_at_line(view_.cursorForPosition({0, e->position().toPoint().y()}).blockNumber());
    if (eqn >= 0) view_.session_.toggle_breakpoint(eqn);
  }

 private:
  JaxprView& view_;
};

namespace {

// `[1.0, 2.0, …]`: the first values of an array, enough for a tooltip.
QString short_preview(const ArrayData& a) {
  constexpr qsizetype kShown = 8;
  QStringList items;
  for (qsizetype i = 0; i < std::min(kShown, a.values.size()); ++i) items << QString::number(a.values[i], 'g', 6);
  QString text = items.join(QStringLiteral(", "));
  if (a.values.size() > kShown) text += QStringLiteral(", …");
  return a.shape.isEmpty() ? text : QLatin1Char('[') + text + QLatin1Char(']');
}

}  // namespace

QString value_tooltip(const VariableValue& v) {
  if (!v.found) return QObject::tr("%1: not computed yet").arg(v.name);
  QString text = QStringLiteral("%1: %2 = %3").arg(v.name, v.value.type_string(), short_preview(v.value));
  if (!v.derivative_kind.isEmpty())
    text += QStringLiteral("\n%1: %2").arg(v.derivative_kind, short_preview(v.derivative));
  return text;
}

JaxprView::JaxprView(Session& session, QWidget* parent)
    : QPlainTextEdit(parent), session_(session), margin_(new BreakpointMargin(*this)) {
  setReadOnly(true);
  // Keyboard focus and a cursor even though read-only: F9 acts on the cursor's line.
  setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setFont(monospace_font());
  setViewportMargins(kMarginWidth, 0, 0, 0);
  auto* highlighter = new JaxprHighlighter(document());
  connect(this, &QPlainTextEdit::updateRequest, margin_, [this](const QRect&, int) { margin_->update(); });
  connect(&session_, &Session::loaded, this, &JaxprView::reload);
  connect(&session_, &Session::stepped, this, &JaxprView::show_state);
  connect(&session_, &Session::breakpoints_changed, this, &JaxprView::update_selections);
  connect(&ThemeNotifier::instance(), &ThemeNotifier::theme_changed, this, [this, highlighter] {
    highlighter->rehighlight();
    update_selections();
  });
  connect(&session_, &Session::value_ready, this, [this](const VariableValue& v) {
    if (v.name != hovered_) return;
    hovered_.clear();
    QToolTip::showText(hover_pos_, value_tooltip(v));
  });
  reload();
}

QVector<int> JaxprView::shown_lines() const {
  return linear_ ? session_.linear_lines() : session_.equation_lines();
}

QSet<int> JaxprView::shown_breakpoints() const { return linear_ ? QSet<int>{} : session_.breakpoints(); }

int JaxprView::equation_at_line(int block) const {
  const QVector<int> lines = shown_lines();
  auto i = std::upper_bound(lines.begin(), lines.end(), block) - lines.begin() - 1;
  if (i < 0) return -1;
  // The last equation spans the lines up to the `in` line.
  if (i + 1 == lines.size()) {
    for (int b = lines[i] + 1; b <= block; ++b)
      if (document()->findBlockByNumber(b).text().trimmed().startsWith(QLatin1String("in "))) return -1;
  }
  return static_cast<int>(i);
}

void JaxprView::toggle_breakpoint_at_cursor() {
  // Breakpoints are on the program's equations, not the linear jaxpr's.
  int eqn = linear_ ? -1 : equation_at_line(textCursor().blockNumber());
  if (eqn >= 0) session_.toggle_breakpoint(eqn);
}

void JaxprView::select_equation(int equation) {
  const QVector<int> lines = shown_lines();
  selected_ = !linear_ && equation >= 0 && equation < lines.size() ? equation : -1;
  if (selected_ >= 0) {
    setTextCursor(QTextCursor(document()->findBlockByNumber(lines[selected_])));
    ensureCursorVisible();
  }
  update_selections();
}

bool JaxprView::viewportEvent(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    QTextCursor c = cursorForPosition(help->pos());
    c.select(QTextCursor::WordUnderCursor);
    const QString word = c.selectedText();
    static const QRegularExpression var(QStringLiteral("^[a-z]+$"));
    // The linear jaxpr's names are not the program's: its variables' cotangents are in the variables panel.
    if (!linear_ && var.match(word).hasMatch() && !session_.jaxpr_text().isEmpty()) {
      hovered_ = word;
      hover_pos_ = help->globalPos();
      session_.request_value(word);
    } else {
      QToolTip::hideText();
    }
    return true;
  }
  return QPlainTextEdit::viewportEvent(e);
}

void JaxprView::resizeEvent(QResizeEvent* e) {
  QPlainTextEdit::resizeEvent(e);
  QRect r = contentsRect();
  margin_->setGeometry(r.left(), r.top(), kMarginWidth, r.height());
}

void JaxprView::mouseReleaseEvent(QMouseEvent* e) {
  QPlainTextEdit::mouseReleaseEvent(e);
  const int eqn = linear_ || e->button() != Qt::LeftButton ? -1 : cursor_equation();
  if (eqn >= 0) emit equation_clicked(eqn);
}

void JaxprView::keyPressEvent(QKeyEvent* e) {
  if (e->key() == Qt::Key_F9 && e->modifiers() == Qt::NoModifier) {
    toggle_breakpoint_at_cursor();
    return;
  }
  if (e->modifiers() == Qt::ControlModifier) {
    switch (e->key()) {
      case Qt::Key_M: return toggle_bookmark_at_cursor();
      case Qt::Key_Period: next_bookmark(false); return;
      case Qt::Key_Comma: next_bookmark(true); return;
      default: break;
    }
  }
  QPlainTextEdit::keyPressEvent(e);
}

std::pair<int, int> JaxprView::equation_span(int eqn) const {
  const QVector<int> lines = shown_lines();
  if (eqn + 1 < lines.size()) return {lines[eqn], lines[eqn + 1]};
  // The last equation runs up to the `in` line.
  int end = lines[eqn] + 1;
  while (end < document()->blockCount() &&
         !document()->findBlockByNumber(end).text().trimmed().startsWith(QLatin1String("in ")))
    ++end;
  return {lines[eqn], end};
}

QVector<int> JaxprView::find_equations(const QString& query) const {
  const QString q = query.trimmed();
  QVector<int> found;
  if (q.isEmpty()) return found;
  static const QRegularExpression word(QStringLiteral("^[a-z_][a-z0-9_]*$"));
  const QRegularExpression whole(QStringLiteral("(?<![\\w.])%1(?![\\w])").arg(QRegularExpression::escape(q)));
  const bool by_name = word.match(q).hasMatch();
  for (int i = 0; i < shown_lines().size(); ++i) {
    const auto [first, last] = equation_span(i);
    QString text;
    for (int b = first; b < last; ++b) text += document()->findBlockByNumber(b).text() + QLatin1Char('\n');
    if (by_name ? whole.match(text).hasMatch() : text.contains(q)) found.push_back(i);
  }
  return found;
}

void JaxprView::set_search(const QString& query, bool filter) {
  matches_ = find_equations(query);
  const bool hide = filter && !query.trimmed().isEmpty();
  QVector<bool> keep(document()->blockCount(), !hide);
  if (hide) {
    // The header, the `in` line and the matches stay.
    const QVector<int> lines = shown_lines();
    for (int b = 0; b < (lines.isEmpty() ? keep.size() : lines.first()); ++b) keep[b] = true;
    if (!lines.isEmpty())
      for (int b = equation_span(static_cast<int>(lines.size()) - 1).second; b < keep.size(); ++b) keep[b] = true;
    for (int m : matches_) {
      const auto [first, last] = equation_span(m);
      for (int b = first; b < last; ++b) keep[b] = true;
    }
  }
  for (QTextBlock b = document()->begin(); b.isValid(); b = b.next()) b.setVisible(keep[b.blockNumber()]);
  document()->markContentsDirty(0, document()->characterCount());
  viewport()->update();
  update_selections();
}

int JaxprView::cursor_equation() const { return equation_at_line(textCursor().blockNumber()); }

int JaxprView::go_to_next(const QVector<int>& sorted, bool backwards) {
  if (sorted.isEmpty()) return -1;
  const int here = cursor_equation();
  int target = backwards ? sorted.back() : sorted.front();
  if (backwards) {
    for (auto it = sorted.rbegin(); it != sorted.rend(); ++it)
      if (*it < here) {
        target = *it;
        break;
      }
  } else {
    for (int e : sorted)
      if (e > here) {
        target = e;
        break;
      }
  }
  setTextCursor(QTextCursor(document()->findBlockByNumber(shown_lines()[target])));
  ensureCursorVisible();
  return target;
}

int JaxprView::next_match(bool backwards) { return go_to_next(matches_, backwards); }

void JaxprView::toggle_bookmark_at_cursor() {
  const int e = cursor_equation();
  if (e < 0 || linear_) return;
  if (!bookmarks_.remove(e)) bookmarks_.insert(e);
  margin_->update();
}

int JaxprView::next_bookmark(bool backwards) {
  QVector<int> sorted(bookmarks_.begin(), bookmarks_.end());
  std::sort(sorted.begin(), sorted.end());
  return linear_ ? -1 : go_to_next(sorted, backwards);
}

void JaxprView::reload() {
  linear_ = false;
  matches_.clear();
  bookmarks_.clear();
  setPlainText(session_.jaxpr_text());
  current_ = -1;
  selected_ = -1;
  update_selections();
}

void JaxprView::show_state(const StepState& s) {
  // The backward phase steps the linear jaxpr: it takes the program's place
  // until a step back returns to the forward phase.
  const bool linear = s.backward && !session_.linear_text().isEmpty();
  if (linear != linear_) {
    linear_ = linear;
    selected_ = -1;
    setPlainText(linear ? session_.linear_text() : session_.jaxpr_text());
    matches_.clear();
  }
  current_ = s.equation;
  update_selections();
}

void JaxprView::update_selections() {
  const QVector<int> lines = shown_lines();
  QList<QTextEdit::ExtraSelection> sel;
  auto line_selection = [&](int eqn, QColor colour) {
    QTextEdit::ExtraSelection s;
    s.cursor = QTextCursor(document()->findBlockByNumber(lines[eqn]));
    s.format.setBackground(colour);
    s.format.setProperty(QTextFormat::FullWidthSelection, true);
    sel.append(s);
  };
  const Theme& t = theme();
  QColor breakpoint_line = t.breakpoint;
  breakpoint_line.setAlpha(60);
  for (int b : shown_breakpoints()) line_selection(b, breakpoint_line);
  QColor match = t.selection;
  match.setAlpha(110);
  for (int m : matches_)
    if (m < lines.size()) line_selection(m, match);
  if (selected_ >= 0 && selected_ < lines.size()) line_selection(selected_, t.linked_line);
  if (current_ >= 0 && current_ < lines.size()) {
    line_selection(current_, t.current_line);
    QTextCursor c(document()->findBlockByNumber(lines[current_]));
    setTextCursor(c);
    ensureCursorVisible();
  }
  setExtraSelections(sel);
  margin_->update();
}

void JaxprView::paint_margin(QPaintEvent* e) {
  QPainter p(margin_);
  p.fillRect(e->rect(), palette().window());
  const QVector<int> lines = shown_lines();
  const QSet<int> bps = shown_breakpoints();
  p.setRenderHint(QPainter::Antialiasing);
  for (QTextBlock b = firstVisibleBlock(); b.isValid(); b = b.next()) {
    QRectF r = blockBoundingGeometry(b).translated(contentOffset());
    if (r.top() > e->rect().bottom()) break;
    int eqn = static_cast<int>(lines.indexOf(b.blockNumber()));
    if (eqn < 0) continue;
    int d = std::min(kMarginWidth - 6, static_cast<int>(r.height()) - 4);
    QRectF dot(3, r.top() + (r.height() - d) / 2, d, d);
    if (!linear_ && bookmarks_.contains(eqn)) {
      // A flag on the margin's right edge, beside where a breakpoint goes.
      p.setBrush(theme().link);
      p.setPen(Qt::NoPen);
      p.drawRect(QRectF(kMarginWidth - 4, r.top() + 1, 3, r.height() - 2));
    }
    if (bps.contains(eqn)) {
      p.setBrush(theme().breakpoint);
      p.setPen(Qt::NoPen);
      p.drawEllipse(dot);
    }
    if (eqn == current_) {
      p.setBrush(theme().execution);
      p.setPen(Qt::NoPen);
      p.drawPolygon(QPolygonF{{dot.left(), dot.top()}, {dot.right(), dot.center().y()}, {dot.left(), dot.bottom()}});
    }
  }
}

}  // namespace jxr::views
