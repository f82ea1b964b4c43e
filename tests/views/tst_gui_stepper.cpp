// The desktop debugger driven as a user drives it: the main window on the
// seed demo, real key presses and toolbar clicks, and the jaxpr view's
// highlighted equation and the variables table checked after each one.
#include <QComboBox>
#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QStandardPaths>
#include <QTest>
#include <QTextBlock>
#include <QToolBar>
#include <QToolButton>
#include <memory>

#include "app/gui/main_window.h"
#include "gui_harness.h"
#include "app/gui/stepper_session.h"
#include "views/jaxpr_view.h"
#include "views/variables_view.h"

using jxr::views::VariablesView;

class TestGuiStepper : public QObject, GuiHarness {
  Q_OBJECT

 private:
  // The window on the seed demo, `x[0] + x[0] * x[1]`, at x = [2, 3, 4, 5, 6]
  // (or ones, the demo's default arguments, without `args`).
  void open(std::optional<QString> args = QStringLiteral("[[2, 3, 4, 5, 6]]")) { open_window(std::move(args), true); }
  int current() const { return window_->jaxpr_view()->current_equation(); }
  QString highlighted_line() const {
    auto* v = window_->jaxpr_view();
    return v->textCursor().block().text().trimmed();
  }

 private slots:
  // Recent files and the layout go to a settings file of the tests' own.
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void demo_starts_with_ones() {
    open(std::nullopt);
    QCOMPARE(current(), -1);
    QVERIFY(window_->jaxpr_view()->toPlainText().startsWith("{ lambda ; a:f32[5]. let"));
    QCOMPARE(rows(), QStringList({"a f32[5] [1.0, 1.0, 1.0, 1.0, 1.0] in", "i f32[]  out"}));  // not computed yet
  }

  void f10_and_toolbar_step_through_eval() {
    open();
    key(Qt::Key_F10);
    QCOMPARE(current(), 0);
    QCOMPARE(highlighted_line(), "b:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a");
    QCOMPARE(rows(), QStringList({"a f32[5] [2.0, 3.0, 4.0, 5.0, 6.0] in", "b f32[1] [2.0] out"}));
    QVERIFY(status().contains("step 1"));

    auto* bar = window_->findChild<QToolBar*>("debug_toolbar");
    QWidget* button = bar->widgetForAction(window_->action("step"));
    QVERIFY(button);
    QTest::mouseClick(button, Qt::LeftButton);
    settle();
    QCOMPARE(current(), 1);
    QCOMPARE(rows(), QStringList({"b f32[1] [2.0] in", "c f32[] 2.0 out"}));

    for (int i = 0; i < 5; ++i) key(Qt::Key_F11);
    QCOMPARE(current(), 6);
    QCOMPARE(rows(), QStringList({"e f32[] 2.0 in", "g f32[] 3.0 in", "h f32[] 6.0 out"}));
    key(Qt::Key_F10);
    QCOMPARE(rows(), QStringList({"c f32[] 2.0 in", "h f32[] 6.0 in", "i f32[] 8.0 out"}));
    key(Qt::Key_F10);
    QCOMPARE(current(), -1);
    QVERIFY(status().contains("finished"));
    QCOMPARE(rows(), QStringList({"a f32[5] [2.0, 3.0, 4.0, 5.0, 6.0] in", "i f32[] 8.0 out"}));

    key(Qt::Key_F5, Qt::ControlModifier | Qt::ShiftModifier);  // restart
    QCOMPARE(current(), -1);
    QVERIFY(status().contains("step 0"));
  }

  void step_back_restores() {
    open();
    key(Qt::Key_F10);
    const QStringList first = rows();
    key(Qt::Key_F10);
    key(Qt::Key_F10);
    QCOMPARE(current(), 2);
    key(Qt::Key_F10, Qt::ShiftModifier);
    key(Qt::Key_F10, Qt::ShiftModifier);
    QCOMPARE(current(), 0);
    QCOMPARE(rows(), first);
    QCOMPARE(highlighted_line(), "b:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a");
  }

  void vjp_reaches_the_backward_pass() {
    open();
    QComboBox* mode = window_->mode_box();
    mode->setFocus();
    QTest::keyClick(mode, Qt::Key_Down);
    settle();
    QTest::keyClick(mode, Qt::Key_Down);
    settle();
    QCOMPARE(mode->currentText(), "vjp");
    QCOMPARE(window_->variables_view()->horizontalHeaderItem(VariablesView::Derivative)->text(), "cotangent");
    QCOMPARE(window_->variables_view()->horizontalHeaderItem(VariablesView::Role)->text(), "operand");
    QCOMPARE(rows(), QStringList({"a f32[5] [2.0, 3.0, 4.0, 5.0, 6.0]  in", "i f32[]   out"}));

    int steps = 0;
    while (!status().contains("backward") && steps++ < 20) key(Qt::Key_F11);
    QCOMPARE(steps, 9);  // the eight forward equations, then the first backward one
    // The panel now shows the linear jaxpr, stepped from its last equation.
    auto* view = window_->jaxpr_view();
    QVERIFY(view->showing_linear());
    QCOMPARE(view->toPlainText(), session_->linear_text());
    QVERIFY2(view->toPlainText().startsWith("{ lambda"), qPrintable(view->toPlainText()));
    QCOMPARE(current(), session_->linear_lines().size() - 1);
    QVERIFY2(highlighted_line().trimmed().startsWith("k:f32[] = add c j"), qPrintable(highlighted_line()));
    const QStringList first_backward = rows();
    // The transpose of the last linear equation, `k = add c j`: the output
    // cotangent 1.0 reaches both operands. Linear variables name the program
    // variable whose tangent they are.
    // Both operands' cotangents came from that equation, 9, the output's from the seed.
    QCOMPARE(first_backward,
             QStringList({"c (dc) f32[]  1.0 9 in", "j (dh) f32[]  1.0 9 in", "k (di) f32[]  1.0 seed out"}));
    // A step back returns to the program and its last equation.
    key(Qt::Key_F10, Qt::ShiftModifier);
    QVERIFY(!view->showing_linear());
    QCOMPARE(view->toPlainText(), session_->jaxpr_text());
    QCOMPARE(current(), 7);
    key(Qt::Key_F11);
    QVERIFY(view->showing_linear());

    key(Qt::Key_F5);
    QVERIFY(status().contains("finished"));
    // d/dx (x0 + x0 * x1) = [1 + x1, x0, 0, 0, 0]
    QCOMPARE(rows().first(), "a f32[5] [2.0, 3.0, 4.0, 5.0, 6.0] [4.0, 2.0, 0.0, 0.0, 0.0] in");
  }

  void f9_breakpoint_stops_continue() {
    open();
    auto* view = window_->jaxpr_view();
    QTextBlock line = view->document()->findBlockByNumber(6);  // g = squeeze f, equation 5
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->cursorRect(QTextCursor(line)).center());
    settle();
    QCOMPARE(view->textCursor().blockNumber(), 6);
    key(Qt::Key_F9);
    QCOMPARE(session_->breakpoints(), QSet<int>({5}));
    key(Qt::Key_F5);
    QCOMPARE(current(), 5);
    QVERIFY2(status().contains("breakpoint"), qPrintable(status()));
    QCOMPARE(rows(), QStringList({"f f32[1] [3.0] in", "g f32[] 3.0 out"}));
    key(Qt::Key_F10);
    QCOMPARE(current(), 6);
    QCOMPARE(session_->breakpoints(), QSet<int>({5}));
    key(Qt::Key_F10, Qt::ShiftModifier);
    QCOMPARE(current(), 5);
    key(Qt::Key_F9);  // the cursor follows the current equation, so F9 clears it
    QVERIFY(session_->breakpoints().isEmpty());
    key(Qt::Key_F5);
    QVERIFY(status().contains("finished"));
  }

  void margin_click_toggles_a_breakpoint() {
    open();
    auto* view = window_->jaxpr_view();
    auto* margin = view->findChild<QWidget*>("breakpoint_margin");
    QVERIFY(margin);
    QTextBlock line = view->document()->findBlockByNumber(7);  // h = mul e g, equation 6
    const QPoint at(margin->width() / 2, view->cursorRect(QTextCursor(line)).center().y());
    QTest::mouseClick(margin, Qt::LeftButton, {}, at);
    settle();
    QCOMPARE(session_->breakpoints(), QSet<int>({6}));
    QTest::mouseClick(window_->findChild<QToolBar*>("debug_toolbar")->widgetForAction(window_->action("continue")),
                      Qt::LeftButton);
    settle();
    QCOMPARE(current(), 6);
    QTest::mouseClick(margin, Qt::LeftButton, {}, at);
    settle();
    QVERIFY(session_->breakpoints().isEmpty());
  }

  void malformed_file_shows_an_error() {
    open();
    const QString path = dir_.filePath("bad.jaxpr");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{ lambda ; a:f32[3]. let\n    b:f32[3] = frobnicate a\n  in (b,) }\n");
    f.close();
    const QString before = window_->jaxpr_view()->toPlainText();
    window_->open_file(path);
    settle();
    auto* box = window_->findChild<QMessageBox*>();
    QVERIFY(box);
    QVERIFY2(box->text().contains("frobnicate"), qPrintable(box->text()));
    box->close();
    window_->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
    QCOMPARE(window_->jaxpr_view()->toPlainText(), before);
    key(Qt::Key_F10);
    QCOMPARE(current(), 0);
  }
};

QTEST_MAIN(TestGuiStepper)
#include "tst_gui_stepper.moc"
