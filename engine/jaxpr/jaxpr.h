// The jaxpr IR: variables, literals, equations, jaxprs and closed jaxprs.
// Jaxprs are immutable once built; transformations build new ones.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/core/primitive.h"
#include "engine/core/trace.h"

namespace jxr {

// A variable is identified by its address; names are assigned when printing.
struct Var {
  explicit Var(ShapedArray a, bool drop = false) : aval(std::move(a)), is_drop(drop) {}
  ShapedArray aval;
  bool is_drop;  // an output nobody reads, printed `_`
};
using VarPtr = std::shared_ptr<Var>;

inline VarPtr new_var(ShapedArray aval) { return std::make_shared<Var>(std::move(aval)); }
inline VarPtr new_dropvar(ShapedArray aval) { return std::make_shared<Var>(std::move(aval), true); }

// An equation operand: a variable, or a literal scalar constant.
class Atom {
 public:
  Atom(VarPtr v) : var_(std::move(v)) {}  // NOLINT
  Atom(Array literal) : literal_(std::move(literal)) {}  // NOLINT
  bool is_var() const { return var_ != nullptr; }
  bool is_literal() const { return var_ == nullptr; }
  const VarPtr& var() const { return var_; }
  const Array& literal() const { return literal_; }
  const ShapedArray& aval() const { return var_ ? var_->aval : literal_.aval(); }

 private:
  VarPtr var_;
  Array literal_;
};

struct Eqn {
  const Primitive* prim = nullptr;
  std::vector<Atom> inputs;
  std::vector<VarPtr> outputs;
  Params params;
  SourceInfo source;
};

struct Jaxpr {
  std::vector<VarPtr> constvars;
  std::vector<VarPtr> invars;
  std::vector<Eqn> eqns;
  std::vector<Atom> outvars;

  std::vector<ShapedArray> in_avals() const;
  std::vector<ShapedArray> out_avals() const;
};
using JaxprPtr = std::shared_ptr<const Jaxpr>;

// A jaxpr with values for its constvars. Consts may be tracers of an outer
// transformation while one is in progress.
struct ClosedJaxpr {
  JaxprPtr jaxpr;
  std::vector<Value> consts;

  std::vector<ShapedArray> in_avals() const { return jaxpr->in_avals(); }
  std::vector<ShapedArray> out_avals() const { return jaxpr->out_avals(); }
};

// Type-checks every equation: operands defined before use, each binder's aval
// equal to what the primitive's shape rule gives, sub-jaxprs recursively.
// Throws a TypeError that names the equation and prints the jaxpr around it.
void check_jaxpr(const Jaxpr& jaxpr);

// Evaluates a jaxpr by binding each equation on the current trace (so it
// also re-traces under a transformation).
std::vector<Value> eval_jaxpr(const Jaxpr& jaxpr, std::span<const Value> consts, std::span<const Value> args);
std::vector<Value> eval_closed_jaxpr(const ClosedJaxpr& cj, std::span<const Value> args);

// A closed jaxpr whose consts that are tracers of enclosing transformations
// are moved to leading inputs (`lifted`, their values): call primitives pass
// them as arguments, as JAX prints them. Shares `cj` when there are none.
struct LiftedJaxpr {
  ClosedJaxprPtr jaxpr;
  std::vector<Value> lifted;
};
LiftedJaxpr lift_tracer_consts(const ClosedJaxprPtr& cj);

// Observer of jaxpr evaluation (the debugger's stepper and the trace store
// use richer hooks; this one sees every equation eval_jaxpr runs).
class EvalObserver {
 public:
  virtual ~EvalObserver() = default;
  virtual void on_equation(const Eqn& eqn, std::span<const Value> in, std::span<const Value> out) = 0;
};
// Sets the observer for this thread; returns the previous one.
EvalObserver* set_eval_observer(EvalObserver* obs);

}  // namespace jxr
