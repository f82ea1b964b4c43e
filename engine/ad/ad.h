// Forward and reverse mode on flat functions: the JVP trace, the linearize
// trace (JAX's direct linearization), and the backward pass that transposes
// a linear jaxpr. The pytree-level API (grad, vjp, jacrev ...) is built on
// these in engine/transforms.h.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <span>
#include <vector>

#include "engine/jaxpr/staging.h"

namespace jxr {

// Forward mode: f's outputs and their tangents; an undefined tangent is a
// symbolic zero (in and out).
JvpResult jvp_flat(const FlatFn& f, std::span<const Value> primals, std::span<const Value> tangents);

// f linearized at `primals`: its outputs, and a linear jaxpr from one tangent
// per input to the tangents of the outputs that are not symbolic zeros. The
// jaxpr's consts are the residuals (values, or tracers of enclosing traces).
struct Linearized {
  std::vector<Value> primals_out;  // without the aux outputs
  std::vector<Value> aux;
  ClosedJaxpr linear;
  std::vector<bool> out_nonzero;  // one per output; false: its tangent is zero
  std::vector<ShapedArray> in_avals, out_avals;
};
// With `num_aux`, read after f returns, f's last *num_aux outputs are aux
// data: returned as primal values, not differentiated.
Linearized linearize_flat(const FlatFn& f, std::span<const Value> primals, const size_t* num_aux = nullptr);

// While linearize_flat runs f: the variable of the linear jaxpr under
// construction that holds the tangent of `v`, a value of that linearize
// trace; nullptr when v's tangent is a symbolic zero or v is no such value.
// The debugger's stepper maps the linear jaxpr back to the program with it.
const Var* linearize_tangent_var(const Value& v);

// A closed jaxpr linearized into two (JAX's linearize_jaxpr), for the rules
// of call primitives: `primal` maps the inputs to the outputs that are not
// inputs, followed by the residuals that are not inputs, consts of the call
// or outputs; `tangent` maps (all residuals, the nonzero input tangents) to
// the nonzero output tangents.
struct LinearizedJaxpr {
  ClosedJaxprPtr primal;
  size_t num_primals_out = 0;     // outputs of `primal` that are primal outputs
  std::vector<int> primal_input;  // per primal output: the input it is, or -1
  struct Residual {
    enum Kind { Input, Const, Output } kind;
    int index;  // into the call's inputs, its consts, or the outputs of `primal`
  };
  std::vector<Residual> residuals;
  std::vector<bool> nonzero_out;
  ClosedJaxprPtr tangent;
};
LinearizedJaxpr linearize_jaxpr(const ClosedJaxpr& cj, const std::vector<bool>& nonzeros);

// Rules of call primitives (jit, remat2): the sub-jaxpr in params["jaxpr"]
// is transformed and `rebind` binds the primitive again with the new body.
using CallRebind = std::function<std::vector<Value>(const ClosedJaxprPtr& body, std::span<const Value> args)>;
// The transformed bodies are memoized per body while it lives, as JAX's
// weakref_lru_cache on jvp_jaxpr / batch_jaxpr / linearize_jaxpr: a function
// jitted twice keeps one transformed body, which the printer then hoists as
// `let name = { ... } in`, as JAX prints it.
// linearize_jaxpr of a call's body.
std::shared_ptr<const LinearizedJaxpr> linearize_call_body(const ClosedJaxprPtr& body,
                                                           const std::vector<bool>& nonzeros);
JvpResult call_jvp(std::span<const Value> primals, std::span<const Value> tangents, const Params& params,
                   const CallRebind& rebind);
std::vector<Value> call_transpose(std::span<const Value> cts, std::span<const Value> args,
                                  std::span<const ShapedArray> in_avals, const Params& params,
                                  const CallRebind& rebind);
BatchResult call_batch(std::span<const Value> args, std::span<const int> dims, const Params& params,
                       int64_t axis_size, const CallRebind& rebind);

// Applies a linearized function to input tangents (undefined: zero).
std::vector<Value> apply_linearized(const Linearized& lin, std::span<const Value> tangents);

// Transposes a linear jaxpr: given cotangents of its outputs (undefined:
// zero), the cotangents of the inputs marked linear (undefined when zero).
// Inputs not marked linear take their value from `args`. Equations that do
// not depend on linear inputs are evaluated forward first, the others are
// transposed in reverse, accumulating with add_any, as JAX's backward_pass.
std::vector<Value> backward_pass(const Jaxpr& jaxpr, std::span<const Value> consts, std::span<const Value> args,
                                 const std::vector<bool>& linear, std::span<const Value> cts);

// One step of backward_pass (the debugger's stepper takes them one by one):
// e's transpose rule applied to its outputs' cotangents, giving one
// cotangent per input (undefined: zero). `primal` reads the operands that
// are not linear.
std::vector<Value> transpose_eqn(const Eqn& e, std::span<const Value> cts_out,
                                 const std::function<bool(const Atom&)>& is_linear,
                                 const std::function<Value(const Atom&)>& primal);

// The pullback of a linearized function: output cotangents (undefined: zero)
// to input cotangents (undefined: zero).
std::vector<Value> pullback(const Linearized& lin, std::span<const Value> cts);

// Removes equations whose outputs nobody uses and unused constvars (with
// their consts), as JAX's dce_jaxpr_consts. Inputs are kept.
ClosedJaxpr dce_closed_jaxpr(const ClosedJaxpr& cj);

// Batching: f mapped over axis `in_dims[i]` of each input (kNotMapped: not
// mapped), its outputs' batch axes moved to `out_dims` (kNotMapped: the
// output must not depend on the batch).
std::vector<Value> vmap_flat(const FlatFn& f, std::span<const Value> args, std::span<const int> in_dims,
                             std::span<const int> out_dims, int64_t axis_size);
// Like vmap_flat, but also reports each output's batch dim instead of moving
// it (used by batching rules of higher-order primitives).
BatchResult batch_flat(const FlatFn& f, std::span<const Value> args, std::span<const int> in_dims,
                       int64_t axis_size);

}  // namespace jxr
