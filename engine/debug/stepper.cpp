// The stepper. All state that a step changes lives in one map from
// variables to VarState plus the frame stack; a step logs the prior state of
// what it touches (an undo log), so stepping back is exact and history costs
// only what was overwritten. Every computation mirrors the engine's own
// interpreter (eval_jaxpr), JVP trace and backward_pass operation for
// operation, which is what makes the results bitwise equal to theirs.
#include "engine/debug/stepper.h"

#include <cmath>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/core/error.h"
#include "engine/jaxpr/print.h"

namespace jxr {

const char* to_string(StepMode m) {
  switch (m) {
    case StepMode::Eval: return "eval";
    case StepMode::Jvp: return "jvp";
    case StepMode::Vjp: return "vjp";
  }
  return "?";
}
const char* to_string(StepPhase p) { return p == StepPhase::Forward ? "forward" : "backward"; }
const char* to_string(StepEvent e) {
  switch (e) {
    case StepEvent::Start: return "start";
    case StepEvent::Equation: return "equation";
    case StepEvent::EnterFrame: return "enter";
    case StepEvent::Finished: return "finished";
  }
  return "?";
}
const char* to_string(StopReason r) {
  switch (r) {
    case StopReason::Step: return "step";
    case StopReason::EquationBreakpoint: return "equation breakpoint";
    case StopReason::PrimitiveBreakpoint: return "primitive breakpoint";
    case StopReason::SourceBreakpoint: return "source breakpoint";
    case StopReason::NonFinite: return "non-finite value";
    case StopReason::Finished: return "finished";
  }
  return "?";
}

Breakpoint Breakpoint::at_equation(std::vector<size_t> path, size_t index, StepPhase phase) {
  Breakpoint b;
  b.kind = Kind::Equation;
  b.frame_path = std::move(path);
  b.eqn_index = index;
  b.phase = phase;
  return b;
}
Breakpoint Breakpoint::at_primitive(std::string name) {
  Breakpoint b;
  b.kind = Kind::Primitive;
  b.name = std::move(name);
  return b;
}
Breakpoint Breakpoint::at_line(std::string file, int line) {
  Breakpoint b;
  b.kind = Kind::SourceLine;
  b.name = std::move(file);
  b.line = line;
  return b;
}
Breakpoint Breakpoint::on_non_finite() {
  Breakpoint b;
  b.kind = Kind::NonFinite;
  return b;
}

namespace {

// A body the stepper can enter. Scan, cond and while bodies would be frames
// too, with an iteration counter, stepped one iteration at a time.
const ClosedJaxpr* steppable_body(const Eqn& e) {
  if (e.prim->name() != "jit") return nullptr;
  const Param* p = e.params.find("jaxpr");
  return p && p->kind() == Param::Kind::Jaxpr ? p->as_jaxpr().get() : nullptr;
}

bool non_finite(const Value& v) {
  if (!v.defined() || !is_floating(v.dtype())) return false;
  const Array& a = v.array();
  for (int64_t i = 0; i < a.size(); ++i)
    if (!std::isfinite(a.item(i))) return true;
  return false;
}

// As the JVP trace's wrap: no tangent for values without a tangent space.
Value tangent_for(const Value& primal, Value t) {
  return ad::is_zero(t) || !ad::has_tangent_space(primal.dtype()) ? Value() : t;
}

Array array_of(const Value& v) { return v.defined() ? v.array() : Array(); }

struct Frame {
  const Jaxpr* jaxpr = nullptr;
  size_t pc = 0;         // the next equation
  size_t call_eqn = 0;   // the call equation in the enclosing frame
};

struct VarState {
  Value value;
  Value tangent;
  Value ct;
  bool linear = false;  // backward phase: a variable of the linear jaxpr that carries a cotangent
  std::vector<int64_t> contributions;
};

// What a step did, enough to report it again after stepping back to it.
struct Event {
  StepEvent kind = StepEvent::Start;
  StepPhase phase = StepPhase::Forward;
  std::vector<size_t> path;
  const Jaxpr* jaxpr = nullptr;
  size_t eqn = kNoEquation;
  std::vector<Value> cts_out;  // backward: the cotangents the transpose consumed
};

struct UndoRecord {
  std::vector<Frame> frames;
  StepPhase phase;
  size_t bwd_pos;
  bool finished;
  std::vector<std::pair<const Var*, std::optional<VarState>>> saved;
  Event event;
};

}  // namespace

class Stepper::Impl {
 public:
  Impl(ClosedJaxpr program, StepMode mode, std::vector<Array> args, std::vector<Array> seeds)
      : cj_(std::move(program)), mode_(mode), names_(*cj_.jaxpr) {
    const Jaxpr& j = *cj_.jaxpr;
    if (args.size() != j.invars.size())
      throw_type_error("Stepper: the jaxpr takes " + std::to_string(j.invars.size()) + " arguments, got " +
                       std::to_string(args.size()));
    for (size_t i = 0; i < args.size(); ++i) {
      if (!args[i].defined() || !args[i].aval().same_type(j.invars[i]->aval))
        throw_type_error("Stepper: argument " + std::to_string(i) + " (" + names_.atom(j.invars[i]) + ") has type " +
                         (args[i].defined() ? args[i].aval().str_short() : std::string("<undefined>")) +
                         " but the jaxpr expects " + j.invars[i]->aval.str_short());
      args_.push_back(args[i]);
    }
    if (mode == StepMode::Eval && !seeds.empty())
      throw_value_error("Stepper: eval mode takes no tangents or cotangents, got " + std::to_string(seeds.size()));
    if (mode == StepMode::Jvp) check_seeds(seeds, j.in_avals(), "tangent", "input");
    if (mode == StepMode::Vjp) check_seeds(seeds, j.out_avals(), "cotangent", "output");
    for (const Array& s : seeds) seeds_.push_back(s.defined() ? Value(s) : Value());
    reset();
  }

  void reset() {
    vars_.clear();
    history_.clear();
    frames_.assign(1, Frame{cj_.jaxpr.get(), 0, 0});
    phase_ = StepPhase::Forward;
    bwd_pos_ = 0;
    finished_ = false;
    const Jaxpr& j = *cj_.jaxpr;
    for (size_t i = 0; i < j.constvars.size(); ++i) vars_[j.constvars[i].get()].value = cj_.consts[i];
    for (size_t i = 0; i < j.invars.size(); ++i) {
      VarState& s = vars_[j.invars[i].get()];
      s.value = args_[i];
      // As jxr::jvp: inputs that are not floating have no tangent.
      if (mode_ == StepMode::Jvp && is_floating(args_[i].dtype())) s.tangent = tangent_for(args_[i], seeds_[i]);
    }
  }

  StepSnapshot start_snapshot() {
    Event e;
    return snapshot(e, StopReason::Step);
  }

  // One step, before the end; `into`: enter jit bodies.
  Event advance(bool into) {
    history_.push_back(UndoRecord{frames_, phase_, bwd_pos_, finished_, {}, {}});
    saved_this_step_.clear();
    try {
      Event e = phase_ == StepPhase::Forward ? forward(into) : backward();
      history_.back().event = e;
      return e;
    } catch (...) {
      undo();
      throw;
    }
  }

  // Undoes the last step; false at the start.
  bool undo() {
    if (history_.empty()) return false;
    UndoRecord r = std::move(history_.back());
    history_.pop_back();
    for (auto it = r.saved.rbegin(); it != r.saved.rend(); ++it) {
      if (it->second) vars_[it->first] = std::move(*it->second);
      else vars_.erase(it->first);
    }
    frames_ = std::move(r.frames);
    phase_ = r.phase;
    bwd_pos_ = r.bwd_pos;
    finished_ = r.finished;
    return true;
  }

  StepSnapshot last_snapshot(StopReason reason) {
    if (history_.empty()) return start_snapshot();
    return snapshot(history_.back().event, reason);
  }

  // Why the event should stop a run, if it should.
  std::optional<StopReason> breakpoint_hit(const Event& ev) {
    if (ev.kind != StepEvent::Equation) return std::nullopt;
    const Eqn& e = ev.jaxpr->eqns[ev.eqn];
    for (const Breakpoint& b : breakpoints_) {
      switch (b.kind) {
        case Breakpoint::Kind::Equation:
          if (b.phase == ev.phase && b.frame_path == ev.path && b.eqn_index == ev.eqn)
            return StopReason::EquationBreakpoint;
          break;
        case Breakpoint::Kind::Primitive:
          if (e.prim->name() == b.name) return StopReason::PrimitiveBreakpoint;
          break;
        case Breakpoint::Kind::SourceLine:
          if (e.source.file == b.name && e.source.line == b.line) return StopReason::SourceBreakpoint;
          break;
        case Breakpoint::Kind::NonFinite:
          if (produced_non_finite(ev)) return StopReason::NonFinite;
          break;
      }
    }
    return std::nullopt;
  }

  StepSnapshot snapshot(const Event& ev, StopReason reason) {
    StepSnapshot s;
    s.mode = mode_;
    s.phase = ev.phase;
    s.event = ev.kind;
    s.reason = reason;
    s.step = history_.size();
    s.frame_path = ev.path;
    const Jaxpr& top = *cj_.jaxpr;
    if (ev.kind == StepEvent::Start || ev.kind == StepEvent::Finished) {
      for (const VarPtr& v : top.invars) s.inputs.push_back(var_snapshot(v, names_));
      for (const Atom& a : top.outvars) s.outputs.push_back(var_snapshot(a, names_));
      if (ev.kind == StepEvent::Finished && mode_ == StepMode::Vjp)
        for (size_t i = 0; i < top.invars.size(); ++i) s.inputs[i].cotangent = array_of(cotangent(i));
      return s;
    }
    bool bwd = ev.phase == StepPhase::Backward;
    JaxprNames& names = bwd ? *lin_names_ : names_;
    const Eqn& e = ev.jaxpr->eqns[ev.eqn];
    s.primitive = e.prim->name();
    s.source_file = e.source.file;
    s.source_line = e.source.line;
    s.source_function = e.source.function;
    if (ev.kind == StepEvent::EnterFrame) {
      s.equation = names.equation(*ev.jaxpr, ev.eqn);
      for (const VarPtr& v : steppable_body(e)->jaxpr->invars) s.inputs.push_back(var_snapshot(v, names));
      return s;
    }
    s.eqn_index = ev.eqn;
    s.equation = names.equation(*ev.jaxpr, ev.eqn);
    for (const Atom& a : e.inputs) s.inputs.push_back(var_snapshot(a, names));
    for (size_t k = 0; k < e.outputs.size(); ++k) {
      s.outputs.push_back(var_snapshot(e.outputs[k], names));
      if (bwd) s.outputs.back().cotangent = array_of(ev.cts_out.at(k));
    }
    return s;
  }

  const ClosedJaxpr* linear_program() const { return lin_ ? &lin_->linear : nullptr; }
  std::vector<Array> outputs() const {
    std::vector<Array> out;
    for (const Atom& a : cj_.jaxpr->outvars) out.push_back(read(a).array());
    return out;
  }
  std::vector<Array> tangents() const {
    std::vector<Array> out;
    for (const Atom& a : cj_.jaxpr->outvars) {
      Value t = a.is_var() ? vars_.at(a.var().get()).tangent : Value();
      out.push_back(ad::instantiate_zeros(t, a.aval()).array());
    }
    return out;
  }
  std::vector<Array> cotangents() const {
    std::vector<Array> out;
    for (size_t i = 0; i < cj_.jaxpr->invars.size(); ++i)
      out.push_back(ad::instantiate_zeros(cotangent(i), cj_.jaxpr->invars[i]->aval).array());
    return out;
  }

  ClosedJaxpr cj_;
  StepMode mode_;
  JaxprNames names_;
  std::vector<Value> args_, seeds_;
  std::vector<Frame> frames_;
  StepPhase phase_ = StepPhase::Forward;
  bool finished_ = false;
  std::vector<UndoRecord> history_;
  std::vector<Breakpoint> breakpoints_;
  StepObserver* observer_ = nullptr;

 private:
  static void check_seeds(const std::vector<Array>& seeds, const std::vector<ShapedArray>& avals,
                          const std::string& what, const std::string& of) {
    if (seeds.size() != avals.size())
      throw_type_error("Stepper: expected " + std::to_string(avals.size()) + " " + what + "s, one per " + of +
                       ", got " + std::to_string(seeds.size()));
    for (size_t i = 0; i < seeds.size(); ++i) {
      if (!seeds[i].defined()) continue;
      if (seeds[i].shape() != avals[i].shape)
        throw_value_error("Stepper: " + what + " " + std::to_string(i) + " has shape " + seeds[i].aval().str_short() +
                          " but " + of + " " + std::to_string(i) + " has type " + avals[i].str_short());
      if (what == "tangent" && is_floating(avals[i].dtype) && seeds[i].dtype() != avals[i].dtype)
        throw_type_error("Stepper: tangent " + std::to_string(i) + " has dtype " +
                         std::string(dtype_name(seeds[i].dtype())) + " but its input has dtype " +
                         std::string(dtype_name(avals[i].dtype)));
    }
  }

  VarState& touch(const Var* v) {
    if (saved_this_step_.insert(v).second) {
      auto it = vars_.find(v);
      history_.back().saved.emplace_back(v, it == vars_.end() ? std::nullopt : std::optional<VarState>(it->second));
    }
    return vars_[v];
  }

  Value read(const Atom& a) const { return a.is_literal() ? Value(a.literal()) : vars_.at(a.var().get()).value; }
  Value read_tangent(const Atom& a) const {
    if (a.is_literal()) return Value();
    auto it = vars_.find(a.var().get());
    return it == vars_.end() ? Value() : it->second.tangent;
  }

  std::vector<size_t> path() const {
    std::vector<size_t> p;
    for (size_t i = 1; i < frames_.size(); ++i) p.push_back(frames_[i].call_eqn);
    return p;
  }

  void bind_outputs(const Eqn& e, std::vector<Value> outs, std::vector<Value> tans) {
    for (size_t k = 0; k < e.outputs.size(); ++k) {
      VarState& s = touch(e.outputs[k].get());
      s.value = std::move(outs[k]);
      s.tangent = k < tans.size() ? tangent_for(s.value, std::move(tans[k])) : Value();
    }
  }

  // Runs a whole equation, as eval_jaxpr (eval, vjp's forward phase) or the
  // JVP trace (jvp) does.
  void execute(const Eqn& e) {
    std::vector<Value> in, tans;
    bool all_zero = true;
    for (const Atom& a : e.inputs) {
      in.push_back(read(a));
      tans.push_back(mode_ == StepMode::Jvp ? read_tangent(a) : Value());
      all_zero = all_zero && ad::is_zero(tans.back());
    }
    SourceScope src(e.source);
    if (all_zero) return bind_outputs(e, jxr::bind(*e.prim, in, e.params), {});
    if (!e.prim->jvp) throw_value_error("Stepper: differentiation rule for '" + e.prim->name() + "' not implemented");
    JvpResult r = e.prim->jvp(in, tans, e.params);
    bind_outputs(e, std::move(r.primals), std::move(r.tangents));
  }

  Event forward(bool into) {
    Frame& f = frames_.back();
    Event ev;
    ev.phase = StepPhase::Forward;
    if (f.pc == f.jaxpr->eqns.size()) {
      if (frames_.size() == 1) return mode_ == StepMode::Vjp ? begin_backward() : finish();
      // The body returned: its outputs are the call equation's.
      Frame body = f;
      frames_.pop_back();
      Frame& parent = frames_.back();
      const Eqn& call = parent.jaxpr->eqns[parent.pc];
      std::vector<Value> outs, tans;
      for (const Atom& a : body.jaxpr->outvars) {
        outs.push_back(read(a));
        tans.push_back(read_tangent(a));
      }
      bind_outputs(call, std::move(outs), std::move(tans));
      ev.kind = StepEvent::Equation;
      ev.path = path();
      ev.jaxpr = parent.jaxpr;
      ev.eqn = parent.pc++;
      return ev;
    }
    const Eqn& e = f.jaxpr->eqns[f.pc];
    ev.jaxpr = f.jaxpr;
    ev.eqn = f.pc;
    if (const ClosedJaxpr* body = into ? steppable_body(e) : nullptr) {
      ev.kind = StepEvent::EnterFrame;
      for (size_t i = 0; i < body->consts.size(); ++i) touch(body->jaxpr->constvars[i].get()) = {body->consts[i]};
      for (size_t i = 0; i < e.inputs.size(); ++i) {
        VarState& s = touch(body->jaxpr->invars[i].get());
        s = {read(e.inputs[i])};
        s.tangent = read_tangent(e.inputs[i]);
      }
      frames_.push_back(Frame{body->jaxpr.get(), 0, f.pc});
      ev.path = path();
      return ev;
    }
    execute(e);
    ev.kind = StepEvent::Equation;
    ev.path = path();
    ++frames_.back().pc;
    return ev;
  }

  Event finish() {
    finished_ = true;
    Event ev;
    ev.kind = StepEvent::Finished;
    ev.phase = phase_;
    return ev;
  }

  // --- vjp -----------------------------------------------------------------
  // The backward phase transposes the linear jaxpr that jxr::vjp would build
  // (linearize_flat of the whole program), mirroring backward_pass. While
  // linearizing, an eval observer maps each top-level equation's output
  // tangent variable back to the program variable.

  class TangentMap final : public EvalObserver {
   public:
    TangentMap(const Jaxpr& top, std::unordered_map<const Var*, VarPtr>& primal_of)
        : top_(top), primal_of_(primal_of) {}
    void on_equation(const Eqn& eqn, std::span<const Value>, std::span<const Value> out) override {
      std::less<const Eqn*> lt;
      if (lt(&eqn, top_.eqns.data()) || !lt(&eqn, top_.eqns.data() + top_.eqns.size())) return;
      for (size_t k = 0; k < out.size(); ++k)
        if (const Var* tv = linearize_tangent_var(out[k])) primal_of_.emplace(tv, eqn.outputs[k]);
    }

   private:
    const Jaxpr& top_;
    std::unordered_map<const Var*, VarPtr>& primal_of_;
  };

  void linearize_program() {
    if (lin_) return;
    TangentMap map(*cj_.jaxpr, primal_of_);
    EvalObserver* prev = set_eval_observer(&map);
    try {
      const ClosedJaxpr& cj = cj_;
      size_t num_aux = 0;
      lin_ = std::make_unique<Linearized>(linearize_flat(
          [&cj](std::span<const Value> xs) { return eval_closed_jaxpr(cj, xs); }, args_, &num_aux));
    } catch (...) {
      set_eval_observer(prev);
      throw;
    }
    set_eval_observer(prev);
    const Jaxpr& lj = *lin_->linear.jaxpr;
    for (size_t i = 0; i < lj.invars.size(); ++i) primal_of_.emplace(lj.invars[i].get(), cj_.jaxpr->invars[i]);
    lin_names_ = std::make_unique<JaxprNames>(lj);
  }

  bool is_linear(const Atom& a) const {
    if (!a.is_var()) return false;
    auto it = vars_.find(a.var().get());
    return it != vars_.end() && it->second.linear;
  }

  void accum(const Atom& a, const Value& ct, int64_t from) {
    if (!is_linear(a) || ad::is_zero(ct)) return;
    if (ct.shape() != a.aval().shape)
      throw Error(ErrorKind::Value, "Expected cotangent type " + ad::tangent_aval(a.aval()).str_short() +
                                        " but got " + ct.aval().str_short());
    VarState& s = touch(a.var().get());
    s.ct = ad::add_tangents(s.ct, ct);
    s.contributions.push_back(from);
  }

  Event begin_backward() {
    linearize_program();
    phase_ = StepPhase::Backward;
    const Jaxpr& lj = *lin_->linear.jaxpr;
    for (size_t i = 0; i < lj.constvars.size(); ++i) touch(lj.constvars[i].get()) = {lin_->linear.consts[i]};
    for (const VarPtr& v : lj.invars) touch(v.get()).linear = true;
    lin_order_.clear();
    for (size_t k = 0; k < lj.eqns.size(); ++k) {
      const Eqn& e = lj.eqns[k];
      bool lin = false;
      for (const Atom& a : e.inputs) lin = lin || is_linear(a);
      if (lin) {
        for (const VarPtr& o : e.outputs) touch(o.get()).linear = true;
        lin_order_.push_back(k);
        continue;
      }
      std::vector<Value> in;
      for (const Atom& a : e.inputs) in.push_back(read(a));
      SourceScope src(e.source);
      std::vector<Value> out = jxr::bind(*e.prim, in, e.params);
      for (size_t i = 0; i < out.size(); ++i) touch(e.outputs[i].get()).value = out[i];
    }
    size_t n = 0;
    for (size_t i = 0; i < lin_->out_nonzero.size(); ++i)
      if (lin_->out_nonzero[i]) accum(lj.outvars[n++], i < seeds_.size() ? seeds_[i] : Value(), -1);
    bwd_pos_ = 0;
    return backward();
  }

  Event backward() {
    if (bwd_pos_ == lin_order_.size()) return finish();
    const Jaxpr& lj = *lin_->linear.jaxpr;
    size_t k = lin_order_[lin_order_.size() - 1 - bwd_pos_];
    const Eqn& e = lj.eqns[k];
    Event ev;
    ev.kind = StepEvent::Equation;
    ev.phase = StepPhase::Backward;
    ev.jaxpr = &lj;
    ev.eqn = k;
    bool all_zero = true;
    for (const VarPtr& o : e.outputs) {
      VarState& s = touch(o.get());
      ev.cts_out.push_back(std::move(s.ct));
      s.ct = Value();
      all_zero = all_zero && ad::is_zero(ev.cts_out.back());
    }
    ++bwd_pos_;
    if (all_zero) return ev;
    std::vector<Value> cts_in = transpose_eqn(
        e, ev.cts_out, [this](const Atom& a) { return is_linear(a); }, [this](const Atom& a) { return read(a); });
    for (size_t i = 0; i < e.inputs.size() && i < cts_in.size(); ++i)
      accum(e.inputs[i], cts_in[i], static_cast<int64_t>(k));
    return ev;
  }

  Value cotangent(size_t input) const {
    if (!lin_ || phase_ != StepPhase::Backward) return Value();
    auto it = vars_.find(lin_->linear.jaxpr->invars[input].get());
    return it == vars_.end() ? Value() : it->second.ct;
  }

  bool produced_non_finite(const Event& ev) const {
    const Eqn& e = ev.jaxpr->eqns[ev.eqn];
    if (ev.phase == StepPhase::Forward) {
      for (const VarPtr& o : e.outputs) {
        const VarState& s = vars_.at(o.get());
        if (non_finite(s.value) || non_finite(s.tangent)) return true;
      }
      return false;
    }
    for (const Atom& a : e.inputs)
      if (is_linear(a) && non_finite(vars_.at(a.var().get()).ct)) return true;
    return false;
  }

  VarSnapshot var_snapshot(const Atom& a, JaxprNames& names) {
    VarSnapshot v;
    v.name = names.atom(a);
    v.type = a.aval().str_short();
    v.literal = a.is_literal();
    if (a.is_literal()) {
      v.value = a.literal();
      return v;
    }
    auto it = vars_.find(a.var().get());
    if (it == vars_.end()) return v;
    const VarState& s = it->second;
    v.value = array_of(s.value);
    v.tangent = array_of(s.tangent);
    v.cotangent = array_of(s.ct);
    v.contributions = s.contributions;
    if (s.linear)
      if (auto p = primal_of_.find(a.var().get()); p != primal_of_.end()) v.primal_name = names_.atom(p->second);
    return v;
  }

  std::unordered_map<const Var*, VarState> vars_;
  std::unordered_set<const Var*> saved_this_step_;  // what the current step's undo record holds
  size_t bwd_pos_ = 0;
  std::unique_ptr<Linearized> lin_;
  std::unique_ptr<JaxprNames> lin_names_;
  std::vector<size_t> lin_order_;  // the linear jaxpr's equations that take linear inputs
  std::unordered_map<const Var*, VarPtr> primal_of_;
};

Stepper::Stepper(ClosedJaxpr program, StepMode mode, std::vector<Array> args, std::vector<Array> seeds)
    : impl_(std::make_unique<Impl>(std::move(program), mode, std::move(args), std::move(seeds))) {}
Stepper::~Stepper() = default;

void Stepper::set_observer(StepObserver* obs) { impl_->observer_ = obs; }
void Stepper::add_breakpoint(Breakpoint bp) { impl_->breakpoints_.push_back(std::move(bp)); }
void Stepper::clear_breakpoints() { impl_->breakpoints_.clear(); }

bool Stepper::finished() const { return impl_->finished_; }
StepPhase Stepper::phase() const { return impl_->phase_; }
const ClosedJaxpr* Stepper::linear_program() const { return impl_->linear_program(); }
size_t Stepper::depth() const { return impl_->frames_.size(); }
std::vector<Array> Stepper::outputs() const { return impl_->outputs(); }
std::vector<Array> Stepper::tangents() const { return impl_->tangents(); }
std::vector<Array> Stepper::cotangents() const { return impl_->cotangents(); }

std::vector<Array> ones_seeds(const ClosedJaxpr& program, StepMode mode) {
  std::vector<Array> seeds;
  if (mode == StepMode::Eval) return seeds;
  for (const ShapedArray& a : mode == StepMode::Jvp ? program.in_avals() : program.out_avals())
    seeds.push_back(is_floating(a.dtype) ? Array::full(a.shape, 1.0, a.dtype) : Array{});
  return seeds;
}

namespace {

StepSnapshot report(StepObserver* obs, StepSnapshot s) {
  if (obs) {
    obs->on_step(s);
    if (s.event == StepEvent::Finished) obs->on_finished(s);
  }
  return s;
}

}  // namespace

// Steps until `done` says so after a step, a breakpoint hits (when
// `breakpoints`), or the program ends; reports where it stops, and every
// step on the way to an observer that wants them.
StepSnapshot Stepper::run_until(bool into, bool breakpoints, const std::function<bool()>& done) {
  Impl& m = *impl_;
  if (m.finished_) return m.last_snapshot(StopReason::Finished);
  for (;;) {
    Event ev = m.advance(into);
    if (ev.kind == StepEvent::Finished) return report(m.observer_, m.snapshot(ev, StopReason::Finished));
    if (breakpoints)
      if (std::optional<StopReason> hit = m.breakpoint_hit(ev)) return report(m.observer_, m.snapshot(ev, *hit));
    if (done()) return report(m.observer_, m.snapshot(ev, StopReason::Step));
    if (m.observer_ && m.observer_->wants_every_step()) m.observer_->on_step(m.snapshot(ev, StopReason::Step));
  }
}

StepSnapshot Stepper::step() { return run_until(true, false, [] { return true; }); }
StepSnapshot Stepper::step_over() { return run_until(false, false, [] { return true; }); }
StepSnapshot Stepper::step_out() {
  size_t depth = impl_->frames_.size();
  return run_until(true, true, [this, depth] { return depth > 1 && impl_->frames_.size() < depth; });
}
StepSnapshot Stepper::run() { return run_until(true, true, [] { return false; }); }

StepSnapshot Stepper::step_back() {
  impl_->undo();
  return report(impl_->observer_, impl_->last_snapshot(StopReason::Step));
}

StepSnapshot Stepper::restart() {
  impl_->reset();
  return report(impl_->observer_, impl_->start_snapshot());
}

}  // namespace jxr
