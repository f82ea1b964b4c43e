// The transform bar driven by clicks and typing: grad of the seed demo shows
// exactly what `jaxray-cli jaxpr transform --grad` prints, steps to the
// gradient, stays one tab away; bad chains show JAX's message and keep the
// app (and the shown program) alive.
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabBar>
#include <QStandardPaths>
#include <QTest>
#include <QToolButton>
#include <memory>

#include "app/gui/compare_panel.h"
#include "app/gui/main_window.h"
#include "gui_harness.h"
#include "views/diff_view.h"
#include "app/gui/stepper_session.h"
#include "views/jaxpr_view.h"
#include "views/transform_bar.h"
#include "views/variables_view.h"

using jxr::views::VariablesView;

class TestGuiTransforms : public QObject, GuiHarness {
  Q_OBJECT

 private:
  // The window on the seed demo, `x[0] + x[0] * x[1]`, at x = [2, 3, 4, 5, 6].
  void open() { open_window(QStringLiteral("[[2, 3, 4, 5, 6]]"), true); }
  QString text() const { return window_->jaxpr_view()->toPlainText(); }
  QTabBar* tabs() const { return window_->transform_bar()->tabs(); }
  QStringList tab_texts() const {
    QStringList out;
    for (int i = 0; i < tabs()->count(); ++i) out << tabs()->tabText(i);
    return out;
  }
  void click_tab(int i) {
    QTest::mouseClick(tabs(), Qt::LeftButton, {}, tabs()->tabRect(i).center());
    settle();
  }
  void type_chain(const QString& chain) {
    QLineEdit* field = window_->transform_bar()->chain_field();
    field->clear();
    QTest::keyClicks(field, chain);
    QTest::keyClick(field, Qt::Key_Return);
    settle();
  }
  QString last_row() const { return rows().last(); }

 private slots:
  // Recent files and the layout go to a settings file of the tests' own.
  void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
  void grad_by_a_click_matches_the_cli() {
    open();
    const QString seed = text();
    QCOMPARE(tab_texts(), QStringList({"f"}));
    QToolButton* grad = window_->transform_bar()->button("grad");
    QVERIFY(grad);
    QTest::mouseClick(grad, Qt::LeftButton);
    settle();
    QCOMPARE(take_error(), QString());

    QFile golden(QStringLiteral(JAXRAY_SOURCE_DIR "/tests/golden/transforms/grad_seed.txt"));
    QVERIFY(golden.open(QIODevice::ReadOnly));
    const QString expected = QString::fromUtf8(golden.readAll()).trimmed();
    QCOMPARE(text().trimmed(), expected);
    QCOMPARE(session_->transform(), "grad(f)");
    QCOMPARE(tab_texts(), QStringList({"f", "grad(f)"}));
    QCOMPARE(tabs()->currentIndex(), 1);
    QVERIFY(status().startsWith("grad(f)"));
    // The Compare panel puts f beside the newest program at once.
    jxr::gui::ComparePanel* compare = window_->compare_panel();
    QCOMPARE(compare->left_box()->currentText(), "f");
    QCOMPARE(compare->right_box()->currentText(), "grad(f)");
    QCOMPARE(compare->diff_view()->summary_label()->text(), "1 changed, 10 only right, 8 same");

    QTest::keyClick(window_.get(), Qt::Key_F10);
    settle();
    QCOMPARE(window_->jaxpr_view()->current_equation(), 0);
    QTest::keyClick(window_.get(), Qt::Key_F5);
    settle();
    QVERIFY(status().contains("finished"));
    // d/dx (x0 + x0 * x1) = [1 + x1, x0, 0, 0, 0]
    QCOMPARE(last_row(), "r f32[5] [4.0, 2.0, 0.0, 0.0, 0.0] out");

    click_tab(0);
    QCOMPARE(text(), seed);
    QCOMPARE(session_->transform(), "f");
    click_tab(1);
    QCOMPARE(text().trimmed(), expected);
    QCOMPARE(session_->transform(), "grad(f)");
  }

  void every_button_loads_its_transformation() {
    open();
    const QStringList names = {"jvp", "vjp", "vmap", "jacfwd", "jacrev", "hessian", "jit", "grad", "f"};
    for (const QString& name : names) {
      QTest::mouseClick(window_->transform_bar()->button(name), Qt::LeftButton);
      settle();
      QCOMPARE(take_error(), QString());
      const QString chain = name == "f" ? QStringLiteral("f") : name + "(f)";
      QCOMPARE(session_->transform(), chain);
      QVERIFY2(text().startsWith("{ lambda"), qPrintable(text()));
      QTest::keyClick(window_.get(), Qt::Key_F5);
      settle();
      QVERIFY2(status().contains("finished"), qPrintable(status()));
    }
    QCOMPARE(tab_texts(), QStringList({"f", "jvp(f)", "vjp(f)", "vmap(f)", "jacfwd(f)", "jacrev(f)", "hessian(f)",
                                       "jit(f)", "grad(f)"}));
  }

  void typed_chains_compose() {
    open();
    type_chain("grad(grad(f))");
    // The gradient is f32[5]: JAX's message for grad of a non-scalar.
    QCOMPARE(take_error(), "grad: Gradient only defined for scalar-output functions. Output had shape: (5,).");
    QCOMPARE(session_->transform(), "f");
    type_chain("vmap(grad(f))");
    QCOMPARE(take_error(), QString());
    QCOMPARE(session_->transform(), "vmap(grad(f))");
    QVERIFY2(text().startsWith("{ lambda ; a:f32[2,5]. let"), qPrintable(text()));
    QTest::keyClick(window_.get(), Qt::Key_F5);
    settle();
    QVERIFY(status().contains("finished"));
    QCOMPARE(tab_texts(), QStringList({"f", "vmap(grad(f))"}));
  }

  void invalid_chains_keep_the_app_alive() {
    open();
    const QString before = text();
    type_chain("frobnicate(f)");
    QString message = take_error();
    QVERIFY2(message.contains("unknown transformation 'frobnicate'"), qPrintable(message));
    QVERIFY(window_->statusBar()->currentMessage().contains("frobnicate"));
    type_chain("grad(f");
    message = take_error();
    QVERIFY2(message.contains("unbalanced parentheses"), qPrintable(message));
    type_chain("grad(vmap(f))");
    message = take_error();
    QCOMPARE(message, "grad: Gradient only defined for scalar-output functions. Output had shape: (2,).");
    QCOMPARE(text(), before);
    QCOMPARE(tab_texts(), QStringList({"f"}));
    QTest::keyClick(window_.get(), Qt::Key_F10);
    settle();
    QCOMPARE(window_->jaxpr_view()->current_equation(), 0);
  }
};

QTEST_MAIN(TestGuiTransforms)
#include "tst_gui_transforms.moc"
