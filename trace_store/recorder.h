// TraceRecorder: a StepObserver that writes what a Stepper shows into a
// trace, so a debugging session can be replayed without the engine. One
// step row per equation stepped; the program's inputs and outputs as the
// run's own values when it finishes (see docs/cli_record.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/debug/stepper.h"
#include "trace_store/trace_writer.h"

namespace jxr::trace {

RunMode run_mode(StepMode mode);

// The rows add_jaxpr stores for `program`'s top-level equations: index,
// primitive, text as a full print names it, source file and line.
std::vector<EqnInfo> equation_rows(const ClosedJaxpr& program);

class TraceRecorder : public StepObserver {
 public:
  // Begins a run of `jaxpr_id` in `writer`; `inputs` describes its inputs
  // (JSON by convention). The writer must outlive the recorder.
  TraceRecorder(TraceWriter& writer, int64_t jaxpr_id, StepMode mode, std::string_view inputs);

  // An Equation snapshot becomes a step row (index: the stepper's step
  // count, frame path `pjit[0]/pjit[2]`) with a value per defined primal,
  // tangent and cotangent of its non-literal operands and results. Entering
  // a jit body writes no row: its inputs are the call's operands, already
  // written, and the call equation gets its row when the body returns.
  void on_step(const StepSnapshot& s) override;
  // Writes the program's inputs and outputs as run values and finishes the run.
  void on_finished(const StepSnapshot& s) override;

  int64_t run_id() const { return run_id_; }

 private:
  void add_values(std::optional<int64_t> step_id, const std::vector<VarSnapshot>& vars);

  TraceWriter& writer_;
  int64_t run_id_;
  // `prim[index]` of each jit body entered, outermost first.
  std::vector<std::string> frame_labels_;
};

// Runs `program` in `mode` to the end with a TraceRecorder attached and
// returns the run's id. `seeds` as Stepper takes them. Errors of the stepper
// (bad arguments, a failing primitive) propagate, leaving the run unfinished.
int64_t record_run(TraceWriter& writer, int64_t jaxpr_id, const ClosedJaxpr& program, StepMode mode,
                   std::vector<Array> args, std::vector<Array> seeds, std::string_view inputs);

}  // namespace jxr::trace
