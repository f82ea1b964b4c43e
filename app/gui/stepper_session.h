// The desktop app's session: the views' Session interface on the GUI
// thread, over a SessionWorker (the stepper and the embedded Python) on a
// worker thread of its own. Requests go over queued; answers come back as
// values and are kept here, so that panels read them without waiting and a
// script that never returns leaves the window responsive (and can be
// interrupted). Tests wait for `idle()`.
#pragma once

#include <QThread>
#include <optional>

#include "views/session.h"

namespace jxr::gui {

class SessionWorker;

class StepperSession : public views::Session {
  Q_OBJECT
 public:
  // `args_json`: the inputs as `--args` takes them; none: ones of each input's shape.
  explicit StepperSession(std::optional<QString> args_json = std::nullopt, QObject* parent = nullptr);
  ~StepperSession() override;

  QString jaxpr_text() const override { return info_.text; }
  QVector<int> equation_lines() const override { return info_.lines; }
  QSet<int> breakpoints() const override { return info_.breakpoints; }
  views::Mode mode() const override { return info_.mode; }
  QString transform() const override { return info_.transform; }
  QStringList transforms() const override { return info_.transforms; }
  QVector<int> source_lines() const override { return info_.source_lines; }
  QString linear_text() const override { return info_.linear_text; }
  QVector<int> linear_lines() const override { return info_.linear_lines; }
  views::GraphData graph() const override { return info_.graph; }
  int program_id() const override { return info_.program_id; }
  QString source_file() const override { return info_.source_file; }
  QSet<int> source_breakpoints() const override { return info_.source_breakpoints; }
  QStringList primitive_breakpoints() const override { return info_.primitive_breakpoints; }
  bool break_on_non_finite() const override { return info_.break_on_non_finite; }
  bool busy() const override { return busy_; }
  // No request is waiting for its answer.
  bool idle() const { return pending_ == 0; }

  void load_text(const QString& text, const QString& source_name) override;
  void load_file(const QString& path) override;
  void set_mode(views::Mode m) override;
  void step() override;
  void step_over() override;
  void step_out() override;
  void step_back() override;
  void continue_run() override;
  void restart() override;
  void toggle_breakpoint(int equation) override;
  void load_transform(const QString& chain) override;
  void run_script(const QString& source, const QString& file, const QString& call) override;
  void interrupt() override;
  void run_to_equation(int equation) override;
  void toggle_source_breakpoint(int line) override;
  void set_primitive_breakpoints(const QStringList& primitives) override;
  void set_break_on_non_finite(bool on) override;
  void request_value(const QString& name) override;
  void save_trace(const QString& path) override;

 private:
  // Sends `slot(args...)` to the worker.
  template <class... Params, class... Args>
  void post(void (SessionWorker::*slot)(Params...), Args... args);
  void take(const views::ProgramInfo& info, int what);

  QThread thread_;
  SessionWorker* worker_;
  views::ProgramInfo info_;
  int pending_ = 0;
  bool busy_ = false;
};

}  // namespace jxr::gui
