// The main window's other panels, driven through the window: the value
// inspector opened by a double-click in the variables panel, a trace saved
// from the session and replayed in a window of its own from the Traces
// panel, the find bar (search and filter) and bookmarks of the jaxpr panel.
#include <QAbstractItemModel>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QGraphicsView>
#include <QSignalSpy>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QToolTip>
#include <QTreeView>
#include <memory>

#include "app/gui/compare_panel.h"
#include "app/gui/main_window.h"
#include "gui_harness.h"
#include "app/gui/stepper_session.h"
#include "views/array_table_model.h"
#include "views/diff_view.h"
#include "views/graph_view.h"
#include "views/jaxpr_view.h"
#include "views/trace_browser.h"
#include "views/value_inspector.h"
#include "views/variables_view.h"

using jxr::gui::MainWindow;
using jxr::gui::StepperSession;
using jxr::views::VariablesView;

class TestGuiPanels : public QObject, GuiHarness {
  Q_OBJECT

 private:
  // The seed demo's jaxpr at x = [2, 3, 4, 5, 6].
  void open() { open_window(QStringLiteral("[[2, 3, 4, 5, 6]]"), true); }
  void key(QWidget* w, Qt::Key k, Qt::KeyboardModifiers m = Qt::NoModifier) {
    QTest::keyClick(w, k, m);
    settle();
  }
  using GuiHarness::key;
  void set_mode(const QString& name) {
    QComboBox* mode = window_->mode_box();
    mode->setCurrentIndex(mode->findText(name));
    emit mode->activated(mode->currentIndex());
    settle();
  }
  QVector<double> inspected() const { return window_->inspector()->model()->array().values; }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
  }

  void double_click_inspects_value_and_cotangent() {
    open();
    set_mode("vjp");
    key(window_.get(), Qt::Key_F5);
    VariablesView* vars = window_->variables_view();
    QCOMPARE(vars->item(0, VariablesView::Name)->text(), "a");
    const QPoint at = vars->visualItemRect(vars->item(0, VariablesView::Name)).center();
    QTest::mouseClick(vars->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(vars->viewport(), Qt::LeftButton, {}, at);
    settle();
    QTRY_COMPARE(inspected(), QVector<double>({2, 3, 4, 5, 6}));
    QVERIFY(window_->inspector()->header_text().contains("a"));
    QComboBox* what = window_->inspect_box();
    what->setCurrentIndex(1);
    emit what->activated(1);
    // d/dx (x0 + x0 * x1) = [1 + x1, x0, 0, 0, 0]
    QCOMPARE(inspected(), QVector<double>({4, 2, 0, 0, 0}));
    // The inspected variable follows the steps: back at the start, no cotangent yet.
    key(window_.get(), Qt::Key_F5, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_VERIFY(window_->inspector()->model()->array().values.isEmpty());
  }

  void saved_trace_replays_in_its_own_window() {
    open();
    set_mode("vjp");
    const QString path = dir_.filePath("seed.jaxray");
    window_->save_trace_to(path);
    settle();
    QTRY_VERIFY(QFile::exists(path));
    jxr::views::TraceBrowser* browser = window_->trace_browser();
    QTRY_COMPARE(browser->filter_model()->rowCount(), 1);  // one program
    QVERIFY(window_->dock("traces_dock")->isVisible());
    // The program's jaxpr, then its runs: the vjp run first (the mode shown).
    QAbstractItemModel* m = browser->filter_model();
    const QModelIndex jaxpr = m->index(0, 0, m->index(0, 0));
    const QModelIndex run = m->index(0, 0, jaxpr);
    QVERIFY2(run.isValid(), "no run listed");
    QCOMPARE(run.siblingAtColumn(1).data().toString(), "vjp");
    QTreeView* tree = browser->tree();
    tree->expandAll();
    tree->setCurrentIndex(run);
    tree->setFocus();
    const QWidgetList tops = QApplication::topLevelWidgets();
    const QSet<QWidget*> before(tops.begin(), tops.end());
    QTest::keyClick(tree, Qt::Key_Return);
    MainWindow* replay = nullptr;
    for (QWidget* w : QApplication::topLevelWidgets())
      if (!before.contains(w)) replay = qobject_cast<MainWindow*>(w) ? qobject_cast<MainWindow*>(w) : replay;
    QVERIFY(replay);
    QVERIFY(replay->is_replay());
    QVERIFY(replay->windowTitle().contains("seed.jaxray"));
    QCOMPARE(replay->jaxpr_view()->toPlainText(), window_->jaxpr_view()->toPlainText());
    // Replayed and live, both run to the end: the same gradient.
    replay->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(replay));
    QTest::keyClick(replay, Qt::Key_F5);
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    key(window_.get(), Qt::Key_F5);
    QTRY_COMPARE(rows_of(replay->variables_view()).first(),
                 "a f32[5] [2.0, 3.0, 4.0, 5.0, 6.0] [4.0, 2.0, 0.0, 0.0, 0.0] in");
    QCOMPARE(rows_of(window_->variables_view()).first(), rows_of(replay->variables_view()).first());
    replay->close();
  }

  void graph_follows_the_stepper_both_ways() {
    open();
    jxr::views::GraphView* graph = window_->graph_view();
    QVERIFY(window_->dock("graph_dock")->isVisible());
    QTRY_VERIFY(!graph->is_layout_running() && graph->node_count() > 0);
    // Nodes: the input, eight equations, the output.
    QCOMPARE(graph->node_count(), 10);
    key(window_.get(), Qt::Key_F10);
    key(window_.get(), Qt::Key_F10);
    QVERIFY(graph->node_item("eqn1")->is_current());
    QVERIFY(!graph->node_item("eqn0")->is_current());
    // A click on a node selects its equation in the jaxpr panel.
    jxr::views::GraphNodeItem* mul = graph->node_item("eqn6");
    QGraphicsView* gv = graph->graphics_view();
    gv->centerOn(mul);
    QTest::mouseClick(gv->viewport(), Qt::LeftButton, {}, gv->mapFromScene(mul->sceneBoundingRect().center()));
    QCOMPARE(window_->jaxpr_view()->selected_equation(), 6);
    // And a click on an equation in the jaxpr panel selects its node.
    auto* view = window_->jaxpr_view();
    const QTextBlock line = view->document()->findBlockByNumber(4);  // e = squeeze d, equation 3
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->cursorRect(QTextCursor(line)).center());
    QVERIFY(graph->selected_node());
    QCOMPARE(graph->selected_node()->id(), "eqn3");
    // Hovering an edge shows its variable's value: h = e * g = 2 * 3.
    key(window_.get(), Qt::Key_F5);
    jxr::views::GraphEdgeItem* h_edge = nullptr;
    for (jxr::views::GraphEdgeItem* e : graph->edge_items())
      if (e->var() == "h") h_edge = e;
    QVERIFY(h_edge);
    const QPointF mid = h_edge->path().pointAtPercent(0.5);
    gv->centerOn(mid);
    const QPoint at = gv->mapFromScene(mid);
    QHelpEvent tip(QEvent::ToolTip, at, gv->viewport()->mapToGlobal(at));
    QCoreApplication::sendEvent(gv->viewport(), &tip);
    settle();
    QTRY_COMPARE(QToolTip::text(), "h: f32[] = 6");
    // jvp: edges take the colour of their tangent's size as it propagates.
    set_mode("jvp");
    auto pen_of = [graph](const QString& var) {
      for (jxr::views::GraphEdgeItem* e : graph->edge_items())
        if (e->var() == var) return e->pen();
      return QPen();
    };
    const QPen plain = pen_of("h");
    key(window_.get(), Qt::Key_F5);
    QVERIFY(pen_of("h").color() != plain.color() || pen_of("h").widthF() != plain.widthF());
    // Back in eval, the colours go.
    set_mode("eval");
    QCOMPARE(pen_of("h").color(), plain.color());
  }

  void two_runs_compare_their_values() {
    const QString path = dir_.filePath("two_runs.jaxray");
    // The seed's vjp at ones (no --args), then at [2, 3, 4, 5, 6], into one trace.
    {
      StepperSession ones;
      MainWindow w(ones);
      w.open_demo();
      QVERIFY(QTest::qWaitFor([&] { return ones.idle(); }, 10000));
      ones.set_mode(jxr::views::Mode::Vjp);
      w.save_trace_to(path);
      QVERIFY(QTest::qWaitFor([&] { return ones.idle(); }, 10000));
    }
    open();
    set_mode("vjp");
    window_->save_trace_to(path);
    settle();
    QTRY_VERIFY(window_->trace_browser()->model()->catalog().runs.size() >= 2);
    QVector<qint64> vjp_runs;
    for (const jxr::views::RunEntry& r : window_->trace_browser()->model()->catalog().runs)
      if (r.mode == "vjp") vjp_runs.push_back(r.id);
    QCOMPARE(vjp_runs.size(), 2);
    QVERIFY(window_->compare_runs(vjp_runs[0], vjp_runs[1]));
    QVERIFY(window_->dock("compare_dock")->isVisible());
    jxr::views::DiffValuesModel* m = window_->compare_panel()->diff_view()->values_model();
    auto row_of = [m](const QString& name) {
      for (int r = 0; r < m->rowCount(); ++r)
        if (m->index(r, 0).data().toString() == name) return r;
      return -1;
    };
    // The input differs; so does its cotangent ([2, 2, 0, 0, 0] against [4, 2, 0, 0, 0]).
    QVERIFY(row_of("a") >= 0);
    QVERIFY(m->flagged(row_of("a")));
    QVERIFY(row_of("a (cotangent)") >= 0);
    QVERIFY(m->flagged(row_of("a (cotangent)")));
    // The cotangent given to vjp, ones, is the same in both.
    QVERIFY(row_of("i (cotangent)") >= 0);
    QVERIFY(!m->flagged(row_of("i (cotangent)")));
    // A run against itself: nothing flagged.
    QVERIFY(window_->compare_runs(vjp_runs[1], vjp_runs[1]));
    QCOMPARE(m->flagged_count(), 0);
  }

  void find_bar_searches_and_filters() {
    open();
    window_->action("find")->trigger();
    auto* field = window_->findChild<QLineEdit*>("find_field");
    QVERIFY(field->isVisible() && field->hasFocus());
    QTest::keyClicks(field, "squeeze");
    auto* view = window_->jaxpr_view();
    QCOMPARE(view->matches(), QVector<int>({1, 3, 5}));
    QCOMPARE(window_->findChild<QLabel*>("find_count")->text(), "3 equation(s)");
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(view->textCursor().block().text().trimmed(), "c:f32[] = squeeze[dimensions=(0,)] b");
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(view->textCursor().block().text().trimmed(), "e:f32[] = squeeze[dimensions=(0,)] d");
    // A variable by its whole name: `e` is not `squeeze`'s e.
    field->clear();
    QTest::keyClicks(field, "e");
    QCOMPARE(view->matches(), QVector<int>({3, 6}));
    // A type.
    field->clear();
    QTest::keyClicks(field, "f32[1]");
    QCOMPARE(view->matches(), QVector<int>({0, 2, 4}));
    // Filter: only the matching equations, the header and the `in` line stay.
    QTest::mouseClick(window_->findChild<QCheckBox*>("find_filter"), Qt::LeftButton);
    QStringList visible;
    for (QTextBlock b = view->document()->begin(); b.isValid(); b = b.next())
      if (b.isVisible()) visible << b.text().trimmed();
    QCOMPARE(visible, QStringList({"{ lambda ; a:f32[5]. let",
                                   "b:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a",
                                   "d:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a",
                                   "f:f32[1] = slice[limit_indices=(2,) start_indices=(1,) strides=None] a",
                                   "in (i,) }"}));
    // Escape closes the bar and shows everything again.
    QTest::keyClick(field, Qt::Key_Escape);
    QVERIFY(!field->isVisible());
    QVERIFY(view->matches().isEmpty());
    for (QTextBlock b = view->document()->begin(); b.isValid(); b = b.next()) QVERIFY(b.isVisible());
  }

  void bookmarks_jump_between_equations() {
    open();
    auto* view = window_->jaxpr_view();
    view->setFocus();
    auto go_to_line = [view](int block) { view->setTextCursor(QTextCursor(view->document()->findBlockByNumber(block))); };
    go_to_line(2);  // equation 1
    QTest::keyClick(view, Qt::Key_M, Qt::ControlModifier);
    go_to_line(7);  // equation 6
    QTest::keyClick(view, Qt::Key_M, Qt::ControlModifier);
    QCOMPARE(view->bookmarks(), QSet<int>({1, 6}));
    go_to_line(0);
    QTest::keyClick(view, Qt::Key_Period, Qt::ControlModifier);
    QCOMPARE(view->textCursor().blockNumber(), 2);
    QTest::keyClick(view, Qt::Key_Period, Qt::ControlModifier);
    QCOMPARE(view->textCursor().blockNumber(), 7);
    QTest::keyClick(view, Qt::Key_Period, Qt::ControlModifier);  // wraps
    QCOMPARE(view->textCursor().blockNumber(), 2);
    QTest::keyClick(view, Qt::Key_Comma, Qt::ControlModifier);
    QCOMPARE(view->textCursor().blockNumber(), 7);
    QTest::keyClick(view, Qt::Key_M, Qt::ControlModifier);  // off again
    QCOMPARE(view->bookmarks(), QSet<int>({1}));
  }
};

QTEST_MAIN(TestGuiPanels)
#include "tst_gui_panels.moc"
