#include "views/value_inspector.h"

#include <QBoxLayout>
#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QToolTip>
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace jxr::views {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Colour-map stops: a perceptually ordered dark-violet-to-yellow ramp for
// one-signed data, and blue through white to red for mixed signs.
struct Stop {
  double t;
  int r, g, b;
};
constexpr std::array<Stop, 9> kSequential = {{{0.000, 68, 1, 84},
                                              {0.125, 71, 44, 122},
                                              {0.250, 59, 81, 139},
                                              {0.375, 44, 113, 142},
                                              {0.500, 33, 144, 141},
                                              {0.625, 39, 173, 129},
                                              {0.750, 92, 200, 99},
                                              {0.875, 170, 220, 50},
                                              {1.000, 253, 231, 37}}};
constexpr std::array<Stop, 9> kDiverging = {{{0.000, 5, 48, 97},
                                             {0.125, 33, 102, 172},
                                             {0.250, 67, 147, 195},
                                             {0.375, 146, 197, 222},
                                             {0.500, 247, 247, 247},
                                             {0.625, 244, 165, 130},
                                             {0.750, 214, 96, 77},
                                             {0.875, 178, 24, 43},
                                             {1.000, 103, 0, 31}}};
// Levels of the colour look-up table: finer than any colour bar is tall.
constexpr int kLevels = 1024;
constexpr int kMaxBins = 1000;
constexpr int kMaxAutoBins = 100;

QRgb interpolate(const std::array<Stop, 9>& stops, double t) {
  t = std::clamp(t, 0.0, 1.0);
  std::size_t i = 1;
  while (i + 1 < stops.size() && stops[i].t < t) ++i;
  const Stop& a = stops[i - 1];
  const Stop& b = stops[i];
  const double f = (t - a.t) / (b.t - a.t);
  auto mix = [f](int x, int y) { return static_cast<int>(std::lround(x + (y - x) * f)); };
  return qRgb(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b));
}

// A round step (1, 2 or 5 times a power of ten) of at least `min_step`.
double nice_step(double min_step) {
  if (!(min_step > 0) || !std::isfinite(min_step)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(min_step)));
  for (double m : {1.0, 2.0, 5.0})
    if (m * p >= min_step) return m * p;
  return 10 * p;
}

// A tick or legend number: six significant digits, no negative zero.
QString number_text(double v) { return QString::number(v == 0 ? 0.0 : v, 'g', 6); }

// What the heatmap and histogram say instead of drawing; empty when they draw.
// A tooltip event answered with `text`, or the tooltip hidden when there is none here.
bool show_tip(QWidget* w, QHelpEvent* help, const QString& text) {
  if (text.isEmpty()) {
    QToolTip::hideText();
    help->ignore();
  } else {
    QToolTip::showText(help->globalPos(), text, w);
  }
  return true;
}

QString nothing_to_draw(const ArrayData& a) {
  if (a.dtype.isEmpty() && a.shape.isEmpty() && a.values.isEmpty()) return QObject::tr("No value selected");
  if (!a.consistent()) return QObject::tr("The values do not match the shape: nothing to draw");
  if (a.element_count() == 0) return QObject::tr("Empty array: nothing to draw");
  return {};
}

QColor info_color(const QWidget* w) { return w->palette().color(QPalette::PlaceholderText); }

void draw_message(QPainter& p, const QWidget* w, const QString& text) {
  p.setPen(info_color(w));
  p.drawText(w->rect(), Qt::AlignCenter | Qt::TextWordWrap, text);
}

QString values_text(qint64 n) {
  return (n == 1 ? QObject::tr("%1 value") : QObject::tr("%1 values")).arg(QLocale().toString(n));
}

// The word on a non-finite heatmap block.
QString special_glyph(double v) {
  if (std::isnan(v)) return QStringLiteral("NaN");
  return v > 0 ? QStringLiteral("+∞") : QStringLiteral("−∞");
}

}  // namespace

QColor nan_color() { return {255, 0, 255}; }
QColor pos_inf_color() { return {255, 128, 0}; }
QColor neg_inf_color() { return {0, 220, 255}; }

ArrayStats array_stats(const QVector<double>& values) {
  ArrayStats s;
  s.count = values.size();
  double lo = kInf, hi = -kInf, mean = 0, m2 = 0;
  for (double v : values) {
    if (std::isnan(v)) {
      ++s.nan;
    } else if (std::isinf(v)) {
      ++(v > 0 ? s.pos_inf : s.neg_inf);
    } else {
      ++s.finite;
      if (v == 0) ++s.zeros;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      const double d = v - mean;
      mean += d / static_cast<double>(s.finite);
      m2 += d * (v - mean);
    }
  }
  if (s.finite > 0) {
    s.min = lo;
    s.max = hi;
    s.mean = mean;
    s.std = std::sqrt(m2 / static_cast<double>(s.finite));
  }
  return s;
}

Histogram make_histogram(const ArrayData& a, const ArrayStats& stats, int bins) {
  Histogram h;
  h.nan = stats.nan;
  h.pos_inf = stats.pos_inf;
  h.neg_inf = stats.neg_inf;
  if (stats.finite == 0) return h;
  double lo = stats.min, hi = stats.max;
  const bool discrete = a.is_bool() || a.is_integer();
  if (bins <= 0) {
    if (discrete && hi - lo < 64) {
      bins = static_cast<int>(hi - lo) + 1;
    } else if (lo == hi) {
      bins = 1;
    } else {
      const double rice = std::ceil(2 * std::cbrt(static_cast<double>(stats.finite)));
      bins = static_cast<int>(std::clamp(rice, 1.0, static_cast<double>(kMaxAutoBins)));
    }
  }
  bins = std::min(bins, kMaxBins);
  if (discrete) {
    // Whole integers per bin, edges halfway between them: no bin holds
    // more integers than its neighbour.
    const double width = std::ceil((hi - lo + 1) / bins);
    bins = static_cast<int>(std::ceil((hi - lo + 1) / width));
    h.integer_width = static_cast<qint64>(width);
    lo -= 0.5;
    hi = lo + width * bins;
  } else if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  h.edges.resize(bins + 1);
  for (int i = 0; i < bins; ++i) h.edges[i] = lo + (hi - lo) * i / bins;
  h.edges[bins] = hi;
  h.counts.fill(0, bins);
  const double scale = bins / (hi - lo);
  for (double v : a.values) {
    if (!std::isfinite(v)) continue;
    int b = static_cast<int>(std::clamp((v - lo) * scale, 0.0, static_cast<double>(bins - 1)));
    // The rounding of the scale may put an edge's value one bin off; the
    // edges decide.
    if (b > 0 && v < h.edges[b]) --b;
    if (b + 1 < bins && v >= h.edges[b + 1]) ++b;
    ++h.counts[b];
  }
  return h;
}

// ---------------------------------------------------------------- heatmap

HeatmapView::HeatmapView(const ArrayTableModel& model, QWidget* parent) : QWidget(parent), model_(model) {
  setAttribute(Qt::WA_OpaquePaintEvent);
  connect(&model, &QAbstractItemModel::modelReset, this, &HeatmapView::rebuild);
  connect(&model, &QAbstractItemModel::dataChanged, this, &HeatmapView::rebuild);
  set_stats({});
}

void HeatmapView::set_stats(const ArrayStats& stats) {
  whole_ = stats;
  rescale();
  dirty_ = true;
  update();
}

void HeatmapView::set_scale_per_slice(bool on) {
  per_slice_ = on;
  rescale();
  dirty_ = true;
  update();
}

void HeatmapView::rescale() {
  if (per_slice_) {
    QVector<double> slice;
    slice.reserve(static_cast<qsizetype>(model_.rowCount()) * model_.columnCount());
    for (int r = 0; r < model_.rowCount(); ++r)
      for (int c = 0; c < model_.columnCount(); ++c) slice << model_.value(r, c);
    stats_ = array_stats(slice);
  } else {
    stats_ = whole_;
  }
  const bool was_diverging = diverging_;
  diverging_ = stats_.finite > 0 && stats_.min < 0 && stats_.max > 0;
  if (stats_.finite == 0) {
    lo_ = 0;
    hi_ = 1;
  } else if (diverging_) {
    hi_ = std::max(-stats_.min, stats_.max);
    lo_ = -hi_;
  } else {
    lo_ = stats_.min;
    hi_ = stats_.max;
  }
  if (lut_.isEmpty() || was_diverging != diverging_) {
    lut_.resize(kLevels);
    for (int i = 0; i < kLevels; ++i)
      lut_[i] = interpolate(diverging_ ? kDiverging : kSequential, static_cast<double>(i) / (kLevels - 1));
  }
}

QRgb HeatmapView::rgb_of(double v) const {
  if (std::isnan(v)) return nan_color().rgb();
  if (std::isinf(v)) return (v > 0 ? pos_inf_color() : neg_inf_color()).rgb();
  // A constant array sits mid-scale.
  const double t = hi_ > lo_ ? (v - lo_) / (hi_ - lo_) : 0.5;
  return lut_[static_cast<int>(std::lround(std::clamp(t, 0.0, 1.0) * (kLevels - 1)))];
}

QColor HeatmapView::color_of(double v) const { return QColor::fromRgb(rgb_of(v)); }

QColor HeatmapView::color_at(int row, int col) const {
  if (row < 0 || col < 0 || row >= model_.rowCount() || col >= model_.columnCount()) return {};
  return color_of(model_.value(row, col));
}

void HeatmapView::rebuild() {
  if (per_slice_) rescale();
  dirty_ = true;
  update();
}

HeatmapView::Layout HeatmapView::layout() const {
  Layout l;
  const QFontMetrics fm = fontMetrics();
  const int rows = model_.rowCount(), cols = model_.columnCount();
  const bool row_axis = model_.row_axis() >= 0, col_axis = model_.col_axis() >= 0;
  const int left = 10 + (row_axis ? fm.height() + 6 + fm.horizontalAdvance(QString::number(rows - 1)) + 6 : 0);
  const int bottom = 10 + (col_axis ? 6 + fm.height() + 4 + fm.height() : 0);
  const int top = 10;
  // The colour bar, its end labels, and the legend of non-finite colours.
  const QString dtype = model_.array().dtype;
  int label_w = std::max(fm.horizontalAdvance(ArrayTableModel::compact_text(lo_, dtype)),
                         fm.horizontalAdvance(ArrayTableModel::compact_text(hi_, dtype)));
  for (const Legend& entry : legend()) label_w = std::max(label_w, fm.horizontalAdvance(entry.text));
  const int right = 18 + 16 + 6 + label_w + 10;
  const double avail_w = std::max(0, width() - left - right);
  const double avail_h = std::max(0, height() - top - bottom);
  double cw = cols > 0 ? avail_w / cols : 0, ch = rows > 0 ? avail_h / rows : 0;
  // Square blocks would leave a thin strip for a long narrow slice; 4:1 at
  // most, but a vector's one block across gets room to be seen.
  const double across = std::min(48.0, std::max(avail_w, avail_h));
  cw = std::min(cw, cols == 1 ? std::max(4 * ch, across) : 4 * ch);
  ch = std::min(ch, rows == 1 ? std::max(4 * cw, across) : 4 * cw);
  l.plot = QRectF(left, top, cw * cols, ch * rows);
  l.cell = QSizeF(cw, ch);
  const int legend_h = static_cast<int>(legend().size()) * (fm.height() + 4);
  const int bar_h = std::max(40, std::min(static_cast<int>(avail_h), 300) - legend_h - (legend_h ? 10 : 0));
  l.bar = QRect(static_cast<int>(l.plot.right()) + 18, top, 16, bar_h);
  return l;
}

QVector<HeatmapView::Legend> HeatmapView::legend() const {
  QVector<Legend> out;
  const QLocale locale;
  if (stats_.nan) out.push_back({nan_color(), tr("NaN (%1)").arg(locale.toString(stats_.nan))});
  if (stats_.pos_inf) out.push_back({pos_inf_color(), tr("+Inf (%1)").arg(locale.toString(stats_.pos_inf))});
  if (stats_.neg_inf) out.push_back({neg_inf_color(), tr("−Inf (%1)").arg(locale.toString(stats_.neg_inf))});
  return out;
}

QRect HeatmapView::cell_rect(int row, int col) const {
  if (row < 0 || col < 0 || row >= model_.rowCount() || col >= model_.columnCount()) return {};
  const Layout l = layout();
  return QRectF(l.plot.left() + col * l.cell.width(), l.plot.top() + row * l.cell.height(), l.cell.width(),
                l.cell.height())
      .toAlignedRect();
}

std::optional<std::pair<int, int>> HeatmapView::cell_at(QPointF pos) const {
  const Layout l = layout();
  if (model_.rowCount() == 0 || model_.columnCount() == 0 || !l.plot.contains(pos)) return {};
  const QPointF at = pos - l.plot.topLeft();
  return std::pair{std::min(static_cast<int>(at.y() / l.cell.height()), model_.rowCount() - 1),
                   std::min(static_cast<int>(at.x() / l.cell.width()), model_.columnCount() - 1)};
}

QString HeatmapView::tooltip_at(QPoint pos) const {
  const auto cell = cell_at(pos);
  if (!cell) return {};
  const auto [row, col] = *cell;
  return model_.element_label(model_.element_index(row, col)) + QStringLiteral(" = ") +
         ArrayTableModel::full_text(model_.value(row, col), model_.array().dtype);
}

QSize HeatmapView::sizeHint() const { return {520, 380}; }
QSize HeatmapView::minimumSizeHint() const { return {200, 140}; }

void HeatmapView::mouseDoubleClickEvent(QMouseEvent* e) {
  const auto cell = e->button() == Qt::LeftButton ? cell_at(e->position()) : std::nullopt;
  if (!cell) return QWidget::mouseDoubleClickEvent(e);
  emit cell_activated(cell->first, cell->second);
}

bool HeatmapView::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    return show_tip(this, help, tooltip_at(help->pos()));
  }
  return QWidget::event(e);
}

void HeatmapView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  const QString message = nothing_to_draw(model_.array());
  if (!message.isEmpty()) {
    draw_message(p, this, message);
    return;
  }
  const int rows = model_.rowCount(), cols = model_.columnCount();
  if (dirty_) {
    image_ = QImage(cols, rows, QImage::Format_RGB32);
    for (int r = 0; r < rows; ++r) {
      auto* line = reinterpret_cast<QRgb*>(image_.scanLine(r));
      for (int c = 0; c < cols; ++c) line[c] = rgb_of(model_.value(r, c));
    }
    dirty_ = false;
  }
  const Layout l = layout();
  p.drawImage(l.plot, image_);
  const QColor text = palette().color(QPalette::Text);
  p.setPen(text);
  p.drawRect(l.plot.adjusted(-0.5, -0.5, 0.5, 0.5));
  // Non-finite blocks big enough for a word say what they hold.
  const QFontMetrics fm = fontMetrics();
  if (l.cell.width() >= fm.horizontalAdvance(QStringLiteral("NaN")) + 4 && l.cell.height() >= fm.height()) {
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        const double v = model_.value(r, c);
        if (std::isfinite(v)) continue;
        p.setPen(std::isnan(v) ? Qt::white : Qt::black);
        p.drawText(cell_rect(r, c), Qt::AlignCenter, special_glyph(v));
      }
  }
  paint_axes(p, l);
  paint_colour_bar(p, l);
}

void HeatmapView::paint_axes(QPainter& p, const Layout& l) const {
  const QFontMetrics fm = fontMetrics();
  const QColor text = palette().color(QPalette::Text);
  p.setPen(text);
  // Label every k-th index, k round, so labels keep apart.
  auto step_for = [](double block, double label) {
    return std::max(1, static_cast<int>(std::ceil(nice_step((label + 8) / std::max(block, 1e-9)))));
  };
  if (model_.col_axis() >= 0) {
    const int cols = model_.columnCount();
    const int step = step_for(l.cell.width(), fm.horizontalAdvance(QString::number(cols - 1)));
    const int y = static_cast<int>(l.plot.bottom());
    for (int c = 0; c < cols; c += step) {
      const int x = static_cast<int>(l.plot.left() + (c + 0.5) * l.cell.width());
      p.drawLine(x, y, x, y + 4);
      const QString s = QString::number(c);
      p.drawText(x - fm.horizontalAdvance(s) / 2, y + 6 + fm.ascent(), s);
    }
    const QString title = tr("axis %1").arg(model_.col_axis());
    p.drawText(QRectF(l.plot.left(), y + 10 + fm.height(), l.plot.width(), fm.height()),
               Qt::AlignHCenter | Qt::AlignTop | Qt::TextDontClip, title);
  }
  if (model_.row_axis() >= 0) {
    const int rows = model_.rowCount();
    const int step = step_for(l.cell.height(), fm.height());
    const int x = static_cast<int>(l.plot.left());
    for (int r = 0; r < rows; r += step) {
      const int y = static_cast<int>(l.plot.top() + (r + 0.5) * l.cell.height());
      p.drawLine(x - 4, y, x, y);
      const QString s = QString::number(r);
      p.drawText(x - 6 - fm.horizontalAdvance(s), y + fm.ascent() / 2 - 1, s);
    }
    p.save();
    p.translate(10 + fm.ascent(), l.plot.center().y());
    p.rotate(-90);
    const QString title = tr("axis %1").arg(model_.row_axis());
    p.drawText(-fm.horizontalAdvance(title) / 2, 0, title);
    p.restore();
  }
}

void HeatmapView::paint_colour_bar(QPainter& p, const Layout& l) const {
  const QFontMetrics fm = fontMetrics();
  const QRect bar = l.bar;
  for (int y = 0; y < bar.height(); ++y) {
    const double t = 1.0 - static_cast<double>(y) / std::max(1, bar.height() - 1);
    p.setPen(QColor::fromRgb(lut_[static_cast<int>(std::lround(t * (kLevels - 1)))]));
    p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
  }
  p.setPen(palette().color(QPalette::Text));
  p.drawRect(bar.adjusted(0, 0, -1, -1));
  if (stats_.finite > 0) {
    const QString dtype = model_.array().dtype;
    const int x = bar.right() + 6;
    if (hi_ > lo_) {
      p.drawText(x, bar.top() + fm.ascent(), ArrayTableModel::compact_text(hi_, dtype));
      p.drawText(x, bar.bottom(), ArrayTableModel::compact_text(lo_, dtype));
    } else {
      p.drawText(x, bar.center().y() + fm.ascent() / 2, ArrayTableModel::compact_text(lo_, dtype));
    }
    if (diverging_) p.drawText(x, bar.center().y() + fm.ascent() / 2, QStringLiteral("0"));
  }
  int y = bar.bottom() + 10;
  for (const Legend& entry : legend()) {
    const QRect swatch(bar.left(), y, bar.width(), fm.height());
    p.fillRect(swatch, entry.color);
    p.drawRect(swatch.adjusted(0, 0, -1, -1));
    p.drawText(bar.right() + 6, y + fm.ascent(), entry.text);
    y += fm.height() + 4;
  }
}

// -------------------------------------------------------------- histogram

namespace {

QString special_name(HistogramView::Special s) {
  switch (s) {
    case HistogramView::NaN: return QStringLiteral("NaN");
    case HistogramView::PosInf: return QStringLiteral("+Inf");
    case HistogramView::NegInf: break;
  }
  return QStringLiteral("−Inf");
}

QColor special_color(HistogramView::Special s) {
  switch (s) {
    case HistogramView::NaN: return nan_color();
    case HistogramView::PosInf: return pos_inf_color();
    case HistogramView::NegInf: break;
  }
  return neg_inf_color();
}

}  // namespace

HistogramView::HistogramView(QWidget* parent) : QWidget(parent) { setAttribute(Qt::WA_OpaquePaintEvent); }

void HistogramView::set_array(const ArrayData& a, const ArrayStats& stats) {
  array_ = a;
  stats_ = stats;
  hist_ = a.consistent() ? make_histogram(a, stats, bins_) : Histogram{};
  update();
}

void HistogramView::set_bin_count(int bins) {
  bins_ = std::clamp(bins, 0, kMaxBins);
  set_array(array_, stats_);
}

qint64 HistogramView::special_count(Special s) const {
  return s == NaN ? hist_.nan : s == PosInf ? hist_.pos_inf : hist_.neg_inf;
}

QVector<HistogramView::Special> HistogramView::specials() const {
  QVector<Special> out;
  for (Special s : {NaN, PosInf, NegInf})
    if (special_count(s) > 0) out << s;
  return out;
}

HistogramView::Scale HistogramView::scale() const {
  qint64 top = 0;
  for (qint64 c : hist_.counts) top = std::max(top, c);
  for (Special s : specials()) top = std::max(top, special_count(s));
  Scale sc;
  sc.step = std::max<qint64>(1, static_cast<qint64>(std::ceil(nice_step(static_cast<double>(top) / 5))));
  sc.top = std::max<qint64>(sc.step, (top + sc.step - 1) / sc.step * sc.step);
  return sc;
}

QRect HistogramView::plot_rect() const {
  const QFontMetrics fm = fontMetrics();
  const int left = 10 + fm.height() + 6 + fm.horizontalAdvance(QLocale().toString(scale().top)) + 6;
  const int top = 10 + fm.height() + 8;
  const int bottom = 8 + fm.height() + 4 + fm.height() + 10;
  const int n = static_cast<int>(specials().size());
  const int right = 12 + (n ? 20 + n * (special_width() + 6) : 0);
  const int w = hist_.counts.isEmpty() ? 0 : std::max(0, width() - left - right);
  return {left, top, w, std::max(0, height() - top - bottom)};
}

int HistogramView::special_width() const { return fontMetrics().horizontalAdvance(QStringLiteral("+Inf")) + 14; }

int HistogramView::bar_height(qint64 count, const QRect& plot) const {
  return static_cast<int>(std::lround(static_cast<double>(count) / static_cast<double>(scale().top) * plot.height()));
}

QRect HistogramView::bar_rect(int bin) const {
  if (bin < 0 || bin >= hist_.counts.size()) return {};
  const QRect plot = plot_rect();
  const int bins = static_cast<int>(hist_.counts.size());
  const int x0 = plot.left() + static_cast<int>(static_cast<qint64>(plot.width()) * bin / bins);
  const int x1 = plot.left() + static_cast<int>(static_cast<qint64>(plot.width()) * (bin + 1) / bins);
  const int h = bar_height(hist_.counts[bin], plot);
  return {x0, plot.bottom() + 1 - h, x1 - x0, h};
}

QRect HistogramView::special_rect(Special s) const {
  const QVector<Special> shown = specials();
  const int k = static_cast<int>(shown.indexOf(s));
  if (k < 0) return {};
  const QRect plot = plot_rect();
  const int x = plot.right() + 1 + 20 + k * (special_width() + 6);
  const int h = bar_height(special_count(s), plot);
  return {x, plot.bottom() + 1 - h, special_width(), h};
}

QString HistogramView::tooltip_at(QPoint pos) const {
  const QRect plot = plot_rect();
  if (pos.y() < plot.top() || pos.y() > plot.bottom()) return {};
  for (Special s : specials()) {
    const QRect r = special_rect(s);
    if (pos.x() >= r.left() && pos.x() <= r.right()) {
      return QStringLiteral("%1: %2").arg(special_name(s), values_text(special_count(s)));
    }
  }
  for (int b = 0; b < hist_.counts.size(); ++b) {
    const QRect r = bar_rect(b);
    if (pos.x() < r.left() || pos.x() > r.right()) continue;
    const QString count = values_text(hist_.counts[b]);
    if (hist_.integer_width == 1)
      return QStringLiteral("%1: %2").arg(ArrayTableModel::compact_text(hist_.edges[b] + 0.5, array_.dtype), count);
    if (hist_.integer_width > 1)
      return tr("%1 to %2: %3")
          .arg(ArrayTableModel::compact_text(hist_.edges[b] + 0.5, array_.dtype),
               ArrayTableModel::compact_text(hist_.edges[b + 1] - 0.5, array_.dtype), count);
    const bool last = b + 1 == hist_.counts.size();
    return QStringLiteral("[%1, %2%3: %4")
        .arg(number_text(hist_.edges[b]), number_text(hist_.edges[b + 1]), last ? QStringLiteral("]") : QStringLiteral(")"), count);
  }
  return {};
}

QSize HistogramView::sizeHint() const { return {520, 380}; }
QSize HistogramView::minimumSizeHint() const { return {240, 160}; }

bool HistogramView::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    return show_tip(this, help, tooltip_at(help->pos()));
  }
  return QWidget::event(e);
}

void HistogramView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  const QString message = nothing_to_draw(array_);
  if (!message.isEmpty()) {
    draw_message(p, this, message);
    return;
  }
  const QFontMetrics fm = fontMetrics();
  const QLocale locale;
  const QColor text = palette().color(QPalette::Text);
  const QRect plot = plot_rect();
  const Scale sc = scale();

  QString title = tr("%1 finite values").arg(locale.toString(stats_.finite));
  if (!hist_.counts.isEmpty())
    title += hist_.integer_width == 1 ? tr(", one bar per value")
             : hist_.integer_width > 1
                 ? tr(" in %1 bins of %2 integers").arg(hist_.counts.size()).arg(hist_.integer_width)
                 : tr(" in %1 bins of width %2").arg(hist_.counts.size()).arg(number_text(hist_.edges[1] - hist_.edges[0]));
  p.setPen(info_color(this));
  p.drawText(plot.left(), 10 + fm.ascent(), title);

  // Count axis: grid lines at round counts.
  const int x_axis = plot.left();
  for (qint64 c = 0; c <= sc.top; c += sc.step) {
    const int y = plot.bottom() + 1 - bar_height(c, plot);
    p.setPen(QColor(128, 128, 128, 60));
    p.drawLine(x_axis, y, width() - 12, y);
    p.setPen(text);
    const QString s = locale.toString(c);
    p.drawText(x_axis - 6 - fm.horizontalAdvance(s), y + fm.ascent() / 2 - 1, s);
  }
  p.save();
  p.translate(10 + fm.ascent(), plot.center().y());
  p.rotate(-90);
  p.drawText(-fm.horizontalAdvance(tr("count")) / 2, 0, tr("count"));
  p.restore();

  const QColor fill(76, 114, 176);
  for (int b = 0; b < hist_.counts.size(); ++b) {
    const QRect r = bar_rect(b);
    if (r.height() == 0) continue;
    p.fillRect(r, fill);
    if (r.width() > 3) {
      p.setPen(fill.darker(140));
      p.drawRect(r.adjusted(0, 0, -1, -1));
    }
  }
  // Value axis: a label per bar for integer bins, else round values.
  p.setPen(text);
  p.drawLine(plot.left(), plot.bottom() + 1, plot.right(), plot.bottom() + 1);
  const int label_y = plot.bottom() + 6 + fm.ascent();
  if (hist_.integer_width == 1) {
    const double bar_w = static_cast<double>(plot.width()) / static_cast<double>(std::max<qsizetype>(1, hist_.counts.size()));
    const QString widest = ArrayTableModel::compact_text(hist_.edges.last() - 0.5, array_.dtype);
    const int step = std::max(1, static_cast<int>(std::ceil(nice_step((fm.horizontalAdvance(widest) + 12) / bar_w))));
    for (int b = 0; b < hist_.counts.size(); b += step) {
      const QRect r = bar_rect(b);
      const QString s = ArrayTableModel::compact_text(hist_.edges[b] + 0.5, array_.dtype);
      p.drawLine(r.center().x(), plot.bottom() + 1, r.center().x(), plot.bottom() + 4);
      p.drawText(r.center().x() - fm.horizontalAdvance(s) / 2, label_y, s);
    }
  } else if (!hist_.edges.isEmpty()) {
    const double lo = hist_.edges.first(), hi = hist_.edges.last();
    const int label_w = std::max(fm.horizontalAdvance(number_text(lo)), fm.horizontalAdvance(number_text(hi))) + 16;
    const double step = nice_step((hi - lo) / std::max(1.0, static_cast<double>(plot.width()) / label_w));
    for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
      const int x = plot.left() + static_cast<int>(std::lround((t - lo) / (hi - lo) * plot.width()));
      const QString s = number_text(std::round(t / step) * step);
      p.drawLine(x, plot.bottom() + 1, x, plot.bottom() + 4);
      p.drawText(x - fm.horizontalAdvance(s) / 2, label_y, s);
    }
  }
  if (!hist_.counts.isEmpty())
    p.drawText(QRect(plot.left(), label_y + 4, plot.width(), fm.height()), Qt::AlignHCenter | Qt::AlignTop,
               tr("value"));

  for (Special s : specials()) {
    const QRect r = special_rect(s);
    const QColor c = special_color(s);
    if (r.height() > 0) {
      p.fillRect(r, c);
      p.setPen(c.darker(140));
      p.drawRect(r.adjusted(0, 0, -1, -1));
    }
    p.setPen(text);
    p.drawText(QRect(r.left() - 8, plot.bottom() + 4, r.width() + 16, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
               special_name(s));
    const QString count = locale.toString(special_count(s));
    p.drawText(QRect(r.left() - 8, r.top() - fm.height() - 2, r.width() + 16, fm.height()),
               Qt::AlignHCenter | Qt::AlignBottom, count);
  }
}

// -------------------------------------------------------------- inspector

ValueInspector::ValueInspector(QWidget* parent) : QWidget(parent), model_(new ArrayTableModel(this)) {
  header_ = new QLabel(this);
  header_->setTextFormat(Qt::RichText);
  header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  stats_label_ = new QLabel(this);
  stats_label_->setTextFormat(Qt::RichText);
  stats_label_->setWordWrap(true);
  stats_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  selectors_ = new QWidget(this);
  auto* sel = new QHBoxLayout(selectors_);
  sel->setContentsMargins(0, 0, 0, 0);
  row_box_ = new QComboBox(selectors_);
  col_box_ = new QComboBox(selectors_);
  row_box_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  col_box_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  row_box_->setToolTip(tr("The axis shown down the table and heatmap"));
  col_box_->setToolTip(tr("The axis shown across the table and heatmap"));
  sel->addWidget(new QLabel(tr("Rows:"), selectors_));
  sel->addWidget(row_box_);
  sel->addSpacing(8);
  sel->addWidget(new QLabel(tr("Columns:"), selectors_));
  sel->addWidget(col_box_);
  sel->addSpacing(16);
  slice_layout_ = new QHBoxLayout;
  sel->addLayout(slice_layout_);
  sel->addStretch(1);
  per_slice_box_ = new QCheckBox(tr("Heatmap scale per slice"), selectors_);
  per_slice_box_->setToolTip(tr("Colour the heatmap over the shown slice's range instead of the whole array's"));
  sel->addWidget(per_slice_box_);
  connect(per_slice_box_, &QCheckBox::toggled, this, [this](bool on) { heatmap_->set_scale_per_slice(on); });
  connect(row_box_, &QComboBox::activated, this, [this] { axes_picked(true); });
  connect(col_box_, &QComboBox::activated, this, [this] { axes_picked(false); });

  tabs_ = new QTabWidget(this);
  table_ = new QTableView(tabs_);
  table_->setModel(model_);
  table_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  const QFontMetrics fm(table_->font());
  // Fixed section sizes keep a table of millions of cells lazy: nothing is
  // measured beyond what is on screen.
  table_->horizontalHeader()->setDefaultSectionSize(fm.horizontalAdvance(QStringLiteral("-0.000000e+00")) + 12);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  table_->verticalHeader()->setDefaultSectionSize(fm.height() + 6);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  heatmap_ = new HeatmapView(*model_, tabs_);
  connect(heatmap_, &HeatmapView::cell_activated, this, [this](int row, int col) {
    tabs_->setCurrentWidget(table_);
    const QModelIndex at = model_->index(row, col);
    table_->setCurrentIndex(at);
    table_->scrollTo(at, QAbstractItemView::PositionAtCenter);
  });
  histogram_ = new HistogramView(tabs_);
  tabs_->addTab(table_, tr("Table"));
  tabs_->addTab(heatmap_, tr("Heatmap"));
  tabs_->addTab(histogram_, tr("Histogram"));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(6, 6, 6, 6);
  layout->addWidget(header_);
  layout->addWidget(stats_label_);
  layout->addWidget(selectors_);
  layout->addWidget(tabs_, 1);
  clear();
}

void ValueInspector::set_array(const ArrayData& a) {
  stats_ = a.consistent() ? array_stats(a.values) : ArrayStats{};
  // Stepping shows the next value of the same variable: the axes and slice
  // the user picked stay.
  const bool same_shape = a.shape == model_->array().shape && a.consistent() && model_->array().consistent();
  const int rows = model_->row_axis(), cols = model_->col_axis();
  const QVector<qint64> slice = model_->slice();
  model_->set_array(a);
  if (same_shape) {
    model_->set_axes(rows, cols);
    model_->set_slice(slice);
  }
  heatmap_->set_stats(stats_);
  histogram_->set_array(a, stats_);
  show_stats();
  rebuild_selectors();
}

void ValueInspector::clear() { set_array({}); }

ValueInspector::Tab ValueInspector::current_tab() const { return static_cast<Tab>(tabs_->currentIndex()); }

QString ValueInspector::header_text() const { return header_->text(); }
QString ValueInspector::stats_text() const { return stats_label_->text(); }

QSpinBox* ValueInspector::slice_box(int axis) const {
  return axis >= 0 && axis < slice_boxes_.size() ? slice_boxes_[axis] : nullptr;
}

void ValueInspector::show_stats() {
  const ArrayData& a = model_->array();
  const QLocale locale;
  const QString error = palette().color(QPalette::Text).lightness() > 128 ? "#ff7070" : "#c01010";
  if (a.dtype.isEmpty() && a.shape.isEmpty() && a.values.isEmpty()) {
    header_->setText(tr("<i>No value selected</i>"));
    stats_label_->clear();
    return;
  }
  const QString name = a.name.isEmpty() ? tr("value") : a.name;
  if (!a.consistent()) {
    header_->setText(tr("<b>%1</b>&nbsp;&nbsp;<code>%2</code>").arg(name.toHtmlEscaped(), a.type_string()));
    stats_label_->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                              .arg(error, a.element_count() < 0
                                              ? tr("The shape has a negative extent.")
                                              : tr("The shape holds %1 elements but %2 values came: nothing to show.")
                                                    .arg(locale.toString(a.element_count()))
                                                    .arg(locale.toString(a.values.size()))));
    return;
  }
  header_->setText(tr("<b>%1</b>&nbsp;&nbsp;<code>%2</code>&nbsp;&nbsp;%3")
                       .arg(name.toHtmlEscaped(), a.type_string(),
                            (stats_.count == 1 ? tr("%1 element") : tr("%1 elements")).arg(locale.toString(stats_.count))));
  QStringList parts;
  if (stats_.finite > 0) {
    parts << tr("min <b>%1</b>").arg(ArrayTableModel::compact_text(stats_.min, a.dtype))
          << tr("max <b>%1</b>").arg(ArrayTableModel::compact_text(stats_.max, a.dtype))
          << tr("mean <b>%1</b>").arg(QString::asprintf("%.6g", stats_.mean))
          << tr("std <b>%1</b>").arg(QString::asprintf("%.6g", stats_.std));
  } else if (stats_.count > 0) {
    parts << tr("no finite values");
  } else {
    parts << tr("empty");
  }
  auto counted = [&](const QString& label, qint64 n) {
    const QString s = QStringLiteral("%1 %2").arg(label, locale.toString(n));
    return n > 0 ? QStringLiteral("<b style='color:%1'>%2</b>").arg(error, s) : s;
  };
  parts << counted(QStringLiteral("NaN"), stats_.nan) << counted(QStringLiteral("+Inf"), stats_.pos_inf)
        << counted(QStringLiteral("−Inf"), stats_.neg_inf) << tr("zeros %1").arg(locale.toString(stats_.zeros));
  stats_label_->setText(parts.join(QStringLiteral("&nbsp;&nbsp;·&nbsp;&nbsp;")));
}

void ValueInspector::rebuild_selectors() {
  const ArrayData& a = model_->array();
  const bool shown = a.ndim() >= 3 && a.consistent();
  selectors_->setVisible(shown);
  while (QLayoutItem* item = slice_layout_->takeAt(0)) {
    delete item->widget();
    delete item;
  }
  slice_boxes_ = QVector<QSpinBox*>(a.ndim(), nullptr);
  row_box_->clear();
  col_box_->clear();
  if (!shown) return;
  for (int axis = 0; axis < a.ndim(); ++axis) {
    const QString item = tr("axis %1 (%2)").arg(axis).arg(a.shape[axis]);
    row_box_->addItem(item);
    col_box_->addItem(item);
  }
  row_box_->setCurrentIndex(model_->row_axis());
  col_box_->setCurrentIndex(model_->col_axis());
  const QVector<int> fixed = model_->fixed_axes();
  const QVector<qint64> slice = model_->slice();
  for (int i = 0; i < fixed.size(); ++i) {
    const int axis = fixed[i];
    auto* label = new QLabel(tr("axis %1:").arg(axis), selectors_);
    auto* box = new QSpinBox(selectors_);
    box->setRange(0, static_cast<int>(std::max<qint64>(0, a.shape[axis] - 1)));
    box->setEnabled(a.shape[axis] > 0);
    box->setValue(static_cast<int>(slice[i]));
    box->setToolTip(tr("The index of axis %1 (of %2) the slice is taken at").arg(axis).arg(a.shape[axis]));
    box->setAccessibleName(tr("axis %1 index").arg(axis));
    label->setBuddy(box);
    slice_layout_->addWidget(label);
    slice_layout_->addWidget(box);
    slice_layout_->addSpacing(8);
    slice_boxes_[axis] = box;
    connect(box, &QSpinBox::valueChanged, this, &ValueInspector::slice_picked);
    // Children added to a shown widget stay hidden until told.
    label->show();
    box->show();
  }
}

void ValueInspector::axes_picked(bool rows_changed) {
  int rows = row_box_->currentIndex(), cols = col_box_->currentIndex();
  // Picking the other side's axis swaps the two.
  if (rows == cols) {
    if (rows_changed)
      cols = model_->row_axis();
    else
      rows = model_->col_axis();
  }
  model_->set_axes(rows, cols);
  rebuild_selectors();
}

void ValueInspector::slice_picked() {
  QVector<qint64> indices;
  for (int axis : model_->fixed_axes()) indices << slice_boxes_[axis]->value();
  model_->set_slice(indices);
}

}  // namespace jxr::views
