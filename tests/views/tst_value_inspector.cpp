// The value inspector: the slice model under QAbstractItemModelTester, cell
// texts per dtype, statistics and histogram counts against closed forms,
// heatmap colours as painted, tabs, axes and slices driven by clicks and
// keys, and arrays that are empty, malformed or 4M elements large.
#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QHelpEvent>
#include <QLabel>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QToolTip>
#include <cmath>
#include <limits>

#include "views/array_table_model.h"
#include "views/value_inspector.h"

using jxr::views::ArrayData;
using jxr::views::ArrayTableModel;
using jxr::views::HistogramView;
using jxr::views::ValueInspector;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

ArrayData iota(const QString& name, const QString& dtype, const QVector<qint64>& shape) {
  ArrayData a{name, dtype, shape, {}};
  for (qint64 i = 0; i < a.element_count(); ++i) a.values << static_cast<double>(i);
  return a;
}

QString cell(const QAbstractItemModel& m, int r, int c, int role = Qt::DisplayRole) {
  return m.data(m.index(r, c), role).toString();
}

// The painted colour of a heatmap cell, off the centre where a non-finite
// value's glyph goes.
QColor painted(jxr::views::HeatmapView* h, int r, int c) {
  return h->grab().toImage().pixelColor(h->cell_rect(r, c).topLeft() + QPoint(2, 2));
}

}  // namespace

class TestValueInspector : public QObject {
  Q_OBJECT

 private slots:
  void model_slices_under_the_tester() {
    ArrayTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_array(iota("x", "f32", {2, 3, 4}));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.columnCount(), 4);
    QCOMPARE(model.fixed_axes(), QVector<int>({0}));
    QCOMPARE(cell(model, 2, 3), "11");
    QVERIFY(model.set_slice({1}));
    QCOMPARE(model.slice(), QVector<qint64>({1}));
    QCOMPARE(cell(model, 0, 0), "12");
    QCOMPARE(cell(model, 2, 3), "23");
    QCOMPARE(cell(model, 2, 3, Qt::ToolTipRole), "x[1, 2, 3] = 23");
    // Rows along axis 0, columns along axis 2, axis 1 fixed (kept at 0).
    QVERIFY(model.set_axes(0, 2));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), 4);
    QCOMPARE(model.fixed_axes(), QVector<int>({1}));
    QVERIFY(model.set_slice({2}));
    QCOMPARE(cell(model, 1, 3), "23");
    QCOMPARE(cell(model, 0, 1), "9");
    QCOMPARE(model.element_index(0, 1), QVector<qint64>({0, 2, 1}));
    // Transposed: columns down, rows across.
    QVERIFY(model.set_axes(2, 0));
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(cell(model, 1, 0), "9");
    QCOMPARE(model.headerData(3, Qt::Vertical).toString(), "3");
    // Refusals leave everything as it was.
    QVERIFY(!model.set_slice({3}));
    QVERIFY(!model.set_slice({-1}));
    QVERIFY(!model.set_slice({0, 0}));
    QVERIFY(!model.set_axes(1, 1));
    QVERIFY(!model.set_axes(0, 3));
    QCOMPARE(model.slice(), QVector<qint64>({2}));
    QCOMPARE(model.row_axis(), 2);
    model.set_array(iota("y", "i32", {5}));
    QCOMPARE(model.rowCount(), 5);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
  }

  void cell_texts_per_dtype() {
    ArrayTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const float third = 1.0f / 3.0f;
    model.set_array({"f", "f32", {2, 3}, {static_cast<double>(0.1f), -2.5, 1e-7, 123456789.0, third, -0.0}});
    QCOMPARE(cell(model, 0, 0), "0.1");
    QCOMPARE(cell(model, 0, 1), "-2.5");
    QCOMPARE(cell(model, 0, 2), "1e-07");
    QCOMPARE(cell(model, 1, 0), "1.23457e+08");
    QCOMPARE(cell(model, 1, 1), "0.333333");
    QCOMPARE(cell(model, 1, 2), "-0");
    // Full precision: float's shortest round-trip digits.
    QCOMPARE(cell(model, 0, 0, Qt::ToolTipRole), "f[0, 0] = 0.1");
    QCOMPARE(cell(model, 1, 1, Qt::ToolTipRole), "f[1, 1] = 0.33333334");
    QCOMPARE(cell(model, 1, 0, Qt::ToolTipRole), "f[1, 0] = 123456792");
    QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), "2");
    QCOMPARE(model.headerData(1, Qt::Vertical).toString(), "1");
    QCOMPARE(model.data(model.index(0, 0), Qt::TextAlignmentRole).value<Qt::Alignment>(),
             Qt::AlignRight | Qt::AlignVCenter);

    model.set_array({"d", "f64", {2}, {1.0 / 3.0, 1e300}});
    QCOMPARE(cell(model, 0, 0), "0.333333");
    QCOMPARE(cell(model, 0, 0, Qt::ToolTipRole), "d[0] = 0.3333333333333333");
    QCOMPARE(cell(model, 1, 0, Qt::ToolTipRole), "d[1] = 1e+300");

    model.set_array({"i", "i32", {2, 2}, {-3, 0, 7, 2147483647}});
    QCOMPARE(cell(model, 0, 0), "-3");
    QCOMPARE(cell(model, 0, 1), "0");
    QCOMPARE(cell(model, 1, 0), "7");
    QCOMPARE(cell(model, 1, 1), "2147483647");
    QCOMPARE(cell(model, 1, 1, Qt::ToolTipRole), "i[1, 1] = 2147483647");

    model.set_array({"b", "bool", {3}, {1, 0, 1}});
    QCOMPARE(cell(model, 0, 0), "True");
    QCOMPARE(cell(model, 1, 0), "False");
    QCOMPARE(cell(model, 1, 0, Qt::ToolTipRole), "b[1] = False");
  }

  void scalars_and_vectors() {
    ArrayTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.set_array({"s", "f32", {}, {3.5}});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.columnCount(), 1);
    QCOMPARE(model.fixed_axes(), QVector<int>());
    QCOMPARE(cell(model, 0, 0), "3.5");
    QCOMPARE(cell(model, 0, 0, Qt::ToolTipRole), "s = 3.5");
    QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QString());
    QVERIFY(model.set_slice({}));
    QVERIFY(!model.set_axes(0, -1));

    model.set_array(iota("v", "i32", {4}));
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.columnCount(), 1);
    QCOMPARE(cell(model, 3, 0), "3");
    QVERIFY(model.set_axes(-1, 0));  // as one row
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.columnCount(), 4);
    QCOMPARE(cell(model, 0, 2), "2");
    QCOMPARE(cell(model, 0, 2, Qt::ToolTipRole), "v[2] = 2");
  }

  void non_finite_backgrounds() {
    ArrayTableModel model;
    model.set_array({"n", "f32", {2, 2}, {kNaN, kInf, -kInf, 1}});
    QCOMPARE(cell(model, 0, 0), "nan");
    QCOMPARE(cell(model, 0, 1), "inf");
    QCOMPARE(cell(model, 1, 0), "-inf");
    QCOMPARE(model.data(model.index(0, 0), Qt::BackgroundRole).value<QColor>(), ArrayTableModel::nan_background());
    QCOMPARE(model.data(model.index(0, 1), Qt::BackgroundRole).value<QColor>(), ArrayTableModel::inf_background());
    QCOMPARE(model.data(model.index(1, 0), Qt::BackgroundRole).value<QColor>(), ArrayTableModel::inf_background());
    QVERIFY(!model.data(model.index(1, 1), Qt::BackgroundRole).isValid());
    QVERIFY(ArrayTableModel::nan_background() != ArrayTableModel::inf_background());
    QCOMPARE(cell(model, 1, 0, Qt::ToolTipRole), "n[1, 0] = -inf");

    // As the table paints them.
    ValueInspector inspector;
    inspector.resize(700, 500);
    inspector.set_array({"n", "f32", {2, 2}, {kNaN, kInf, -kInf, 1}});
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QTableView* table = inspector.table();
    const QImage shot = table->viewport()->grab().toImage();
    const QRect nan_cell = table->visualRect(inspector.model()->index(0, 0));
    QCOMPARE(shot.pixelColor(nan_cell.topLeft() + QPoint(3, 3)), ArrayTableModel::nan_background());
    const QRect inf_cell = table->visualRect(inspector.model()->index(0, 1));
    QCOMPARE(shot.pixelColor(inf_cell.topLeft() + QPoint(3, 3)), ArrayTableModel::inf_background());
  }

  void statistics_match_closed_forms() {
    // 0..99, one more zero, and one of each non-finite value.
    ArrayData a = iota("s", "f32", {104});
    a.values[100] = 0;
    a.values[101] = kNaN;
    a.values[102] = kInf;
    a.values[103] = -kInf;
    const jxr::views::ArrayStats s = jxr::views::array_stats(a.values);
    QCOMPARE(s.count, 104);
    QCOMPARE(s.finite, 101);
    QCOMPARE(s.nan, 1);
    QCOMPARE(s.pos_inf, 1);
    QCOMPARE(s.neg_inf, 1);
    QCOMPARE(s.zeros, 2);
    QCOMPARE(s.min, 0.0);
    QCOMPARE(s.max, 99.0);
    const double mean = 4950.0 / 101;                            // sum 0..99 over 101 values
    const double var = 328350.0 / 101 - mean * mean;             // sum of squares 99·100·199/6
    QVERIFY2(std::abs(s.mean - mean) < 1e-12, qPrintable(QString::number(s.mean, 'g', 17)));
    QVERIFY2(std::abs(s.std - std::sqrt(var)) < 1e-10, qPrintable(QString::number(s.std, 'g', 17)));

    // 1..n: mean (n+1)/2, population std sqrt((n²-1)/12), without drift over a million values.
    const qint64 n = 1'000'000;
    QVector<double> big(n);
    for (qint64 i = 0; i < n; ++i) big[i] = static_cast<double>(i + 1);
    const jxr::views::ArrayStats b = jxr::views::array_stats(big);
    QVERIFY(std::abs(b.mean - (n + 1) / 2.0) < 1e-6);
    QVERIFY(std::abs(b.std - std::sqrt((static_cast<double>(n) * n - 1) / 12)) < 1e-6);

    const jxr::views::ArrayStats none = jxr::views::array_stats({kNaN, kNaN});
    QCOMPARE(none.finite, 0);
    QCOMPARE(none.nan, 2);
    QVERIFY(std::isnan(none.min) && std::isnan(none.mean) && std::isnan(none.std));

    ValueInspector inspector;
    inspector.set_array(a);
    QCOMPARE(inspector.stats().zeros, 2);
    const QString text = inspector.stats_text();
    QVERIFY2(text.contains("min <b>0</b>") && text.contains("max <b>99</b>"), qPrintable(text));
    QVERIFY2(text.contains("mean <b>49.0099</b>"), qPrintable(text));
    QVERIFY2(text.contains("NaN 1") && text.contains("+Inf 1") && text.contains("−Inf 1"), qPrintable(text));
    QVERIFY2(text.contains("zeros 2"), qPrintable(text));
    QVERIFY2(inspector.header_text().contains("f32[104]"), qPrintable(inspector.header_text()));
  }

  void histogram_counts_and_hover() {
    ArrayData a = iota("h", "f32", {100});
    a.values << kNaN << kNaN << kInf;
    a.shape = {103};
    const jxr::views::ArrayStats s = jxr::views::array_stats(a.values);
    jxr::views::Histogram h = jxr::views::make_histogram(a, s, 10);
    QCOMPARE(h.counts, QVector<qint64>(10, 10));
    QCOMPARE(h.edges.size(), 11);
    QCOMPARE(h.edges.first(), 0.0);
    QCOMPARE(h.edges[1], 9.9);
    QCOMPARE(h.edges.last(), 99.0);
    QCOMPARE(h.nan, 2);
    QCOMPARE(h.pos_inf, 1);
    QCOMPARE(h.neg_inf, 0);
    // Rice's rule picks 10 bins for 100 values too.
    QCOMPARE(jxr::views::make_histogram(a, s).counts, QVector<qint64>(10, 10));
    // Integers over a short span: a bin per value.
    const ArrayData ints{"k", "i32", {6}, {3, 1, 3, 3, 2, 1}};
    h = jxr::views::make_histogram(ints, jxr::views::array_stats(ints.values));
    QCOMPARE(h.integer_width, 1);
    QCOMPARE(h.counts, QVector<qint64>({2, 1, 3}));
    QCOMPARE(h.edges, QVector<double>({0.5, 1.5, 2.5, 3.5}));
    // Integers over a long span: whole integers per bin.
    const ArrayData hundred = iota("i", "i32", {100});
    h = jxr::views::make_histogram(hundred, jxr::views::array_stats(hundred.values));
    QCOMPARE(h.integer_width, 10);
    QCOMPARE(h.counts, QVector<qint64>(10, 10));
    QCOMPARE(h.edges[1], 9.5);
    h = jxr::views::make_histogram(hundred, jxr::views::array_stats(hundred.values), 8);
    QCOMPARE(h.integer_width, 13);
    QCOMPARE(h.counts, QVector<qint64>({13, 13, 13, 13, 13, 13, 13, 9}));
    // A constant array: one bin around it.
    const ArrayData flat{"c", "f32", {3}, {2.5, 2.5, 2.5}};
    h = jxr::views::make_histogram(flat, jxr::views::array_stats(flat.values));
    QCOMPARE(h.counts, QVector<qint64>({3}));
    QCOMPARE(h.edges, QVector<double>({2.0, 3.0}));

    ValueInspector inspector;
    inspector.resize(700, 500);
    inspector.set_array(a);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    inspector.tabs()->setCurrentIndex(ValueInspector::HistogramTab);
    HistogramView* view = inspector.histogram();
    QCOMPARE(view->histogram().counts, QVector<qint64>(10, 10));
    QCOMPARE(view->tooltip_at(view->bar_rect(0).center()), "[0, 9.9): 10 values");
    QCOMPARE(view->tooltip_at(view->bar_rect(9).center()), "[89.1, 99]: 10 values");
    QCOMPARE(view->tooltip_at(view->special_rect(HistogramView::NaN).center()), "NaN: 2 values");
    QCOMPARE(view->tooltip_at(view->special_rect(HistogramView::PosInf).center()), "+Inf: 1 value");
    QVERIFY(view->special_rect(HistogramView::NegInf).isEmpty());
    // Bars are as tall as their counts: the NaN bar of 2 a fifth of a bin of 10.
    QCOMPARE(view->bar_rect(3).height(), view->bar_rect(0).height());
    QVERIFY(std::abs(view->special_rect(HistogramView::NaN).height() * 5 - view->bar_rect(0).height()) <= 5);
    const QImage shot = view->grab().toImage();
    QCOMPARE(shot.pixelColor(view->bar_rect(4).center()), QColor(76, 114, 176));
    QCOMPARE(shot.pixelColor(view->special_rect(HistogramView::NaN).center()), jxr::views::nan_color());
    // The tooltip a hover raises.
    QHelpEvent help(QEvent::ToolTip, view->bar_rect(2).center(), view->mapToGlobal(view->bar_rect(2).center()));
    QApplication::sendEvent(view, &help);
    QTRY_COMPARE(QToolTip::text(), "[19.8, 29.7): 10 values");
    view->set_bin_count(4);
    QCOMPARE(view->histogram().counts, QVector<qint64>({25, 25, 25, 25}));
    QCOMPARE(view->tooltip_at(view->bar_rect(0).center()), "[0, 24.75): 25 values");
    inspector.set_array(hundred);
    QCOMPARE(view->tooltip_at(view->bar_rect(1).center()), "25 to 49: 25 values");
    view->set_bin_count(0);
    QCOMPARE(view->tooltip_at(view->bar_rect(9).center()), "90 to 99: 10 values");
    inspector.set_array(ints);
    QCOMPARE(view->tooltip_at(view->bar_rect(2).center()), "3: 3 values");
    inspector.set_array({"b", "bool", {3}, {1, 0, 1}});
    QCOMPARE(view->tooltip_at(view->bar_rect(0).center()), "False: 1 value");
  }

  void heatmap_colours() {
    ValueInspector inspector;
    inspector.resize(700, 500);
    // One-signed: sequential, min and max at the two ends.
    inspector.set_array({"m", "f32", {2, 3}, {0, 1, 2, 4, kNaN, -kInf}});
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    inspector.tabs()->setCurrentIndex(ValueInspector::HeatmapTab);
    jxr::views::HeatmapView* h = inspector.heatmap();
    QVERIFY(!h->diverging());
    QCOMPARE(h->color_at(0, 0), QColor(68, 1, 84));
    QCOMPARE(h->color_at(1, 0), QColor(253, 231, 37));
    QCOMPARE(h->color_at(1, 1), QColor(255, 0, 255));
    QCOMPARE(h->color_at(1, 1), jxr::views::nan_color());
    QCOMPARE(h->color_at(1, 2), jxr::views::neg_inf_color());
    QVERIFY(h->color_at(0, 1) != h->color_at(0, 2));
    QVERIFY(!h->color_at(2, 0).isValid());
    // As painted.
    QCOMPARE(painted(h, 0, 0), QColor(68, 1, 84));
    QCOMPARE(painted(h, 1, 0), QColor(253, 231, 37));
    QCOMPARE(painted(h, 1, 1), jxr::views::nan_color());
    // Hover: the element's full index and value.
    QCOMPARE(h->tooltip_at(h->cell_rect(1, 0).center()), "m[1, 0] = 4");
    QCOMPARE(h->tooltip_at(h->cell_rect(1, 1).center()), "m[1, 1] = nan");
    QCOMPARE(h->tooltip_at(QPoint(1, 1)), QString());
    QHelpEvent help(QEvent::ToolTip, h->cell_rect(0, 2).center(), h->mapToGlobal(h->cell_rect(0, 2).center()));
    QApplication::sendEvent(h, &help);
    QTRY_COMPARE(QToolTip::text(), "m[0, 2] = 2");
    // A double-click shows the block's cell in the table.
    QTest::mouseDClick(h, Qt::LeftButton, {}, h->cell_rect(1, 2).center());
    QCOMPARE(inspector.current_tab(), ValueInspector::TableTab);
    QCOMPARE(inspector.table()->currentIndex(), inspector.model()->index(1, 2));
    inspector.tabs()->setCurrentIndex(ValueInspector::HeatmapTab);

    // Mixed signs: diverging, centred on 0, +Inf marked.
    inspector.set_array({"d", "f64", {2, 2}, {-2, 0, 1, kInf}});
    QVERIFY(h->diverging());
    QCOMPARE(h->color_at(0, 0), QColor(5, 48, 97));
    const QColor zero = h->color_at(0, 1);
    QVERIFY(zero.red() > 240 && zero.green() > 240 && zero.blue() > 240);
    QCOMPARE(h->color_of(2), QColor(103, 0, 31));
    QCOMPARE(h->color_at(1, 1), jxr::views::pos_inf_color());
    QCOMPARE(painted(h, 1, 1), jxr::views::pos_inf_color());
    QCOMPARE(painted(h, 0, 0), QColor(5, 48, 97));
  }

  void tabs_switch_by_clicks() {
    ValueInspector inspector;
    inspector.resize(700, 500);
    inspector.set_array(iota("t", "f32", {3, 3}));
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QTabBar* bar = inspector.tabs()->findChild<QTabBar*>();
    QVERIFY(bar);
    QCOMPARE(bar->tabText(0), "Table");
    QCOMPARE(bar->tabText(1), "Heatmap");
    QCOMPARE(bar->tabText(2), "Histogram");
    QCOMPARE(inspector.current_tab(), ValueInspector::TableTab);
    QVERIFY(inspector.table()->isVisible());
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(1).center());
    QCOMPARE(inspector.current_tab(), ValueInspector::HeatmapTab);
    QVERIFY(inspector.heatmap()->isVisible());
    QVERIFY(!inspector.table()->isVisible());
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(2).center());
    QCOMPARE(inspector.current_tab(), ValueInspector::HistogramTab);
    QVERIFY(inspector.histogram()->isVisible());
    // A new array keeps the tab.
    inspector.set_array(iota("u", "i32", {5}));
    QCOMPARE(inspector.current_tab(), ValueInspector::HistogramTab);
    QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(0).center());
    QCOMPARE(inspector.current_tab(), ValueInspector::TableTab);
  }

  void three_d_slices_by_keys() {
    ValueInspector inspector;
    inspector.resize(800, 500);
    inspector.set_array(iota("x", "f32", {2, 3, 4}));
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QVERIFY(inspector.row_axis_box()->isVisible());
    QCOMPARE(inspector.row_axis_box()->currentText(), "axis 1 (3)");
    QCOMPARE(inspector.col_axis_box()->currentText(), "axis 2 (4)");
    QSpinBox* axis0 = inspector.slice_box(0);
    QVERIFY(axis0 && axis0->isVisible());
    QVERIFY(!inspector.slice_box(1) && !inspector.slice_box(2));
    QCOMPARE(axis0->maximum(), 1);
    const QColor before = inspector.heatmap()->color_at(0, 0);
    QTest::keyClick(axis0, Qt::Key_Up);
    QCOMPARE(inspector.model()->slice(), QVector<qint64>({1}));
    QCOMPARE(cell(*inspector.model(), 0, 0), "12");
    QCOMPARE(inspector.heatmap()->color_at(0, 0), inspector.heatmap()->color_of(12));
    QVERIFY(inspector.heatmap()->color_at(0, 0) != before);

    // Rows along axis 0 now; axis 1 becomes the fixed one.
    QTest::keyClick(inspector.row_axis_box(), Qt::Key_Up);
    QCOMPARE(inspector.model()->row_axis(), 0);
    QCOMPARE(inspector.model()->col_axis(), 2);
    QVERIFY(!inspector.slice_box(0));
    QSpinBox* axis1 = inspector.slice_box(1);
    QVERIFY(axis1);
    QCOMPARE(axis1->maximum(), 2);
    QTest::keyClick(axis1, Qt::Key_PageUp);
    QCOMPARE(inspector.model()->slice(), QVector<qint64>({2}));
    QCOMPARE(inspector.model()->rowCount(), 2);
    QCOMPARE(cell(*inspector.model(), 1, 3), "23");
    QCOMPARE(cell(*inspector.model(), 0, 0), "8");
    // Picking the column axis for the rows swaps the two.
    QTest::keyClick(inspector.row_axis_box(), Qt::Key_End);
    QCOMPARE(inspector.model()->row_axis(), 2);
    QCOMPARE(inspector.model()->col_axis(), 0);
    QCOMPARE(inspector.col_axis_box()->currentIndex(), 0);
    QCOMPARE(inspector.model()->rowCount(), 4);
    QCOMPARE(inspector.slice_box(1)->value(), 2);
    QCOMPARE(cell(*inspector.model(), 3, 1), "23");

    // The heatmap over the slice's own range: its min and max at the ends.
    jxr::views::HeatmapView* h = inspector.heatmap();
    QCOMPARE(h->color_at(0, 0), h->color_of(8));
    QVERIFY(h->color_at(0, 0) != QColor(68, 1, 84));
    QCheckBox* per_slice = inspector.per_slice_box();
    QVERIFY(per_slice->isVisible());
    QTest::mouseClick(per_slice, Qt::LeftButton, {}, QPoint(8, per_slice->height() / 2));
    QVERIFY(h->scale_per_slice());
    QCOMPARE(h->color_at(0, 0), QColor(68, 1, 84));     // 8, the slice's min
    QCOMPARE(h->color_at(3, 1), QColor(253, 231, 37));  // 23, its max
    QTest::keyClick(inspector.slice_box(1), Qt::Key_Down);
    QCOMPARE(cell(*inspector.model(), 3, 1), "19");
    QCOMPARE(h->color_at(3, 1), QColor(253, 231, 37));
    QTest::mouseClick(per_slice, Qt::LeftButton, {}, QPoint(8, per_slice->height() / 2));
    QVERIFY(!h->scale_per_slice());
    QCOMPARE(h->color_at(3, 1), h->color_of(19));
    QVERIFY(h->color_at(3, 1) != QColor(253, 231, 37));

    // The next value of the same shape stays on the picked axes and slice.
    ArrayData next = iota("x", "f32", {2, 3, 4});
    for (double& v : next.values) v = -v;
    inspector.set_array(next);
    QCOMPARE(inspector.model()->row_axis(), 2);
    QCOMPARE(inspector.model()->slice(), QVector<qint64>({1}));
    QCOMPARE(inspector.slice_box(1)->value(), 1);
    QCOMPARE(cell(*inspector.model(), 3, 1), "-19");
    inspector.set_array(iota("x", "f32", {2, 3, 5}));
    QCOMPARE(inspector.model()->row_axis(), 1);
    QCOMPARE(inspector.model()->slice(), QVector<qint64>({0}));

    // 2-d arrays need no selectors.
    inspector.set_array(iota("y", "f32", {2, 2}));
    QVERIFY(!inspector.row_axis_box()->isVisible());
    QVERIFY(!inspector.slice_box(0));
  }

  void empty_and_malformed_arrays() {
    ValueInspector inspector;
    inspector.resize(600, 400);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    QVERIFY(inspector.header_text().contains("No value selected"));
    for (int tab = 0; tab < 3; ++tab) {
      inspector.tabs()->setCurrentIndex(tab);
      QVERIFY(!inspector.grab().isNull());
    }
    inspector.set_array({"e", "f32", {0, 3}, {}});
    QCOMPARE(inspector.model()->rowCount(), 0);
    QVERIFY2(inspector.header_text().contains("f32[0,3]") && inspector.header_text().contains("0 elements"),
             qPrintable(inspector.header_text()));
    QVERIFY(inspector.stats_text().contains("empty"));
    QVERIFY(inspector.histogram()->histogram().counts.isEmpty());
    // An empty leading axis leaves no slice to show.
    inspector.set_array({"z", "f32", {0, 2, 2}, {}});
    QCOMPARE(inspector.model()->rowCount(), 0);
    QVERIFY(!inspector.slice_box(0)->isEnabled());
    inspector.set_array({"bad", "f32", {2, 3}, {1, 2, 3, 4, 5}});
    QCOMPARE(inspector.model()->rowCount(), 0);
    QVERIFY2(inspector.stats_text().contains("The shape holds 6 elements but 5 values came"),
             qPrintable(inspector.stats_text()));
    inspector.set_array({"neg", "f32", {-1}, {}});
    QVERIFY(inspector.stats_text().contains("negative extent"));
    inspector.set_array({"nan", "f32", {2}, {kNaN, kNaN}});
    QVERIFY(inspector.stats_text().contains("no finite values"));
    QCOMPARE(inspector.histogram()->histogram().nan, 2);
    for (int tab = 0; tab < 3; ++tab) {
      inspector.tabs()->setCurrentIndex(tab);
      QVERIFY(!inspector.grab().isNull());
    }
    QCOMPARE(inspector.heatmap()->color_at(0, 0), jxr::views::nan_color());
    inspector.clear();
    QCOMPARE(inspector.model()->rowCount(), 0);
    QVERIFY(inspector.header_text().contains("No value selected"));
  }

  void four_million_elements() {
    ValueInspector inspector;
    inspector.resize(900, 600);
    inspector.show();
    QVERIFY(QTest::qWaitForWindowExposed(&inspector));
    ArrayData a{"big", "f32", {2000, 2000}, QVector<double>(4'000'000)};
    for (qint64 i = 0; i < a.values.size(); ++i) a.values[i] = std::sin(static_cast<double>(i) * 1e-3);
    a.values[12345] = kNaN;
    QElapsedTimer timer;
    timer.start();
    inspector.set_array(a);
    const qint64 set_ms = timer.restart();
    QCOMPARE(inspector.stats().finite, 3'999'999);
    qint64 total = 0;
    for (qint64 c : inspector.histogram()->histogram().counts) total += c;
    QCOMPARE(total, 3'999'999);
    QCOMPARE(inspector.histogram()->histogram().counts.size(), 100);
    qint64 grab_ms[3];
    for (int tab = 0; tab < 3; ++tab) {
      inspector.tabs()->setCurrentIndex(tab);
      timer.restart();
      QVERIFY(!inspector.grab().isNull());
      grab_ms[tab] = timer.restart();
    }
    QCOMPARE(inspector.heatmap()->color_at(6, 345), jxr::views::nan_color());
    inspector.tabs()->setCurrentIndex(ValueInspector::TableTab);
    inspector.table()->scrollToBottom();
    QCOMPARE(cell(*inspector.model(), 1999, 1999), QString::asprintf("%.6g", a.values.last()));
    // As one long vector.
    a.shape = {4'000'000};
    timer.restart();
    inspector.set_array(a);
    inspector.table()->scrollToBottom();
    QVERIFY(!inspector.grab().isNull());
    const qint64 vector_ms = timer.elapsed();
    QCOMPARE(inspector.model()->rowCount(), 4'000'000);
    qInfo("4M elements: set_array %lld ms; grabs table %lld, heatmap %lld, histogram %lld ms; as a vector %lld ms",
          set_ms, grab_ms[0], grab_ms[1], grab_ms[2], vector_ms);
  }
};

QTEST_MAIN(TestValueInspector)
#include "tst_value_inspector.moc"
