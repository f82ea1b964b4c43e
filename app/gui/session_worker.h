// The engine side of the desktop app's session: a jxr::Stepper over the
// loaded program or a transformation of it (grad(f), vmap(grad(f)), ...
// through app/cli/transform.h), and the embedded Python that traces
// scripts. It lives on StepperSession's worker thread; its slots are the
// session's requests and its signals hand over plain values only.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "engine/debug/stepper.h"
#include "views/session.h"

namespace jxr::gui {

class SessionWorker : public QObject, private StepObserver {
  Q_OBJECT
 public:
  // `args_json`: the inputs as `--args` takes them; none: ones of each input's shape.
  explicit SessionWorker(std::optional<QString> args_json);
  ~SessionWorker() override;

 public slots:
  void load_text(const QString& text, const QString& source_name);
  void load_file(const QString& path);
  void run_script(const QString& source, const QString& file, const QString& call);
  void set_mode(jxr::views::Mode m);
  void step();
  void step_over();
  void step_out();
  void step_back();
  void continue_run();
  void restart();
  void run_to_equation(int equation);
  void toggle_breakpoint(int equation);
  void toggle_source_breakpoint(int line);
  void set_primitive_breakpoints(const QStringList& primitives);
  void set_break_on_non_finite(bool on);
  void load_transform(const QString& chain);
  void request_value(const QString& name);
  void save_trace(const QString& path);

 signals:
  // `what`: which of the session's signals the new info answers.
  void program(const jxr::views::ProgramInfo& info, int what);
  void stepped(const jxr::views::StepState& state);
  void finished(const jxr::views::StepState& state);
  void error(const QString& message);
  void output(const QString& text, bool is_error);
  void script_error(const QString& message, int line);
  void busy_changed(bool busy, const QString& what);
  void value_ready(const jxr::views::VariableValue& value);
  void trace_saved(const QString& path);
  // After every request, its other signals sent.
  void done();

 public:
  enum Change { Loaded, Breakpoints, Transforms, Linear };

 private:
  void on_step(const StepSnapshot& s) override;
  bool wants_every_step() const override { return true; }
  // A new program: it becomes the base that transformations apply to.
  void load_base(ClosedJaxpr program, std::optional<std::vector<Array>> args = std::nullopt);
  // Shows `program`: the base, or a transformation of it (`transformed`).
  void load(ClosedJaxpr program, bool transformed);
  void rebuild();
  void apply_breakpoints(Stepper& s) const;
  // Runs a stepper request, reporting its snapshot or its error.
  void request(StepSnapshot (Stepper::*op)());
  // The panels' copy of `s`, with the derivatives computed since the last one.
  views::StepState state_of(const StepSnapshot& s);
  void announce(Change what);

  std::optional<QString> args_json_;
  // The script's arguments, when the program came from a script.
  std::optional<std::vector<Array>> script_args_;
  // The program as loaded, before any transformation, and the chains applied to it so far.
  std::optional<ClosedJaxpr> base_;
  // What the base program was loaded from, for saved traces: a script (its
  // file name and text) or jaxpr text (its name; the text is the print).
  QString source_name_, source_text_;
  std::optional<ClosedJaxpr> program_;
  bool transformed_ = false;
  std::unique_ptr<Stepper> stepper_;
  std::vector<Array> args_;  // the stepper's inputs
  views::ProgramInfo info_;
  // Every snapshot since the start, up to the current step: the values of
  // the variables already computed.
  std::vector<StepSnapshot> history_;
  size_t reported_ = 0;  // the history's length when the last state was sent
};

}  // namespace jxr::gui
