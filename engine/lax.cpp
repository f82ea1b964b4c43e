// lax wrappers for the primitives whose params are plain values. Indexing,
// dot_general, sort and random wrappers live beside their primitives.
#include "engine/lax.h"

#include <algorithm>

namespace jxr::lax {

namespace {

// Looks a primitive up once per call site.
#define JXR_PRIM(name)                                            \
  ([]() -> const Primitive& {                                     \
    static const Primitive& p = ::jxr::get_primitive(name);       \
    return p;                                                     \
  }())

Value unary(const Primitive& p, const Value& x, const Params& params = {}) { return bind1(p, {x}, params); }
Value binary(const Primitive& p, const Value& x, const Value& y) { return bind1(p, {x, y}); }

// An axis counted from the end made nonnegative, as canonicalize_axis; one
// out of range is left for the shape rule to report.
int64_t canonical_axis(int64_t axis, int64_t ndim) { return axis < 0 && axis >= -ndim ? axis + ndim : axis; }

bool is_identity(const std::vector<int64_t>& perm, int64_t ndim) {
  if (static_cast<int64_t>(perm.size()) != ndim) return false;
  for (int64_t i = 0; i < ndim; ++i)
    if (perm[i] != i) return false;
  return true;
}

}  // namespace

Value neg(const Value& x) { return unary(JXR_PRIM("neg"), x); }
Value sign(const Value& x) { return unary(JXR_PRIM("sign"), x); }
Value floor(const Value& x) { return unary(JXR_PRIM("floor"), x); }
Value ceil(const Value& x) { return unary(JXR_PRIM("ceil"), x); }
Value round(const Value& x, int rounding_method) {
  return unary(JXR_PRIM("round"), x, {{"rounding_method", Param::integer(rounding_method)}});
}
Value is_finite(const Value& x) { return unary(JXR_PRIM("is_finite"), x); }
Value exp(const Value& x) { return unary(JXR_PRIM("exp"), x); }
Value exp2(const Value& x) { return unary(JXR_PRIM("exp2"), x); }
Value log(const Value& x) { return unary(JXR_PRIM("log"), x); }
Value log1p(const Value& x) { return unary(JXR_PRIM("log1p"), x); }
Value expm1(const Value& x) { return unary(JXR_PRIM("expm1"), x); }
Value tanh(const Value& x) { return unary(JXR_PRIM("tanh"), x); }
Value logistic(const Value& x) { return unary(JXR_PRIM("logistic"), x); }
Value sin(const Value& x) { return unary(JXR_PRIM("sin"), x); }
Value cos(const Value& x) { return unary(JXR_PRIM("cos"), x); }
Value tan(const Value& x) { return unary(JXR_PRIM("tan"), x); }
Value asin(const Value& x) { return unary(JXR_PRIM("asin"), x); }
Value acos(const Value& x) { return unary(JXR_PRIM("acos"), x); }
Value atan(const Value& x) { return unary(JXR_PRIM("atan"), x); }
Value sinh(const Value& x) { return unary(JXR_PRIM("sinh"), x); }
Value cosh(const Value& x) { return unary(JXR_PRIM("cosh"), x); }
Value asinh(const Value& x) { return unary(JXR_PRIM("asinh"), x); }
Value acosh(const Value& x) { return unary(JXR_PRIM("acosh"), x); }
Value atanh(const Value& x) { return unary(JXR_PRIM("atanh"), x); }
Value sqrt(const Value& x) { return unary(JXR_PRIM("sqrt"), x); }
Value rsqrt(const Value& x) { return unary(JXR_PRIM("rsqrt"), x); }
Value cbrt(const Value& x) { return unary(JXR_PRIM("cbrt"), x); }
Value abs(const Value& x) { return unary(JXR_PRIM("abs"), x); }
Value square(const Value& x) { return unary(JXR_PRIM("square"), x); }
Value integer_pow(const Value& x, int64_t y) {
  return unary(JXR_PRIM("integer_pow"), x, {{"y", Param::integer(y)}});
}
Value erf(const Value& x) { return unary(JXR_PRIM("erf"), x); }
Value erf_inv(const Value& x) { return unary(JXR_PRIM("erf_inv"), x); }
Value lgamma(const Value& x) { return unary(JXR_PRIM("lgamma"), x); }
Value digamma(const Value& x) { return unary(JXR_PRIM("digamma"), x); }
Value bitwise_not(const Value& x) { return unary(JXR_PRIM("not"), x); }

Value add(const Value& x, const Value& y) { return binary(JXR_PRIM("add"), x, y); }
Value sub(const Value& x, const Value& y) { return binary(JXR_PRIM("sub"), x, y); }
Value mul(const Value& x, const Value& y) { return binary(JXR_PRIM("mul"), x, y); }
Value div(const Value& x, const Value& y) { return binary(JXR_PRIM("div"), x, y); }
Value rem(const Value& x, const Value& y) { return binary(JXR_PRIM("rem"), x, y); }
Value pow(const Value& x, const Value& y) { return binary(JXR_PRIM("pow"), x, y); }
Value max(const Value& x, const Value& y) { return binary(JXR_PRIM("max"), x, y); }
Value min(const Value& x, const Value& y) { return binary(JXR_PRIM("min"), x, y); }
Value atan2(const Value& x, const Value& y) { return binary(JXR_PRIM("atan2"), x, y); }
Value nextafter(const Value& x, const Value& y) { return binary(JXR_PRIM("nextafter"), x, y); }
Value polygamma(const Value& m, const Value& x) { return binary(JXR_PRIM("polygamma"), m, x); }
Value eq(const Value& x, const Value& y) { return binary(JXR_PRIM("eq"), x, y); }
Value ne(const Value& x, const Value& y) { return binary(JXR_PRIM("ne"), x, y); }
Value lt(const Value& x, const Value& y) { return binary(JXR_PRIM("lt"), x, y); }
Value le(const Value& x, const Value& y) { return binary(JXR_PRIM("le"), x, y); }
Value gt(const Value& x, const Value& y) { return binary(JXR_PRIM("gt"), x, y); }
Value ge(const Value& x, const Value& y) { return binary(JXR_PRIM("ge"), x, y); }
Value bitwise_and(const Value& x, const Value& y) { return binary(JXR_PRIM("and"), x, y); }
Value bitwise_or(const Value& x, const Value& y) { return binary(JXR_PRIM("or"), x, y); }
Value bitwise_xor(const Value& x, const Value& y) { return binary(JXR_PRIM("xor"), x, y); }
Value add_any(const Value& x, const Value& y) { return binary(JXR_PRIM("add_any"), x, y); }

Value select_n(const Value& which, const std::vector<Value>& cases) {
  std::vector<Value> args{which};
  args.insert(args.end(), cases.begin(), cases.end());
  return bind1(JXR_PRIM("select_n"), args);
}
Value clamp(const Value& lo, const Value& x, const Value& hi) { return bind1(JXR_PRIM("clamp"), {lo, x, hi}); }
Value convert_element_type(const Value& x, DType new_dtype, bool weak_type) {
  return unary(JXR_PRIM("convert_element_type"), x,
               {{"new_dtype", Param::dtype(new_dtype)}, {"weak_type", Param::boolean(weak_type)}});
}

Value broadcast_in_dim(const Value& x, const Shape& shape, const std::vector<int64_t>& broadcast_dimensions) {
  return unary(JXR_PRIM("broadcast_in_dim"), x,
               {{"shape", Param::ints(shape)},
                {"broadcast_dimensions", Param::ints(broadcast_dimensions)},
                {"sharding", Param::none()}});
}
Value reshape(const Value& x, const Shape& new_sizes, const std::optional<std::vector<int64_t>>& dimensions) {
  const bool same_dims = !dimensions || is_identity(*dimensions, x.ndim());
  if (x.ndim() > 0 && x.shape() == new_sizes && same_dims) return x;
  return unary(JXR_PRIM("reshape"), x,
               {{"new_sizes", Param::ints(new_sizes)},
                {"dimensions", same_dims ? Param::none() : Param::ints(*dimensions)},
                {"sharding", Param::none()}});
}
Value squeeze(const Value& x, const std::vector<int64_t>& dimensions) {
  if (dimensions.empty()) return x;
  std::vector<int64_t> dims;
  for (int64_t d : dimensions) dims.push_back(canonical_axis(d, x.ndim()));
  std::sort(dims.begin(), dims.end());
  return unary(JXR_PRIM("squeeze"), x, {{"dimensions", Param::ints(dims)}});
}
Value expand_dims(const Value& x, const std::vector<int64_t>& dimensions) {
  // As lax.expand_dims: a broadcast_in_dim inserting unit dimensions.
  int64_t out_rank = x.ndim() + static_cast<int64_t>(dimensions.size());
  std::vector<bool> inserted(out_rank, false);
  for (int64_t d : dimensions) {
    int64_t a = d < 0 ? d + out_rank : d;
    if (a < 0 || a >= out_rank || inserted[a])
      throw_value_error("expand_dims: bad dimensions " + Param::ints(dimensions).str() + " for rank " +
                        std::to_string(x.ndim()));
    inserted[a] = true;
  }
  Shape shape;
  std::vector<int64_t> bdims;
  int64_t src = 0;
  for (int64_t i = 0; i < out_rank; ++i) {
    if (inserted[i]) {
      shape.push_back(1);
    } else {
      shape.push_back(x.shape()[src++]);
      bdims.push_back(i);
    }
  }
  return broadcast_in_dim(x, shape, bdims);
}
Value transpose(const Value& x, const std::vector<int64_t>& permutation) {
  if (is_identity(permutation, x.ndim())) return x;
  return unary(JXR_PRIM("transpose"), x, {{"permutation", Param::ints(permutation)}});
}
Value rev(const Value& x, const std::vector<int64_t>& dimensions) {
  return unary(JXR_PRIM("rev"), x, {{"dimensions", Param::ints(dimensions)}});
}
std::vector<Value> split(const Value& x, const std::vector<int64_t>& sizes, int64_t axis) {
  std::vector<Param> ps;
  for (int64_t s : sizes) ps.push_back(Param::integer(s));
  return split(x, ps, axis);
}
std::vector<Value> split(const Value& x, const std::vector<Param>& sizes, int64_t axis) {
  std::vector<Value> in{x};
  return jxr::bind(JXR_PRIM("split"), in,
                   {{"axis", Param::integer(canonical_axis(axis, x.ndim()))}, {"sizes", Param::tuple(sizes)}});
}
std::vector<Value> unstack(const Value& x, int64_t axis) {
  std::vector<Value> in{x};
  return jxr::bind(JXR_PRIM("unstack"), in, {{"axis", Param::integer(canonical_axis(axis, x.ndim()))}});
}

Value concatenate(const std::vector<Value>& xs, int64_t dimension) {
  if (xs.size() == 1) return xs[0];
  return bind1(JXR_PRIM("concatenate"), xs, {{"dimension", Param::integer(dimension)}});
}
Value pad(const Value& x, const Value& padding_value, const std::vector<PadDim>& padding_config) {
  std::vector<Param> cfg;
  for (const PadDim& d : padding_config) cfg.push_back(Param::ints({d.lo, d.hi, d.interior}));
  return bind1(JXR_PRIM("pad"), {x, padding_value}, {{"padding_config", Param::tuple(cfg)}});
}
Value iota(DType dtype, const Shape& shape, int64_t dimension) {
  return bind1(JXR_PRIM("iota"), std::span<const Value>(),
               {{"dtype", Param::dtype(dtype)},
                {"shape", Param::ints(shape)},
                {"dimension", Param::integer(dimension)},
                {"sharding", Param::none()}});
}
Value copy(const Value& x) { return unary(JXR_PRIM("copy"), x); }

namespace {
Value reduce(const Primitive& p, const Value& x, const std::vector<int64_t>& axes, bool with_sharding) {
  Params params{{"axes", Param::ints(axes)}};
  if (with_sharding) params.set("out_sharding", Param::none());
  return unary(p, x, params);
}
Value cumulative(const Primitive& p, const Value& x, int64_t axis, bool reverse) {
  return unary(p, x, {{"axis", Param::integer(axis)}, {"reverse", Param::boolean(reverse)}});
}
}  // namespace

// JAX prints out_sharding for reduce_sum only.
Value reduce_sum(const Value& x, const std::vector<int64_t>& axes) { return reduce(JXR_PRIM("reduce_sum"), x, axes, true); }
Value reduce_max(const Value& x, const std::vector<int64_t>& axes) { return reduce(JXR_PRIM("reduce_max"), x, axes, false); }
Value reduce_min(const Value& x, const std::vector<int64_t>& axes) { return reduce(JXR_PRIM("reduce_min"), x, axes, false); }
Value reduce_prod(const Value& x, const std::vector<int64_t>& axes) { return reduce(JXR_PRIM("reduce_prod"), x, axes, false); }
Value reduce_and(const Value& x, const std::vector<int64_t>& axes) { return reduce(JXR_PRIM("reduce_and"), x, axes, false); }
Value reduce_or(const Value& x, const std::vector<int64_t>& axes) { return reduce(JXR_PRIM("reduce_or"), x, axes, false); }
Value argmax(const Value& x, int64_t axis, DType index_dtype) {
  return unary(JXR_PRIM("argmax"), x, {{"axes", Param::ints({axis})}, {"index_dtype", Param::dtype(index_dtype)}});
}
Value argmin(const Value& x, int64_t axis, DType index_dtype) {
  return unary(JXR_PRIM("argmin"), x, {{"axes", Param::ints({axis})}, {"index_dtype", Param::dtype(index_dtype)}});
}
Value cumsum(const Value& x, int64_t axis, bool reverse) { return cumulative(JXR_PRIM("cumsum"), x, axis, reverse); }
Value cumprod(const Value& x, int64_t axis, bool reverse) { return cumulative(JXR_PRIM("cumprod"), x, axis, reverse); }
Value cummax(const Value& x, int64_t axis, bool reverse) { return cumulative(JXR_PRIM("cummax"), x, axis, reverse); }
Value cummin(const Value& x, int64_t axis, bool reverse) { return cumulative(JXR_PRIM("cummin"), x, axis, reverse); }

Value stop_gradient(const Value& x) { return unary(JXR_PRIM("stop_gradient"), x); }

}  // namespace jxr::lax
