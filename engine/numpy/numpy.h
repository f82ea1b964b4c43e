// jax.numpy in C++ (namespace jxr::jnp): numpy broadcasting and JAX type
// promotion over lax, lowered to the same primitives, params and jit[name=...]
// wrappers that JAX 0.10.2 emits, so traced jaxprs print as JAX's do.
// Python scalars are weak-typed scalars (jnp::weak); C++ operators on Value
// treat double/int operands the same way.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/lax.h"

namespace jxr::jnp {

// --- scalars -------------------------------------------------------------
// A Python scalar: weak f32 (or f64 with x64) for doubles, weak i32 for ints,
// bool for bools (Python bools are not weak in JAX).
Value weak(double v);
Value weak(int v);
Value weak(int64_t v);
Value weak(bool v);
// jnp.array of values, converted to `dtype`.
Value array(const std::vector<double>& values, const Shape& shape, DType dtype = DType::F32);
Value array(const std::vector<double>& values, DType dtype = DType::F32);

// An axis argument: none (all axes), one axis, or several.
struct Axis {
  std::optional<std::vector<int64_t>> axes;
  Axis() = default;
  Axis(int64_t a) : axes(std::vector<int64_t>{a}) {}  // NOLINT: implicit by design
  Axis(int a) : axes(std::vector<int64_t>{a}) {}      // NOLINT
  Axis(std::initializer_list<int64_t> a) : axes(std::vector<int64_t>(a)) {}
  Axis(std::vector<int64_t> a) : axes(std::move(a)) {}  // NOLINT
};

// --- promotion -------------------------------------------------------------
// jnp.result_type of the operands (weak types included).
TypedKind result_type(const std::vector<Value>& xs);
// promote_dtypes then promote_shapes, as JAX's promote_args.
std::vector<Value> promote_args(std::string_view fun_name, const std::vector<Value>& xs);
// numpy broadcast of several shapes; throws JAX's message when incompatible.
Shape broadcast_shapes(const std::vector<Shape>& shapes);

// --- elementwise -----------------------------------------------------------
Value add(const Value& x, const Value& y);
Value subtract(const Value& x, const Value& y);
Value multiply(const Value& x, const Value& y);
Value divide(const Value& x, const Value& y);
Value true_divide(const Value& x, const Value& y);
Value floor_divide(const Value& x, const Value& y);
Value remainder(const Value& x, const Value& y);
Value power(const Value& x, const Value& y);
Value power(const Value& x, int y);
Value maximum(const Value& x, const Value& y);
Value minimum(const Value& x, const Value& y);
Value arctan2(const Value& x, const Value& y);
Value equal(const Value& x, const Value& y);
Value not_equal(const Value& x, const Value& y);
Value less(const Value& x, const Value& y);
Value less_equal(const Value& x, const Value& y);
Value greater(const Value& x, const Value& y);
Value greater_equal(const Value& x, const Value& y);
Value logical_and(const Value& x, const Value& y);
Value logical_or(const Value& x, const Value& y);
Value logical_xor(const Value& x, const Value& y);
Value logical_not(const Value& x);
Value bitwise_and(const Value& x, const Value& y);
Value bitwise_or(const Value& x, const Value& y);
Value bitwise_xor(const Value& x, const Value& y);
Value bitwise_not(const Value& x);
Value invert(const Value& x);
Value negative(const Value& x);
Value positive(const Value& x);

Value exp(const Value& x);
Value exp2(const Value& x);
Value log(const Value& x);
Value log2(const Value& x);
Value log10(const Value& x);
Value log1p(const Value& x);
Value expm1(const Value& x);
Value sin(const Value& x);
Value cos(const Value& x);
Value tan(const Value& x);
Value arcsin(const Value& x);
Value arccos(const Value& x);
Value arctan(const Value& x);
Value sinh(const Value& x);
Value cosh(const Value& x);
Value tanh(const Value& x);
Value arcsinh(const Value& x);
Value arccosh(const Value& x);
Value arctanh(const Value& x);
Value sqrt(const Value& x);
Value cbrt(const Value& x);
Value abs(const Value& x);
Value absolute(const Value& x);
Value sign(const Value& x);
Value floor(const Value& x);
Value ceil(const Value& x);
Value round(const Value& x);  // jit[name=round], half to even
Value square(const Value& x);
Value reciprocal(const Value& x);
Value isfinite(const Value& x);
Value isnan(const Value& x);
// jax.nn.sigmoid.
Value sigmoid(const Value& x);

// --- creation --------------------------------------------------------------
Value zeros(const Shape& shape, DType dtype = DType::F32);
Value ones(const Shape& shape, DType dtype = DType::F32);
Value full(const Shape& shape, double fill_value, DType dtype = DType::F32);
Value zeros_like(const Value& x);
Value ones_like(const Value& x);
Value full_like(const Value& x, double fill_value);
Value arange(int64_t stop);  // int32
Value arange(double stop);   // float32
Value arange(double start, double stop, double step = 1, std::optional<DType> dtype = std::nullopt);
// jnp.linspace, staged as JAX's jit[name=_linspace] (differentiable in start
// and stop, which may be arrays: the samples run along `axis`). With
// `retstep` the result is {samples, step}, else {samples}.
std::vector<Value> linspace(const Value& start, const Value& stop, int64_t num, bool endpoint, bool retstep,
                            std::optional<DType> dtype = std::nullopt, int64_t axis = 0);
Value linspace(double start, double stop, int64_t num = 50, bool endpoint = true, DType dtype = DType::F32);
Value eye(int64_t n, std::optional<int64_t> m = std::nullopt, int64_t k = 0, DType dtype = DType::F32);
Value astype(const Value& x, DType dtype);

// --- shapes ----------------------------------------------------------------
Value reshape(const Value& x, const std::vector<int64_t>& shape);  // one -1 allowed
Value transpose(const Value& x, const std::optional<std::vector<int64_t>>& axes = std::nullopt);
Value T(const Value& x);  // x.T
Value swapaxes(const Value& x, int64_t a, int64_t b);
Value moveaxis(const Value& x, int64_t source, int64_t destination);
Value expand_dims(const Value& x, const Axis& axis);
Value squeeze(const Value& x, const Axis& axis = {});
Value ravel(const Value& x);
Value concatenate(const std::vector<Value>& xs, int64_t axis = 0);
Value stack(const std::vector<Value>& xs, int64_t axis = 0);
std::vector<Value> split(const Value& x, int64_t sections, int64_t axis = 0);
std::vector<Value> split(const Value& x, const std::vector<int64_t>& indices, int64_t axis = 0);
Value flip(const Value& x, const Axis& axis = {});
// Constant-mode pad: (before, after) per axis; one pair applies to all axes.
// The constant is a scalar (a weak Python-style one by default: 0).
Value pad(const Value& x, const std::vector<std::pair<int64_t, int64_t>>& pad_width, const Value& constant = weak(0));
Value where(const Value& cond, const Value& x, const Value& y);
Value clip(const Value& x, const std::optional<Value>& lo, const std::optional<Value>& hi);
Value tril(const Value& x, int64_t k = 0);
Value triu(const Value& x, int64_t k = 0);
Value broadcast_to(const Value& x, const Shape& shape);
Value sort(const Value& x, std::optional<int64_t> axis = -1);  // none: the flattened array

// --- indexing --------------------------------------------------------------
struct Slice {
  std::optional<int64_t> start, stop, step;
};
// One entry of an index tuple: an int, a slice, None, Ellipsis, or an array
// (integer arrays, and integer scalars that may be traced).
class Index {
 public:
  enum class Kind { Int, Slice, None, Ellipsis, Array };
  Index(int64_t i) : kind_(Kind::Int), i_(i) {}  // NOLINT: implicit by design
  Index(int i) : kind_(Kind::Int), i_(i) {}      // NOLINT
  Index(Slice s) : kind_(Kind::Slice), s_(s) {}  // NOLINT
  Index(Value v) : kind_(Kind::Array), v_(std::move(v)) {}  // NOLINT
  Index(Array a) : kind_(Kind::Array), v_(std::move(a)) {}  // NOLINT
  static Index none() { return Index(Kind::None); }
  static Index ellipsis() { return Index(Kind::Ellipsis); }

  Kind kind() const { return kind_; }
  int64_t integer() const { return i_; }
  const Slice& slice() const { return s_; }
  const Value& value() const { return v_; }

 private:
  explicit Index(Kind k) : kind_(k) {}
  Kind kind_;
  int64_t i_ = 0;
  Slice s_;
  Value v_;
};
inline const Index newaxis = Index::none();
inline const Index ellipsis = Index::ellipsis();
inline Slice slice(std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step = {}) {
  return Slice{start, stop, step};
}
inline const Slice all{};

// x[idx...]
Value index(const Value& x, const std::vector<Index>& idx);
// x.at[idx].add(u), .set(u) and .get(); indices are ints, integer arrays,
// full slices and Ellipsis.
Value at_add(const Value& x, const std::vector<Index>& idx, const Value& u);
Value at_set(const Value& x, const std::vector<Index>& idx, const Value& u);
Value at_get(const Value& x, const std::vector<Index>& idx);
// lax.dynamic_slice with JAX's normalisation of negative start indices:
// static ints are normalised here, arrays by lt/add/select_n in the jaxpr.
Value dynamic_slice(const Value& x, const std::vector<Index>& start, const std::vector<int64_t>& sizes);

// --- reductions ------------------------------------------------------------
Value sum(const Value& x, const Axis& axis = {}, bool keepdims = false);
Value prod(const Value& x, const Axis& axis = {}, bool keepdims = false);
Value max(const Value& x, const Axis& axis = {}, bool keepdims = false);
Value min(const Value& x, const Axis& axis = {}, bool keepdims = false);
Value any(const Value& x, const Axis& axis = {}, bool keepdims = false);
Value all_of(const Value& x, const Axis& axis = {}, bool keepdims = false);  // jnp.all
Value mean(const Value& x, const Axis& axis = {}, bool keepdims = false);
Value var(const Value& x, const Axis& axis = {}, int64_t ddof = 0, bool keepdims = false);
Value std(const Value& x, const Axis& axis = {}, int64_t ddof = 0, bool keepdims = false);
Value argmax(const Value& x, std::optional<int64_t> axis = std::nullopt, bool keepdims = false);
Value argmin(const Value& x, std::optional<int64_t> axis = std::nullopt, bool keepdims = false);
Value cumsum(const Value& x, std::optional<int64_t> axis = std::nullopt);
Value cumprod(const Value& x, std::optional<int64_t> axis = std::nullopt);
// jax.nn.logsumexp / jax.scipy.special.logsumexp.
Value logsumexp(const Value& x, const Axis& axis = {}, bool keepdims = false);

// --- linear algebra --------------------------------------------------------
Value dot(const Value& a, const Value& b);
Value matmul(const Value& a, const Value& b);
Value vdot(const Value& a, const Value& b);
Value outer(const Value& a, const Value& b);
Value einsum(std::string_view spec, const std::vector<Value>& operands);

namespace linalg {
// ord: 2 (default), 1, +-inf or any p for vectors; for matrices ord 1, inf
// and the Frobenius norm (norm_fro). axis none: the whole array as a vector
// (1-D) or matrix (2-D).
Value norm(const Value& x, std::optional<double> ord = std::nullopt, const Axis& axis = {}, bool keepdims = false);
Value norm_fro(const Value& x, const Axis& axis = {}, bool keepdims = false);
}  // namespace linalg

// --- helpers shared by the jnp implementation files -------------------------
namespace detail {
// Non-negative axis for rank `ndim`; ValueError as numpy otherwise.
int64_t canonicalize_axis(int64_t axis, int64_t ndim);
std::vector<int64_t> canonicalize_axes(const Axis& axis, int64_t ndim);
// Converts x to (dtype, weak) as JAX's lax._convert_element_type: nothing when
// equal, an eager conversion for concrete Python-like scalars, else a bind.
Value convert(const Value& x, DType dtype, bool weak = false);
// Calls body on args inside jit[name=...]; the traced jaxpr is cached per
// (name, key, input avals) so that repeated calls share one jaxpr.
std::vector<Value> named_jit(const std::string& name, const std::string& key, const std::vector<Value>& args,
                             const std::function<std::vector<Value>(std::span<const Value>)>& body);
}  // namespace detail

}  // namespace jxr::jnp

namespace jxr {

// Python-style operators on Value: numpy broadcasting and promotion; double
// and int operands are weak-typed Python scalars.
Value operator+(const Value& x, const Value& y);
Value operator-(const Value& x, const Value& y);
Value operator*(const Value& x, const Value& y);
Value operator/(const Value& x, const Value& y);
Value operator-(const Value& x);
Value operator<(const Value& x, const Value& y);
Value operator<=(const Value& x, const Value& y);
Value operator>(const Value& x, const Value& y);
Value operator>=(const Value& x, const Value& y);
Value operator&(const Value& x, const Value& y);
Value operator|(const Value& x, const Value& y);
Value operator^(const Value& x, const Value& y);
Value operator~(const Value& x);

#define JXR_SCALAR_OPS(OP)                                                              \
  inline Value operator OP(const Value& x, double y) { return x OP jnp::weak(y); }       \
  inline Value operator OP(double x, const Value& y) { return jnp::weak(x) OP y; }       \
  inline Value operator OP(const Value& x, int y) { return x OP jnp::weak(y); }          \
  inline Value operator OP(int x, const Value& y) { return jnp::weak(x) OP y; }
JXR_SCALAR_OPS(+)
JXR_SCALAR_OPS(-)
JXR_SCALAR_OPS(*)
JXR_SCALAR_OPS(/)
JXR_SCALAR_OPS(<)
JXR_SCALAR_OPS(<=)
JXR_SCALAR_OPS(>)
JXR_SCALAR_OPS(>=)
#undef JXR_SCALAR_OPS
inline Value operator&(const Value& x, bool y) { return x & jnp::weak(y); }
inline Value operator|(const Value& x, bool y) { return x | jnp::weak(y); }

}  // namespace jxr
