#include "app/gui/main_window.h"

#include <QActionGroup>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGraphicsView>
#include <QTabWidget>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>
#include <QToolTip>
#include <QVBoxLayout>

#include "app/gui/compare_panel.h"
#include "app/gui/diff_convert.h"
#include "app/gui/replay_session.h"
#include "app/gui/trace_catalog_reader.h"
#include "views/console_view.h"
#include "views/diff_view.h"
#include "views/editor_view.h"
#include "views/find_bar.h"
#include "views/graph_view.h"
#include "views/jaxpr_view.h"
#include "views/script_panel.h"
#include "views/theme.h"
#include "views/trace_browser.h"
#include "views/transform_bar.h"
#include "views/value_inspector.h"
#include "views/variables_view.h"

// The demos are compiled into the GUI library; a static library's resources
// must be registered by hand, outside any namespace.
static void init_demo_resources() { Q_INIT_RESOURCE(demos); }

namespace jxr::gui {

namespace {

constexpr int kRecentFiles = 8;

// The Demos menu: a bundled file and the transformation to show it under.
struct Demo {
  const char* title;
  const char* file;
  const char* chain;
};
constexpr Demo kDemos[] = {
    {"Seed: x[0] + x[0] * x[1]", "seed.py", "f"},
    {"Seed: its gradient", "seed.py", "grad(f)"},
    {"Seed: the jaxpr text", "seed.jaxpr", "f"},
    {"Jacobian columns: jvp with one-hot tangents", "jacobian_columns.py", "f"},
    {"Jacobian rows: vjp with one-hot cotangents", "jacobian_rows.py", "f"},
    {"vmap over a batch", "vmap_batch.py", "f"},
    {"A small MLP's gradient", "mlp_grad.py", "f"},
    {"A NaN to catch", "nan.py", "f"},
    {"An LSTM scanned over a sequence", "lstm.py", "f"},
    {"An RL roll-out (REINFORCE)", "rl_rollout.py", "f"},
};

}  // namespace

MainWindow::MainWindow(views::Session& session, QWidget* parent)
    : QMainWindow(parent),
      session_(session),
      jaxpr_(new views::JaxprView(session, this)),
      variables_(new views::VariablesView(session, this)),
      transforms_(new views::TransformBar(session, this)),
      script_(new views::ScriptPanel(session, this)),
      console_(new views::ConsoleView(this)),
      compare_(new ComparePanel(session, this)),
      inspector_(new views::ValueInspector(this)),
      inspect_what_(new QComboBox(this)),
      graph_(new views::GraphView(this)),
      traces_(new views::TraceBrowser(this)),
      mode_(new QComboBox(this)),
      status_(new QLabel(this)) {
  init_demo_resources();
  setWindowTitle(tr("jaxray"));
  setDockNestingEnabled(true);
  auto* centre = new QWidget(this);
  auto* column = new QVBoxLayout(centre);
  column->setContentsMargins(2, 2, 2, 0);
  column->setSpacing(2);
  column->addWidget(transforms_);
  phase_banner_ = new QLabel(
      tr("Backward pass: the linear jaxpr of the program, its equations transposed from the last up; "
         "each variable's cotangent is in the Variables panel."),
      centre);
  phase_banner_->setObjectName("phase_banner");
  phase_banner_->setWordWrap(true);
  phase_banner_->setContentsMargins(6, 3, 6, 3);
  phase_banner_->setAutoFillBackground(true);
  phase_banner_->hide();
  column->addWidget(phase_banner_);
  column->addWidget(jaxpr_, 1);
  auto* find = new views::FindBar(session, *jaxpr_, centre);
  column->addWidget(find);
  setCentralWidget(centre);
  add_dock(tr("Script"), "script_dock", script_, Qt::LeftDockWidgetArea);
  QDockWidget* vars = add_dock(tr("Variables"), "variables_dock", variables_, Qt::BottomDockWidgetArea);
  QDockWidget* console = add_dock(tr("Console"), "console_dock", console_, Qt::BottomDockWidgetArea);
  tabifyDockWidget(vars, console);
  vars->raise();
  inspect_what_->setObjectName("inspect_what");
  inspect_what_->addItems({tr("value"), tr("tangent or cotangent")});
  inspect_what_->setToolTip(tr("Double-click a variable to inspect it; this picks its value or its derivative"));
  auto* inspector_panel = new QWidget(this);
  auto* inspector_column = new QVBoxLayout(inspector_panel);
  inspector_column->setContentsMargins(2, 2, 2, 2);
  inspector_column->addWidget(inspect_what_);
  inspector_column->addWidget(inspector_, 1);
  QDockWidget* graph_dock = add_dock(tr("Graph"), "graph_dock", graph_, Qt::RightDockWidgetArea);
  QDockWidget* inspector_dock = add_dock(tr("Inspector"), "inspector_dock", inspector_panel, Qt::RightDockWidgetArea);
  tabifyDockWidget(graph_dock, inspector_dock);
  QDockWidget* compare_dock = add_dock(tr("Compare"), "compare_dock", compare_, Qt::RightDockWidgetArea);
  QDockWidget* traces_dock = add_dock(tr("Traces"), "traces_dock", traces_, Qt::RightDockWidgetArea);
  tabifyDockWidget(inspector_dock, compare_dock);
  tabifyDockWidget(compare_dock, traces_dock);
  graph_dock->raise();
  replay_ = dynamic_cast<ReplaySession*>(&session) != nullptr;
  status_->setObjectName("status");
  statusBar()->addWidget(status_, 1);

  build_menus();

  connect(&session_, &views::Session::stepped, this, &MainWindow::show_state);
  connect(&session_, &views::Session::error, this, &MainWindow::show_error);
  connect(&session_, &views::Session::output, this, [this](const QString& text, bool is_error) {
    is_error ? console_->append_error(text) : console_->append_output(text);
  });
  connect(&session_, &views::Session::script_error, this, [this](const QString& message, int) {
    console_->append_error(message);
    dock("console_dock")->raise();
  });
  // A running script shows in the status bar as a busy bar beside its call.
  auto* busy_bar = new QProgressBar(this);
  busy_bar->setObjectName("busy_bar");
  busy_bar->setRange(0, 0);
  busy_bar->setMaximumWidth(120);
  busy_bar->hide();
  statusBar()->addPermanentWidget(busy_bar);
  connect(&session_, &views::Session::busy_changed, this, [this, busy_bar](bool busy, const QString& what) {
    if (busy) console_->append_info(what);
    busy_bar->setVisible(busy);
    statusBar()->showMessage(busy ? what + QStringLiteral("…") : QString());
  });
  connect(console_, &views::ConsoleView::location_activated, this, [this](const QString& file, int line) {
    if (file != script_->file()) return;
    script_->editor()->setCursorPosition(line - 1, 0);
    script_->editor()->setFocus();
  });
  connect(variables_, &views::VariablesView::variable_activated, this, &MainWindow::inspect);
  // The graph is laid out once per program, not per mode or breakpoint.
  connect(&session_, &views::Session::loaded, this, [this] {
    if (session_.program_id() == graph_program_) return;
    graph_program_ = session_.program_id();
    magnitudes_.clear();
    graph_->set_edge_magnitudes({});
    graph_->set_graph(session_.graph());
  });
  connect(&session_, &views::Session::stepped, this, &MainWindow::show_graph_state);
  graph_->graphics_view()->viewport()->installEventFilter(this);
  connect(&session_, &views::Session::value_ready, this, [this](const views::VariableValue& v) {
    if (v.name != std::exchange(graph_hover_, QString())) return;
    QToolTip::showText(graph_hover_at_, views::value_tooltip(v));
  });
  // An equation chosen in one of the jaxpr, graph and script panels is shown in the others.
  connect(graph_, &views::GraphView::equation_activated, this, [this](int e) {
    jaxpr_->select_equation(e);
    script_->show_equation_source(e);
  });
  connect(jaxpr_, &views::JaxprView::equation_clicked, this, [this](int e) {
    graph_->select_equation(e);
    script_->show_equation_source(e);
  });
  connect(&session_, &views::Session::value_ready, this, [this](const views::VariableValue& v) {
    if (v.name != inspecting_) return;
    inspected_ = v;
    show_inspected();
  });
  connect(inspect_what_, &QComboBox::activated, this, &MainWindow::show_inspected);
  // The inspected variable follows the steps: its values as they are now.
  connect(&session_, &views::Session::stepped, this, [this] {
    if (!inspecting_.isEmpty()) session_.request_value(inspecting_);
  });
  connect(traces_, &views::TraceBrowser::run_activated, this,
          [this](qint64, qint64 run) { open_replay(trace_path_, run); });
  connect(traces_, &views::TraceBrowser::jaxpr_activated, this, [this](qint64 jaxpr) {
    if (!replay_) session_.load_file(QStringLiteral("%1:%2").arg(trace_path_).arg(jaxpr));
  });
  connect(&session_, &views::Session::trace_saved, this, [this](const QString& path) {
    statusBar()->showMessage(tr("saved %1").arg(path), 5000);
    remember(path);
    open_trace(path);
  });
  connect(compare_, &ComparePanel::shown_equation_activated, jaxpr_, &views::JaxprView::select_equation);
  connect(script_, &views::ScriptPanel::equations_selected, this, [this](const QVector<int>& equations) {
    if (equations.isEmpty()) return;
    jaxpr_->select_equation(equations.first());
    graph_->select_equation(equations.first());
  });

  resize(1280, 800);
  resizeDocks({dock("script_dock"), inspector_dock}, {400, 460}, Qt::Horizontal);
  resizeDocks({vars}, {200}, Qt::Vertical);
  default_state_ = saveState();
  if (replay_) {
    // A trace holds no script: its panels would stay empty.
    dock("script_dock")->hide();
    dock("console_dock")->hide();
    return;
  }
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
  const int theme = settings.value(QStringLiteral("theme"), 0).toInt();
  views::apply_theme(theme == 1 ? views::ThemeKind::Dark : views::ThemeKind::Light);
}

QDockWidget* MainWindow::add_dock(const QString& title, const char* name, QWidget* panel, Qt::DockWidgetArea area) {
  auto* d = new QDockWidget(title, this);
  d->setObjectName(name);
  d->setWidget(panel);
  addDockWidget(area, d);
  return d;
}

QDockWidget* MainWindow::dock(const QString& object_name) const { return findChild<QDockWidget*>(object_name); }

void MainWindow::build_menus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* fresh = file->addAction(tr("&New Script"), QKeySequence::New, this, [this] {
    script_->set_script(QStringLiteral("import jax\nimport jax.numpy as jnp\n\n\ndef f(x):\n    return jnp.sin(x) * x\n\n\n"
                                       "# jaxray: f(jnp.arange(3.0))\n"),
                        tr("untitled.py"));
    dock("script_dock")->show();
  });
  fresh->setObjectName("new_script");
  file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open a script, a jaxpr or a trace"), {},
        tr("Scripts, jaxprs and traces (*.py *.jaxpr *.txt *.jaxray);;All files (*)"));
    if (!path.isEmpty()) open_file(path);
  });
  recent_ = file->addMenu(tr("Open &Recent"));
  recent_->setObjectName("recent_menu");
  fill_recent_menu();
  QAction* open_trace_action = file->addAction(tr("Open &Trace…"), this, [this] {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open a trace"), {}, tr("Traces (*.jaxray);;All files (*)"));
    if (!path.isEmpty()) open_trace(path);
  });
  open_trace_action->setObjectName("open_trace");
  QAction* runs = file->addAction(tr("Compare Two &Runs…"), this, [this] {
    const views::TraceCatalog& catalog = traces_->model()->catalog();
    if (catalog.runs.isEmpty()) return show_error(tr("open a trace with runs first (File > Open Trace)"));
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Compare two runs"));
    auto* left = new QComboBox(&dialog);
    auto* right = new QComboBox(&dialog);
    for (const views::RunEntry& r : catalog.runs) {
      QString chain;
      for (const views::JaxprEntry& j : catalog.jaxprs)
        if (j.id == r.jaxpr_id) chain = j.chain;
      const QString label = tr("run %1 · %2 · %3").arg(r.id).arg(r.mode, chain);
      left->addItem(label, r.id);
      right->addItem(label, r.id);
    }
    right->setCurrentIndex(std::min(1, right->count() - 1));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    auto* form = new QFormLayout(&dialog);
    form->addRow(tr("Left:"), left);
    form->addRow(tr("Right:"), right);
    form->addRow(buttons);
    if (dialog.exec() == QDialog::Accepted)
      compare_runs(left->currentData().toLongLong(), right->currentData().toLongLong());
  });
  runs->setObjectName("compare_runs");
  runs->setToolTip(tr("The values, tangents and cotangents two runs of the listed trace recorded, side by side"));
  file->addSeparator();
  QAction* save = file->addAction(tr("&Save Script"), QKeySequence::Save, this, [this] { save_script(false); });
  save->setObjectName("save_script");
  file->addAction(tr("Save Script &As…"), QKeySequence::SaveAs, this, [this] { save_script(true); });
  QAction* save_trace = file->addAction(tr("Save T&race…"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save the session as a trace"), trace_path_,
                                                      tr("Traces (*.jaxray)"), nullptr,
                                                      QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty()) save_trace_to(path.endsWith(QLatin1String(".jaxray")) ? path : path + ".jaxray");
  });
  save_trace->setObjectName("save_trace");
  save_trace->setToolTip(tr("Record the shown program and a run in each mode; an existing trace is added to"));
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* demos = menuBar()->addMenu(tr("De&mos"));
  for (const Demo& d : kDemos) {
    QAction* a = demos->addAction(tr(d.title));
    a->setObjectName(QStringLiteral("demo_%1_%2").arg(QString::fromLatin1(d.file), QString::fromLatin1(d.chain)));
    connect(a, &QAction::triggered, this, [this, d] {
      open_bundled(QString::fromLatin1(d.file));
      if (QLatin1String(d.chain) != QLatin1String("f")) session_.load_transform(QString::fromLatin1(d.chain));
    });
  }

  QMenu* debug = menuBar()->addMenu(tr("&Debug"));
  QToolBar* bar = addToolBar(tr("Debug"));
  bar->setObjectName("debug_toolbar");
  QAction* run = debug->addAction(tr("&Run Script"));
  run->setObjectName("run_script");
  run->setShortcut(Qt::CTRL | Qt::Key_R);
  run->setToolTip(tr("Trace the script's call (Ctrl+R)"));
  connect(run, &QAction::triggered, script_, &views::ScriptPanel::run);
  QAction* stop = debug->addAction(tr("S&top Script"));
  stop->setObjectName("stop_script");
  stop->setShortcut(Qt::SHIFT | Qt::Key_F5);
  stop->setToolTip(tr("Interrupt the running script (Shift+F5)"));
  stop->setEnabled(false);
  connect(stop, &QAction::triggered, &session_, &views::Session::interrupt);
  connect(&session_, &views::Session::busy_changed, stop, [stop, run](bool busy) {
    stop->setEnabled(busy);
    run->setEnabled(!busy);
  });
  bar->addAction(run);
  bar->addAction(stop);
  bar->addSeparator();
  debug->addSeparator();
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
  QAction* to_cursor = debug->addAction(tr("Run to &Cursor"));
  to_cursor->setObjectName("run_to_cursor");
  to_cursor->setShortcut(Qt::CTRL | Qt::Key_F10);
  connect(to_cursor, &QAction::triggered, this, [this] {
    const int e = jaxpr_->equation_at_line(jaxpr_->textCursor().blockNumber());
    if (e >= 0) session_.run_to_equation(e);
  });
  debug->addSeparator();
  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  menuBar()->insertMenu(demos->menuAction(), edit);
  QAction* find = edit->addAction(tr("&Find Equations…"), QKeySequence::Find, this,
                                  [this] { findChild<views::FindBar*>()->open(); });
  find->setObjectName("find");
  QAction* mark = edit->addAction(tr("Toggle &Bookmark"), QKeySequence(Qt::CTRL | Qt::Key_M), jaxpr_,
                                  &views::JaxprView::toggle_bookmark_at_cursor);
  mark->setObjectName("toggle_bookmark");
  // The jaxpr panel takes these keys itself when it has the focus; the menu says so.
  mark->setShortcutContext(Qt::WidgetShortcut);
  QAction* next_mark = edit->addAction(tr("&Next Bookmark"), QKeySequence(Qt::CTRL | Qt::Key_Period), jaxpr_,
                                       [this] { jaxpr_->next_bookmark(false); });
  next_mark->setShortcutContext(Qt::WidgetShortcut);
  QAction* previous_mark = edit->addAction(tr("&Previous Bookmark"), QKeySequence(Qt::CTRL | Qt::Key_Comma), jaxpr_,
                                           [this] { jaxpr_->next_bookmark(true); });
  previous_mark->setShortcutContext(Qt::WidgetShortcut);
  QAction* bp = debug->addAction(tr("Toggle &Breakpoint"));
  bp->setObjectName("toggle_breakpoint");
  bp->setShortcut(Qt::Key_F9);
  connect(bp, &QAction::triggered, jaxpr_, &views::JaxprView::toggle_breakpoint_at_cursor);
  QAction* nan = debug->addAction(tr("Break on &NaN/Inf"));
  nan->setObjectName("break_on_non_finite");
  nan->setCheckable(true);
  connect(nan, &QAction::toggled, &session_, &views::Session::set_break_on_non_finite);
  QAction* prims = debug->addAction(tr("Break on &Primitives…"));
  prims->setObjectName("primitive_breakpoints");
  connect(prims, &QAction::triggered, this, [this] {
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Break on primitives"),
                                               tr("Stop before every equation of these primitives (comma-separated):"),
                                               QLineEdit::Normal, session_.primitive_breakpoints().join(", "), &ok);
    if (!ok) return;
    QStringList names;
    for (const QString& n : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) names << n.trimmed();
    session_.set_primitive_breakpoints(names);
  });

  bar->addSeparator();
  mode_->addItem(tr("eval"), static_cast<int>(views::Mode::Eval));
  mode_->addItem(tr("jvp"), static_cast<int>(views::Mode::Jvp));
  mode_->addItem(tr("vjp"), static_cast<int>(views::Mode::Vjp));
  mode_->setCurrentIndex(mode_->findData(static_cast<int>(session_.mode())));
  mode_->setToolTip(tr("What to step: f, its jvp (tangents: ones) or its vjp (output cotangents: ones)"));
  connect(mode_, &QComboBox::activated, this,
          [this](int i) { session_.set_mode(static_cast<views::Mode>(mode_->itemData(i).toInt())); });
  bar->addWidget(mode_);

  view_ = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* d : findChildren<QDockWidget*>()) view_->addAction(d->toggleViewAction());
  view_->addSeparator();
  QMenu* themes = view_->addMenu(tr("&Theme"));
  auto* group = new QActionGroup(this);
  const std::pair<QString, views::ThemeKind> kinds[] = {{tr("&Light"), views::ThemeKind::Light},
                                                        {tr("&Dark"), views::ThemeKind::Dark}};
  for (const auto& [name, kind] : kinds) {
    QAction* a = themes->addAction(name);
    a->setObjectName(kind == views::ThemeKind::Dark ? "theme_dark" : "theme_light");
    a->setCheckable(true);
    a->setChecked(views::theme().kind == kind);
    group->addAction(a);
    connect(a, &QAction::triggered, this, [kind] {
      views::apply_theme(kind);
      QSettings().setValue(QStringLiteral("theme"), kind == views::ThemeKind::Dark ? 1 : 0);
    });
  }
  view_->addAction(tr("&Reset Layout"), this, [this] { restoreState(default_state_); });
}

bool MainWindow::eventFilter(QObject* watched, QEvent* e) {
  if (e->type() != QEvent::ToolTip || watched != graph_->graphics_view()->viewport())
    return QMainWindow::eventFilter(watched, e);
  auto* help = static_cast<QHelpEvent*>(e);
  // Edges are thin: the nearest one within a few pixels.
  const QRect near(help->pos() - QPoint(4, 4), QSize(9, 9));
  for (QGraphicsItem* item : graph_->graphics_view()->items(near))
    if (auto* edge = dynamic_cast<views::GraphEdgeItem*>(item)) {
      graph_hover_ = edge->var();
      graph_hover_at_ = help->globalPos();
      session_.request_value(graph_hover_);
      return true;
    }
  return QMainWindow::eventFilter(watched, e);
}

void MainWindow::show_graph_state(const views::StepState& s) {
  // In the backward phase the equation is the linear jaxpr's, which the graph does not draw.
  graph_->set_current_equation(s.backward ? -1 : s.equation);
  if (s.magnitudes_reset) magnitudes_.clear();
  for (const views::Magnitude& m : s.magnitudes) magnitudes_.insert(m.name, m.value);
  if (s.magnitudes_reset || !s.magnitudes.isEmpty()) graph_->set_edge_magnitudes(magnitudes_);
}

void MainWindow::inspect(const QString& name) {
  inspecting_ = name;
  dock("inspector_dock")->show();
  dock("inspector_dock")->raise();
  session_.request_value(name);
}

void MainWindow::show_inspected() {
  const bool derivative = inspect_what_->currentIndex() == 1;
  const views::ArrayData& a = derivative ? inspected_.derivative : inspected_.value;
  if (!inspected_.found || a.name.isEmpty()) {
    inspector_->clear();
    statusBar()->showMessage(!inspected_.found ? tr("%1 is not computed yet").arg(inspected_.name)
                                               : tr("%1 has no %2 here").arg(inspected_.name, inspect_what_->currentText()),
                             5000);
    return;
  }
  inspector_->set_array(a);
}

void MainWindow::save_trace_to(const QString& path) { session_.save_trace(path); }

bool MainWindow::open_trace(const QString& path) {
  try {
    traces_->set_catalog(read_catalog(path));
  } catch (const std::exception& e) {
    show_error(QString::fromUtf8(e.what()));
    return false;
  }
  trace_path_ = path;
  dock("traces_dock")->show();
  dock("traces_dock")->raise();
  return true;
}

bool MainWindow::compare_runs(qint64 left_run, qint64 right_run) {
  try {
    compare_->diff_view()->set_values(value_diff_rows(run_arrays(trace_path_, left_run), run_arrays(trace_path_, right_run)));
  } catch (const std::exception& e) {
    show_error(QString::fromUtf8(e.what()));
    return false;
  }
  dock("compare_dock")->show();
  dock("compare_dock")->raise();
  compare_->diff_view()->tabs()->setCurrentIndex(1);
  return true;
}

MainWindow* MainWindow::open_replay(const QString& path, qint64 run_id) {
  auto* replay = new ReplaySession;
  auto* window = new MainWindow(*replay);
  // The window owns its session; panels, created first, go first.
  replay->setParent(window);
  window->setAttribute(Qt::WA_DeleteOnClose);
  window->setWindowTitle(tr("jaxray: run %1 of %2").arg(run_id).arg(QFileInfo(path).fileName()));
  window->open_trace(path);
  replay->open(path, run_id);
  window->show();
  return window;
}

void MainWindow::remember(const QString& path) {
  QSettings settings;
  QStringList files = settings.value(QStringLiteral("recent_files")).toStringList();
  files.removeAll(path);
  files.prepend(path);
  while (files.size() > kRecentFiles) files.removeLast();
  settings.setValue(QStringLiteral("recent_files"), files);
  fill_recent_menu();
}

void MainWindow::fill_recent_menu() {
  recent_->clear();
  const QStringList files = QSettings().value(QStringLiteral("recent_files")).toStringList();
  for (const QString& f : files) recent_->addAction(f, this, [this, f] { open_file(f); });
  recent_->setEnabled(!files.isEmpty());
}

void MainWindow::save_script(bool ask) {
  QString path = script_->editor()->file_path();
  if (ask || path.isEmpty()) {
    path = QFileDialog::getSaveFileName(this, tr("Save the script"), path, tr("Python scripts (*.py)"));
    if (path.isEmpty()) return;
  }
  QString why;
  if (!script_->editor()->save_file(path, &why)) return show_error(why);
  remember(path);
}

void MainWindow::closeEvent(QCloseEvent* e) {
  if (replay_) return e->accept();
  if (script_->editor()->is_modified()) {
    const auto answer = QMessageBox::question(this, tr("jaxray"), tr("The script has unsaved changes. Save them?"),
                                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Cancel) return e->ignore();
    if (answer == QMessageBox::Save) save_script(false);
  }
  QSettings settings;
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/state"), saveState());
  e->accept();
}
QAction* MainWindow::action(const QString& object_name) const { return findChild<QAction*>(object_name); }

void MainWindow::open_file(const QString& path) {
  if (path.endsWith(QLatin1String(".py"))) {
    QString why;
    if (!script_->open_file(path, &why)) return show_error(why);
    dock("script_dock")->show();
    script_->run();
  } else {
    session_.load_file(path);
    if (path.endsWith(QLatin1String(".jaxray"))) open_trace(path);
  }
  remember(path);
}

void MainWindow::open_demo() { open_bundled(QStringLiteral("seed.jaxpr")); }

void MainWindow::open_bundled(const QString& name) {
  QFile f(QStringLiteral(":/demos/") + name);
  if (!f.open(QIODevice::ReadOnly)) return show_error(tr("the bundled demo %1 is missing").arg(name));
  const QString text = QString::fromUtf8(f.readAll());
  if (name.endsWith(QLatin1String(".py"))) {
    script_->set_script(text, name);
    dock("script_dock")->show();
    script_->run();
  } else {
    session_.load_text(text, name);
  }
}

void MainWindow::show_state(const views::StepState& s) {
  phase_banner_->setVisible(jaxpr_->showing_linear());
  QPalette banner = phase_banner_->palette();
  banner.setColor(QPalette::Window, views::theme().linked_line);
  phase_banner_->setPalette(banner);
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
