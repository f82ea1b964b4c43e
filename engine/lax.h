// jax.lax in C++: one function per primitive, binding it with params named
// exactly as in JAX. lax is strict, as in JAX: operands of binary ops must
// have equal dtypes and broadcast-compatible shapes of equal rank (rank-0
// operands broadcast). numpy-style promotion lives in engine/numpy.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/trace.h"

namespace jxr::lax {

// --- elementwise unary -------------------------------------------------
Value neg(const Value& x);
Value sign(const Value& x);
Value floor(const Value& x);
Value ceil(const Value& x);
// rounding_method: 0 = AWAY_FROM_ZERO (lax.round's default), 1 = TO_NEAREST_EVEN (jnp.round).
Value round(const Value& x, int rounding_method = 0);
Value is_finite(const Value& x);
Value exp(const Value& x);
Value exp2(const Value& x);
Value log(const Value& x);
Value log1p(const Value& x);
Value expm1(const Value& x);
Value tanh(const Value& x);
Value logistic(const Value& x);
Value sin(const Value& x);
Value cos(const Value& x);
Value tan(const Value& x);
Value asin(const Value& x);
Value acos(const Value& x);
Value atan(const Value& x);
Value sinh(const Value& x);
Value cosh(const Value& x);
Value asinh(const Value& x);
Value acosh(const Value& x);
Value atanh(const Value& x);
Value sqrt(const Value& x);
Value rsqrt(const Value& x);
Value cbrt(const Value& x);
Value abs(const Value& x);
Value square(const Value& x);
Value integer_pow(const Value& x, int64_t y);
Value erf(const Value& x);
Value erf_inv(const Value& x);
Value lgamma(const Value& x);
Value digamma(const Value& x);
Value bitwise_not(const Value& x);  // primitive `not`

// --- elementwise binary ------------------------------------------------
Value add(const Value& x, const Value& y);
Value sub(const Value& x, const Value& y);
Value mul(const Value& x, const Value& y);
Value div(const Value& x, const Value& y);
Value rem(const Value& x, const Value& y);
Value pow(const Value& x, const Value& y);
Value max(const Value& x, const Value& y);
Value min(const Value& x, const Value& y);
Value atan2(const Value& x, const Value& y);
Value nextafter(const Value& x, const Value& y);
// ψ⁽ᵐ⁾(x), the m-th derivative of digamma (m and x floats of one dtype).
Value polygamma(const Value& m, const Value& x);
Value eq(const Value& x, const Value& y);
Value ne(const Value& x, const Value& y);
Value lt(const Value& x, const Value& y);
Value le(const Value& x, const Value& y);
Value gt(const Value& x, const Value& y);
Value ge(const Value& x, const Value& y);
Value bitwise_and(const Value& x, const Value& y);  // primitive `and`
Value bitwise_or(const Value& x, const Value& y);   // primitive `or`
Value bitwise_xor(const Value& x, const Value& y);  // primitive `xor`
Value add_any(const Value& x, const Value& y);      // accumulation of cotangents

// select_n(which, *cases): which is bool (two cases) or int32; picks cases[which].
Value select_n(const Value& which, const std::vector<Value>& cases);
Value clamp(const Value& lo, const Value& x, const Value& hi);
Value convert_element_type(const Value& x, DType new_dtype, bool weak_type = false);

// --- structural --------------------------------------------------------
// As in JAX, reshape, squeeze, transpose and concatenate return their operand
// unchanged (no equation is staged, tracers included) when they would be
// identities: see each below.
Value broadcast_in_dim(const Value& x, const Shape& shape, const std::vector<int64_t>& broadcast_dimensions);
// dimensions: an optional transpose applied before the reshape (JAX's param;
// an identity one is bound as None). x itself when x is not rank 0, has
// shape new_sizes and dimensions are absent or the identity.
Value reshape(const Value& x, const Shape& new_sizes,
              const std::optional<std::vector<int64_t>>& dimensions = std::nullopt);
// Dimensions are canonicalized (negative ones count from the end) and sorted;
// no dimensions: x itself.
Value squeeze(const Value& x, const std::vector<int64_t>& dimensions);
Value expand_dims(const Value& x, const std::vector<int64_t>& dimensions);  // as JAX: broadcast_in_dim
// The identity permutation: x itself.
Value transpose(const Value& x, const std::vector<int64_t>& permutation);
Value rev(const Value& x, const std::vector<int64_t>& dimensions);
// A single operand: that operand itself.
Value concatenate(const std::vector<Value>& xs, int64_t dimension);
// Pieces of `sizes` along `axis` (negative counts from the end). The sizes
// print as given: Python ints from this overload, and whatever Param the
// other holds (np.int64 where JAX computes them with numpy).
std::vector<Value> split(const Value& x, const std::vector<int64_t>& sizes, int64_t axis);
std::vector<Value> split(const Value& x, const std::vector<Param>& sizes, int64_t axis);
// The operands of stack back: one output per index along `axis`.
std::vector<Value> unstack(const Value& x, int64_t axis = 0);
struct PadDim {
  int64_t lo = 0, hi = 0, interior = 0;
};
Value pad(const Value& x, const Value& padding_value, const std::vector<PadDim>& padding_config);
Value iota(DType dtype, const Shape& shape, int64_t dimension);
Value copy(const Value& x);

// --- indexing ----------------------------------------------------------
// strides: empty means None (all 1).
Value slice(const Value& x, const std::vector<int64_t>& start_indices, const std::vector<int64_t>& limit_indices,
            const std::vector<int64_t>& strides = {});
Value dynamic_slice(const Value& x, const std::vector<Value>& start_indices,
                    const std::vector<int64_t>& slice_sizes);
Value dynamic_update_slice(const Value& x, const Value& update, const std::vector<Value>& start_indices);

enum class GatherScatterMode { Clip, FillOrDrop, PromiseInBounds };
struct GatherDimensionNumbers {
  std::vector<int64_t> offset_dims, collapsed_slice_dims, start_index_map, operand_batching_dims,
      start_indices_batching_dims;
};
struct ScatterDimensionNumbers {
  std::vector<int64_t> update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims,
      operand_batching_dims, scatter_indices_batching_dims;
};
Value gather(const Value& operand, const Value& indices, const GatherDimensionNumbers& dnums,
             const std::vector<int64_t>& slice_sizes, GatherScatterMode mode = GatherScatterMode::PromiseInBounds,
             bool indices_are_sorted = false, bool unique_indices = false);
Value scatter_add(const Value& operand, const Value& indices, const Value& updates,
                  const ScatterDimensionNumbers& dnums, GatherScatterMode mode = GatherScatterMode::FillOrDrop,
                  bool indices_are_sorted = false, bool unique_indices = false);
// As lax.scatter: updates replace the operand's elements (mode None is
// FILL_OR_DROP); where windows overlap the last in index order wins here.
Value scatter(const Value& operand, const Value& indices, const Value& updates, const ScatterDimensionNumbers& dnums,
              GatherScatterMode mode = GatherScatterMode::FillOrDrop, bool indices_are_sorted = false,
              bool unique_indices = false);

// Param encodings shared by the primitives and their callers.
Param gather_dnums_param(const GatherDimensionNumbers& d);
GatherDimensionNumbers gather_dnums_from_param(const Param& p);
Param scatter_dnums_param(const ScatterDimensionNumbers& d);
ScatterDimensionNumbers scatter_dnums_from_param(const Param& p);
Param gather_mode_param(GatherScatterMode m);  // "GatherScatterMode.CLIP" ...
GatherScatterMode gather_mode_from_param(const Param& p);

// --- reductions --------------------------------------------------------
Value reduce_sum(const Value& x, const std::vector<int64_t>& axes);
Value reduce_max(const Value& x, const std::vector<int64_t>& axes);
Value reduce_min(const Value& x, const std::vector<int64_t>& axes);
Value reduce_prod(const Value& x, const std::vector<int64_t>& axes);
Value reduce_and(const Value& x, const std::vector<int64_t>& axes);
Value reduce_or(const Value& x, const std::vector<int64_t>& axes);
Value argmax(const Value& x, int64_t axis, DType index_dtype = DType::I32);
Value argmin(const Value& x, int64_t axis, DType index_dtype = DType::I32);
Value cumsum(const Value& x, int64_t axis, bool reverse = false);
Value cumprod(const Value& x, int64_t axis, bool reverse = false);
Value cummax(const Value& x, int64_t axis, bool reverse = false);
Value cummin(const Value& x, int64_t axis, bool reverse = false);

// --- linear algebra ----------------------------------------------------
struct DotDimensionNumbers {
  std::vector<int64_t> lhs_contracting, rhs_contracting, lhs_batch, rhs_batch;
};
Value dot_general(const Value& lhs, const Value& rhs, const DotDimensionNumbers& dnums,
                  std::optional<DType> preferred_element_type = std::nullopt);
Param dot_dnums_param(const DotDimensionNumbers& d);  // (([1], [0]), ([], []))
DotDimensionNumbers dot_dnums_from_param(const Param& p);

// --- sorting -----------------------------------------------------------
std::vector<Value> sort(const std::vector<Value>& operands, int64_t dimension = -1, bool is_stable = true,
                        int64_t num_keys = 1);

// --- AD helpers and calls ----------------------------------------------
Value stop_gradient(const Value& x);

// --- random ------------------------------------------------------------
// threefry2x32(key0, key1, x0, x1) -> (out0, out1), all uint32, elementwise.
std::array<Value, 2> threefry2x32(const Value& k0, const Value& k1, const Value& x0, const Value& x1);
// Raw bits for a uint32[2] key, as JAX's threefry_random_bits (partitionable).
Value random_bits(const Value& key, int64_t bit_width, const Shape& shape);

}  // namespace jxr::lax
