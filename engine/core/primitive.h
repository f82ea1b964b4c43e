// Primitives and their rule tables, and the registry that maps names to
// primitives (the jaxpr parser and plugins find them there).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/params.h"
#include "engine/core/value.h"

namespace jxr {

struct Jaxpr;
struct Eqn;

// Shape/dtype rule: output avals from input avals; raises a TypeError naming
// the primitive, its params and the operand shapes on bad input.
using AbstractEvalRule =
    std::function<std::vector<ShapedArray>(std::span<const ShapedArray> in, const Params& params)>;
// Eager CPU kernel. `out` are the avals the shape rule computed.
using ImplRule = std::function<std::vector<Array>(std::span<const Array> in, const Params& params,
                                                  std::span<const ShapedArray> out)>;
// The params a jaxpr prints, in print order (JAX's pp rules hide some).
using PrintParamsRule = std::function<std::vector<std::pair<std::string, Param>>(const Params& params)>;
// Restores params that printing hid, from the equation's in/out avals; used
// by the parser.
using ParseParamsRule = std::function<void(Params& params, std::span<const ShapedArray> in,
                                           std::span<const ShapedArray> out)>;

// --- transformation rules --------------------------------------------
// Tangents and cotangents use an undefined Value for JAX's symbolic Zero.

struct JvpResult {
  std::vector<Value> primals;
  std::vector<Value> tangents;  // undefined: a symbolic zero
};
// Forward mode: primal and tangent outputs from primal and tangent inputs.
// Runs with the current trace set to the parent of the JVP trace, so that
// rules are written with lax functions and compose.
using JvpRule = std::function<JvpResult(std::span<const Value> primals, std::span<const Value> tangents,
                                        const Params& params)>;
// Transpose of a primitive that is linear in the inputs whose `args` entry is
// undefined (JAX's UndefinedPrimal; `in_avals` gives their types). `cts` has
// one cotangent per output (undefined: zero; the backward pass skips the rule
// when all are zero). Returns one cotangent per input, undefined for inputs
// that are not linear or whose cotangent is zero.
using TransposeRule = std::function<std::vector<Value>(std::span<const Value> cts, std::span<const Value> args,
                                                       std::span<const ShapedArray> in_avals,
                                                       const Params& params)>;
// Direct linearization (JAX's primitive_linearizations) for primitives that
// linearize better than their JVP rule under partial evaluation: jit gives
// one primal call and one tangent call. The rule runs on the parent trace;
// `tangent_fn` runs on the tangent trace with the residuals and the nonzero
// input tangents, and returns the nonzero output tangents.
struct LinearizeRuleResult {
  std::vector<Value> primals_out;
  std::vector<bool> nonzero_out;
  std::vector<Value> residuals;
  std::function<std::vector<Value>(std::span<const Value> residuals, std::span<const Value> nz_tangents)> tangent_fn;
};
using LinearizeRule = std::function<LinearizeRuleResult(const std::vector<bool>& nonzeros,
                                                        std::span<const Value> primals, const Params& params)>;

// Batch dimension of a value under vmap; kNotMapped for an unbatched one.
inline constexpr int kNotMapped = -1;
struct BatchResult {
  std::vector<Value> outs;
  std::vector<int> dims;  // one per output
};
// Batching: the primitive applied to a batch of inputs, each with its batch
// dimension (or kNotMapped), for a batch of `axis_size`.
using BatchRule = std::function<BatchResult(std::span<const Value> args, std::span<const int> dims,
                                            const Params& params, int64_t axis_size)>;

class Primitive {
 public:
  explicit Primitive(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }

  std::string synopsis;  // one line, shown by the debugger on hover
  AbstractEvalRule abstract_eval;
  ImplRule impl;
  PrintParamsRule print_params;  // empty: all params, sorted by name
  ParseParamsRule parse_params;  // empty: nothing hidden
  // Sub-jaxprs in params (jit, scan, cond ...): the checker and printer
  // recurse into Param::Kind::Jaxpr values generically.

  JvpRule jvp;              // empty: not differentiable (an error names it)
  LinearizeRule linearize;  // optional; otherwise the JVP rule is partially evaluated
  TransposeRule transpose;  // set for primitives linear in some inputs
  BatchRule batch;          // empty: vmap raises an error naming it

  // Params in print order (applies print_params or sorts).
  std::vector<std::pair<std::string, Param>> printed_params(const Params& params) const;
  // Runs the shape rule, adding the primitive's name to errors that lack it.
  std::vector<ShapedArray> eval_shapes(std::span<const ShapedArray> in, const Params& params) const;

 private:
  std::string name_;
};

// Creates and registers a primitive; names are unique. Family files call it
// from their register_* function.
Primitive& define_primitive(std::string name);
// nullptr when no primitive has that name.
const Primitive* find_primitive(std::string_view name);
// Throws a ValueError naming the primitive when it does not exist.
const Primitive& get_primitive(std::string_view name);
// All registered primitives, sorted by name.
std::vector<const Primitive*> all_primitives();

// Params sorted by name, the default print order.
std::vector<std::pair<std::string, Param>> sorted_params(const Params& params);

}  // namespace jxr
