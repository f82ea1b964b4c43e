#include "app/gui/stepper_session.h"

#include "app/cli/python_source.h"
#include "app/gui/session_worker.h"

namespace jxr::gui {

StepperSession::StepperSession(std::optional<QString> args_json, QObject* parent)
    : Session(parent), worker_(new SessionWorker(std::move(args_json))) {
  qRegisterMetaType<views::StepState>();
  qRegisterMetaType<views::ProgramInfo>();
  qRegisterMetaType<views::VariableValue>();
  qRegisterMetaType<views::Mode>();
  thread_.setObjectName(QStringLiteral("jaxray session"));
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  connect(worker_, &SessionWorker::program, this, &StepperSession::take);
  connect(worker_, &SessionWorker::stepped, this, &Session::stepped);
  connect(worker_, &SessionWorker::finished, this, &Session::finished);
  connect(worker_, &SessionWorker::error, this, &Session::error);
  connect(worker_, &SessionWorker::output, this, &Session::output);
  connect(worker_, &SessionWorker::script_error, this, &Session::script_error);
  connect(worker_, &SessionWorker::value_ready, this, &Session::value_ready);
  connect(worker_, &SessionWorker::trace_saved, this, &Session::trace_saved);
  connect(worker_, &SessionWorker::busy_changed, this, [this](bool busy, const QString& what) {
    busy_ = busy;
    emit busy_changed(busy, what);
  });
  connect(worker_, &SessionWorker::done, this, [this] { --pending_; });
  thread_.start();
}

StepperSession::~StepperSession() {
  // A script still running is stopped at its next Python line.
  interrupt();
  thread_.quit();
  thread_.wait();
}

template <class... Params, class... Args>
void StepperSession::post(void (SessionWorker::*slot)(Params...), Args... args) {
  ++pending_;
  QMetaObject::invokeMethod(worker_, [w = worker_, slot, args...] { (w->*slot)(args...); }, Qt::QueuedConnection);
}

void StepperSession::take(const views::ProgramInfo& info, int what) {
  info_ = info;
  switch (what) {
    case SessionWorker::Loaded: emit loaded(); break;
    case SessionWorker::Breakpoints: emit breakpoints_changed(); break;
    case SessionWorker::Transforms: emit transforms_changed(); break;
    case SessionWorker::Linear: break;  // read when the backward snapshots come
  }
}

void StepperSession::load_text(const QString& text, const QString& source_name) {
  post(&SessionWorker::load_text, text, source_name);
}
void StepperSession::load_file(const QString& path) { post(&SessionWorker::load_file, path); }
void StepperSession::set_mode(views::Mode m) { post(&SessionWorker::set_mode, m); }
void StepperSession::step() { post(&SessionWorker::step); }
void StepperSession::step_over() { post(&SessionWorker::step_over); }
void StepperSession::step_out() { post(&SessionWorker::step_out); }
void StepperSession::step_back() { post(&SessionWorker::step_back); }
void StepperSession::continue_run() { post(&SessionWorker::continue_run); }
void StepperSession::restart() { post(&SessionWorker::restart); }
void StepperSession::toggle_breakpoint(int equation) { post(&SessionWorker::toggle_breakpoint, equation); }
void StepperSession::load_transform(const QString& chain) { post(&SessionWorker::load_transform, chain); }
void StepperSession::run_script(const QString& source, const QString& file, const QString& call) {
  post(&SessionWorker::run_script, source, file, call);
}
void StepperSession::run_to_equation(int equation) { post(&SessionWorker::run_to_equation, equation); }
void StepperSession::toggle_source_breakpoint(int line) { post(&SessionWorker::toggle_source_breakpoint, line); }
void StepperSession::set_primitive_breakpoints(const QStringList& primitives) {
  post(&SessionWorker::set_primitive_breakpoints, primitives);
}
void StepperSession::set_break_on_non_finite(bool on) { post(&SessionWorker::set_break_on_non_finite, on); }
void StepperSession::request_value(const QString& name) { post(&SessionWorker::request_value, name); }
void StepperSession::save_trace(const QString& path) { post(&SessionWorker::save_trace, path); }

void StepperSession::interrupt() {
#ifdef JAXRAY_HAVE_PYTHON
  cli::interrupt_python();
#endif
}

}  // namespace jxr::gui
