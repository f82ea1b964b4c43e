// jnp core: weak scalars, promotion (promote_args), named jit wrappers, the
// elementwise ufuncs and the Python-style operators on Value.
#include "engine/numpy/numpy.h"

#include <cmath>
#include <map>
#include <mutex>

#include "engine/api.h"
#include "engine/jaxpr/staging.h"

namespace jxr::jnp {

// --- scalars -----------------------------------------------------------------

Value weak(double v) { return Array::scalar(v, default_float_dtype(), true); }
Value weak(int v) { return Array::scalar(v, default_int_dtype(), true); }
Value weak(int64_t v) { return Array::scalar(static_cast<double>(v), default_int_dtype(), true); }
Value weak(bool v) { return Array::scalar(v ? 1 : 0, DType::Bool, false); }

Value array(const std::vector<double>& values, const Shape& shape, DType dtype) {
  return Array::from_vector<double>(values, shape).astype(canonicalize_dtype(dtype));
}
Value array(const std::vector<double>& values, DType dtype) {
  return array(values, Shape{static_cast<int64_t>(values.size())}, dtype);
}

// --- helpers -----------------------------------------------------------------

namespace detail {

int64_t canonicalize_axis(int64_t axis, int64_t ndim) {
  if (axis < -ndim || axis >= ndim)
    throw_value_error("axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                      std::to_string(ndim));
  return axis < 0 ? axis + ndim : axis;
}

std::vector<int64_t> canonicalize_axes(const Axis& axis, int64_t ndim) {
  std::vector<int64_t> out;
  if (!axis.axes) {
    for (int64_t i = 0; i < ndim; ++i) out.push_back(i);
    return out;
  }
  for (int64_t a : *axis.axes) {
    int64_t c = canonicalize_axis(a, ndim);
    for (int64_t b : out)
      if (b == c) throw_value_error("duplicate value in 'axis': " + Param::ints(*axis.axes).str());
    out.push_back(c);
  }
  return out;
}

Value convert(const Value& x, DType dtype, bool weak) {
  if (x.dtype() == dtype && x.weak_type() == weak) return x;
  // Python scalars and numpy constants convert on the host in JAX; no
  // equation is staged for them.
  if (!x.is_tracer() && x.ndim() == 0) return Value(x.array().astype(dtype, weak));
  return lax::convert_element_type(x, dtype, weak);
}

std::vector<Value> named_jit(const std::string& name, const std::string& key, const std::vector<Value>& args,
                             const std::function<std::vector<Value>(std::span<const Value>)>& body) {
  static std::mutex mu;
  static std::map<std::string, ClosedJaxpr> cache;
  std::vector<ShapedArray> avals;
  std::string k = name + "|" + key;
  for (const Value& a : args) {
    avals.push_back(abstractify(a));
    k += "|" + avals.back().str_short() + (avals.back().weak_type ? "w" : "");
  }
  ClosedJaxpr cj;
  bool hit = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(k);
    if (it != cache.end()) {
      cj = it->second;
      hit = true;
    }
  }
  if (!hit) {
    cj = trace_to_jaxpr(body, avals);
    // Jaxprs that captured tracers of a transformation are only valid there.
    bool captures = false;
    for (const Value& c : cj.consts) captures = captures || c.is_tracer();
    if (!captures) {
      std::lock_guard<std::mutex> lock(mu);
      cache.emplace(k, cj);
    }
  }
  return bind_jit(cj, args, name);
}

}  // namespace detail

using detail::convert;

// --- promotion -----------------------------------------------------------------

TypedKind result_type(const std::vector<Value>& xs) {
  if (xs.empty()) throw_value_error("at least one array or dtype is required");
  TypedKind k = xs[0].aval().kind();
  for (size_t i = 1; i < xs.size(); ++i) k = promote_types(k, xs[i].aval().kind());
  if (xs.size() == 1) k.dtype = canonicalize_dtype(k.dtype);
  return k;
}

Shape broadcast_shapes(const std::vector<Shape>& shapes) {
  size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const Shape& s : shapes) {
    size_t off = rank - s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = out[off + i];
      if (s[i] == o || s[i] == 1) continue;
      if (o == 1) {
        o = s[i];
        continue;
      }
      std::string msg = "Incompatible shapes for broadcasting: shapes=[";
      for (size_t j = 0; j < shapes.size(); ++j) msg += (j ? ", " : "") + shape_str(shapes[j]);
      throw_value_error(msg + "]");
    }
  }
  return out;
}

namespace {

std::vector<Value> promote_dtypes(const std::vector<Value>& xs) {
  TypedKind k = result_type(xs);
  std::vector<Value> out;
  for (const Value& x : xs) out.push_back(convert(x, k.dtype, k.weak));
  return out;
}

// As promote_dtypes, then to the default float kind when not inexact.
std::vector<Value> promote_dtypes_inexact(const std::vector<Value>& xs) {
  TypedKind k = result_type(xs);
  if (!is_floating(k.dtype)) k.dtype = default_float_dtype();
  std::vector<Value> out;
  for (const Value& x : xs) out.push_back(convert(x, k.dtype, k.weak));
  return out;
}

// JAX's promote_shapes: rank promotion by leading unit dims only when two
// non-scalar ranks differ; lax handles scalars and unit dims itself.
std::vector<Value> promote_shapes(const std::vector<Value>& xs) {
  std::vector<Shape> shapes;
  for (const Value& x : xs) shapes.push_back(x.shape());
  Shape result = broadcast_shapes(shapes);
  if (xs.size() < 2) return xs;
  bool same_rank = true;
  int64_t nonscalar_rank = -1;
  bool ranks_differ = false;
  for (const Value& x : xs) {
    same_rank = same_rank && x.ndim() == xs[0].ndim();
    if (x.ndim() == 0) continue;
    if (nonscalar_rank >= 0 && nonscalar_rank != x.ndim()) ranks_differ = true;
    nonscalar_rank = x.ndim();
  }
  if (same_rank || !ranks_differ) return xs;
  std::vector<Value> out;
  int64_t rank = static_cast<int64_t>(result.size());
  for (const Value& x : xs) {
    if (x.ndim() == rank) {
      out.push_back(x);
      continue;
    }
    int64_t lead = rank - x.ndim();
    Shape s(lead, 1);
    s.insert(s.end(), x.shape().begin(), x.shape().end());
    std::vector<int64_t> dims;
    for (int64_t i = 0; i < x.ndim(); ++i) dims.push_back(lead + i);
    out.push_back(lax::broadcast_in_dim(x, s, dims));
  }
  return out;
}

std::vector<Value> promote_args_inexact(const std::vector<Value>& xs) {
  return promote_shapes(promote_dtypes_inexact(xs));
}

Value unary_inexact(Value (*fn)(const Value&), const Value& x) { return fn(promote_args_inexact({x})[0]); }

template <class F>
Value binary(std::string_view name, F fn, const Value& x, const Value& y) {
  std::vector<Value> a = promote_args(name, {x, y});
  return fn(a[0], a[1]);
}

Value zero_like(const Value& x) { return Array::scalar(0, x.dtype()); }

Value to_bool(const Value& x) { return x.dtype() == DType::Bool ? x : lax::ne(x, zero_like(x)); }

}  // namespace

std::vector<Value> promote_args(std::string_view, const std::vector<Value>& xs) {
  return promote_shapes(promote_dtypes(xs));
}

// --- elementwise -----------------------------------------------------------------

Value add(const Value& x, const Value& y) {
  // numpy's add of bools is logical or.
  return binary("add", [](const Value& a, const Value& b) {
    return a.dtype() == DType::Bool ? lax::bitwise_or(a, b) : lax::add(a, b);
  }, x, y);
}
Value subtract(const Value& x, const Value& y) {
  if (x.dtype() == DType::Bool && y.dtype() == DType::Bool)
    throw_type_error("numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` "
                     "operator, or the logical_xor function instead.");
  return binary("subtract", lax::sub, x, y);
}
Value multiply(const Value& x, const Value& y) {
  return binary("multiply", [](const Value& a, const Value& b) {
    return a.dtype() == DType::Bool ? lax::bitwise_and(a, b) : lax::mul(a, b);
  }, x, y);
}
Value true_divide(const Value& x, const Value& y) {
  std::vector<Value> a = promote_args_inexact({x, y});
  return lax::div(a[0], a[1]);
}
Value divide(const Value& x, const Value& y) { return true_divide(x, y); }

// jit[name=floor_divide] and jit[name=remainder] with JAX's equations, in
// its order (every intermediate is named: C++ leaves argument order open).
Value floor_divide(const Value& x, const Value& y) {
  return detail::named_jit("floor_divide", "", {x, y}, [](std::span<const Value> in) {
    std::vector<Value> a = promote_args("floor_divide", {in[0], in[1]});
    const Value &p = a[0], &q = a[1];
    if (p.dtype() == DType::Bool) throw_type_error("floor_divide does not support bool operands");
    Value zero = zero_like(p);
    if (is_integer(p.dtype())) {
      Value quotient = lax::div(p, q);
      if (is_unsigned(p.dtype())) return std::vector<Value>{quotient};
      Value sign_p = lax::sign(p);
      Value sign_q = lax::sign(q);
      Value signs_differ = lax::ne(sign_p, sign_q);
      Value r = lax::rem(p, q);
      Value inexact = lax::ne(r, zero);
      Value select = logical_and(signs_differ, inexact);
      Value lower = lax::sub(quotient, Array::scalar(1, p.dtype()));
      return std::vector<Value>{where(select, lower, quotient)};
    }
    // CPython's float_divmod: through the truncated remainder.
    Value mod = lax::rem(p, q);
    Value by_zero = lax::eq(q, zero);
    Value p_minus_mod = lax::sub(p, mod);
    Value corrected = where(by_zero, p, p_minus_mod);
    Value div = lax::div(corrected, q);
    Value mod_nonzero = lax::ne(mod, zero);
    Value sign_q = lax::sign(q);
    Value sign_mod = lax::sign(mod);
    Value signs_differ = lax::ne(sign_q, sign_mod);
    Value ind = lax::bitwise_and(mod_nonzero, signs_differ);
    // JAX computes divmod's corrected remainder too; it stays in the jaxpr.
    Value mod_plus_q = lax::add(mod, q);
    lax::select_n(ind, {mod, mod_plus_q});
    Value div_minus_one = lax::sub(div, Array::scalar(1, div.dtype()));
    Value floored = lax::select_n(ind, {div, div_minus_one});
    return std::vector<Value>{lax::round(floored, 0)};
  })[0];
}

Value remainder(const Value& x, const Value& y) {
  return detail::named_jit("remainder", "", {x, y}, [](std::span<const Value> in) {
    std::vector<Value> a = promote_args("remainder", {in[0], in[1]});
    const Value& p = a[0];
    Value q = a[1];
    Value zero = zero_like(p);
    if (is_integer(q.dtype())) {
      // A zero divisor becomes one, so the integer rem cannot trap.
      Value by_zero = lax::eq(q, zero);
      Value ones = full_like(q, 1);
      q = where(by_zero, ones, q);
    }
    Value trunc = lax::rem(p, q);
    Value trunc_nonzero = lax::ne(trunc, zero);
    Value trunc_negative = lax::lt(trunc, zero);
    Value q_negative = lax::lt(q, zero);
    Value signs_differ = lax::ne(trunc_negative, q_negative);
    Value do_plus = lax::bitwise_and(signs_differ, trunc_nonzero);
    Value plus = lax::add(trunc, q);
    return std::vector<Value>{lax::select_n(do_plus, {trunc, plus})};
  })[0];
}

Value power(const Value& x, int y) {
  Value b = promote_args("power", {x})[0];
  if (is_integer(b.dtype()) && y < 0) throw_value_error("Integers cannot be raised to negative integer powers.");
  return lax::integer_pow(b, y);
}

Value power(const Value& x, const Value& y) {
  // A concrete integer scalar exponent is a Python int to JAX.
  if (!y.is_tracer() && y.ndim() == 0 && y.weak_type() && is_integer(y.dtype()))
    return power(x, static_cast<int>(y.array().item()));
  std::vector<Value> a = promote_args("power", {x, y});
  if (!is_floating(a[0].dtype()))
    throw_type_error("power: integer arrays raised to non-constant integer powers are not supported");
  return lax::pow(a[0], a[1]);
}

Value maximum(const Value& x, const Value& y) { return binary("maximum", lax::max, x, y); }
Value minimum(const Value& x, const Value& y) { return binary("minimum", lax::min, x, y); }
Value arctan2(const Value& x, const Value& y) {
  std::vector<Value> a = promote_args_inexact({x, y});
  return lax::atan2(a[0], a[1]);
}
Value equal(const Value& x, const Value& y) { return binary("equal", lax::eq, x, y); }
Value not_equal(const Value& x, const Value& y) { return binary("not_equal", lax::ne, x, y); }
Value less(const Value& x, const Value& y) { return binary("less", lax::lt, x, y); }
Value less_equal(const Value& x, const Value& y) { return binary("less_equal", lax::le, x, y); }
Value greater(const Value& x, const Value& y) { return binary("greater", lax::gt, x, y); }
Value greater_equal(const Value& x, const Value& y) { return binary("greater_equal", lax::ge, x, y); }

Value logical_and(const Value& x, const Value& y) {
  std::vector<Value> a = promote_args("logical_and", {x, y});
  return lax::bitwise_and(to_bool(a[0]), to_bool(a[1]));
}
Value logical_or(const Value& x, const Value& y) {
  std::vector<Value> a = promote_args("logical_or", {x, y});
  return lax::bitwise_or(to_bool(a[0]), to_bool(a[1]));
}
Value logical_xor(const Value& x, const Value& y) {
  std::vector<Value> a = promote_args("logical_xor", {x, y});
  return lax::bitwise_xor(to_bool(a[0]), to_bool(a[1]));
}
Value logical_not(const Value& x) { return lax::bitwise_not(to_bool(x)); }

namespace {
void check_bitwise(std::string_view name, const Value& x) {
  if (is_floating(x.dtype()))
    throw_type_error(std::string(name) + " requires integer or boolean arguments, got " +
                     std::string(dtype_name(x.dtype())));
}
}  // namespace

Value bitwise_and(const Value& x, const Value& y) {
  std::vector<Value> a = promote_args("bitwise_and", {x, y});
  check_bitwise("bitwise_and", a[0]);
  return lax::bitwise_and(a[0], a[1]);
}
Value bitwise_or(const Value& x, const Value& y) {
  std::vector<Value> a = promote_args("bitwise_or", {x, y});
  check_bitwise("bitwise_or", a[0]);
  return lax::bitwise_or(a[0], a[1]);
}
Value bitwise_xor(const Value& x, const Value& y) {
  std::vector<Value> a = promote_args("bitwise_xor", {x, y});
  check_bitwise("bitwise_xor", a[0]);
  return lax::bitwise_xor(a[0], a[1]);
}
Value bitwise_not(const Value& x) {
  check_bitwise("bitwise_not", x);
  return lax::bitwise_not(x);
}
Value invert(const Value& x) { return bitwise_not(x); }
Value negative(const Value& x) {
  if (x.dtype() == DType::Bool)
    throw_type_error("The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the "
                     "logical_not function instead.");
  return lax::neg(x);
}
Value positive(const Value& x) { return x; }

Value exp(const Value& x) { return unary_inexact(lax::exp, x); }
Value exp2(const Value& x) { return unary_inexact(lax::exp2, x); }
Value log(const Value& x) { return unary_inexact(lax::log, x); }
Value log2(const Value& x) {
  Value v = promote_args_inexact({x})[0];
  Value num = lax::log(v);  // staged before the denominator, as in JAX
  return lax::div(num, lax::log(Array::scalar(2, v.dtype())));
}
Value log10(const Value& x) {
  Value v = promote_args_inexact({x})[0];
  return lax::mul(lax::log(v), Array::scalar(1 / std::log(10.0), v.dtype()));
}
Value log1p(const Value& x) { return unary_inexact(lax::log1p, x); }
Value expm1(const Value& x) { return unary_inexact(lax::expm1, x); }
Value sin(const Value& x) { return unary_inexact(lax::sin, x); }
Value cos(const Value& x) { return unary_inexact(lax::cos, x); }
Value tan(const Value& x) { return unary_inexact(lax::tan, x); }
Value arcsin(const Value& x) { return unary_inexact(lax::asin, x); }
Value arccos(const Value& x) { return unary_inexact(lax::acos, x); }
Value arctan(const Value& x) { return unary_inexact(lax::atan, x); }
Value sinh(const Value& x) { return unary_inexact(lax::sinh, x); }
Value cosh(const Value& x) { return unary_inexact(lax::cosh, x); }
Value tanh(const Value& x) { return unary_inexact(lax::tanh, x); }
Value arcsinh(const Value& x) { return unary_inexact(lax::asinh, x); }
// JAX's arccosh alone among these is a jitted function.
Value arccosh(const Value& x) {
  return detail::named_jit("arccosh", "", {x}, [](std::span<const Value> a) {
    return std::vector<Value>{unary_inexact(lax::acosh, a[0])};
  })[0];
}
Value arctanh(const Value& x) { return unary_inexact(lax::atanh, x); }
Value sqrt(const Value& x) { return unary_inexact(lax::sqrt, x); }
Value cbrt(const Value& x) { return unary_inexact(lax::cbrt, x); }
Value abs(const Value& x) {
  if (x.dtype() == DType::Bool || is_unsigned(x.dtype())) return x;
  return lax::abs(x);
}
Value absolute(const Value& x) { return abs(x); }
Value sign(const Value& x) {
  if (x.dtype() == DType::Bool) return x;
  return lax::sign(x);
}
// numpy returns integer inputs of floor/ceil unchanged.
Value floor(const Value& x) { return is_floating(x.dtype()) ? lax::floor(x) : x; }
Value ceil(const Value& x) { return is_floating(x.dtype()) ? lax::ceil(x) : x; }
Value round(const Value& x) {
  if (!is_floating(x.dtype())) return x;
  return detail::named_jit("round", "", {x}, [](std::span<const Value> a) {
    return std::vector<Value>{lax::round(a[0], 1)};
  })[0];
}
Value square(const Value& x) { return lax::square(x); }
Value reciprocal(const Value& x) { return lax::integer_pow(promote_args_inexact({x})[0], -1); }
Value isfinite(const Value& x) {
  if (!is_floating(x.dtype())) return full(x.shape(), 1, DType::Bool);
  return lax::is_finite(x);
}
Value isnan(const Value& x) {
  if (!is_floating(x.dtype())) return full(x.shape(), 0, DType::Bool);
  return lax::ne(x, x);
}
Value sigmoid(const Value& x) { return unary_inexact(lax::logistic, x); }

}  // namespace jxr::jnp

namespace jxr {

Value operator+(const Value& x, const Value& y) { return jnp::add(x, y); }
Value operator-(const Value& x, const Value& y) { return jnp::subtract(x, y); }
Value operator*(const Value& x, const Value& y) { return jnp::multiply(x, y); }
Value operator/(const Value& x, const Value& y) { return jnp::true_divide(x, y); }
Value operator-(const Value& x) { return jnp::negative(x); }
Value operator<(const Value& x, const Value& y) { return jnp::less(x, y); }
Value operator<=(const Value& x, const Value& y) { return jnp::less_equal(x, y); }
Value operator>(const Value& x, const Value& y) { return jnp::greater(x, y); }
Value operator>=(const Value& x, const Value& y) { return jnp::greater_equal(x, y); }
Value operator&(const Value& x, const Value& y) { return jnp::bitwise_and(x, y); }
Value operator|(const Value& x, const Value& y) { return jnp::bitwise_or(x, y); }
Value operator^(const Value& x, const Value& y) { return jnp::bitwise_xor(x, y); }
Value operator~(const Value& x) { return jnp::bitwise_not(x); }

}  // namespace jxr
