// Building blocks for transformation rules, after JAX's ad.defjvp,
// ad.deflinear2, ad.defbilinear and batching.defbroadcasting. Family files
// attach rules to their primitives with these; the rules themselves are
// written with lax functions so that they trace, nest and compose.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "engine/core/primitive.h"
#include "engine/core/trace.h"

namespace jxr::ad {

// --- symbolic zeros ------------------------------------------------------
// An undefined Value is a symbolic zero tangent or cotangent.
inline bool is_zero(const Value& t) { return !t.defined(); }
// Integer and boolean values have no tangent space (JAX's float0): their
// tangents are always symbolic zeros.
bool has_tangent_space(DType d);
// The aval of a tangent for a primal of this aval, weak_type kept as by JAX's
// to_tangent_aval: the cotangent of a weak input is weak.
ShapedArray tangent_aval(const ShapedArray& primal);
// A materialized zero: a literal for scalars, else broadcast_in_dim of one,
// as jax's zeros_like_aval.
Value zeros_like_aval(const ShapedArray& aval);
Value instantiate_zeros(const Value& t, const ShapedArray& aval);
// Sum of two tangents; zeros are skipped, else add_any.
Value add_tangents(const Value& a, const Value& b);

// --- JVP rule builders ----------------------------------------------------
// The tangent contribution of one input: t is that input's (nonzero) tangent.
using TangentFn = std::function<Value(const Value& t, std::span<const Value> primals, const Params& params)>;
// Same, also given the primal output (JAX's defjvp2).
using TangentFn2 = std::function<Value(const Value& t, const Value& out, std::span<const Value> primals,
                                       const Params& params)>;
// jvp = bind the primal, then sum the contributions of the nonzero tangents
// (an empty function: that input contributes nothing).
void def_jvp(Primitive& p, std::vector<TangentFn> per_input);
void def_jvp2(Primitive& p, std::vector<TangentFn2> per_input);
// Output tangents are zero (comparisons, integer ops, random bits ...).
void def_jvp_zero(Primitive& p);

// Linear in all inputs: the jvp applies the primitive to the tangents (zeros
// instantiated), and the transpose rule sees a nonzero cotangent.
using LinearTransposeFn = std::function<std::vector<Value>(const Value& ct, std::span<const Value> args,
                                                           std::span<const ShapedArray> in_avals,
                                                           const Params& params)>;
void def_linear(Primitive& p, LinearTransposeFn transpose);

// Bilinear (mul, dot_general): linear in each argument with the other fixed.
// The rule gives the cotangent of the undefined argument.
using BilinearFn = std::function<Value(const Value& ct, const Value& x, const Value& y,
                                       std::span<const ShapedArray> in_avals, const Params& params)>;
void def_bilinear(Primitive& p, BilinearFn lhs, BilinearFn rhs);

// --- batching -------------------------------------------------------------
// Moves axis `from` of x to `to` (a transpose; no-op when equal).
Value moveaxis(const Value& x, int from, int to);
// x with its batch dim first; an unbatched x is broadcast to `size` at 0.
Value bdim_at_front(const Value& x, int bdim, int64_t size);
// Inserts a new axis of `size` at `axis` (broadcast_in_dim).
Value broadcast_batched(const Value& x, int64_t size, int axis);
// Moves (or creates) the batch axis of x to `dst`; kNotMapped keeps x as is
// when it is unbatched.
Value matchaxis(const Value& x, int src, int dst, int64_t size);

// Unary elementwise ops: the primitive applied as is, same batch dim.
void def_vectorized(Primitive& p);
// n-ary elementwise ops with numpy-free broadcasting (JAX's
// broadcast_batcher): same-shaped operands batched on the same axis pass
// through, others get their batch axis in front.
void def_broadcasting(Primitive& p);

// The JAX wording for a missing rule: "Differentiation rule for 'sin' not
// implemented", "Transpose rule ... for 'x' not implemented", "Batching rule".
[[noreturn]] void throw_missing_rule(const Primitive& p, std::string_view transformation);

}  // namespace jxr::ad
