// The script side of the desktop debugger, driven through the main window:
// bundled Python demos traced by the embedded interpreter on the session's
// worker thread, source lines linked both ways, errors shown on their line,
// an endless loop stopped with the Stop button, a NaN breakpoint, hover
// values, and the window's layout and recent files remembered.
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QToolButton>
#include <QToolTip>
#include <memory>

#include "app/gui/main_window.h"
#include "gui_harness.h"
#include "app/gui/stepper_session.h"
#include "views/console_view.h"
#include "views/editor_view.h"
#include "views/jaxpr_view.h"
#include "views/script_panel.h"


class TestGuiScript : public QObject, GuiHarness {
  Q_OBJECT

 private:
  void open() { open_window(std::nullopt, false); }
  jxr::views::ScriptPanel* script() const { return window_->script_panel(); }
  void run_script(const QString& text) {
    script()->set_script(text, dir_.filePath("script.py"));
    QTest::mouseClick(script()->run_button(), Qt::LeftButton);
  }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings().clear();
  }

  void seed_demo_links_equations_and_source_lines() {
    open();
    window_->findChild<QAction*>("demo_seed.py_f")->trigger();
    settle();
    QCOMPARE(take_error(), QString());
    QCOMPARE(script()->call_field()->text(), "f(x)");
    // JAX 0.10.2 prints the same for make_jaxpr(f)(jnp.arange(2.0, 7.0)).
    QCOMPARE(window_->jaxpr_view()->toPlainText(),
             "{ lambda ; a:f32[5]. let\n"
             "    b:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a\n"
             "    c:f32[] = squeeze[dimensions=(0,)] b\n"
             "    d:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a\n"
             "    e:f32[] = squeeze[dimensions=(0,)] d\n"
             "    f:f32[1] = slice[limit_indices=(2,) start_indices=(1,) strides=None] a\n"
             "    g:f32[] = squeeze[dimensions=(0,)] f\n"
             "    h:f32[] = mul e g\n"
             "    i:f32[] = add c h\n"
             "  in (i,) }");
    QCOMPARE(session_->source_file(), "seed.py");
    QCOMPARE(session_->source_lines(), QVector<int>(8, 8));  // every equation comes from `return x[0] + ...`
    key(Qt::Key_F10);
    QCOMPARE(script()->editor()->current_line(), 8);
    // The script's arguments are the program's: x = [2, 3, 4, 5, 6] gives 2 + 2 * 3.
    key(Qt::Key_F5);
    QVERIFY2(status().contains("finished"), qPrintable(status()));
    // Putting the cursor on the source line selects its first equation.
    script()->editor()->setCursorPosition(7, 4);
    QTRY_COMPARE(window_->jaxpr_view()->selected_equation(), 0);
    // A click on an equation marks its source line.
    script()->editor()->set_linked_lines({});
    auto* view = window_->jaxpr_view();
    const QPoint at = view->cursorRect(QTextCursor(view->document()->findBlockByNumber(3))).center();
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
    const unsigned linked = 1u << jxr::views::EditorView::LinkedLineMarker;
    QCOMPARE(script()->editor()->markersAtLine(7) & linked, linked);
  }

  void hover_shows_a_value_once_computed() {
    open();
    window_->findChild<QAction*>("demo_seed.py_f")->trigger();
    settle();
    key(Qt::Key_F5);
    auto* view = window_->jaxpr_view();
    const QTextBlock line = view->document()->findBlockByNumber(7);  // h:f32[] = mul e g
    QTextCursor c(line);
    c.movePosition(QTextCursor::NextCharacter, QTextCursor::MoveAnchor, 4);  // on `h`
    const QPoint at = view->cursorRect(c).center() + QPoint(2, 0);
    QHelpEvent tip(QEvent::ToolTip, at, view->viewport()->mapToGlobal(at));
    QCoreApplication::sendEvent(view->viewport(), &tip);
    settle();
    QTRY_COMPARE(QToolTip::text(), "h: f32[] = 6");
  }

  void script_errors_show_on_their_line() {
    open();
    run_script("import jax.numpy as jnp\n\n\ndef f(x):\n    return x + jnp.ones(4)\n\n\n# jaxray: f(jnp.ones(3))\n");
    settle();
    const QString message = take_error();
    // JAX's words, and a traceback of the script's frames only.
    QVERIFY2(message.endsWith("ValueError: Incompatible shapes for broadcasting: shapes=[(3,), (4,)]\n"),
             qPrintable(message));
    QVERIFY2(!message.contains("<string>") && !message.contains("jaxray/"), qPrintable(message));
    QVERIFY(window_->console()->toPlainText().contains("line 5"));
    QVERIFY(script()->editor()->annotation(4).contains("Incompatible shapes"));
    // A syntax error names its own line.
    run_script("def f(x):\n    return x +\n# jaxray: f(1.0)\n");
    settle();
    QVERIFY(take_error().contains("SyntaxError"));
    QVERIFY(!script()->editor()->annotation(1).isEmpty());
    // input() has nothing to wait for.
    run_script("x = input()\n# jaxray: f(1.0)\n");
    settle();
    QVERIFY(take_error().contains("EOFError"));
    // The app goes on: a good script runs after the bad ones.
    run_script("def f(x):\n    return x * 2.0\n# jaxray: f(3.0)\n");
    settle();
    QCOMPARE(take_error(), QString());
    QVERIFY(window_->jaxpr_view()->toPlainText().contains("mul a 2.0"));
  }

  void endless_loop_is_stopped() {
    open();
    run_script("import time\nwhile True:\n    time.sleep(0.001)\n# jaxray: f(1.0)\n");
    QTRY_VERIFY(session_->busy());
    QVERIFY(script()->stop_button()->isEnabled());
    QVERIFY(window_->findChild<QWidget*>("busy_bar")->isVisible());
    // The window still answers while the script runs.
    QTest::keyClick(window_.get(), Qt::Key_F10);
    QTest::mouseClick(script()->stop_button(), Qt::LeftButton);
    settle(10000);
    QVERIFY(!session_->busy());
    QVERIFY(!window_->findChild<QWidget*>("busy_bar")->isVisible());
    QVERIFY(take_error().contains("KeyboardInterrupt"));
    QVERIFY(window_->console()->toPlainText().contains("KeyboardInterrupt"));
    // A pure-Python loop with no call out of the interpreter stops too.
    run_script("n = 0\nwhile True:\n    n += 1\n# jaxray: f(1.0)\n");
    QTRY_VERIFY(session_->busy());
    window_->action("stop_script")->trigger();
    settle(10000);
    QVERIFY(take_error().contains("KeyboardInterrupt"));
    run_script("def f(x):\n    print('tracing', x.shape)\n    return x - 1.0\n# jaxray: f(3.0)\n");
    settle();
    QCOMPARE(take_error(), QString());
    QTRY_VERIFY(window_->console()->toPlainText().contains("tracing ()"));
  }

  void nan_breakpoint_stops_at_the_log() {
    open();
    window_->findChild<QAction*>("demo_nan.py_f")->trigger();
    settle();
    QCOMPARE(take_error(), QString());
    window_->action("break_on_non_finite")->trigger();
    settle();
    QVERIFY(session_->break_on_non_finite());
    key(Qt::Key_F5);
    QVERIFY2(status().endsWith("non-finite value"), qPrintable(status()));
    const int at = window_->jaxpr_view()->current_equation();
    QVERIFY(at >= 0);
    const QString eq = window_->jaxpr_view()->document()->findBlockByNumber(session_->equation_lines()[at]).text();
    QVERIFY2(eq.contains("= log "), qPrintable(eq));
    QCOMPARE(script()->editor()->current_line(), 8);
  }

  void every_demo_opens() {
    open();
    for (QAction* a : window_->findChildren<QAction*>()) {
      if (!a->objectName().startsWith("demo_")) continue;
      a->trigger();
      settle();
      QVERIFY2(take_error().isEmpty(), qPrintable(a->objectName()));
      // A long scan body is hoisted as JAX prints it: `let jaxpr = { lambda ... } in`.
      const QString text = window_->jaxpr_view()->toPlainText();
      QVERIFY2(text.startsWith("{ lambda") || text.startsWith("let "), qPrintable(a->objectName()));
      key(Qt::Key_F5);
      QVERIFY2(status().contains("finished"), qPrintable(a->objectName() + ": " + status()));
    }
    window_->findChild<QAction*>("demo_seed.py_grad(f)")->trigger();
    settle();
    QCOMPARE(session_->transform(), "grad(f)");
  }

  void layout_and_recent_files_are_remembered() {
    open();
    const QString path = dir_.filePath("saved.py");
    {
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("def f(x):\n    return x * x\n# jaxray: f(2.0)\n");
    }
    window_->open_file(path);
    settle();
    QCOMPARE(take_error(), QString());
    window_->dock("console_dock")->hide();
    window_->close();
    open();
    QVERIFY(!window_->dock("console_dock")->isVisible());
    QMenu* recent = window_->findChild<QMenu*>("recent_menu");
    QVERIFY(!recent->actions().isEmpty());
    QCOMPARE(recent->actions().first()->text(), path);
    recent->actions().first()->trigger();
    settle();
    QVERIFY(window_->jaxpr_view()->toPlainText().contains("mul a a"));
  }
};

QTEST_MAIN(TestGuiScript)
#include "tst_gui_script.moc"
