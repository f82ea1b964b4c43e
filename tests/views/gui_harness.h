// What the desktop app's GUI tests share: the main window over a live
// session (the engine on its worker thread), driven as a user drives it,
// with waits for the session's answers and readers of what the window shows.
#pragma once

#include <QLabel>
#include <QMessageBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

#include "app/gui/main_window.h"
#include "app/gui/stepper_session.h"
#include "views/variables_view.h"

class GuiHarness {
 protected:
  std::unique_ptr<jxr::gui::StepperSession> session_;
  std::unique_ptr<jxr::gui::MainWindow> window_;
  QTemporaryDir dir_;

  // A new window and session; `args` as `--args` takes them, and with `demo`
  // the seed's jaxpr `x[0] + x[0] * x[1]` open.
  void open_window(std::optional<QString> args, bool demo) {
    window_.reset();
    session_ = std::make_unique<jxr::gui::StepperSession>(std::move(args));
    window_ = std::make_unique<jxr::gui::MainWindow>(*session_);
    if (demo) {
      window_->open_demo();
      settle();
    }
    window_->show();
    QVERIFY(QTest::qWaitForWindowActive(window_.get()));
  }
  // The session answers from its worker thread: wait for every answer.
  void settle(int ms = 20000) { QVERIFY(QTest::qWaitFor([this] { return session_->idle(); }, ms)); }
  void key(Qt::Key k, Qt::KeyboardModifiers m = Qt::NoModifier) {
    QTest::keyClick(window_.get(), k, m);
    settle();
  }
  // The message box an error opened (closed here, giving the window back
  // the keys its shortcuts need), or an empty string.
  QString take_error() {
    auto* box = window_->findChild<QMessageBox*>();
    if (!box) return {};
    const QString message = box->text();
    delete box;
    window_->activateWindow();
    if (!QTest::qWaitForWindowActive(window_.get())) return QStringLiteral("the window did not come back");
    return message;
  }
  QString status() const { return window_->statusBar()->findChild<QLabel*>("status")->text(); }
  // The variables table as `name type value derivative ... role` rows, the
  // hidden columns left out.
  static QStringList rows_of(const jxr::views::VariablesView* t) {
    QStringList out;
    for (int r = 0; r < t->rowCount(); ++r) {
      QStringList cells;
      for (int c = 0; c < jxr::views::VariablesView::ColumnCount; ++c)
        if (!t->isColumnHidden(c)) cells << t->item(r, c)->text();
      out << cells.join(' ');
    }
    return out;
  }
  QStringList rows() const { return rows_of(window_->variables_view()); }
};
