// Elementwise primitive family: unary and binary arithmetic, comparisons,
// logic, select_n, clamp and convert_element_type. Shape and dtype rules
// follow JAX's lax.py (strict dtypes, equal-rank broadcasting where rank-0
// operands broadcast); kernels follow XLA's CPU semantics for integer
// division, NaNs and signed zeros.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <type_traits>

#include "engine/core/primitive.h"
#include "engine/primitives/families.h"
#include "engine/primitives/special_math.h"

namespace jxr {

namespace {

// ---- dtype classes and JAX's dtype checks --------------------------------

enum : uint8_t { kBool = 1, kSInt = 2, kUInt = 4, kFloat = 8 };
constexpr uint8_t kInt = kSInt | kUInt;
constexpr uint8_t kAny = kBool | kInt | kFloat;

uint8_t dtype_class(DType d) {
  if (d == DType::Bool) return kBool;
  if (is_floating(d)) return kFloat;
  return is_unsigned(d) ? kUInt : kSInt;
}

template <class T>
constexpr uint8_t type_class() {
  if constexpr (std::is_same_v<T, bool>) return kBool;
  else if constexpr (std::is_integral_v<T>) return std::is_signed_v<T> ? kSInt : kUInt;
  else return kFloat;
}

template <class T>
constexpr bool is_half_v = std::is_same_v<T, bfloat16> || std::is_same_v<T, float16>;

// The type a kernel computes in: 16-bit floats widen to float.
template <class T>
using Calc = std::conditional_t<is_half_v<T>, float, T>;

// The dtypes one operand position accepts, with the type names JAX lists
// (in JAX's order) when it rejects one.
struct Accepts {
  uint8_t mask;
  const char* names;
};
constexpr Accepts kNumA{kInt | kFloat, "integer, floating, complexfloating"};
constexpr Accepts kInexactA{kFloat, "floating, complexfloating"};
constexpr Accepts kRealA{kFloat, "floating"};
constexpr Accepts kAbsA{kFloat | kSInt, "floating, complexfloating, signedinteger"};
constexpr Accepts kLogicA{kBool | kInt, "integer, bool"};
constexpr Accepts kRemA{kInt | kFloat, "integer, floating"};
constexpr Accepts kAnyA{kAny, ""};

void check_arity(const char* name, std::span<const ShapedArray> in, size_t n) {
  if (in.size() != n)
    throw_type_error(std::string(name) + " takes " + std::to_string(n) + " operand" + (n == 1 ? "" : "s") +
                     ", got " + std::to_string(in.size()) + ".");
}

void check_unary_dtype(const char* name, const ShapedArray& x, const Accepts& acc) {
  if (dtype_class(x.dtype) & acc.mask) return;
  throw_type_error(std::string(name) + " does not accept dtype " + std::string(dtype_name(x.dtype)) +
                   ". Accepted dtypes are subtypes of " + acc.names + ".");
}

void check_operand_dtype(const char* name, const ShapedArray& x, size_t pos, const Accepts& acc) {
  if (dtype_class(x.dtype) & acc.mask) return;
  std::string p = std::to_string(pos);
  throw_type_error(std::string(name) + " does not accept dtype " + std::string(dtype_name(x.dtype)) +
                   " at position " + p + ". Accepted dtypes at position " + p + " are subtypes of " + acc.names +
                   ".");
}

// JAX's check_same_dtypes; `jnp_equiv` names the promoting jnp function the
// message suggests, as JAX does for the primitives that have one.
void check_same_dtypes(const char* name, std::span<const ShapedArray> in, const char* jnp_equiv) {
  bool same = std::all_of(in.begin(), in.end(), [&](const ShapedArray& a) { return a.dtype == in[0].dtype; });
  if (same) return;
  std::string msg = "lax." + std::string(name) + " requires arguments to have the same dtypes, got ";
  for (size_t i = 0; i < in.size(); ++i) msg += (i ? ", " : "") + std::string(dtype_name(in[i].dtype));
  msg += ".";
  if (jnp_equiv)
    msg += " (Tip: jnp." + std::string(jnp_equiv) +
           " is a similar function that does automatic type promotion on inputs).";
  throw_type_error(msg);
}

bool all_weak(std::span<const ShapedArray> in) {
  return std::all_of(in.begin(), in.end(), [](const ShapedArray& a) { return a.weak_type; });
}

// JAX's broadcasting_shape_rule: rank-0 operands broadcast to anything;
// the others need equal ranks, and each dimension equal sizes or 1.
Shape broadcast_shapes(const char* name, std::span<const ShapedArray> in) {
  const Shape* first = nullptr;
  bool all_equal = true;
  for (const ShapedArray& a : in) {
    if (a.shape.empty()) continue;
    if (!first) first = &a.shape;
    else if (a.shape != *first) all_equal = false;
  }
  if (!first) return {};
  if (all_equal) return *first;

  std::set<size_t> ranks;
  for (const ShapedArray& a : in)
    if (!a.shape.empty()) ranks.insert(a.shape.size());
  if (ranks.size() != 1) {
    std::string msg = std::string(name) + ": arrays must have the same number of dimensions, got {";
    bool sep = false;
    for (size_t r : ranks) {
      msg += (sep ? ", " : "") + std::to_string(r);
      sep = true;
    }
    throw_type_error(msg + "}");
  }
  Shape out(first->size(), 1);
  for (size_t d = 0; d < out.size(); ++d) {
    for (const ShapedArray& a : in) {
      if (a.shape.empty() || a.shape[d] == 1) continue;
      if (out[d] == 1) {
        out[d] = a.shape[d];
      } else if (out[d] != a.shape[d]) {
        std::string msg = std::string(name) + " got incompatible shapes for broadcasting: ";
        bool sep = false;
        for (const ShapedArray& b : in) {
          if (b.shape.empty()) continue;
          msg += (sep ? ", " : "") + shape_str(b.shape);
          sep = true;
        }
        throw_type_error(msg + ".");
      }
    }
  }
  return out;
}

// ---- kernels --------------------------------------------------------------

template <class T>
Calc<T> load(T v) {
  if constexpr (is_half_v<T>) return static_cast<float>(v);
  else return v;
}

template <class R, class V>
R store(V v) {
  if constexpr (is_half_v<R>) return R(static_cast<float>(v));
  else return static_cast<R>(v);
}

template <class T, class R, class Op>
void unary_loop(const Array& x, Array& out, const Op& op) {
  const T* a = x.data<T>();
  R* o = out.mutable_data<R>();
  const int64_t n = out.size();
  for (int64_t i = 0; i < n; ++i) o[i] = store<R>(op(load(a[i])));
}

// Elements of an operand broadcast to `out`: 0 along its size-1 dimensions
// (and everywhere for a rank-0 operand).
std::vector<int64_t> broadcast_strides(const Shape& s, const Shape& out) {
  std::vector<int64_t> st(out.size(), 0);
  if (s.empty()) return st;
  int64_t acc = 1;
  for (size_t i = out.size(); i-- > 0;) {
    st[i] = s[i] == 1 ? 0 : acc;
    acc *= s[i];
  }
  return st;
}

// Raw: the op takes the stored element type itself (nextafter on 16-bit
// floats steps through their own bit patterns).
template <class T, class R, bool Raw = false, class Op>
void binary_loop(const Array& x, const Array& y, Array& out, const Op& op) {
  auto ld = [](T v) {
    if constexpr (Raw) return v;
    else return load(v);
  };
  const T* a = x.data<T>();
  const T* b = y.data<T>();
  R* o = out.mutable_data<R>();
  const int64_t n = out.size();
  if (n == 0) return;
  const int64_t nx = x.size(), ny = y.size();
  // An operand with as many elements as the output has its layout.
  if (nx == n && ny == n) {
    for (int64_t i = 0; i < n; ++i) o[i] = store<R>(op(ld(a[i]), ld(b[i])));
    return;
  }
  if (nx == 1 && ny == n) {
    auto av = ld(a[0]);
    for (int64_t i = 0; i < n; ++i) o[i] = store<R>(op(av, ld(b[i])));
    return;
  }
  if (ny == 1 && nx == n) {
    auto bv = ld(b[0]);
    for (int64_t i = 0; i < n; ++i) o[i] = store<R>(op(ld(a[i]), bv));
    return;
  }
  // General case: walk the output row by row, carrying the operands'
  // offsets through the outer dimensions like an odometer.
  const Shape& os = out.shape();
  const int r = out.ndim();
  std::vector<int64_t> sx = broadcast_strides(x.shape(), os), sy = broadcast_strides(y.shape(), os);
  std::vector<int64_t> idx(r, 0);
  const int64_t inner = os[r - 1], ix = sx[r - 1], iy = sy[r - 1];
  int64_t ox = 0, oy = 0;
  for (int64_t base = 0; base < n; base += inner) {
    for (int64_t j = 0; j < inner; ++j) o[base + j] = store<R>(op(ld(a[ox + j * ix]), ld(b[oy + j * iy])));
    for (int d = r - 2; d >= 0; --d) {
      ox += sx[d];
      oy += sy[d];
      if (++idx[d] < os[d]) break;
      ox -= sx[d] * os[d];
      oy -= sy[d] * os[d];
      idx[d] = 0;
    }
  }
}

// Runs `op` over x for the dtypes in Mask (the shape rule has rejected the
// others). BoolOut: the result is bool whatever the operand dtype.
template <uint8_t Mask, bool BoolOut, class Op>
Array map_unary(const Array& x, const ShapedArray& out_aval, const Op& op) {
  Array out = Array::allocate(out_aval);
  dispatch_dtype(x.dtype(), [&](auto t) {
    using T = decltype(t);
    if constexpr ((type_class<T>() & Mask) != 0) unary_loop<T, std::conditional_t<BoolOut, bool, T>>(x, out, op);
  });
  return out;
}

template <uint8_t Mask, bool BoolOut, bool Raw = false, class Op>
Array map_binary(const Array& x, const Array& y, const ShapedArray& out_aval, const Op& op) {
  Array out = Array::allocate(out_aval);
  dispatch_dtype(x.dtype(), [&](auto t) {
    using T = decltype(t);
    if constexpr ((type_class<T>() & Mask) != 0)
      binary_loop<T, std::conditional_t<BoolOut, bool, T>, Raw>(x, y, out, op);
  });
  return out;
}

// ---- scalar semantics ------------------------------------------------------

// Integer arithmetic wraps (two's complement), as XLA's does.
template <class C, class F>
C wrapping(C a, C b, F f) {
  using U = std::make_unsigned_t<C>;
  return static_cast<C>(f(static_cast<U>(a), static_cast<U>(b)));
}

template <class C>
C op_add(C a, C b) {
  if constexpr (std::is_integral_v<C>) return wrapping(a, b, [](auto u, auto v) { return u + v; });
  else return a + b;
}

template <class C>
C op_div(C a, C b) {
  if constexpr (std::is_integral_v<C>) {
    // XLA defines what C++ leaves undefined: x/0 is -1 (all bits set),
    // INT_MIN / -1 wraps to INT_MIN.
    if (b == 0) return static_cast<C>(~C(0));
    if constexpr (std::is_signed_v<C>)
      if (a == std::numeric_limits<C>::min() && b == -1) return a;
    return a / b;
  } else {
    return a / b;
  }
}

template <class C>
C op_rem(C a, C b) {
  if constexpr (std::is_integral_v<C>) {
    // The sign of the dividend; x rem 0 is x; INT_MIN rem -1 is 0.
    if (b == 0) return a;
    if constexpr (std::is_signed_v<C>)
      if (b == -1) return 0;
    return a % b;
  } else {
    return std::fmod(a, b);
  }
}

// max/min propagate NaN and order -0 below +0, as XLA's.
template <class C>
C op_max(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    if (std::isnan(a)) return a;
    if (std::isnan(b)) return b;
    if (a == b) return std::signbit(a) ? b : a;
  }
  return a > b ? a : b;
}

template <class C>
C op_min(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    if (std::isnan(a)) return a;
    if (std::isnan(b)) return b;
    if (a == b) return std::signbit(a) ? a : b;
  }
  return a < b ? a : b;
}

// nextafter on 16-bit floats: one step of their own bit pattern, which
// a float nextafter rounded back would lose.
template <class T>
T op_nextafter(T a, T b) {
  if constexpr (is_half_v<T>) {
    float fa = static_cast<float>(a), fb = static_cast<float>(b);
    if (std::isnan(fa) || std::isnan(fb)) return T(std::numeric_limits<float>::quiet_NaN());
    if (fa == fb) return b;
    T r;
    if (fa == 0.0f) {
      r.bits = static_cast<uint16_t>((b.bits & 0x8000u) | 1u);
    } else {
      bool away_from_zero = (fa < fb) == (fa > 0.0f);
      r.bits = static_cast<uint16_t>(away_from_zero ? a.bits + 1 : a.bits - 1);
    }
    return r;
  } else {
    return std::nextafter(a, b);
  }
}

template <class C>
C op_neg(C a) {
  if constexpr (std::is_integral_v<C>) return wrapping(C(0), a, [](auto u, auto v) { return u - v; });
  else return -a;
}

template <class C>
C op_sign(C a) {
  if constexpr (std::is_unsigned_v<C>) {
    return a > 0 ? 1 : 0;
  } else if constexpr (std::is_integral_v<C>) {
    return static_cast<C>((a > 0) - (a < 0));
  } else {
    // NaN and ±0 are their own sign.
    if (std::isnan(a) || a == 0) return a;
    return a > 0 ? C(1) : C(-1);
  }
}

template <class C>
C op_abs(C a) {
  if constexpr (std::is_integral_v<C>) return a < 0 ? op_neg(a) : a;  // INT_MIN stays INT_MIN
  else return std::fabs(a);
}

template <class C>
C round_half_even(C a) {
  C r = std::round(a);
  // round() breaks ties away from zero; step back toward zero onto the even
  // one, keeping the sign so that -0.5 gives -0.
  if (std::fabs(a - std::trunc(a)) == C(0.5) && std::fmod(r, C(2)) != 0) r = std::copysign(std::fabs(r) - 1, a);
  return r;
}

// x^y by repeated squaring in x's own type; negative y (floats only) is the
// reciprocal of x^-y, as JAX's lowering computes it.
template <class C>
C integer_pow(C x, int64_t y) {
  bool reciprocal = y < 0;
  uint64_t n = reciprocal ? uint64_t(0) - static_cast<uint64_t>(y) : static_cast<uint64_t>(y);
  C acc = 1;
  while (n > 0) {
    if (n & 1) acc = static_cast<C>(acc * x);
    n >>= 1;
    if (n > 0) x = static_cast<C>(x * x);
  }
  if constexpr (std::is_integral_v<C>) {
    return acc;
  } else {
    return reciprocal ? C(1) / acc : acc;
  }
}

template <class C>
C integer_pow_wrapping(C x, int64_t y) {
  if constexpr (std::is_integral_v<C>) {
    using U = std::make_unsigned_t<C>;
    return static_cast<C>(integer_pow(static_cast<U>(x), y));
  } else {
    return integer_pow(x, y);
  }
}

// ---- primitive definitions ---------------------------------------------------

template <uint8_t Mask, bool BoolOut = false, class Op>
void def_unary(const char* name, const char* synopsis, Accepts acc, Op op) {
  Primitive& p = define_primitive(name);
  p.synopsis = synopsis;
  p.abstract_eval = [name, acc](std::span<const ShapedArray> in, const Params&) {
    check_arity(name, in, 1);
    check_unary_dtype(name, in[0], acc);
    ShapedArray out = in[0];
    if (BoolOut) out.dtype = DType::Bool;
    return std::vector<ShapedArray>{std::move(out)};
  };
  p.impl = [op](std::span<const Array> in, const Params&, std::span<const ShapedArray> out) {
    return std::vector<Array>{map_unary<Mask, BoolOut>(in[0], out[0], op)};
  };
}

// The shape/dtype rule of the standard binary ops (JAX's naryop).
std::vector<ShapedArray> binary_abstract_eval(const char* name, std::span<const ShapedArray> in, Accepts acc,
                                              const char* jnp_equiv, bool bool_out) {
  check_arity(name, in, 2);
  ShapedArray out;
  out.shape = broadcast_shapes(name, in);
  check_operand_dtype(name, in[0], 0, acc);
  check_operand_dtype(name, in[1], 1, acc);
  check_same_dtypes(name, in, jnp_equiv);
  out.dtype = bool_out ? DType::Bool : in[0].dtype;
  out.weak_type = all_weak(in);
  return {std::move(out)};
}

template <uint8_t Mask, bool BoolOut = false, bool Raw = false, class Op>
void def_binary(const char* name, const char* synopsis, Accepts acc, const char* jnp_equiv, Op op) {
  Primitive& p = define_primitive(name);
  p.synopsis = synopsis;
  p.abstract_eval = [name, acc, jnp_equiv](std::span<const ShapedArray> in, const Params&) {
    return binary_abstract_eval(name, in, acc, jnp_equiv, BoolOut);
  };
  p.impl = [op](std::span<const Array> in, const Params&, std::span<const ShapedArray> out) {
    return std::vector<Array>{map_binary<Mask, BoolOut, Raw>(in[0], in[1], out[0], op)};
  };
}

void define_unary_arithmetic() {
  def_unary<kInt | kFloat>("neg", "negation -x (integers wrap)", kNumA, [](auto a) { return op_neg(a); });
  def_unary<kInt | kFloat>("sign", "sign of x: -1, 0 or 1 (±0 and NaN for floats stay themselves)", kNumA,
                           [](auto a) { return op_sign(a); });
  def_unary<kFloat>("floor", "round toward -inf", kRealA, [](auto a) { return std::floor(a); });
  def_unary<kFloat>("ceil", "round toward +inf", kRealA, [](auto a) { return std::ceil(a); });
  {
    Primitive& p = define_primitive("round");
    p.synopsis = "round to an integral value: ties away from zero (rounding_method=0) or to even (1)";
    p.abstract_eval = [](std::span<const ShapedArray> in, const Params&) {
      check_arity("round", in, 1);
      check_unary_dtype("round", in[0], kRealA);
      return std::vector<ShapedArray>{in[0]};
    };
    p.impl = [](std::span<const Array> in, const Params& params, std::span<const ShapedArray> out) {
      if (params.get_int("rounding_method") == 0)
        return std::vector<Array>{map_unary<kFloat, false>(in[0], out[0], [](auto a) { return std::round(a); })};
      return std::vector<Array>{map_unary<kFloat, false>(in[0], out[0], [](auto a) { return round_half_even(a); })};
    };
  }
  def_unary<kFloat, true>("is_finite", "true where x is neither infinite nor NaN", kRealA,
                          [](auto a) { return std::isfinite(a); });
  def_unary<kFloat | kSInt>("abs", "absolute value |x| (abs(INT_MIN) wraps to INT_MIN)", kAbsA,
                            [](auto a) { return op_abs(a); });
  def_unary<kInt | kFloat>("square", "x * x", kNumA, [](auto a) { return integer_pow_wrapping(a, 2); });
  {
    Primitive& p = define_primitive("integer_pow");
    p.synopsis = "x ** y for a static integer y, by repeated multiplication";
    p.abstract_eval = [](std::span<const ShapedArray> in, const Params& params) {
      check_arity("integer_pow", in, 1);
      check_unary_dtype("integer_pow", in[0], kNumA);
      int64_t y = params.get_int("y");
      if (y < 0 && is_integer(in[0].dtype)) {
        // JAX prints the aval as numpy names it: int32[2,3].
        std::string aval(dtype_name(in[0].dtype));
        aval += "[";
        for (size_t i = 0; i < in[0].shape.size(); ++i) aval += (i ? "," : "") + std::to_string(in[0].shape[i]);
        throw_type_error("Integers cannot be raised to negative powers, got integer_pow(" + aval + "], " +
                         std::to_string(y) + ")");
      }
      return std::vector<ShapedArray>{in[0]};
    };
    p.impl = [](std::span<const Array> in, const Params& params, std::span<const ShapedArray> out) {
      int64_t y = params.get_int("y");
      return std::vector<Array>{
          map_unary<kInt | kFloat, false>(in[0], out[0], [y](auto a) { return integer_pow_wrapping(a, y); })};
    };
  }
  def_unary<kBool | kInt>("not", "bitwise not (logical not for bool)", kLogicA, [](auto a) {
    if constexpr (std::is_same_v<decltype(a), bool>) return !a;
    else return static_cast<decltype(a)>(~a);
  });
}

void define_unary_transcendental() {
  def_unary<kFloat>("exp", "e ** x", kInexactA, [](auto a) { return std::exp(a); });
  def_unary<kFloat>("exp2", "2 ** x", kInexactA, [](auto a) { return std::exp2(a); });
  def_unary<kFloat>("log", "natural logarithm", kInexactA, [](auto a) { return std::log(a); });
  def_unary<kFloat>("log1p", "log(1 + x), accurate near 0", kInexactA, [](auto a) { return std::log1p(a); });
  def_unary<kFloat>("expm1", "exp(x) - 1, accurate near 0", kInexactA, [](auto a) { return std::expm1(a); });
  def_unary<kFloat>("tanh", "hyperbolic tangent", kInexactA, [](auto a) { return std::tanh(a); });
  def_unary<kFloat>("logistic", "sigmoid 1 / (1 + exp(-x))", kInexactA, [](auto a) {
    using C = decltype(a);
    return C(1) / (C(1) + std::exp(-a));
  });
  def_unary<kFloat>("sin", "sine", kInexactA, [](auto a) { return std::sin(a); });
  def_unary<kFloat>("cos", "cosine", kInexactA, [](auto a) { return std::cos(a); });
  def_unary<kFloat>("tan", "tangent", kInexactA, [](auto a) { return std::tan(a); });
  def_unary<kFloat>("asin", "arcsine", kInexactA, [](auto a) { return std::asin(a); });
  def_unary<kFloat>("acos", "arccosine", kInexactA, [](auto a) { return std::acos(a); });
  def_unary<kFloat>("atan", "arctangent", kInexactA, [](auto a) { return std::atan(a); });
  def_unary<kFloat>("sinh", "hyperbolic sine", kInexactA, [](auto a) { return std::sinh(a); });
  def_unary<kFloat>("cosh", "hyperbolic cosine", kInexactA, [](auto a) { return std::cosh(a); });
  def_unary<kFloat>("asinh", "inverse hyperbolic sine", kInexactA, [](auto a) { return std::asinh(a); });
  def_unary<kFloat>("acosh", "inverse hyperbolic cosine", kInexactA, [](auto a) { return std::acosh(a); });
  def_unary<kFloat>("atanh", "inverse hyperbolic tangent", kInexactA, [](auto a) { return std::atanh(a); });
  def_unary<kFloat>("sqrt", "square root", kInexactA, [](auto a) { return std::sqrt(a); });
  def_unary<kFloat>("rsqrt", "reciprocal square root 1 / sqrt(x)", kInexactA, [](auto a) {
    using C = decltype(a);
    return C(1) / std::sqrt(a);
  });
  def_unary<kFloat>("cbrt", "cube root", kRealA, [](auto a) { return std::cbrt(a); });
  def_unary<kFloat>("erf", "error function", kRealA, [](auto a) { return std::erf(a); });
  def_unary<kFloat>("erf_inv", "inverse error function", kRealA, [](auto a) { return special::erf_inv(a); });
  def_unary<kFloat>("lgamma", "log of the absolute value of the gamma function", kRealA,
                    [](auto a) { return special::lgamma(a); });
  def_unary<kFloat>("digamma", "digamma function, the derivative of lgamma", kRealA,
                    [](auto a) { return special::digamma(a); });
}

void define_binary_arithmetic() {
  def_binary<kInt | kFloat>("add", "x + y (integers wrap)", kNumA, "add", [](auto a, auto b) { return op_add(a, b); });
  def_binary<kInt | kFloat>("add_any", "x + y, the accumulation of cotangents in autodiff", kNumA, nullptr,
                            [](auto a, auto b) { return op_add(a, b); });
  def_binary<kInt | kFloat>("sub", "x - y (integers wrap)", kNumA, "subtract", [](auto a, auto b) {
    if constexpr (std::is_integral_v<decltype(a)>) return wrapping(a, b, [](auto u, auto v) { return u - v; });
    else return a - b;
  });
  def_binary<kInt | kFloat>("mul", "x * y (integers wrap)", kNumA, "multiply", [](auto a, auto b) {
    if constexpr (std::is_integral_v<decltype(a)>) return wrapping(a, b, [](auto u, auto v) { return u * v; });
    else return a * b;
  });
  def_binary<kInt | kFloat>("div", "x / y; integers truncate toward zero and x / 0 is -1", kNumA, "divide",
                            [](auto a, auto b) { return op_div(a, b); });
  def_binary<kInt | kFloat>("rem", "remainder with the sign of x (C's fmod / %); x rem 0 is x for integers", kRemA,
                            nullptr, [](auto a, auto b) { return op_rem(a, b); });
  def_binary<kAny>("max", "elementwise maximum, propagating NaN", kAnyA, "maximum",
                   [](auto a, auto b) { return op_max(a, b); });
  def_binary<kAny>("min", "elementwise minimum, propagating NaN", kAnyA, "minimum",
                   [](auto a, auto b) { return op_min(a, b); });
  def_binary<kFloat>("atan2", "arctangent of x / y using the signs of both for the quadrant", kInexactA, "arctan2",
                     [](auto a, auto b) { return std::atan2(a, b); });
  def_binary<kFloat>("polygamma", "the m-th derivative of digamma at x, for a non-negative integer m (else NaN)",
                     kRealA, nullptr, [](auto m, auto x) { return special::polygamma(m, x); });
  def_binary<kFloat, false, true>("nextafter", "the next representable value after x in the direction of y", kRealA,
                                  "nextafter", [](auto a, auto b) { return op_nextafter(a, b); });

  Primitive& p = define_primitive("pow");
  p.synopsis = "x ** y for a float x and a float or integer y";
  p.abstract_eval = [](std::span<const ShapedArray> in, const Params&) {
    check_arity("pow", in, 2);
    ShapedArray out;
    out.shape = broadcast_shapes("pow", in);
    check_operand_dtype("pow", in[0], 0, kInexactA);
    check_operand_dtype("pow", in[1], 1, kNumA);
    if (in[0].dtype != in[1].dtype && !is_integer(in[1].dtype))
      throw_type_error(
          "the first argument to pow must have an inexact dtype (float or complex), and the second argument must "
          "have an inexact or integer dtype, and two inexact dtypes must match, but got " +
          std::string(dtype_name(in[0].dtype)) + " and " + std::string(dtype_name(in[1].dtype)) + " respectively.");
    out.dtype = in[0].dtype;
    out.weak_type = all_weak(in);
    return std::vector<ShapedArray>{std::move(out)};
  };
  p.impl = [](std::span<const Array> in, const Params&, std::span<const ShapedArray> out) {
    // An integer exponent is converted to the base's dtype first, as JAX's
    // lowering does.
    Array y = in[1].dtype() == in[0].dtype() ? in[1] : in[1].astype(in[0].dtype());
    return std::vector<Array>{
        map_binary<kFloat, false>(in[0], y, out[0], [](auto a, auto b) { return std::pow(a, b); })};
  };
}

void define_comparisons_and_logic() {
  def_binary<kAny, true>("eq", "x == y", kAnyA, "equal", [](auto a, auto b) { return a == b; });
  def_binary<kAny, true>("ne", "x != y (true where either is NaN)", kAnyA, "not_equal",
                         [](auto a, auto b) { return a != b; });
  def_binary<kAny, true>("lt", "x < y", kAnyA, nullptr, [](auto a, auto b) { return a < b; });
  def_binary<kAny, true>("le", "x <= y", kAnyA, nullptr, [](auto a, auto b) { return a <= b; });
  def_binary<kAny, true>("gt", "x > y", kAnyA, nullptr, [](auto a, auto b) { return a > b; });
  def_binary<kAny, true>("ge", "x >= y", kAnyA, nullptr, [](auto a, auto b) { return a >= b; });
  def_binary<kBool | kInt>("and", "bitwise and (logical and for bool)", kLogicA, nullptr,
                           [](auto a, auto b) { return static_cast<decltype(a)>(a & b); });
  def_binary<kBool | kInt>("or", "bitwise or (logical or for bool)", kLogicA, nullptr,
                           [](auto a, auto b) { return static_cast<decltype(a)>(a | b); });
  def_binary<kBool | kInt>("xor", "bitwise exclusive or", kLogicA, nullptr,
                           [](auto a, auto b) { return static_cast<decltype(a)>(a ^ b); });
}

// Calls fn(U{}) with an unsigned type of `bytes` bytes: select_n moves
// elements without looking at their values.
template <class F>
void dispatch_bytes(int bytes, F&& fn) {
  switch (bytes) {
    case 1: fn(uint8_t{}); break;
    case 2: fn(uint16_t{}); break;
    case 4: fn(uint32_t{}); break;
    default: fn(uint64_t{}); break;
  }
}

void define_select_n() {
  Primitive& p = define_primitive("select_n");
  p.synopsis = "cases[which] elementwise; which is bool (two cases) or an integer index";
  p.abstract_eval = [](std::span<const ShapedArray> in, const Params&) {
    if (in.size() < 2) throw_type_error("select must have at least one case");
    const ShapedArray& which = in[0];
    std::span<const ShapedArray> cases = in.subspan(1);
    for (const ShapedArray& c : cases) {
      if (c.shape == cases[0].shape) continue;
      std::string msg = "select cases must have the same shapes, got [";
      for (size_t i = 0; i < cases.size(); ++i) msg += (i ? ", " : "") + shape_str(cases[i].shape);
      throw_type_error(msg + "].");
    }
    if (!which.shape.empty() && which.shape != cases[0].shape)
      throw_type_error("select `which` must be scalar or have the same shape as cases, got `which` shape " +
                       shape_str(which.shape) + " but case shape " + shape_str(cases[0].shape) + ".");
    check_same_dtypes("select", cases, "where");
    if (is_floating(which.dtype))
      throw_type_error("select `which` must be boolean or integer type, got " +
                       std::string(dtype_name(which.dtype)) + ".");
    if (which.dtype == DType::Bool && cases.size() > 2)
      throw_type_error("select with boolean `which` cannot have > 2 cases.");
    ShapedArray out = cases[0];
    out.weak_type = all_weak(cases);
    return std::vector<ShapedArray>{std::move(out)};
  };
  p.impl = [](std::span<const Array> in, const Params&, std::span<const ShapedArray> out_avals) {
    const Array& which = in[0];
    const int64_t ncases = static_cast<int64_t>(in.size()) - 1;
    Array out = Array::allocate(out_avals[0]);
    const int64_t n = out.size();
    const bool which_scalar = which.ndim() == 0;
    dispatch_dtype(which.dtype(), [&](auto w) {
      using W = decltype(w);
      if constexpr (std::is_integral_v<W>) {
        const W* wp = which.data<W>();
        dispatch_bytes(dtype_size(out.dtype()), [&](auto u) {
          using U = decltype(u);
          U* o = out.mutable_data<U>();
          for (int64_t i = 0; i < n; ++i) {
            // XLA picks the first case below 0 and the last one past the end.
            int64_t k = static_cast<int64_t>(wp[which_scalar ? 0 : i]);
            k = std::clamp<int64_t>(k, 0, ncases - 1);
            o[i] = in[1 + k].data<U>()[i];
          }
        });
      }
    });
    return std::vector<Array>{std::move(out)};
  };
}

void define_clamp() {
  Primitive& p = define_primitive("clamp");
  p.synopsis = "min(max(x, lo), hi) for lo and hi scalars or shaped like x";
  p.abstract_eval = [](std::span<const ShapedArray> in, const Params&) {
    check_arity("clamp", in, 3);
    const ShapedArray &lo = in[0], &x = in[1], &hi = in[2];
    if (!lo.shape.empty() && lo.shape != x.shape)
      throw_type_error("clamp requires min.shape == operand.shape or min.shape == (), got min.shape=" +
                       shape_str(lo.shape) + ", operand.shape=" + shape_str(x.shape) + ".");
    if (!hi.shape.empty() && hi.shape != x.shape)
      throw_type_error("clamp requires max.shape == operand.shape or max.shape == (), got max.shape=" +
                       shape_str(hi.shape) + ", operand.shape=" + shape_str(x.shape) + ".");
    check_same_dtypes("clamp", in, nullptr);
    ShapedArray out = x;
    out.weak_type = all_weak(in);
    return std::vector<ShapedArray>{std::move(out)};
  };
  p.impl = [](std::span<const Array> in, const Params&, std::span<const ShapedArray> out_avals) {
    const Array &lo = in[0], &x = in[1], &hi = in[2];
    Array out = Array::allocate(out_avals[0]);
    const int64_t n = out.size();
    const int64_t lo_step = lo.ndim() == 0 ? 0 : 1, hi_step = hi.ndim() == 0 ? 0 : 1;
    dispatch_dtype(x.dtype(), [&](auto t) {
      using T = decltype(t);
      const T *l = lo.data<T>(), *v = x.data<T>(), *h = hi.data<T>();
      T* o = out.mutable_data<T>();
      for (int64_t i = 0; i < n; ++i)
        o[i] = store<T>(op_min(op_max(load(v[i]), load(l[i * lo_step])), load(h[i * hi_step])));
    });
    return std::vector<Array>{std::move(out)};
  };
}

void define_convert_element_type() {
  Primitive& p = define_primitive("convert_element_type");
  p.synopsis = "convert to new_dtype (float to int truncates, NaN becomes 0, out-of-range saturates)";
  p.abstract_eval = [](std::span<const ShapedArray> in, const Params& params) {
    check_arity("convert_element_type", in, 1);
    ShapedArray out = in[0];
    out.dtype = params.get_dtype("new_dtype");
    out.weak_type = params.get_bool("weak_type");
    return std::vector<ShapedArray>{std::move(out)};
  };
  p.impl = [](std::span<const Array> in, const Params&, std::span<const ShapedArray> out_avals) {
    const Array& x = in[0];
    if (x.dtype() == out_avals[0].dtype) return std::vector<Array>{x.view(out_avals[0])};
    Array out = Array::allocate(out_avals[0]);
    const int64_t n = out.size();
    dispatch_dtype(x.dtype(), [&](auto f) {
      using From = decltype(f);
      dispatch_dtype(out.dtype(), [&](auto t) {
        using To = decltype(t);
        const From* a = x.data<From>();
        To* o = out.mutable_data<To>();
        for (int64_t i = 0; i < n; ++i) o[i] = convert_scalar<To>(a[i]);
      });
    });
    return std::vector<Array>{std::move(out)};
  };
}

}  // namespace

void register_elementwise_primitives() {
  define_unary_arithmetic();
  define_unary_transcendental();
  define_binary_arithmetic();
  define_comparisons_and_logic();
  define_select_n();
  define_clamp();
  define_convert_element_type();
}

}  // namespace jxr
