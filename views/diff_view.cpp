// The compare view: the two panes fed from one list of aligned lines (block
// i of each pane is line i), colours and changed fields as block and char
// formats, the selected line and highlighted variable as extra selections.
#include "views/diff_view.h"

#include <QAction>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>
#include <QToolBar>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>

namespace jxr::views {

namespace {

// Light backgrounds for the lines, strong ones for the overview strip and the
// changed fields, in the colours diff tools use (Meld, Qt Creator).
QColor line_colour(DiffKind k) {
  switch (k) {
    case DiffKind::Changed: return {0xfd, 0xef, 0xc3};
    case DiffKind::OnlyLeft: return {0xfb, 0xd8, 0xd5};
    case DiffKind::OnlyRight: return {0xd6, 0xf2, 0xd6};
    case DiffKind::Same:
    case DiffKind::Header: break;
  }
  return {};
}

QColor strong_colour(DiffKind k) {
  switch (k) {
    case DiffKind::Changed: return {0xe0, 0xa0, 0x20};
    case DiffKind::OnlyLeft: return {0xd9, 0x53, 0x4f};
    case DiffKind::OnlyRight: return {0x4c, 0xae, 0x4c};
    case DiffKind::Same:
    case DiffKind::Header: break;
  }
  return {};
}

bool is_difference(DiffKind k) { return k == DiffKind::Changed || k == DiffKind::OnlyLeft || k == DiffKind::OnlyRight; }

const QColor kSelectedLine(0xc6, 0xdc, 0xf5);
const QColor kVariable(0x8e, 0xc5, 0xff);
const QColor kChangedField(0xf6, 0xc9, 0x4c);
constexpr int kOverviewWidth = 18;

bool ident_char(QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); }

// The start of each whole-word occurrence of `name` as a variable: not part
// of a longer word, and not a param's value (`name=f`).
QVector<int> occurrences(const QString& text, const QString& name) {
  QVector<int> out;
  for (qsizetype p = text.indexOf(name); p >= 0; p = text.indexOf(name, p + 1)) {
    const qsizetype end = p + name.size();
    if (p > 0 && (ident_char(text[p - 1]) || text[p - 1] == QLatin1Char('='))) continue;
    if (end < text.size() && ident_char(text[end])) continue;
    out << static_cast<int>(p);
  }
  return out;
}

QString number_text(double v) {
  if (std::isinf(v)) return QStringLiteral("∞");
  return QString::number(v, 'g', 4);
}

// A spin box for tolerances that range over many decades: shown as `1e-06`,
// stepped by factors of ten.
class ToleranceBox : public QDoubleSpinBox {
 public:
  using QDoubleSpinBox::QDoubleSpinBox;

  QString textFromValue(double v) const override { return QString::number(v, 'g', 6); }
  double valueFromText(const QString& text) const override { return text.toDouble(); }
  QValidator::State validate(QString& text, int&) const override {
    if (text.isEmpty() || text.endsWith(QLatin1Char('e')) || text.endsWith(QLatin1String("e-")))
      return QValidator::Intermediate;
    bool ok = false;
    double v = text.toDouble(&ok);
    return ok && v >= minimum() && v <= maximum() ? QValidator::Acceptable : QValidator::Invalid;
  }
  void stepBy(int steps) override {
    double v = value() == 0 ? 1e-12 : value() * std::pow(10.0, steps);
    setValue(v < 1e-15 ? 0 : v);
  }
};

}  // namespace

// One side: the text with a margin of that side's own line numbers (none on
// filler lines); clicks and tooltips go to the view.
class DiffPane : public QPlainTextEdit {
 public:
  DiffPane(DiffView& view, int side) : QPlainTextEdit(&view), view_(view), side_(side), margin_(new QWidget(this)) {
    setObjectName(side == 0 ? "diff_left" : "diff_right");
    setReadOnly(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setFrameShape(QFrame::NoFrame);
    margin_->installEventFilter(this);
    connect(this, &QPlainTextEdit::updateRequest, margin_, [this](const QRect&, int) { margin_->update(); });
  }

  // One brush per line, painted under the text of every line before any
  // text (as block backgrounds, a line's fill would cover the descender of
  // the line above: the `_` of an unused result).
  void set_backgrounds(QVector<QBrush> brushes) {
    backgrounds_ = std::move(brushes);
    viewport()->update();
  }
  QBrush background(int line) const { return line >= 0 && line < backgrounds_.size() ? backgrounds_[line] : QBrush(); }

  void set_numbers(QVector<int> numbers) {
    numbers_ = std::move(numbers);
    const int digits = static_cast<int>(QString::number(std::max<qsizetype>(1, numbers_.size())).size());
    margin_width_ = fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits + 10;
    setViewportMargins(margin_width_, 0, 0, 0);
    const QRect r = contentsRect();
    margin_->setGeometry(r.left(), r.top(), margin_width_, r.height());
  }

 protected:
  void resizeEvent(QResizeEvent* e) override {
    QPlainTextEdit::resizeEvent(e);
    const QRect r = contentsRect();
    margin_->setGeometry(r.left(), r.top(), margin_width_, r.height());
  }
  void keyPressEvent(QKeyEvent* e) override {
    // Moving to another line by keyboard selects it on both sides, as a click does.
    const int before = textCursor().blockNumber();
    QPlainTextEdit::keyPressEvent(e);
    const int after = textCursor().blockNumber();
    if (after != before && !textCursor().hasSelection()) view_.select_line(after);
  }
  void paintEvent(QPaintEvent* e) override {
    {
      QPainter p(viewport());
      p.setBrushOrigin(contentOffset());
      for (QTextBlock b = firstVisibleBlock(); b.isValid(); b = b.next()) {
        const QRectF r = blockBoundingGeometry(b).translated(contentOffset());
        if (r.top() > e->rect().bottom()) break;
        const QBrush brush = background(b.blockNumber());
        if (brush.style() != Qt::NoBrush) p.fillRect(QRectF(0, r.top(), viewport()->width(), r.height()), brush);
      }
    }
    QPlainTextEdit::paintEvent(e);
  }
  void mousePressEvent(QMouseEvent* e) override {
    QPlainTextEdit::mousePressEvent(e);
    pressed_at_ = e->position().toPoint();
  }
  void mouseReleaseEvent(QMouseEvent* e) override {
    QPlainTextEdit::mouseReleaseEvent(e);
    // A click, not a drag that selects text to copy.
    if (e->button() != Qt::LeftButton || (e->position().toPoint() - pressed_at_).manhattanLength() > 4) return;
    const QTextCursor c = cursorForPosition(e->position().toPoint());
    view_.clicked(side_, c.blockNumber(), c.positionInBlock());
  }
  bool viewportEvent(QEvent* e) override {
    if (e->type() == QEvent::ToolTip) {
      auto* help = static_cast<QHelpEvent*>(e);
      const QString tip = view_.tooltip(cursorForPosition(help->pos()).blockNumber());
      if (tip.isEmpty()) QToolTip::hideText();
      else QToolTip::showText(help->globalPos(), tip, this);
      return true;
    }
    return QPlainTextEdit::viewportEvent(e);
  }
  bool eventFilter(QObject* o, QEvent* e) override {
    if (o == margin_ && e->type() == QEvent::Paint) {
      paint_margin(static_cast<QPaintEvent*>(e));
      return true;
    }
    return QPlainTextEdit::eventFilter(o, e);
  }

 private:
  void paint_margin(QPaintEvent* e) {
    QPainter p(margin_);
    p.fillRect(e->rect(), palette().window());
    p.setPen(palette().color(QPalette::Disabled, QPalette::Text));
    p.setFont(font());
    for (QTextBlock b = firstVisibleBlock(); b.isValid(); b = b.next()) {
      const QRectF r = blockBoundingGeometry(b).translated(contentOffset());
      if (r.top() > e->rect().bottom()) break;
      const int n = b.blockNumber() < numbers_.size() ? numbers_[b.blockNumber()] : 0;
      if (n > 0)
        p.drawText(QRectF(0, r.top(), margin_width_ - 5, r.height()), Qt::AlignRight | Qt::AlignVCenter,
                   QString::number(n));
    }
  }

  DiffView& view_;
  int side_;
  QWidget* margin_;
  QVector<int> numbers_;
  QVector<QBrush> backgrounds_;
  int margin_width_ = 0;
  QPoint pressed_at_;
};

// The whole diff at a glance between the panes: a band per differing line,
// the visible part framed; a click scrolls there.
class DiffOverview : public QWidget {
 public:
  explicit DiffOverview(DiffView& view) : QWidget(&view), view_(view) {
    setObjectName("diff_overview");
    setFixedWidth(kOverviewWidth);
    setToolTip(tr("Differences in the whole program; click to go there"));
  }

 protected:
  void paintEvent(QPaintEvent*) override {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    const auto& lines = view_.data_.lines;
    if (lines.isEmpty()) return;
    const double per_line = double(height()) / lines.size();
    for (int i = 0; i < lines.size(); ++i) {
      if (!is_difference(lines[i].kind)) continue;
      p.fillRect(QRectF(3, i * per_line, width() - 6, std::max(per_line, 2.0)), strong_colour(lines[i].kind));
    }
    const QScrollBar* bar = view_.left_pane()->verticalScrollBar();
    const double top = bar->value() * per_line, visible = std::min<double>(bar->pageStep(), lines.size()) * per_line;
    p.setPen(QPen(palette().color(QPalette::Dark), 1));
    p.setBrush(QColor(0, 0, 0, 24));
    p.drawRect(QRectF(0.5, top + 0.5, width() - 1.0, std::max(visible - 1.0, 3.0)));
  }
  void mousePressEvent(QMouseEvent* e) override { scroll_to(e->position().y()); }
  void mouseMoveEvent(QMouseEvent* e) override {
    if (e->buttons() & Qt::LeftButton) scroll_to(e->position().y());
  }

 private:
  void scroll_to(double y) {
    const auto n = view_.data_.lines.size();
    if (n == 0) return;
    QScrollBar* bar = view_.left_pane()->verticalScrollBar();
    bar->setValue(static_cast<int>(y / height() * n) - bar->pageStep() / 2);
  }

  DiffView& view_;
};

// ---- values ----

void DiffValuesModel::set_rows(QVector<ValueDiffRow> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

void DiffValuesModel::set_tolerance(double tolerance) {
  if (tolerance == tolerance_) return;
  tolerance_ = tolerance;
  if (!rows_.isEmpty()) emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

bool DiffValuesModel::flagged(int row) const {
  const ValueDiffRow& r = rows_[row];
  if (!r.comparable) return true;
  return r.differs && r.max_abs > tolerance_ && r.max_rel > tolerance_;
}

int DiffValuesModel::flagged_count() const {
  int n = 0;
  for (int i = 0; i < rows_.size(); ++i) n += flagged(i);
  return n;
}

int DiffValuesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int DiffValuesModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DiffValuesModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const ValueDiffRow& r = rows_[index.row()];
  const int col = index.column();
  if (role == Qt::DisplayRole) {
    switch (col) {
      case Variable:
        if (r.left_name.isEmpty() || r.right_name.isEmpty() || r.left_name == r.right_name)
          return r.left_name.isEmpty() ? r.right_name : r.left_name;
        return r.left_name + QStringLiteral(" → ") + r.right_name;
      case Left: return r.left_name.isEmpty() ? QStringLiteral("—") : r.left;
      case Right: return r.right_name.isEmpty() ? QStringLiteral("—") : r.right;
      case MaxAbs:
        if (r.comparable) return number_text(r.max_abs);
        if (r.left_name.isEmpty()) return tr("only right");
        if (r.right_name.isEmpty()) return tr("only left");
        return tr("shapes differ");
      case MaxRel: return r.comparable ? number_text(r.max_rel) : QString();
    }
    return {};
  }
  if (role == Qt::BackgroundRole && flagged(index.row())) return QColor(0xf8, 0xc9, 0xc4);
  if (role == Qt::ForegroundRole &&
      ((col == Left && r.left_non_finite) || (col == Right && r.right_non_finite)))
    return QColor(0xb0, 0x10, 0x10);
  if (role == Qt::ToolTipRole) {
    if (r.left_name.isEmpty()) return tr("only on the right");
    if (r.right_name.isEmpty()) return tr("only on the left");
    if (!r.comparable) return tr("cannot compare %1 with %2").arg(r.left_type, r.right_type);
    if (col == Left || col == Right) return (col == Left ? r.left_type : r.right_type);
  }
  if (role == Qt::TextAlignmentRole && (col == MaxAbs || col == MaxRel))
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

QVariant DiffValuesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Variable: return tr("Variable");
    case Left: return tr("Left");
    case Right: return tr("Right");
    case MaxAbs: return tr("Max |Δ|");
    case MaxRel: return tr("Max rel. Δ");
  }
  return {};
}

// ---- the view ----

DiffView::DiffView(QWidget* parent) : QWidget(parent) {
  auto* toolbar = new QToolBar(this);
  toolbar->setIconSize({16, 16});
  toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  previous_ = toolbar->addAction(style()->standardIcon(QStyle::SP_ArrowUp), tr("Previous"));
  previous_->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F8));
  previous_->setToolTip(tr("Previous difference (Shift+F8)"));
  next_ = toolbar->addAction(style()->standardIcon(QStyle::SP_ArrowDown), tr("Next"));
  next_->setShortcut(QKeySequence(Qt::Key_F8));
  next_->setToolTip(tr("Next difference (F8)"));
  for (QAction* a : {previous_, next_}) {
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(a);
  }
  connect(previous_, &QAction::triggered, this, &DiffView::previous_difference);
  connect(next_, &QAction::triggered, this, &DiffView::next_difference);
  auto* spacer = new QWidget(toolbar);
  spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  toolbar->addWidget(spacer);
  summary_ = new QLabel(toolbar);
  summary_->setObjectName("diff_summary");
  summary_->setContentsMargins(0, 0, 6, 0);
  toolbar->addWidget(summary_);

  // The structure tab: titles over the panes, the overview between them.
  auto* structure = new QWidget(this);
  auto* grid = new QGridLayout(structure);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->setHorizontalSpacing(0);
  grid->setVerticalSpacing(2);
  for (int side = 0; side < 2; ++side) {
    panes_[side] = new DiffPane(*this, side);
    titles_[side] = new QLabel(structure);
    titles_[side]->setObjectName(side == 0 ? "diff_left_title" : "diff_right_title");
    titles_[side]->setContentsMargins(6, 2, 6, 2);
    QFont bold = titles_[side]->font();
    bold.setBold(true);
    titles_[side]->setFont(bold);
  }
  overview_ = new DiffOverview(*this);
  grid->addWidget(titles_[0], 0, 0);
  grid->addWidget(titles_[1], 0, 2);
  grid->addWidget(panes_[0], 1, 0);
  grid->addWidget(overview_, 1, 1);
  grid->addWidget(panes_[1], 1, 2);
  grid->setColumnStretch(0, 1);
  grid->setColumnStretch(2, 1);

  // Both panes hold the same number of lines, so one scroll position fits both.
  for (int side = 0; side < 2; ++side) {
    QPlainTextEdit* from = panes_[side];
    QPlainTextEdit* to = panes_[1 - side];
    connect(from->verticalScrollBar(), &QScrollBar::valueChanged, this, [this, to](int v) {
      to->verticalScrollBar()->setValue(v);
      overview_->update();
    });
    connect(from->horizontalScrollBar(), &QScrollBar::valueChanged, to->horizontalScrollBar(),
            &QScrollBar::setValue);
    // A horizontal scroll bar on one pane only would make the panes show
    // different numbers of lines: both get one when either needs it.
    connect(from->horizontalScrollBar(), &QScrollBar::rangeChanged, this, [this] {
      const bool wide = panes_[0]->horizontalScrollBar()->maximum() > 0 || panes_[1]->horizontalScrollBar()->maximum() > 0;
      for (DiffPane* p : panes_) p->setHorizontalScrollBarPolicy(wide ? Qt::ScrollBarAlwaysOn : Qt::ScrollBarAsNeeded);
    });
  }

  auto* values = new QWidget(this);
  auto* values_layout = new QVBoxLayout(values);
  values_layout->setContentsMargins(4, 4, 4, 4);
  auto* controls = new QHBoxLayout;
  auto* tolerance_label = new QLabel(tr("Tolerance:"), values);
  tolerance_ = new ToleranceBox(values);
  tolerance_->setObjectName("diff_tolerance");
  tolerance_->setRange(0, 1e12);
  tolerance_->setDecimals(15);
  tolerance_->setValue(1e-6);
  tolerance_->setToolTip(tr("Values differ when both the largest absolute and the largest relative difference "
                            "exceed this (arrows step by factors of ten)"));
  tolerance_label->setBuddy(tolerance_);
  values_summary_ = new QLabel(values);
  values_summary_->setObjectName("diff_values_summary");
  controls->addWidget(tolerance_label);
  controls->addWidget(tolerance_);
  controls->addSpacing(12);
  controls->addWidget(values_summary_, 1);
  values_layout->addLayout(controls);
  model_ = new DiffValuesModel(this);
  table_ = new QTableView(values);
  table_->setObjectName("diff_values");
  table_->setModel(model_);
  table_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  table_->horizontalHeader()->setSectionResizeMode(DiffValuesModel::Left, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(DiffValuesModel::Right, QHeaderView::Stretch);
  values_layout->addWidget(table_);
  connect(tolerance_, &QDoubleSpinBox::valueChanged, this, [this](double t) {
    model_->set_tolerance(t);
    update_values_summary();
  });

  tabs_ = new QTabWidget(this);
  tabs_->setDocumentMode(true);
  tabs_->addTab(structure, tr("Jaxprs"));
  tabs_->addTab(values, tr("Values"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(toolbar);
  layout->addWidget(tabs_);
  set_diff({});
  update_values_summary();
}

QPlainTextEdit* DiffView::left_pane() const { return panes_[0]; }
QPlainTextEdit* DiffView::right_pane() const { return panes_[1]; }
QWidget* DiffView::overview() const { return overview_; }
QBrush DiffView::line_background(int side, int line) const { return panes_[side == 0 ? 0 : 1]->background(line); }

void DiffView::set_diff(DiffData data) {
  data_ = std::move(data);
  current_ = -1;
  highlight_[0].clear();
  highlight_[1].clear();
  highlight_scope_ = -1;
  starts_.clear();
  // Each changed equation is a difference of its own; lines only one side
  // has count as one per run, as a text diff's hunks.
  for (int i = 0; i < data_.lines.size(); ++i) {
    const DiffLine& l = data_.lines[i];
    if (l.continuation || !is_difference(l.kind)) continue;
    if (l.kind == DiffKind::Changed || i == 0 || data_.lines[i - 1].kind != l.kind) starts_ << i;
  }

  for (int side = 0; side < 2; ++side) {
    DiffPane* pane = panes_[side];
    QStringList texts;
    QVector<int> numbers;
    int n = 0;
    for (const DiffLine& l : data_.lines) {
      const QString& t = side == 0 ? l.left : l.right;
      const bool filler = (side == 0 ? l.kind == DiffKind::OnlyRight : l.kind == DiffKind::OnlyLeft) || t.isEmpty();
      texts << t;
      numbers << (filler ? 0 : ++n);
    }
    pane->setPlainText(texts.join(QLatin1Char('\n')));
    pane->set_numbers(numbers);
    QVector<QBrush> brushes;
    QTextBlock b = pane->document()->firstBlock();
    for (int i = 0; i < data_.lines.size() && b.isValid(); ++i, b = b.next()) {
      const DiffLine& l = data_.lines[i];
      if (numbers[i] == 0) {
        // Filler opposite a line the other side alone has: hatched in that line's colour.
        brushes << QBrush(strong_colour(l.kind).lighter(150), Qt::BDiagPattern);
      } else {
        brushes << (is_difference(l.kind) ? QBrush(line_colour(l.kind)) : QBrush());
      }
      QTextCharFormat mark;
      mark.setBackground(kChangedField);
      mark.setFontUnderline(true);
      for (const TextSpan& s : side == 0 ? l.left_marks : l.right_marks) {
        QTextCursor m(b);
        m.setPosition(b.position() + s.start);
        m.setPosition(b.position() + s.start + s.length, QTextCursor::KeepAnchor);
        m.mergeCharFormat(mark);
      }
    }
    pane->set_backgrounds(std::move(brushes));
    titles_[side]->setText(side == 0 ? data_.left_title : data_.right_title);
  }

  int counts[4] = {};  // changed, only left, only right, same
  for (const DiffLine& l : data_.lines) {
    if (l.continuation) continue;
    switch (l.kind) {
      case DiffKind::Changed: ++counts[0]; break;
      case DiffKind::OnlyLeft: ++counts[1]; break;
      case DiffKind::OnlyRight: ++counts[2]; break;
      case DiffKind::Same: ++counts[3]; break;
      case DiffKind::Header: break;
    }
  }
  QStringList parts;
  const char* names[4] = {"changed", "only left", "only right", "same"};
  for (int k = 0; k < 4; ++k)
    if (counts[k] > 0) parts << QStringLiteral("%1 %2").arg(counts[k]).arg(tr(names[k]));
  summary_->setText(data_.lines.isEmpty() ? tr("Nothing to compare")
                    : data_.identical     ? tr("Identical: %1").arg(parts.join(QStringLiteral(", ")))
                                          : parts.join(QStringLiteral(", ")));
  update_selections();
  update_actions();
  overview_->update();
}

void DiffView::set_values(QVector<ValueDiffRow> rows) {
  model_->set_rows(std::move(rows));
  table_->resizeColumnToContents(DiffValuesModel::Variable);
  table_->resizeColumnToContents(DiffValuesModel::MaxAbs);
  table_->resizeColumnToContents(DiffValuesModel::MaxRel);
  update_values_summary();
}

void DiffView::update_values_summary() {
  const int n = model_->rowCount();
  values_summary_->setText(n == 0 ? tr("No values to compare")
                                  : tr("%1 of %2 values differ").arg(model_->flagged_count()).arg(n));
}

void DiffView::select_line(int line) {
  if (line < 0 || line >= data_.lines.size()) return;
  current_ = line;
  for (DiffPane* pane : panes_) {
    QTextCursor c(pane->document()->findBlockByNumber(line));
    pane->setTextCursor(c);
  }
  // Scroll one pane (the other follows), keeping the line off the edges.
  panes_[0]->centerCursor();
  update_selections();
  update_actions();
  const DiffLine& l = data_.lines[line];
  if (l.left_equation >= 0) emit left_equation_activated(l.left_equation);
  if (l.right_equation >= 0) emit right_equation_activated(l.right_equation);
}

void DiffView::next_difference() {
  tabs_->setCurrentIndex(0);
  auto it = std::upper_bound(starts_.begin(), starts_.end(), current_);
  if (it != starts_.end()) select_line(*it);
}

void DiffView::previous_difference() {
  tabs_->setCurrentIndex(0);
  auto it = std::lower_bound(starts_.begin(), starts_.end(), current_);
  if (it != starts_.begin()) select_line(*(it - 1));
}

void DiffView::update_actions() {
  next_->setEnabled(std::upper_bound(starts_.begin(), starts_.end(), current_) != starts_.end());
  previous_->setEnabled(current_ >= 0 && std::lower_bound(starts_.begin(), starts_.end(), current_) != starts_.begin());
}

void DiffView::clicked(int side, int line, int column) {
  if (line < 0 || line >= data_.lines.size()) return;
  const QString& text = side == 0 ? data_.lines[line].left : data_.lines[line].right;
  int start = std::min(column, static_cast<int>(text.size()));
  int end = start;
  while (start > 0 && ident_char(text[start - 1])) --start;
  while (end < text.size() && ident_char(text[end])) ++end;
  highlight_variable(side, line, text.mid(start, end - start));
  select_line(line);
}

void DiffView::highlight_variable(int side, int line, const QString& name) {
  highlight_[0].clear();
  highlight_[1].clear();
  highlight_scope_ = -1;
  const int scope = data_.lines[line].scope;
  if (scope < 0 || scope >= data_.scopes.size()) return;
  const DiffScope& s = data_.scopes[scope];
  if (!(side == 0 ? s.left_vars : s.right_vars).contains(name)) return;
  highlight_scope_ = scope;
  highlight_[side] = name;
  highlight_[1 - side] = side == 0 ? s.left_to_right.value(name) : s.left_to_right.key(name);
}

void DiffView::update_selections() {
  for (int side = 0; side < 2; ++side) {
    DiffPane* pane = panes_[side];
    QList<QTextEdit::ExtraSelection> sel;
    if (current_ >= 0) {
      QTextEdit::ExtraSelection s;
      s.cursor = QTextCursor(pane->document()->findBlockByNumber(current_));
      s.format.setBackground(kSelectedLine);
      s.format.setProperty(QTextFormat::FullWidthSelection, true);
      sel << s;
    }
    const QString& name = highlight_[side];
    if (!name.isEmpty()) {
      QTextBlock b = pane->document()->firstBlock();
      for (int i = 0; i < data_.lines.size() && b.isValid(); ++i, b = b.next()) {
        if (data_.lines[i].scope != highlight_scope_) continue;
        for (int p : occurrences(b.text(), name)) {
          QTextEdit::ExtraSelection s;
          s.cursor = QTextCursor(b);
          s.cursor.setPosition(b.position() + p);
          s.cursor.setPosition(b.position() + p + static_cast<int>(name.size()), QTextCursor::KeepAnchor);
          s.format.setBackground(kVariable);
          s.format.setFontWeight(QFont::Bold);
          sel << s;
        }
      }
    }
    pane->setExtraSelections(sel);
  }
}

QString DiffView::tooltip(int line) const {
  if (line < 0 || line >= data_.lines.size()) return {};
  // A later line of an equation shows what its first line lists.
  while (line > 0 && data_.lines[line].continuation) --line;
  const DiffLine& l = data_.lines[line];
  switch (l.kind) {
    case DiffKind::OnlyLeft: return tr("Only in %1").arg(data_.left_title);
    case DiffKind::OnlyRight: return tr("Only in %1").arg(data_.right_title);
    case DiffKind::Changed:
    {
      if (l.changes.isEmpty()) return tr("Changed inside its sub-jaxprs (below)");
      QString html = QStringLiteral("<b>%1</b>").arg(tr("Changed"));
      for (const QString& c : l.changes) html += QStringLiteral("<br>") + c.toHtmlEscaped();
      return html;
    }
    case DiffKind::Same:
    case DiffKind::Header: break;
  }
  return {};
}

}  // namespace jxr::views
