#include "app/gui/main_window.h"

#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "views/jaxpr_view.h"
#include "views/transform_bar.h"
#include "views/variables_view.h"

// The demos are compiled into the GUI library; a static library's resources
// must be registered by hand, outside any namespace.
static void init_demo_resources() { Q_INIT_RESOURCE(demos); }

namespace jxr::gui {

MainWindow::MainWindow(views::Session& session, QWidget* parent)
    : QMainWindow(parent),
      session_(session),
      jaxpr_(new views::JaxprView(session, this)),
      variables_(new views::VariablesView(session, this)),
      transforms_(new views::TransformBar(session, this)),
      mode_(new QComboBox(this)),
      status_(new QLabel(this)) {
  setWindowTitle(tr("jaxray"));
  auto* centre = new QWidget(this);
  auto* column = new QVBoxLayout(centre);
  column->setContentsMargins(2, 2, 2, 0);
  column->setSpacing(2);
  column->addWidget(transforms_);
  column->addWidget(jaxpr_, 1);
  setCentralWidget(centre);
  auto* dock = new QDockWidget(tr("Variables"), this);
  dock->setObjectName("variables_dock");
  dock->setWidget(variables_);
  addDockWidget(Qt::BottomDockWidgetArea, dock);
  status_->setObjectName("status");
  statusBar()->addWidget(status_, 1);

  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
    QString path = QFileDialog::getOpenFileName(this, tr("Open a jaxpr or a trace"), {},
                                                tr("Jaxprs and traces (*.jaxpr *.txt *.jaxray);;All files (*)"));
    if (!path.isEmpty()) open_file(path);
  });
  file->addAction(tr("Open &Demo"), this, &MainWindow::open_demo);
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* debug = menuBar()->addMenu(tr("&Debug"));
  QToolBar* bar = addToolBar(tr("Debug"));
  bar->setObjectName("debug_toolbar");
  struct Command {
    const char* name;
    QString text;
    QKeySequence key;
    void (views::Session::*slot)();
  };
  const Command commands[] = {
      {"continue", tr("Continue"), Qt::Key_F5, &views::Session::continue_run},
      {"step", tr("Step"), Qt::Key_F10, &views::Session::step_over},
      {"step_into", tr("Step Into"), Qt::Key_F11, &views::Session::step},
      {"step_out", tr("Step Out"), Qt::SHIFT | Qt::Key_F11, &views::Session::step_out},
      {"step_back", tr("Step Back"), Qt::SHIFT | Qt::Key_F10, &views::Session::step_back},
      {"restart", tr("Restart"), Qt::CTRL | Qt::SHIFT | Qt::Key_F5, &views::Session::restart},
  };
  for (const Command& c : commands) {
    QAction* a = debug->addAction(c.text);
    a->setObjectName(c.name);
    a->setShortcut(c.key);
    a->setToolTip(QStringLiteral("%1 (%2)").arg(c.text, c.key.toString(QKeySequence::NativeText)));
    connect(a, &QAction::triggered, &session_, c.slot);
    bar->addAction(a);
  }
  debug->addSeparator();
  QAction* bp = debug->addAction(tr("Toggle &Breakpoint"));
  bp->setObjectName("toggle_breakpoint");
  bp->setShortcut(Qt::Key_F9);
  connect(bp, &QAction::triggered, jaxpr_, &views::JaxprView::toggle_breakpoint_at_cursor);

  bar->addSeparator();
  mode_->addItem(tr("eval"), static_cast<int>(views::Mode::Eval));
  mode_->addItem(tr("jvp"), static_cast<int>(views::Mode::Jvp));
  mode_->addItem(tr("vjp"), static_cast<int>(views::Mode::Vjp));
  mode_->setCurrentIndex(mode_->findData(static_cast<int>(session_.mode())));
  mode_->setToolTip(tr("What to step: f, its jvp (tangents: ones) or its vjp (output cotangents: ones)"));
  connect(mode_, &QComboBox::activated, this,
          [this](int i) { session_.set_mode(static_cast<views::Mode>(mode_->itemData(i).toInt())); });
  bar->addWidget(mode_);

  connect(&session_, &views::Session::stepped, this, &MainWindow::show_state);
  connect(&session_, &views::Session::error, this, &MainWindow::show_error);
  resize(1000, 700);
}

QAction* MainWindow::action(const QString& object_name) const { return findChild<QAction*>(object_name); }

void MainWindow::open_file(const QString& path) { session_.load_file(path); }

void MainWindow::open_demo() {
  init_demo_resources();
  QFile f(QStringLiteral(":/demos/seed.jaxpr"));
  if (!f.open(QIODevice::ReadOnly)) return show_error(tr("the bundled demo is missing"));
  session_.load_text(QString::fromUtf8(f.readAll()), QStringLiteral("seed.jaxpr"));
}

void MainWindow::show_state(const views::StepState& s) {
  QString where = s.equation < 0 ? s.event
                 : s.backward     ? tr("linear equation %1").arg(s.equation)
                                  : tr("equation %1").arg(s.equation);
  status_->setText(tr("%1 · %2 · %3 · step %4 · %5 · %6")
                       .arg(session_.transform(), mode_->currentText(), s.backward ? tr("backward") : tr("forward"))
                       .arg(s.step)
                       .arg(where, s.reason));
  status_->setToolTip(s.equation_text);
}

void MainWindow::show_error(const QString& message) {
  statusBar()->showMessage(message, 10000);
  // Window-modal and not blocking: the app keeps running (and tests can read it).
  auto* box = new QMessageBox(QMessageBox::Warning, tr("jaxray"), message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

}  // namespace jxr::gui
