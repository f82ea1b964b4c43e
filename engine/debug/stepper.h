// The debugger's interpreter: runs a closed jaxpr one equation at a time in
// one of three modes (eval; jvp: primal and tangent of every variable; vjp:
// the forward pass, then the backward pass with the cotangent of every
// variable), steps into jit bodies and back out, steps back through its
// history, and stops at breakpoints. Observers see plain snapshot structs
// (names, texts and arrays), never the IR, so that a GUI or the trace store
// can keep them after the stepper is gone. See docs/stepper.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/jaxpr/jaxpr.h"

namespace jxr {

enum class StepMode { Eval, Jvp, Vjp };
enum class StepPhase { Forward, Backward };
// What a step did: the program's start (after construction, restart, or a
// step back to it), one equation run (or, in the backward phase, transposed),
// a jit body entered, or the end of the program.
enum class StepEvent { Start, Equation, EnterFrame, Finished };
// Why the stepper stopped there.
enum class StopReason { Step, EquationBreakpoint, PrimitiveBreakpoint, SourceBreakpoint, NonFinite, Finished };

const char* to_string(StepMode m);
const char* to_string(StepPhase p);
const char* to_string(StepEvent e);
const char* to_string(StopReason r);

struct VarSnapshot {
  std::string name;  // as a full print of the jaxpr names it (the linear jaxpr's in the backward phase)
  std::string type;  // `f32[3]`
  bool literal = false;
  Array value;      // primal value; undefined for the linear variables of the backward phase
  Array tangent;    // jvp: undefined for a symbolic zero
  Array cotangent;  // vjp backward: accumulated so far (what this step consumed, for outputs); undefined: zero
  // Backward phase: the program variable whose tangent this linear variable
  // is (so a GUI can say "cotangent of c"); empty for intermediates of the
  // linearization, which no program variable has.
  std::string primal_name;
  // Backward phase: the linear equations (indices) whose transposes added
  // to this cotangent, in order; -1 for the output cotangent given to vjp.
  std::vector<int64_t> contributions;
};

inline constexpr size_t kNoEquation = static_cast<size_t>(-1);

// The seeds the debugger's tools step `program` with in `mode`: ones for the
// tangent of every floating input (jvp) or the cotangent of every floating
// output (vjp), undefined (a symbolic zero) for the others; none in eval.
std::vector<Array> ones_seeds(const ClosedJaxpr& program, StepMode mode);

struct StepSnapshot {
  StepMode mode = StepMode::Eval;
  StepPhase phase = StepPhase::Forward;
  StepEvent event = StepEvent::Start;
  StopReason reason = StopReason::Step;
  size_t step = 0;  // steps taken since the start
  // Index of each call equation entered, outermost first; empty at top level.
  std::vector<size_t> frame_path;
  size_t eqn_index = kNoEquation;  // in the frame's jaxpr (the linear jaxpr when backward)
  std::string equation;            // printed as in the full print; EnterFrame: the call equation
  std::string primitive;
  std::string source_file;
  int source_line = 0;
  std::string source_function;
  // Equation: its operands and results. EnterFrame: the body's inputs.
  // Start and Finished: the program's inputs and outputs.
  std::vector<VarSnapshot> inputs, outputs;
};

class StepObserver {
 public:
  virtual ~StepObserver() = default;
  virtual void on_step(const StepSnapshot& s) = 0;
  // After the step that finished the program (also reported to on_step).
  virtual void on_finished(const StepSnapshot& s) { (void)s; }
  // Whether on_step also sees the equations that run, step_out and a step
  // over a jit call pass through without stopping (a debugger keeping every
  // value so far), not only the snapshot they stop at.
  virtual bool wants_every_step() const { return false; }
};

struct Breakpoint {
  enum class Kind { Equation, Primitive, SourceLine, NonFinite };
  Kind kind = Kind::Equation;
  std::vector<size_t> frame_path;  // Equation
  size_t eqn_index = 0;            // Equation
  StepPhase phase = StepPhase::Forward;  // Equation: forward equations or linear ones
  std::string name;                // Primitive: its name; SourceLine: the file
  int line = 0;                    // SourceLine

  static Breakpoint at_equation(std::vector<size_t> path, size_t index, StepPhase phase = StepPhase::Forward);
  static Breakpoint at_primitive(std::string name);
  static Breakpoint at_line(std::string file, int line);
  static Breakpoint on_non_finite();
};

class Stepper {
 public:
  // `seeds`: jvp: one tangent per input (undefined: zero); vjp: one
  // cotangent per output (undefined: zero); eval: none. Throws a jxr::Error
  // naming the argument when a count, shape or dtype does not fit.
  Stepper(ClosedJaxpr program, StepMode mode, std::vector<Array> args, std::vector<Array> seeds = {});
  ~Stepper();
  Stepper(const Stepper&) = delete;
  Stepper& operator=(const Stepper&) = delete;

  void set_observer(StepObserver* obs);
  void add_breakpoint(Breakpoint bp);
  void clear_breakpoints();

  // Each returns the snapshot it stopped at (also given to the observer).
  // After the end they return the Finished snapshot again without stepping.
  // Errors of a primitive propagate with the state rolled back to before
  // the step.
  StepSnapshot step();       // one equation, entering jit bodies
  StepSnapshot step_over();  // one equation, a jit call run whole
  StepSnapshot step_out();   // until the current jit body returns (at top level: to the end)
  StepSnapshot run();        // until a breakpoint or the end, entering jit bodies
  // Undoes the last step exactly; at the start it returns the Start snapshot.
  StepSnapshot step_back();
  StepSnapshot restart();

  bool finished() const;
  StepPhase phase() const;
  size_t depth() const;  // frames on the stack, 1 at top level
  // vjp, once the backward phase has begun: the linear jaxpr it transposes,
  // whose full print names the variables of backward snapshots. Else null.
  const ClosedJaxpr* linear_program() const;
  // Valid once finished, equal to eval_closed_jaxpr, jxr::jvp and jxr::vjp:
  // the outputs; jvp: their tangents; vjp: the inputs' cotangents (zeros
  // instantiated in both, as the engine's jvp and vjp return them).
  std::vector<Array> outputs() const;
  std::vector<Array> tangents() const;
  std::vector<Array> cotangents() const;

 private:
  class Impl;
  StepSnapshot run_until(bool into, bool breakpoints, const std::function<bool()>& done);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jxr
