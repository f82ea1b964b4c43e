// jaxray-screenshots DIR: grabs the debugger's main views, as a user sees
// them on the bundled demos, into DIR (docs/screenshots in the repository).
// Runs headless under QT_QPA_PLATFORM=offscreen; `make screenshots` runs it.
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QTimer>
#include <cstdio>

#include "app/gui/main_window.h"
#include "app/gui/stepper_session.h"
#include "views/graph_view.h"
#include "views/theme.h"

namespace {

using jxr::gui::MainWindow;
using jxr::gui::StepperSession;

// Runs the event loop until the session has answered everything (and the
// panels have drawn), or `ms` pass.
void settle(StepperSession& s, int ms = 20000) {
  QElapsedTimer t;
  t.start();
  while ((!s.idle() || s.busy()) && t.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 50);
  for (int i = 0; i < 20; ++i) QApplication::processEvents(QEventLoop::AllEvents, 10);
}

// Also waits for the graph's layout, which runs on a worker of its own.
void settle_graph(StepperSession& s, MainWindow& w) {
  settle(s);
  QElapsedTimer t;
  t.start();
  while (w.graph_view()->is_layout_running() && t.elapsed() < 30000)
    QApplication::processEvents(QEventLoop::AllEvents, 50);
  settle(s);
}

bool save(QWidget* w, const QDir& dir, const QString& name) {
  const QString path = dir.filePath(name + QStringLiteral(".png"));
  if (!w->grab().save(path)) {
    std::fprintf(stderr, "jaxray-screenshots: cannot write %s\n", qPrintable(path));
    return false;
  }
  std::printf("%s\n", qPrintable(path));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName(QStringLiteral("jaxray-screenshots"));
  if (argc != 2) {
    std::fprintf(stderr, "usage: jaxray-screenshots DIR\n");
    return 2;
  }
  QDir dir(QString::fromLocal8Bit(argv[1]));
  if (!dir.mkpath(QStringLiteral("."))) {
    std::fprintf(stderr, "jaxray-screenshots: cannot create %s\n", argv[1]);
    return 1;
  }
  bool ok = true;
  for (auto theme : {jxr::views::ThemeKind::Light, jxr::views::ThemeKind::Dark}) {
    StepperSession session;
    MainWindow window(session);
    jxr::views::apply_theme(theme);
    window.resize(1500, 900);
    window.show();
    const QString suffix = theme == jxr::views::ThemeKind::Dark ? QStringLiteral("_dark") : QString();

    // The seed's gradient, stepped into its backward pass.
    window.open_bundled(QStringLiteral("seed.py"));
    settle(session);
    session.load_transform(QStringLiteral("grad(f)"));
    settle(session);
    QComboBox* mode = window.mode_box();
    mode->setCurrentIndex(mode->findText(QStringLiteral("vjp")));
    emit mode->activated(mode->currentIndex());
    settle(session);
    for (int i = 0; i < 4; ++i) session.step_over();
    settle(session);
    window.inspect(QStringLiteral("a"));
    settle(session);
    ok = save(&window, dir, QStringLiteral("main_window") + suffix) && ok;
    window.dock(QStringLiteral("graph_dock"))->raise();
    settle_graph(session, window);
    window.graph_view()->fit();
    settle(session);
    ok = save(&window, dir, QStringLiteral("graph") + suffix) && ok;
    if (theme == jxr::views::ThemeKind::Dark) break;

    // The backward pass of vjp: the linear jaxpr, cotangents and where they came from.
    mode->setCurrentIndex(mode->findText(QStringLiteral("vjp")));
    session.load_transform(QStringLiteral("f"));
    settle(session);
    for (int i = 0; i < 10; ++i) session.step();
    settle(session);
    ok = save(&window, dir, QStringLiteral("backward_pass")) && ok;

    // The small MLP's gradient: its graph, and f against grad(f) in Compare.
    window.open_bundled(QStringLiteral("mlp_grad.py"));
    settle(session);
    mode->setCurrentIndex(mode->findText(QStringLiteral("jvp")));
    emit mode->activated(mode->currentIndex());
    settle(session);
    session.continue_run();
    window.dock(QStringLiteral("graph_dock"))->raise();
    settle_graph(session, window);
    ok = save(&window, dir, QStringLiteral("mlp_grad_graph")) && ok;
    window.open_bundled(QStringLiteral("seed.py"));
    settle(session);
    session.load_transform(QStringLiteral("vmap(grad(f))"));
    settle(session);
    window.dock(QStringLiteral("compare_dock"))->raise();
    settle(session);
    ok = save(&window, dir, QStringLiteral("compare")) && ok;

    // A NaN caught where it is made, its array in the inspector.
    window.open_bundled(QStringLiteral("nan.py"));
    settle(session);
    session.set_break_on_non_finite(true);
    session.continue_run();
    settle(session);
    window.inspect(QStringLiteral("c"));
    settle(session);
    ok = save(&window, dir, QStringLiteral("nan_breakpoint")) && ok;
  }
  return ok ? 0 : 1;
}
