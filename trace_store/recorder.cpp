// Stepper snapshots into trace rows.
#include "trace_store/recorder.h"

#include <optional>

#include "engine/jaxpr/print.h"

namespace jxr::trace {

std::vector<EqnInfo> equation_rows(const ClosedJaxpr& program) {
  JaxprNames names(*program.jaxpr);
  std::vector<EqnInfo> rows;
  for (size_t i = 0; i < program.jaxpr->eqns.size(); ++i) {
    const Eqn& e = program.jaxpr->eqns[i];
    std::optional<int64_t> line;
    if (e.source.line > 0) line = e.source.line;
    rows.push_back({static_cast<int64_t>(i), e.prim->name(), names.equation(*program.jaxpr, i), e.source.file, line});
  }
  return rows;
}

RunMode run_mode(StepMode mode) {
  switch (mode) {
    case StepMode::Eval: return RunMode::Eval;
    case StepMode::Jvp: return RunMode::Jvp;
    case StepMode::Vjp: return RunMode::Vjp;
  }
  return RunMode::Eval;
}

TraceRecorder::TraceRecorder(TraceWriter& writer, int64_t jaxpr_id, StepMode mode, std::string_view inputs)
    : writer_(writer), run_id_(writer.begin_run(jaxpr_id, run_mode(mode), inputs)) {}

void TraceRecorder::add_values(std::optional<int64_t> step_id, const std::vector<VarSnapshot>& vars) {
  for (const VarSnapshot& v : vars) {
    if (v.literal) continue;  // its value is in the equation's text
    // Undefined arrays are the linear variables' missing primals and
    // symbolic zeros, which have no data to store.
    if (v.value.defined()) writer_.add_value(step_id, v.name, Role::Primal, v.value);
    if (v.tangent.defined()) writer_.add_value(step_id, v.name, Role::Tangent, v.tangent);
    if (v.cotangent.defined()) writer_.add_value(step_id, v.name, Role::Cotangent, v.cotangent);
  }
}

void TraceRecorder::on_step(const StepSnapshot& s) {
  if (s.event == StepEvent::EnterFrame) {
    frame_labels_.resize(s.frame_path.size() - 1);
    frame_labels_.push_back(s.primitive + "[" + std::to_string(s.frame_path.back()) + "]");
    return;
  }
  if (s.event != StepEvent::Equation) return;
  std::string path;
  for (size_t i = 0; i < s.frame_path.size(); ++i) path += (i ? "/" : "") + frame_labels_[i];
  int64_t step_id = writer_.add_step(static_cast<int64_t>(s.step),
                                     s.phase == StepPhase::Forward ? Phase::Forward : Phase::Backward, path,
                                     static_cast<int64_t>(s.eqn_index));
  add_values(step_id, s.inputs);
  add_values(step_id, s.outputs);
}

void TraceRecorder::on_finished(const StepSnapshot& s) {
  add_values(std::nullopt, s.inputs);
  add_values(std::nullopt, s.outputs);
  writer_.finish_run();
}

int64_t record_run(TraceWriter& writer, int64_t jaxpr_id, const ClosedJaxpr& program, StepMode mode,
                   std::vector<Array> args, std::vector<Array> seeds, std::string_view inputs) {
  Stepper stepper(program, mode, std::move(args), std::move(seeds));
  TraceRecorder recorder(writer, jaxpr_id, mode, inputs);
  stepper.set_observer(&recorder);
  // step, not run: run reports only where it stops.
  while (!stepper.finished()) stepper.step();
  return recorder.run_id();
}

}  // namespace jxr::trace
