// The value inspector: one array's name, type and statistics over a Table,
// a Heatmap and a Histogram tab, with axis and slice selectors for arrays of
// three or more dimensions. NaN and ±Inf are counted and marked in each.
#pragma once

#include <QImage>
#include <QtNumeric>
#include <optional>
#include <utility>
#include <QWidget>

#include "views/array_data.h"
#include "views/array_table_model.h"

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QSpinBox;
class QTabWidget;
class QTableView;

namespace jxr::views {

// Over the finite values (min, max, mean, population std: NaN when there is
// none) and counts over all of them.
struct ArrayStats {
  qint64 count = 0, finite = 0, nan = 0, pos_inf = 0, neg_inf = 0, zeros = 0;
  double min = qQNaN(), max = qQNaN(), mean = qQNaN(), std = qQNaN();
};
// In one pass (Welford's running mean and variance).
ArrayStats array_stats(const QVector<double>& values);

// Counts of finite values in equal-width bins between edges (the last bin
// closed, the others half-open), and the non-finite values apart.
struct Histogram {
  QVector<double> edges;   // bin count + 1, ascending; empty when no value is finite
  QVector<qint64> counts;  // per bin
  // Bool and integer data: the integers per bin (the edges halfway between
  // integers); 0 for real-valued bins.
  qint64 integer_width = 0;
  qint64 nan = 0, pos_inf = 0, neg_inf = 0;
};
// `bins` 0 picks the count: one bin per integer for bool and integer data
// spanning fewer than 64 values, else Rice's rule (2·n^⅓, which at least
// matches Sturges' log2(n)+1 beyond 30 values) capped at 100. Bins of bool
// and integer data hold whole integers, so their count may come out lower.
Histogram make_histogram(const ArrayData& a, const ArrayStats& stats, int bins = 0);

// The colours that mark non-finite values in the heatmap and histogram.
QColor nan_color();
QColor pos_inf_color();
QColor neg_inf_color();

// The current slice of the table model as coloured blocks: a sequential
// colour map (dark violet to yellow) when the finite values share a sign, a
// diverging one (blue, white at 0, red) when they do not, scaled over the
// whole array's finite range, with a colour bar. Blocks fill the widget, at
// most 4:1 out of square.
class HeatmapView : public QWidget {
  Q_OBJECT
 public:
  explicit HeatmapView(const ArrayTableModel& model, QWidget* parent = nullptr);

  // The colour scale over `stats` (of the model's whole array), or over the
  // shown slice's values.
  void set_stats(const ArrayStats& stats);
  void set_scale_per_slice(bool on);
  bool scale_per_slice() const { return per_slice_; }
  bool diverging() const { return diverging_; }
  // The colour of a value, and of a cell of the current slice.
  QColor color_of(double v) const;
  QColor color_at(int row, int col) const;
  // Where a cell is drawn (empty when there is none), and the hover text at
  // a point: `x[1, 2] = 0.5`, empty outside the blocks.
  QRect cell_rect(int row, int col) const;
  QString tooltip_at(QPoint pos) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 signals:
  void cell_activated(int row, int col);  // double-clicked

 protected:
  bool event(QEvent* e) override;
  void mouseDoubleClickEvent(QMouseEvent* e) override;
  void paintEvent(QPaintEvent* e) override;

 private:
  struct Layout {
    QRectF plot;  // the blocks
    QSizeF cell;  // one block
    QRect bar;    // the colour bar
  };
  struct Legend {
    QColor color;
    QString text;
  };
  void rebuild();  // the image is out of date: rebuilt on the next paint
  void rescale();  // the colour scale from the whole array's or the slice's statistics
  QRgb rgb_of(double v) const;
  Layout layout() const;
  std::optional<std::pair<int, int>> cell_at(QPointF pos) const;  // row and column under a point
  QVector<Legend> legend() const;  // the non-finite colours present, with counts
  void paint_axes(QPainter& p, const Layout& l) const;
  void paint_colour_bar(QPainter& p, const Layout& l) const;

  const ArrayTableModel& model_;
  ArrayStats whole_;
  ArrayStats stats_;  // what the scale and legend are over
  bool per_slice_ = false;
  bool diverging_ = false;
  double lo_ = 0, hi_ = 1;  // the values at the colour map's ends
  QVector<QRgb> lut_;       // the colour map, lo_ to hi_
  QImage image_;            // one pixel per cell of the slice
  bool dirty_ = true;
};

// The histogram of the whole array's finite values, with the NaN, +Inf and
// −Inf counts as separate labelled bars after a gap.
class HistogramView : public QWidget {
  Q_OBJECT
 public:
  enum Special { NaN, PosInf, NegInf };
  explicit HistogramView(QWidget* parent = nullptr);

  void set_array(const ArrayData& a, const ArrayStats& stats);
  // 0: automatic (see make_histogram).
  void set_bin_count(int bins);
  const Histogram& histogram() const { return hist_; }
  // Where a bin's bar and a non-finite bar are drawn (empty when absent) and
  // the hover text at a point: `[0, 9.9): 10` for a bin, `NaN: 3`.
  QRect bar_rect(int bin) const;
  QRect special_rect(Special s) const;
  QString tooltip_at(QPoint pos) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  bool event(QEvent* e) override;
  void paintEvent(QPaintEvent* e) override;

 private:
  struct Scale {
    qint64 top, step;  // the count at the top of the plot and between grid lines: round numbers
  };
  QRect plot_rect() const;            // the finite bins' area
  QVector<Special> specials() const;  // the non-finite bars shown, in order
  qint64 special_count(Special s) const;
  Scale scale() const;
  int special_width() const;
  int bar_height(qint64 count, const QRect& plot) const;

  ArrayData array_;
  ArrayStats stats_;
  int bins_ = 0;
  Histogram hist_;
};

class ValueInspector : public QWidget {
  Q_OBJECT
 public:
  enum Tab { TableTab, HeatmapTab, HistogramTab };
  explicit ValueInspector(QWidget* parent = nullptr);

  // Shows `a` on the trailing two axes, first slice, or where the last
  // array was if `a` has its shape; keeps the current tab.
  // An array whose values do not match its shape shows why, not values.
  void set_array(const ArrayData& a);
  // Shows nothing, and says so.
  void clear();

  const ArrayStats& stats() const { return stats_; }
  ArrayTableModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  HeatmapView* heatmap() const { return heatmap_; }
  HistogramView* histogram() const { return histogram_; }
  QTabWidget* tabs() const { return tabs_; }
  Tab current_tab() const;
  QString header_text() const;
  QString stats_text() const;
  // The selectors, shown for arrays of three or more dimensions: the row and
  // column axis combos, and the index spin box of a fixed axis (null for
  // the shown axes).
  QComboBox* row_axis_box() const { return row_box_; }
  QComboBox* col_axis_box() const { return col_box_; }
  QCheckBox* per_slice_box() const { return per_slice_box_; }
  QSpinBox* slice_box(int axis) const;

 private:
  void show_stats();
  void rebuild_selectors();
  void axes_picked(bool rows_changed);
  void slice_picked();

  ArrayStats stats_;
  ArrayTableModel* model_;
  QLabel* header_;
  QLabel* stats_label_;
  QWidget* selectors_;
  QComboBox* row_box_;
  QComboBox* col_box_;
  QCheckBox* per_slice_box_;
  QHBoxLayout* slice_layout_;
  QVector<QSpinBox*> slice_boxes_;  // per axis; null for the shown axes
  QTabWidget* tabs_;
  QTableView* table_;
  HeatmapView* heatmap_;
  HistogramView* histogram_;
};

}  // namespace jxr::views
