#include "views/script_panel.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>

#include "views/editor_view.h"

namespace jxr::views {

ScriptPanel::ScriptPanel(Session& session, QWidget* parent)
    : QWidget(parent),
      session_(session),
      editor_(new EditorView(this)),
      call_(new QLineEdit(this)),
      run_(new QToolButton(this)),
      stop_(new QToolButton(this)),
      busy_(new QLabel(this)) {
  call_->setObjectName("call_field");
  call_->setPlaceholderText(tr("the call to trace, e.g. f(jnp.arange(3.0))"));
  call_->setToolTip(tr("A call of a function of the script on example arguments, evaluated in the script's "
                       "namespace. A `# jaxray: CALL` comment in the script fills it in."));
  run_->setObjectName("run_script");
  run_->setText(tr("Run"));
  run_->setToolTip(tr("Trace the call in the script (Ctrl+Return)"));
  run_->setShortcut(Qt::CTRL | Qt::Key_Return);
  stop_->setObjectName("stop_script");
  stop_->setText(tr("Stop"));
  stop_->setToolTip(tr("Interrupt the script (KeyboardInterrupt at its next line)"));
  stop_->setEnabled(false);
  busy_->setObjectName("script_busy");

  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(new QLabel(tr("Call:"), this));
  bar->addWidget(call_, 1);
  bar->addWidget(run_);
  bar->addWidget(stop_);
  auto* column = new QVBoxLayout(this);
  column->setContentsMargins(2, 2, 2, 2);
  column->setSpacing(2);
  column->addLayout(bar);
  column->addWidget(editor_, 1);
  column->addWidget(busy_);
  busy_->hide();

  connect(run_, &QToolButton::clicked, this, &ScriptPanel::run);
  connect(call_, &QLineEdit::returnPressed, this, &ScriptPanel::run);
  connect(stop_, &QToolButton::clicked, &session_, &Session::interrupt);
  connect(&session_, &Session::busy_changed, this, [this](bool busy, const QString& what) {
    run_->setEnabled(!busy);
    stop_->setEnabled(busy);
    busy_->setText(what + QStringLiteral("…"));
    busy_->setVisible(busy);
  });
  connect(&session_, &Session::script_error, this, [this](const QString& message, int line) {
    // The exception's own line (the traceback's last) says the most.
    const QString last = message.trimmed().section(QLatin1Char('\n'), -1);
    editor_->show_error(line > 0 ? line : 1, last);
  });
  connect(&session_, &Session::loaded, this, [this] { editor_->set_current_line(-1); });
  connect(&session_, &Session::stepped, this, &ScriptPanel::show_state);
  connect(editor_, &EditorView::breakpoints_changed, this, &ScriptPanel::sync_breakpoints);
  connect(editor_, &EditorView::line_activated, this, [this](int line) {
    if (session_.source_file() != file_) return;
    QVector<int> equations;
    const QVector<int> lines = session_.source_lines();
    for (int i = 0; i < lines.size(); ++i)
      if (lines[i] == line) equations.push_back(i);
    editor_->set_linked_lines(equations.isEmpty() ? QVector<int>{} : QVector<int>{line});
    emit equations_selected(equations);
  });
}

QString ScriptPanel::call_in(const QString& source) {
  static const QRegularExpression comment(QStringLiteral(R"(^\s*#\s*jaxray:\s*(.+?)\s*$)"),
                                          QRegularExpression::MultilineOption);
  QString call;
  for (auto it = comment.globalMatch(source); it.hasNext();) call = it.next().captured(1);
  return call;
}

void ScriptPanel::set_script(const QString& source, const QString& file) {
  file_ = file;
  editor_->setText(source);
  editor_->setModified(false);
  editor_->clear_errors();
  call_->setText(call_in(source));
}

bool ScriptPanel::open_file(const QString& path, QString* error) {
  if (!editor_->load_file(path, error)) return false;
  file_ = QFileInfo(path).absoluteFilePath();
  call_->setText(call_in(editor_->text()));
  return true;
}

void ScriptPanel::run() {
  if (session_.busy()) return;
  editor_->clear_errors();
  QString call = call_->text().trimmed();
  if (call.isEmpty()) call = call_in(editor_->text());
  if (call.isEmpty()) {
    editor_->show_error(1, tr("write the call to trace in the Call field, or as a `# jaxray: f(...)` comment"));
    return;
  }
  call_->setText(call);
  session_.run_script(editor_->text(), file_.isEmpty() ? QStringLiteral("<script>") : file_, call);
}

void ScriptPanel::show_equation_source(int equation) {
  const QVector<int> lines = session_.source_lines();
  if (session_.source_file() != file_ || equation < 0 || equation >= lines.size() || lines[equation] <= 0)
    return editor_->set_linked_lines({});
  editor_->set_linked_lines({lines[equation]});
  editor_->ensureLineVisible(lines[equation] - 1);
}

void ScriptPanel::show_state(const StepState& s) {
  const QVector<int> lines = session_.source_lines();
  const bool ours = session_.source_file() == file_;
  editor_->set_current_line(ours && s.equation >= 0 && s.equation < lines.size() && lines[s.equation] > 0
                                ? lines[s.equation]
                                : -1);
}

void ScriptPanel::sync_breakpoints() {
  const QVector<int> lines = editor_->breakpoint_lines();
  const QSet<int> wanted(lines.begin(), lines.end());
  const QSet<int> have = session_.source_breakpoints();
  for (int line : wanted - have) session_.toggle_source_breakpoint(line);
  for (int line : have - wanted) session_.toggle_source_breakpoint(line);
}

}  // namespace jxr::views
