// Transformation rules of the elementwise primitives:
// - grads: one table, a row per differentiable primitive (and per broadcasting
//   or parameter variant), each checked with check_grads in float64, forward
//   and reverse mode, to order 2, on inputs inside the op's domain;
// - vmap: for every elementwise primitive, vmap(f) against f applied to each
//   example and stacked, for several in_axes combinations (all mapped on one
//   axis, on different axes, some operands unmapped, rank-0 operands);
// - zero tangents of the non-differentiable ops, and max/min's even split of
//   the derivative on ties;
// - jaxpr text of grad and vmap against JAX 0.10.2's, exactly.
#include <QtTest>

#include <cmath>
#include <random>

#include "check_grads.h"
#include "engine/jaxpr/print.h"
#include "engine/transforms.h"
#include "testutil.h"

using namespace jxr;
using jxr::test::arr;

namespace {

using Op = std::function<std::vector<Value>(std::span<const Value>)>;
using V = std::vector<Value>;
using S = std::span<const Value>;

// An input of a table row: values, shape (empty: rank 0 from one value) and
// dtype.
struct In {
  std::vector<double> v;
  Shape shape;
  DType dtype = DType::F64;
  Array array() const { return arr(v, shape, dtype); }
};
In vec(std::vector<double> v, DType d = DType::F64) {
  Shape s{static_cast<int64_t>(v.size())};
  return In{std::move(v), s, d};
}
In sca(double v, DType d = DType::F64) { return In{{v}, {}, d}; }

Array f64(double v) { return Array::scalar(v, DType::F64); }

// --- the grads table -------------------------------------------------------------

struct GradCase {
  const char* name;
  Op op;
  std::vector<In> inputs;
  const char* domain;  // why the inputs are where they are
  test::GradTol tol;   // default: eps 1e-4, atol = rtol = 1e-5
};

test::GradTol tol(double atol, double rtol) { return test::GradTol{1e-4, atol, rtol}; }

Op un(Value (*f)(const Value&)) {
  return [f](S a) { return V{f(a[0])}; };
}
Op bin(Value (*f)(const Value&, const Value&)) {
  return [f](S a) { return V{f(a[0], a[1])}; };
}
// polygamma(m, x) of x for a constant order m (JAX differentiates x only).
Op polygamma_of(int m) {
  return [m](S a) { return V{lax::polygamma(Array::scalar(m, a[0].dtype()), a[0])}; };
}

std::vector<GradCase> grad_cases() {
  const test::GradTol def;
  const In x = vec({0.3, -1.2, 2.0});
  const In y = vec({1.1, 0.7, -0.4});
  const In pos = vec({0.5, 1.3, 2.7});
  const In unit = vec({-0.7, 0.1, 0.6});
  return {
      {"neg", un(lax::neg), {x}, "all reals", def},
      {"exp", un(lax::exp), {x}, "all reals", def},
      {"exp2", un(lax::exp2), {x}, "all reals", def},
      {"log", un(lax::log), {pos}, "x > 0", def},
      {"log1p", un(lax::log1p), {vec({-0.5, 0.3, 2.0})}, "x > -1", def},
      {"expm1", un(lax::expm1), {x}, "all reals", def},
      {"tanh", un(lax::tanh), {x}, "all reals", def},
      {"logistic", un(lax::logistic), {x}, "all reals", def},
      {"sin", un(lax::sin), {x}, "all reals", def},
      {"cos", un(lax::cos), {x}, "all reals", def},
      {"tan", un(lax::tan), {vec({-1.0, 0.3, 1.2})}, "|x| < pi/2", tol(1e-4, 1e-5)},
      {"asin", un(lax::asin), {unit}, "|x| < 1", def},
      {"acos", un(lax::acos), {unit}, "|x| < 1", def},
      {"atan", un(lax::atan), {vec({-2.0, 0.3, 1.5})}, "all reals", def},
      {"sinh", un(lax::sinh), {x}, "all reals", def},
      {"cosh", un(lax::cosh), {x}, "all reals", def},
      {"asinh", un(lax::asinh), {x}, "all reals", def},
      {"acosh", un(lax::acosh), {vec({1.3, 2.0, 3.5})}, "x > 1", def},
      {"atanh", un(lax::atanh), {unit}, "|x| < 1", def},
      {"sqrt", un(lax::sqrt), {pos}, "x > 0", def},
      {"rsqrt", un(lax::rsqrt), {pos}, "x > 0", def},
      {"cbrt", un(lax::cbrt), {vec({-2.0, 0.7, 3.1})}, "x != 0 (infinite slope at 0)", def},
      {"abs", un(lax::abs), {vec({-1.3, 0.4, 2.2})}, "x != 0 (kink)", def},
      {"square", un(lax::square), {x}, "all reals", def},
      {"integer_pow/3", [](S a) { return V{lax::integer_pow(a[0], 3)}; }, {x}, "all reals", def},
      {"integer_pow/2", [](S a) { return V{lax::integer_pow(a[0], 2)}; }, {x}, "all reals", def},
      {"integer_pow/1", [](S a) { return V{lax::integer_pow(a[0], 1)}; }, {x}, "all reals", def},
      {"integer_pow/0", [](S a) { return V{lax::integer_pow(a[0], 0)}; }, {x}, "all reals", def},
      {"integer_pow/-2", [](S a) { return V{lax::integer_pow(a[0], -2)}; }, {x}, "x != 0", def},
      {"erf", un(lax::erf), {x}, "all reals", def},
      {"erf_inv", un(lax::erf_inv), {unit}, "|x| < 1", def},
      {"lgamma", un(lax::lgamma), {vec({0.6, 1.7, 3.2})}, "x > 0", def},
      {"lgamma/negative", un(lax::lgamma), {vec({-0.5, -1.3, -2.7})}, "x < 0, not an integer", tol(1e-4, 1e-5)},
      {"digamma", un(lax::digamma), {vec({0.6, 1.7, 3.2})}, "x > 0", def},
      {"digamma/negative", un(lax::digamma), {vec({-0.4, -1.3, -2.6})}, "x < 0, not an integer (reflection)",
       tol(1e-4, 1e-5)},
      {"polygamma/m=0", polygamma_of(0), {vec({0.6, 1.7, 3.2})}, "x > 0", def},
      {"polygamma/m=1", polygamma_of(1), {vec({0.6, 1.7, 3.2})}, "x > 0", def},
      {"polygamma/m=2", polygamma_of(2), {vec({0.6, 1.7, 3.2})}, "x > 0", def},
      {"polygamma/m=3", polygamma_of(3), {vec({0.8, 1.7, 12.5})}, "x > 0", tol(1e-4, 1e-5)},
      {"polygamma/m=1/negative", polygamma_of(1), {vec({-0.4, -1.3, -2.6})}, "x < 0, not an integer (reflection)",
       tol(1e-4, 1e-5)},
      {"polygamma/m=2/negative", polygamma_of(2), {vec({-0.4, -1.3, -2.6})}, "x < 0, not an integer (reflection)",
       tol(1e-4, 1e-5)},
      {"polygamma/m_vector",
       [](S a) { return V{lax::polygamma(arr({0, 1, 2}, DType::F64), a[0])}; },
       {vec({0.6, 1.7, 3.2})}, "x > 0; m (not differentiable) elementwise", def},
      {"polygamma/m_vector_x_scalar",
       [](S a) { return V{lax::polygamma(arr({0, 1, 2}, DType::F64), a[0])}; },
       {sca(1.3)}, "x > 0; rank-0 x broadcasts against m", def},
      {"add", bin(lax::add), {x, y}, "all reals", def},
      {"add/scalar_rhs", bin(lax::add), {x, sca(0.4)}, "rank-0 operand broadcasts", def},
      {"sub", bin(lax::sub), {x, y}, "all reals", def},
      {"sub/scalar_lhs", bin(lax::sub), {sca(0.4), y}, "rank-0 operand broadcasts", def},
      {"mul", bin(lax::mul), {x, y}, "all reals", def},
      {"mul/scalar_rhs", bin(lax::mul), {x, sca(-1.5)}, "rank-0 operand broadcasts", def},
      {"div", bin(lax::div), {x, y}, "y != 0", def},
      {"div/scalar_lhs", bin(lax::div), {sca(1.7), y}, "y != 0", def},
      {"rem", bin(lax::rem), {vec({2.3, -1.7, 4.1}), vec({0.9, 0.6, -1.3})}, "x / y away from integers", def},
      {"rem/scalar_rhs", bin(lax::rem), {vec({2.3, -1.7, 4.1}), sca(0.9)}, "x / y away from integers", def},
      {"pow", bin(lax::pow), {pos, vec({-1.2, 0.7, 2.5})}, "x > 0", def},
      {"pow/scalar_rhs", bin(lax::pow), {pos, sca(1.7)}, "x > 0", def},
      {"pow/int_exponent", bin(lax::pow), {x, vec({2, -1, 3}, DType::I32)}, "x != 0; y integer", def},
      {"pow/int_exponent_zero", bin(lax::pow), {x, vec({0, 1, 2}, DType::I32)}, "y = 0 takes JAX's zero branch",
       def},
      {"max", bin(lax::max), {x, y}, "x != y (kink)", def},
      {"max/scalar_rhs", bin(lax::max), {x, sca(0.5)}, "x != y (kink)", def},
      {"min", bin(lax::min), {x, y}, "x != y (kink)", def},
      {"min/scalar_lhs", bin(lax::min), {sca(0.5), y}, "x != y (kink)", def},
      {"atan2", bin(lax::atan2), {x, y}, "(x, y) != 0", def},
      {"atan2/scalar_rhs", bin(lax::atan2), {x, sca(-0.8)}, "(x, y) != 0", def},
      {"select_n/bool", [](S a) { return V{lax::select_n(a[0], {a[1], a[2]})}; },
       {vec({1, 0, 1}, DType::Bool), x, y}, "predicate not differentiated", def},
      {"select_n/int_three_cases", [](S a) { return V{lax::select_n(a[0], {a[1], a[2], a[3]})}; },
       {vec({2, 0, 1}, DType::I32), x, y, pos}, "predicate not differentiated", def},
      {"select_n/scalar_predicate", [](S a) { return V{lax::select_n(a[0], {a[1], a[2]})}; },
       {sca(1, DType::Bool), x, y}, "predicate not differentiated", def},
      {"select_n/one_case_constant",
       [](S a) { return V{lax::select_n(a[0], {a[1], lax::broadcast_in_dim(f64(2.0), {3}, {})})}; },
       {vec({1, 0, 1}, DType::Bool), x}, "a zero tangent case", def},
      {"clamp", [](S a) { return V{lax::clamp(a[0], a[1], a[2])}; },
       {vec({-1.0, 0.5, -1.0}), vec({0.3, 0.2, 2.0}), vec({1.0, 1.0, 1.5})},
       "x strictly inside, below lo and above hi", def},
      {"clamp/scalar_bounds", [](S a) { return V{lax::clamp(f64(-0.5), a[0], f64(1.0))}; },
       {vec({0.3, -1.2, 2.0})}, "constant rank-0 bounds (JAX cannot differentiate them against a shaped x)", def},
      {"convert_element_type/f32_roundtrip",
       [](S a) {
         return V{lax::convert_element_type(lax::convert_element_type(a[0], DType::F32), DType::F64)};
       },
       {x}, "float32 rounding: finite differences good to ~1e-3", tol(1e-3, 1e-3)},
      {"convert_element_type/weak", [](S a) { return V{lax::convert_element_type(a[0], DType::F64, true)}; }, {x},
       "same dtype, weak_type=True", def},
      {"composite/sin_mul_exp",
       [](S a) { return V{lax::mul(lax::sin(a[0]), lax::exp(lax::div(a[1], lax::add(a[0], f64(3.0)))))}; }, {x, y},
       "x != -3", def},
  };
}

// --- vmap table --------------------------------------------------------------------
// Each primitive, with its operand dtypes and a range for random operands.

struct VmapPrim {
  const char* name;
  Op op;
  std::vector<DType> dtypes;
  double lo, hi;
};

std::vector<VmapPrim> vmap_prims() {
  const DType F = DType::F32, I = DType::I32, B = DType::Bool;
  return {
      {"neg", un(lax::neg), {F}, -2, 2},
      {"sign", un(lax::sign), {F}, -2, 2},
      {"floor", un(lax::floor), {F}, -2, 2},
      {"ceil", un(lax::ceil), {F}, -2, 2},
      {"round", [](S a) { return V{lax::round(a[0], 1)}; }, {F}, -3, 3},
      {"is_finite", un(lax::is_finite), {F}, -2, 2},
      {"exp", un(lax::exp), {F}, -2, 2},
      {"exp2", un(lax::exp2), {F}, -2, 2},
      {"log", un(lax::log), {F}, 0.1, 3},
      {"log1p", un(lax::log1p), {F}, -0.5, 3},
      {"expm1", un(lax::expm1), {F}, -2, 2},
      {"tanh", un(lax::tanh), {F}, -2, 2},
      {"logistic", un(lax::logistic), {F}, -2, 2},
      {"sin", un(lax::sin), {F}, -2, 2},
      {"cos", un(lax::cos), {F}, -2, 2},
      {"tan", un(lax::tan), {F}, -1, 1},
      {"asin", un(lax::asin), {F}, -0.9, 0.9},
      {"acos", un(lax::acos), {F}, -0.9, 0.9},
      {"atan", un(lax::atan), {F}, -2, 2},
      {"sinh", un(lax::sinh), {F}, -2, 2},
      {"cosh", un(lax::cosh), {F}, -2, 2},
      {"asinh", un(lax::asinh), {F}, -2, 2},
      {"acosh", un(lax::acosh), {F}, 1.1, 3},
      {"atanh", un(lax::atanh), {F}, -0.9, 0.9},
      {"sqrt", un(lax::sqrt), {F}, 0.1, 3},
      {"rsqrt", un(lax::rsqrt), {F}, 0.1, 3},
      {"cbrt", un(lax::cbrt), {F}, -2, 2},
      {"abs", un(lax::abs), {F}, -2, 2},
      {"square", un(lax::square), {F}, -2, 2},
      {"integer_pow", [](S a) { return V{lax::integer_pow(a[0], 3)}; }, {F}, -2, 2},
      {"erf", un(lax::erf), {F}, -2, 2},
      {"erf_inv", un(lax::erf_inv), {F}, -0.9, 0.9},
      {"lgamma", un(lax::lgamma), {F}, 0.2, 4},
      {"digamma", un(lax::digamma), {F}, 0.2, 4},
      {"not", un(lax::bitwise_not), {I}, -50, 50},
      {"convert_element_type", [](S a) { return V{lax::convert_element_type(a[0], DType::I32)}; }, {F}, -9, 9},
      {"add", bin(lax::add), {F, F}, -2, 2},
      {"sub", bin(lax::sub), {F, F}, -2, 2},
      {"mul", bin(lax::mul), {F, F}, -2, 2},
      {"div", bin(lax::div), {F, F}, 0.5, 2},
      {"rem", bin(lax::rem), {I, I}, 1, 20},
      {"pow", bin(lax::pow), {F, F}, 0.5, 2},
      {"pow/int_exponent", bin(lax::pow), {F, I}, 1, 4},
      {"max", bin(lax::max), {F, F}, -2, 2},
      {"min", bin(lax::min), {F, F}, -2, 2},
      {"atan2", bin(lax::atan2), {F, F}, -2, 2},
      {"nextafter", bin(lax::nextafter), {F, F}, -2, 2},
      // m = floor(m) in 0..3, an order polygamma is defined for.
      {"polygamma", [](S a) { return V{lax::polygamma(lax::floor(a[0]), a[1])}; }, {F, F}, 0.2, 4},
      {"eq", bin(lax::eq), {I, I}, 0, 3},
      {"ne", bin(lax::ne), {I, I}, 0, 3},
      {"lt", bin(lax::lt), {F, F}, -2, 2},
      {"le", bin(lax::le), {I, I}, 0, 3},
      {"gt", bin(lax::gt), {F, F}, -2, 2},
      {"ge", bin(lax::ge), {I, I}, 0, 3},
      {"and", bin(lax::bitwise_and), {B, B}, 0, 2},
      {"or", bin(lax::bitwise_or), {I, I}, 0, 16},
      {"xor", bin(lax::bitwise_xor), {B, B}, 0, 2},
      {"add_any", bin(lax::add_any), {F, F}, -2, 2},
      {"select_n", [](S a) { return V{lax::select_n(a[0], {a[1], a[2]})}; }, {B, F, F}, 0, 2},
      {"select_n/int", [](S a) { return V{lax::select_n(a[0], {a[1], a[2], a[3]})}; }, {I, F, F, F}, 0, 3},
      {"clamp", [](S a) { return V{lax::clamp(a[0], a[1], a[2])}; }, {F, F, F}, -2, 2},
  };
}

constexpr int N = kNotMapped;

// An in_axes combination: the axis of each operand (N: unmapped), and whether
// unmapped operands are rank 0 (elementwise ops broadcast them).
struct AxesCombo {
  const char* name;
  std::vector<int> axes;
  bool scalar_unmapped;
};

// The combinations tried for an op of `arity` operands (examples are [3],
// batches [4, 3] or [3, 4]).
std::vector<AxesCombo> combos(const std::string& name, size_t arity) {
  auto fill = [&](std::initializer_list<int> pattern) {
    std::vector<int> v;
    for (size_t i = 0; i < arity; ++i) v.push_back(*(pattern.begin() + i % pattern.size()));
    return v;
  };
  std::vector<AxesCombo> c = {{"all_0", fill({0}), false}, {"all_1", fill({1}), false}};
  if (arity == 1) return c;
  c.push_back({"mixed_0_1", fill({0, 1}), false});
  c.push_back({"first_only", fill({0, N}), false});
  c.push_back({"last_only", [&] {
                 std::vector<int> v(arity, N);
                 v.back() = 1;
                 return v;
               }(),
               false});
  // Rank-0 unmapped operands: elementwise binary ops broadcast them; clamp's
  // bounds and select_n's predicate may be rank 0, select_n's cases may not,
  // and add_any adds values of one type only.
  bool scalar_ok = name.rfind("select_n", 0) != 0 && name != "clamp" && name != "add_any";
  if (scalar_ok) c.push_back({"scalar_unmapped", fill({1, N}), true});
  if (name == "clamp") c.push_back({"scalar_bounds", {N, 1, N}, true});
  if (name.rfind("select_n", 0) == 0) {
    std::vector<int> v(arity, 0);
    v[0] = N;
    c.push_back({"scalar_predicate", v, true});
    std::vector<int> w(arity, 1);
    w[0] = 0;
    c.push_back({"scalar_predicate_mapped", w, false});
  }
  return c;
}

Array random_in(const Shape& shape, DType d, double lo, double hi, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(static_cast<size_t>(shape_size(shape)));
  for (double& x : v) {
    x = u(rng);
    if (!is_floating(d)) x = std::floor(x);
  }
  return arr(v, shape, d);
}


TreeFn tree_op(const Op& op) {
  return [op](const std::vector<Tree>& a) {
    std::vector<Value> vs;
    for (const Tree& t : a) vs.push_back(t.leaf());
    return Tree(op(vs)[0]);
  };
}

// --- jaxpr goldens ---------------------------------------------------------------------

Array f32s(double v) { return Array::scalar(v, DType::F32); }
Array f32v(std::vector<double> v) { return arr(v, DType::F32); }
Array ones(Shape s, DType d = DType::F32) { return Array::full(std::move(s), 1.0, d); }

GradOptions argnums01() {
  GradOptions o;
  o.argnums = {0, 1};
  o.argnums_tuple = true;
  return o;
}
VmapOptions in_axes(std::vector<Tree> axes) {
  VmapOptions o;
  o.in_axes = Tree::tuple(std::move(axes));
  return o;
}

struct JaxprCase {
  const char* name;
  const char* python;  // the JAX expression that printed `want`
  std::function<ClosedJaxpr()> make;
  const char* want;
};

// Generated with JAX 0.10.2:
//   import jax, jax.numpy as jnp; from jax import lax
//   s = lambda v: jnp.array(v, jnp.float32)
//   print(<python>)
// (float32 non-weak inputs, as jaxray's arrays are.)
std::vector<JaxprCase> jaxpr_cases() {
  const Array a = f32s(0.5), b = f32s(1.5), c = f32s(0.3);
  return {
      {"grad_exp", "jax.make_jaxpr(jax.grad(lambda x: lax.exp(x)))(s(0.5))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::exp))), {Tree(a)}); },
       "{ lambda ; a:f32[]. let b:f32[] = exp a; c:f32[] = mul 1.0:f32[] b in (c,) }"},
      {"grad_exp2", "jax.make_jaxpr(jax.grad(lambda x: lax.exp2(x)))(s(0.3))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::exp2))), {Tree(c)}); },
       "{ lambda ; a:f32[]. let\n"
       "    b:f32[] = exp2 a\n"
       "    c:f32[] = log 2.0:f32[]\n"
       "    d:f32[] = mul c 1.0:f32[]\n"
       "    e:f32[] = mul d b\n"
       "  in (e,) }"},
      {"grad_tanh", "jax.make_jaxpr(jax.grad(lambda x: lax.tanh(x)))(s(0.5))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::tanh))), {Tree(a)}); },
       "{ lambda ; a:f32[]. let\n"
       "    b:f32[] = tanh a\n"
       "    c:f32[] = sub 1.0:f32[] b\n"
       "    d:f32[] = mul 1.0:f32[] c\n"
       "    e:f32[] = mul d b\n"
       "    f:f32[] = add_any d e\n"
       "  in (f,) }"},
      {"grad_logistic", "jax.make_jaxpr(jax.grad(lambda x: lax.logistic(x)))(s(0.5))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::logistic))), {Tree(a)}); },
       "{ lambda ; a:f32[]. let\n"
       "    b:f32[] = logistic a\n"
       "    c:f32[] = sub 1.0:f32[] b\n"
       "    d:f32[] = mul b c\n"
       "    e:f32[] = mul 1.0:f32[] d\n"
       "  in (e,) }"},
      {"grad_abs", "jax.make_jaxpr(jax.grad(lambda x: lax.abs(x)))(s(0.3))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::abs))), {Tree(c)}); },
       "{ lambda ; a:f32[]. let\n"
       "    _:f32[] = abs a\n"
       "    b:bool[] = ge a 0.0:f32[]\n"
       "    c:f32[] = select_n b 1.0:f32[] 0.0:f32[]\n"
       "    d:f32[] = select_n b 0.0:f32[] 1.0:f32[]\n"
       "    e:f32[] = neg c\n"
       "    f:f32[] = add_any d e\n"
       "  in (f,) }"},
      {"grad_atanh", "jax.make_jaxpr(jax.grad(lambda x: lax.atanh(x)))(s(0.3))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::atanh))), {Tree(c)}); },
       "{ lambda ; a:f32[]. let\n"
       "    _:f32[] = atanh a\n"
       "    b:f32[] = add 1.0:f32[] a\n"
       "    c:f32[] = integer_pow[y=-1] b\n"
       "    d:f32[] = sub 1.0:f32[] a\n"
       "    e:f32[] = mul c 1.0:f32[]\n"
       "    f:f32[] = div e d\n"
       "  in (f,) }"},
      {"grad_integer_pow", "jax.make_jaxpr(jax.grad(lambda x: lax.integer_pow(x, 3)))(s(0.5))",
       [=] { return make_jaxpr(grad(tree_op([](S x) { return V{lax::integer_pow(x[0], 3)}; })), {Tree(a)}); },
       "{ lambda ; a:f32[]. let\n"
       "    _:f32[] = integer_pow[y=3] a\n"
       "    b:f32[] = integer_pow[y=2] a\n"
       "    c:f32[] = mul 3.0:f32[] b\n"
       "    d:f32[] = mul 1.0:f32[] c\n"
       "  in (d,) }"},
      {"grad_max", "jax.make_jaxpr(jax.grad(lambda x, y: lax.max(x, y), argnums=(0, 1)))(s(0.5), s(1.5))",
       [=] { return make_jaxpr(grad(tree_op(bin(lax::max)), argnums01()), {Tree(a), Tree(b)}); },
       "{ lambda ; a:f32[] b:f32[]. let\n"
       "    c:f32[] = max a b\n"
       "    d:bool[] = eq a c\n"
       "    e:f32[] = select_n d 0.0:f32[] 1.0:f32[]\n"
       "    f:bool[] = eq b c\n"
       "    g:f32[] = select_n f 1.0:f32[] 2.0:f32[]\n"
       "    h:f32[] = div e g\n"
       "    i:bool[] = eq b c\n"
       "    j:f32[] = select_n i 0.0:f32[] 1.0:f32[]\n"
       "    k:bool[] = eq a c\n"
       "    l:f32[] = select_n k 1.0:f32[] 2.0:f32[]\n"
       "    m:f32[] = div j l\n"
       "    n:f32[] = mul 1.0:f32[] m\n"
       "    o:f32[] = mul 1.0:f32[] h\n"
       "  in (o, n) }"},
      {"grad_div", "jax.make_jaxpr(jax.grad(lambda x, y: lax.div(x, y), argnums=(0, 1)))(s(0.5), s(1.5))",
       [=] { return make_jaxpr(grad(tree_op(bin(lax::div)), argnums01()), {Tree(a), Tree(b)}); },
       "{ lambda ; a:f32[] b:f32[]. let\n"
       "    _:f32[] = div a b\n"
       "    c:f32[] = integer_pow[y=-2] b\n"
       "    d:f32[] = mul 1.0:f32[] c\n"
       "    e:f32[] = mul d a\n"
       "    f:f32[] = neg e\n"
       "    g:f32[] = div 1.0:f32[] b\n"
       "  in (g, f) }"},
      {"grad_pow", "jax.make_jaxpr(jax.grad(lambda x, y: lax.pow(x, y), argnums=(0, 1)))(s(0.5), s(1.5))",
       [=] { return make_jaxpr(grad(tree_op(bin(lax::pow)), argnums01()), {Tree(a), Tree(b)}); },
       "{ lambda ; a:f32[] b:f32[]. let\n"
       "    c:f32[] = pow a b\n"
       "    d:f32[] = sub b 1.0:f32[]\n"
       "    e:f32[] = pow a d\n"
       "    f:f32[] = mul b e\n"
       "    g:bool[] = eq a 0.0:f32[]\n"
       "    h:f32[] = select_n g a 1.0:f32[]\n"
       "    i:f32[] = log h\n"
       "    j:f32[] = mul i c\n"
       "    k:f32[] = mul 1.0:f32[] j\n"
       "    l:f32[] = mul 1.0:f32[] f\n"
       "  in (l, k) }"},
      {"grad_pow_int", "jax.make_jaxpr(jax.grad(lambda x, y: lax.pow(x, y)))(s(0.5), jnp.array(3, jnp.int32))",
       [=] {
         return make_jaxpr(grad(tree_op(bin(lax::pow))), {Tree(a), Tree(Array::scalar(3, DType::I32))});
       },
       "{ lambda ; a:f32[] b:i32[]. let\n"
       "    _:f32[] = pow a b\n"
       "    c:f32[] = convert_element_type[new_dtype=float32 weak_type=False] b\n"
       "    d:bool[] = eq c 0.0:f32[]\n"
       "    e:bool[] = eq c 0.0:f32[]\n"
       "    f:f32[] = select_n e c 1.0:f32[]\n"
       "    g:f32[] = sub c 1.0:f32[]\n"
       "    h:f32[] = pow a g\n"
       "    i:f32[] = mul f h\n"
       "    j:f32[] = select_n d i 0.0:f32[]\n"
       "    k:f32[] = mul 1.0:f32[] j\n"
       "  in (k,) }"},
      {"grad_select_n",
       "jax.make_jaxpr(jax.grad(lambda x, y: lax.select_n(lax.lt(x, y), lax.sin(x), lax.mul(x, y)), "
       "argnums=(0, 1)))(s(0.5), s(1.5))",
       [=] {
         Op f = [](S x) {
           Value p = lax::lt(x[0], x[1]);  // named first: Python evaluates arguments in order, C++ need not
           Value s = lax::sin(x[0]);
           return V{lax::select_n(p, {s, lax::mul(x[0], x[1])})};
         };
         return make_jaxpr(grad(tree_op(f), argnums01()), {Tree(a), Tree(b)});
       },
       "{ lambda ; a:f32[] b:f32[]. let\n"
       "    c:bool[] = lt a b\n"
       "    d:f32[] = sin a\n"
       "    e:f32[] = cos a\n"
       "    f:f32[] = mul a b\n"
       "    _:f32[] = select_n c d f\n"
       "    g:f32[] = select_n c 1.0:f32[] 0.0:f32[]\n"
       "    h:f32[] = select_n c 0.0:f32[] 1.0:f32[]\n"
       "    i:f32[] = mul a h\n"
       "    j:f32[] = mul h b\n"
       "    k:f32[] = mul g e\n"
       "    l:f32[] = add_any j k\n"
       "  in (l, i) }"},
      {"grad_sum_max_vec",
       "jax.make_jaxpr(jax.grad(lambda x, y: lax.reduce_sum(lax.max(x, y), (0,)), argnums=(0, 1)))"
       "(s([0.5, 2.0, 1.0]), s(1.0))",
       [=] {
         Op f = [](S x) { return V{lax::reduce_sum(lax::max(x[0], x[1]), {0})}; };
         return make_jaxpr(grad(tree_op(f), argnums01()), {Tree(f32v({0.5, 2.0, 1.0})), Tree(f32s(1.0))});
       },
       "{ lambda ; a:f32[3] b:f32[]. let\n"
       "    c:f32[3] = max a b\n"
       "    d:bool[3] = eq a c\n"
       "    e:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    f:f32[3] = broadcast_in_dim 0.0:f32[]\n"
       "    g:f32[3] = select_n d f e\n"
       "    h:bool[3] = eq b c\n"
       "    i:f32[3] = broadcast_in_dim 2.0:f32[]\n"
       "    j:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    k:f32[3] = select_n h j i\n"
       "    l:f32[3] = div g k\n"
       "    m:bool[3] = eq b c\n"
       "    n:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    o:f32[3] = broadcast_in_dim 0.0:f32[]\n"
       "    p:f32[3] = select_n m o n\n"
       "    q:bool[3] = eq a c\n"
       "    r:f32[3] = broadcast_in_dim 2.0:f32[]\n"
       "    s:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    t:f32[3] = select_n q s r\n"
       "    u:f32[3] = div p t\n"
       "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] c\n"
       "    v:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    w:f32[3] = mul v u\n"
       "    x:f32[] = reduce_sum[axes=(0,) out_sharding=None] w\n"
       "    y:f32[3] = mul v l\n"
       "  in (y, x) }"},
      {"grad_sum_sub_scalar", "jax.make_jaxpr(jax.grad(lambda x: lax.sub(jnp.float32(0.7), x).sum()))(s([0.3, -2., 2.]))",
       [=] {
         Op f = [](S x) { return V{lax::reduce_sum(lax::sub(f32s(0.7), x[0]), {0})}; };
         return make_jaxpr(grad(tree_op(f)), {Tree(f32v({0.3, -2, 2}))});
       },
       "{ lambda ; a:f32[3]. let\n"
       "    b:f32[3] = sub 0.699999988079071:f32[] a\n"
       "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] b\n"
       "    c:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    d:f32[3] = neg c\n"
       "  in (d,) }"},
      {"grad_clamp",
       "jax.make_jaxpr(jax.grad(lambda x, lo: lax.clamp(lo, x, jnp.float32(1.5)).sum(), argnums=(0,)))"
       "(s([0.3, -2., 2.]), s(-1.))",
       [=] {
         Op f = [](S x) { return V{lax::reduce_sum(lax::clamp(x[1], x[0], f32s(1.5)), {0})}; };
         GradOptions o;
         o.argnums = {0};
         o.argnums_tuple = true;
         return make_jaxpr(grad(tree_op(f), o), {Tree(f32v({0.3, -2, 2})), Tree(f32s(-1))});
       },
       "{ lambda ; a:f32[3] b:f32[]. let\n"
       "    c:f32[3] = clamp b a 1.5:f32[]\n"
       "    d:bool[3] = gt a b\n"
       "    e:bool[3] = lt a 1.5:f32[]\n"
       "    f:bool[3] = and d e\n"
       "    _:f32[3] = broadcast_in_dim 0.0:f32[]\n"
       "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] c\n"
       "    g:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    h:f32[3] = broadcast_in_dim 0.0:f32[]\n"
       "    i:f32[3] = select_n f h g\n"
       "  in (i,) }"},
      {"jvp_sub_scalar_lhs",
       "jax.make_jaxpr(lambda x, t: jax.jvp(lambda x: lax.sub(s(0.7), x), (x,), (t,)))(s([0.3, -2., 2.]), "
       "s([0.3, -2., 2.]))",
       [=] {
         TreeFn f = [](const std::vector<Tree>& a) {
           TreeFn g = tree_op([](S x) { return V{lax::sub(f32s(0.7), x[0])}; });
           auto [out, t] = jvp(g, {a[0]}, {a[1]});
           return Tree::tuple({out, t});
         };
         return make_jaxpr(f, {Tree(f32v({0.3, -2, 2})), Tree(f32v({0.3, -2, 2}))});
       },
       "{ lambda ; a:f32[3] b:f32[3]. let\n"
       "    c:f32[3] = sub 0.699999988079071:f32[] a\n"
       "    d:f32[3] = neg b\n"
       "  in (c, d) }"},
      {"jvp_add_unit_dim",
       "jax.make_jaxpr(lambda x, t: jax.jvp(lambda x: lax.add(x, lax.broadcast_in_dim(s(0.7), (3, 2), ())), "
       "(x,), (t,)))(s([[1.], [2.], [3.]]), s([[1.], [2.], [3.]]))",
       [=] {
         TreeFn f = [](const std::vector<Tree>& a) {
           TreeFn g = tree_op([](S x) {
             Value c = lax::broadcast_in_dim(f32s(0.7), {3, 2}, {});
             return V{lax::add(x[0], c)};
           });
           auto [out, t] = jvp(g, {a[0]}, {a[1]});
           return Tree::tuple({out, t});
         };
         Array col = arr({1, 2, 3}, {3, 1}, DType::F32);
         return make_jaxpr(f, {Tree(col), Tree(col)});
       },
       "{ lambda ; a:f32[3,1] b:f32[3,1]. let\n"
       "    c:f32[3,2] = broadcast_in_dim 0.699999988079071:f32[]\n"
       "    d:f32[3,2] = add a c\n"
       "    e:f32[3] = reshape[dimensions=None new_sizes=(3,) sharding=None] b\n"
       "    f:f32[3,2] = broadcast_in_dim[broadcast_dimensions=(0,)] e\n"
       "  in (d, f) }"},
      {"grad_rem_rhs", "jax.make_jaxpr(jax.grad(lambda x, y: lax.rem(x, y), argnums=1))(s(2.3), s(0.7))",
       [=] {
         GradOptions o;
         o.argnums = {1};
         return make_jaxpr(grad(tree_op(bin(lax::rem)), o), {Tree(f32s(2.3)), Tree(f32s(0.7))});
       },
       "{ lambda ; a:f32[] b:f32[]. let\n"
       "    _:f32[] = rem a b\n"
       "    c:f32[] = div a b\n"
       "    d:f32[] = sign c\n"
       "    e:f32[] = div a b\n"
       "    f:f32[] = abs e\n"
       "    g:f32[] = floor f\n"
       "    h:f32[] = mul d g\n"
       "    i:f32[] = mul 1.0:f32[] h\n"
       "    j:f32[] = neg i\n"
       "  in (j,) }"},
      {"grad_select_n_int",
       "jax.make_jaxpr(jax.grad(lambda x: lax.select_n(jnp.array([0, 2, 1], jnp.int32), x, lax.sin(x), "
       "lax.mul(x, x)).sum()))(s([0.3, -2., 2.]))",
       [=] {
         Op f = [](S x) {
           Value s = lax::sin(x[0]);
           Value sel = lax::select_n(arr({0, 2, 1}, DType::I32), {x[0], s, lax::mul(x[0], x[0])});
           return V{lax::reduce_sum(sel, {0})};
         };
         return make_jaxpr(grad(tree_op(f)), {Tree(f32v({0.3, -2, 2}))});
       },
       "{ lambda a:i32[3]; b:f32[3]. let\n"
       "    c:f32[3] = sin b\n"
       "    d:f32[3] = cos b\n"
       "    e:f32[3] = mul b b\n"
       "    f:f32[3] = select_n a b c e\n"
       "    _:f32[3] = broadcast_in_dim 0.0:f32[]\n"
       "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] f\n"
       "    g:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    h:f32[3] = broadcast_in_dim 0.0:f32[]\n"
       "    i:bool[3] = eq a 0:i32[]\n"
       "    j:f32[3] = select_n i h g\n"
       "    k:bool[3] = eq a 1:i32[]\n"
       "    l:f32[3] = select_n k h g\n"
       "    m:bool[3] = eq a 2:i32[]\n"
       "    n:f32[3] = select_n m h g\n"
       "    o:f32[3] = mul b n\n"
       "    p:f32[3] = add_any j o\n"
       "    q:f32[3] = mul n b\n"
       "    r:f32[3] = add_any p q\n"
       "    s:f32[3] = mul l d\n"
       "    t:f32[3] = add_any r s\n"
       "  in (t,) }"},
      {"grad_erf_inv", "jax.make_jaxpr(jax.grad(lambda x: lax.erf_inv(x)))(s(0.3))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::erf_inv))), {Tree(c)}); },
       "{ lambda ; a:f32[]. let\n"
       "    b:f32[] = erf_inv a\n"
       "    c:f32[] = square b\n"
       "    d:f32[] = exp c\n"
       "    e:f32[] = mul 0.8862269520759583:f32[] 1.0:f32[]\n"
       "    f:f32[] = mul e d\n"
       "  in (f,) }"},
      {"grad_cbrt", "jax.make_jaxpr(jax.grad(lambda x: lax.cbrt(x)))(s(0.3))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::cbrt))), {Tree(c)}); },
       "{ lambda ; a:f32[]. let\n"
       "    b:f32[] = cbrt a\n"
       "    c:f32[] = integer_pow[y=-2] b\n"
       "    d:f32[] = mul 0.3333333432674408:f32[] c\n"
       "    e:f32[] = mul 1.0:f32[] d\n"
       "  in (e,) }"},
      {"grad_expm1", "jax.make_jaxpr(jax.grad(lambda x: lax.expm1(x)))(s(0.3))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::expm1))), {Tree(c)}); },
       "{ lambda ; a:f32[]. let\n"
       "    b:f32[] = expm1 a\n"
       "    c:f32[] = add b 1.0:f32[]\n"
       "    d:f32[] = mul 1.0:f32[] c\n"
       "  in (d,) }"},
      {"grad_convert_roundtrip",
       "jax.make_jaxpr(jax.grad(lambda x: lax.convert_element_type(lax.convert_element_type(x, jnp.float16), "
       "jnp.float32)))(s(0.3))",
       [=] {
         Op f = [](S x) {
           return V{lax::convert_element_type(lax::convert_element_type(x[0], DType::F16), DType::F32)};
         };
         return make_jaxpr(grad(tree_op(f)), {Tree(c)});
       },
       "{ lambda ; a:f32[]. let\n"
       "    b:f16[] = convert_element_type[new_dtype=float16 weak_type=False] a\n"
       "    _:f32[] = convert_element_type[new_dtype=float32 weak_type=False] b\n"
       "  in (1.0:f32[],) }"},
      {"grad_digamma", "jax.make_jaxpr(jax.grad(lambda x: lax.digamma(x)))(s(0.3))",
       [=] { return make_jaxpr(grad(tree_op(un(lax::digamma))), {Tree(c)}); },
       "{ lambda ; a:f32[]. let\n"
       "    _:f32[] = digamma a\n"
       "    b:f32[] = polygamma 1.0:f32[] a\n"
       "    c:f32[] = mul 1.0:f32[] b\n"
       "  in (c,) }"},
      {"grad_polygamma", "jax.make_jaxpr(jax.grad(lambda x: lax.polygamma(s(2.0), x)))(s(0.3))",
       [=] { return make_jaxpr(grad(tree_op(polygamma_of(2))), {Tree(c)}); },
       "{ lambda ; a:f32[]. let\n"
       "    _:f32[] = polygamma 2.0:f32[] a\n"
       "    b:f32[] = add 2.0:f32[] 1.0:f32[]\n"
       "    c:f32[] = polygamma b a\n"
       "    d:f32[] = mul 1.0:f32[] c\n"
       "  in (d,) }"},
      {"vmap_polygamma_m_unmapped",
       "jax.make_jaxpr(jax.vmap(lax.polygamma, in_axes=(None, 0)))(ones((2,)), ones((3, 2)))",
       [=] {
         return make_jaxpr(vmap(tree_op(bin(lax::polygamma)), in_axes({Tree::none(), axis(0)})),
                           {Tree(ones({2})), Tree(ones({3, 2}))});
       },
       "{ lambda ; a:f32[2] b:f32[3,2]. let\n"
       "    c:f32[1,2] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] a\n"
       "    d:f32[3,2] = polygamma c b\n"
       "  in (d,) }"},
      {"vmap_max", "jax.make_jaxpr(jax.vmap(lambda x, y: lax.max(x, y), in_axes=(0, 1)))(ones((3, 2)), ones((2, 3)))",
       [=] {
         return make_jaxpr(vmap(tree_op(bin(lax::max)), in_axes({axis(0), axis(1)})),
                           {Tree(ones({3, 2})), Tree(ones({2, 3}))});
       },
       "{ lambda ; a:f32[3,2] b:f32[2,3]. let\n"
       "    c:f32[3,2] = transpose[permutation=(1, 0)] b\n"
       "    d:f32[3,2] = max a c\n"
       "  in (d,) }"},
      {"vmap_pow", "jax.make_jaxpr(jax.vmap(lambda x, y: lax.pow(x, y), in_axes=(None, 0)))(ones((2,)), ones((3, 2)))",
       [=] {
         return make_jaxpr(vmap(tree_op(bin(lax::pow)), in_axes({Tree::none(), axis(0)})),
                           {Tree(ones({2})), Tree(ones({3, 2}))});
       },
       "{ lambda ; a:f32[2] b:f32[3,2]. let\n"
       "    c:f32[1,2] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] a\n"
       "    d:f32[3,2] = pow c b\n"
       "  in (d,) }"},
      {"vmap_select_n",
       "jax.make_jaxpr(jax.vmap(lambda p, x, y: lax.select_n(p, x, y), in_axes=(0, None, 1)))"
       "(ones((3,), bool), ones((2,)), ones((2, 3)))",
       [=] {
         Op f = [](S x) { return V{lax::select_n(x[0], {x[1], x[2]})}; };
         return make_jaxpr(vmap(tree_op(f), in_axes({axis(0), Tree::none(), axis(1)})),
                           {Tree(ones({3}, DType::Bool)), Tree(ones({2})), Tree(ones({2, 3}))});
       },
       "{ lambda ; a:bool[3] b:f32[2] c:f32[2,3]. let\n"
       "    d:f32[3,2] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] b\n"
       "    e:f32[3,2] = transpose[permutation=(1, 0)] c\n"
       "    f:bool[3,2] = broadcast_in_dim[broadcast_dimensions=(0,)] a\n"
       "    g:f32[3,2] = select_n f d e\n"
       "  in (g,) }"},
      {"vmap_select_n_int",
       "jax.make_jaxpr(jax.vmap(lambda w, x, y, z: lax.select_n(w, x, y, z), in_axes=(None, 0, 1, None)))"
       "(jnp.array([0, 2, 1], jnp.int32), ones((4, 3)), ones((3, 4)), ones(3))",
       [=] {
         Op f = [](S x) { return V{lax::select_n(x[0], {x[1], x[2], x[3]})}; };
         return make_jaxpr(vmap(tree_op(f), in_axes({Tree::none(), axis(0), axis(1), Tree::none()})),
                           {Tree(arr({0, 2, 1}, DType::I32)), Tree(ones({4, 3})), Tree(ones({3, 4})),
                            Tree(ones({3}))});
       },
       "{ lambda ; a:i32[3] b:f32[4,3] c:f32[3,4] d:f32[3]. let\n"
       "    e:i32[4,3] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] a\n"
       "    f:f32[4,3] = transpose[permutation=(1, 0)] c\n"
       "    g:f32[4,3] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] d\n"
       "    h:f32[4,3] = select_n e b f g\n"
       "  in (h,) }"},
      {"vmap_clamp",
       "jax.make_jaxpr(jax.vmap(lambda lo, x, hi: lax.clamp(lo, x, hi), in_axes=(0, 1, None)))"
       "(ones((3,)), ones((2, 3)), s(2.0))",
       [=] {
         Op f = [](S x) { return V{lax::clamp(x[0], x[1], x[2])}; };
         return make_jaxpr(vmap(tree_op(f), in_axes({axis(0), axis(1), Tree::none()})),
                           {Tree(ones({3})), Tree(ones({2, 3})), Tree(f32s(2.0))});
       },
       "{ lambda ; a:f32[3] b:f32[2,3] c:f32[]. let\n"
       "    d:f32[3,2] = transpose[permutation=(1, 0)] b\n"
       "    e:f32[3,2] = broadcast_in_dim c\n"
       "    f:f32[3,2] = broadcast_in_dim[broadcast_dimensions=(0,)] a\n"
       "    g:f32[3,2] = clamp f d e\n"
       "  in (g,) }"},
      {"vmap_integer_pow", "jax.make_jaxpr(jax.vmap(lambda x: lax.integer_pow(x, 3), in_axes=1))(ones((2, 3)))",
       [=] {
         VmapOptions o;
         o.in_axes = axis(1);
         return make_jaxpr(vmap(tree_op([](S x) { return V{lax::integer_pow(x[0], 3)}; }), o),
                           {Tree(ones({2, 3}))});
       },
       "{ lambda ; a:f32[2,3]. let\n"
       "    b:f32[2,3] = integer_pow[y=3] a\n"
       "    c:f32[3,2] = transpose[permutation=(1, 0)] b\n"
       "  in (c,) }"},
      {"vmap_grad_tanh", "jax.make_jaxpr(jax.vmap(jax.grad(lambda x: lax.tanh(x))))(ones((3,)))",
       [=] { return make_jaxpr(vmap(grad(tree_op(un(lax::tanh)))), {Tree(ones({3}))}); },
       "{ lambda ; a:f32[3]. let\n"
       "    b:f32[3] = tanh a\n"
       "    c:f32[3] = sub 1.0:f32[] b\n"
       "    d:f32[3] = mul 1.0:f32[] c\n"
       "    e:f32[3] = mul d b\n"
       "    f:f32[3] = add_any d e\n"
       "  in (f,) }"},
  };
}

}  // namespace

class TstAdElementwise : public QObject {
  Q_OBJECT

 private slots:
  void grads_data();
  void grads();
  void vmap_matches_examples_data();
  void vmap_matches_examples();
  void zero_tangents();
  void max_min_split_ties();
  void polygamma_order_not_differentiable();
  void jaxpr_matches_jax_data();
  void jaxpr_matches_jax();
};

void TstAdElementwise::grads_data() {
  QTest::addColumn<int>("row");
  std::vector<GradCase> cases = grad_cases();
  for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << static_cast<int>(i);
}

void TstAdElementwise::grads() {
  QFETCH(int, row);
  test::X64Scope x64;
  GradCase c = grad_cases()[row];
  std::vector<Value> args;
  for (const In& in : c.inputs) args.push_back(in.array());
  try {
    test::check_grads(c.op, args, 2, true, true, c.tol);
  } catch (const std::exception& e) {
    QFAIL((std::string(e.what()) + " [domain: " + c.domain + "]").c_str());
  }
}

void TstAdElementwise::vmap_matches_examples_data() {
  QTest::addColumn<int>("row");
  QTest::addColumn<int>("combo");
  std::vector<VmapPrim> prims = vmap_prims();
  for (size_t i = 0; i < prims.size(); ++i) {
    std::vector<AxesCombo> cs = combos(prims[i].name, prims[i].dtypes.size());
    for (size_t k = 0; k < cs.size(); ++k)
      QTest::newRow((std::string(prims[i].name) + "/" + cs[k].name).c_str())
          << static_cast<int>(i) << static_cast<int>(k);
  }
}

void TstAdElementwise::vmap_matches_examples() {
  QFETCH(int, row);
  QFETCH(int, combo);
  VmapPrim p = vmap_prims()[row];
  AxesCombo c = combos(p.name, p.dtypes.size())[combo];
  constexpr int64_t kBatch = 4;
  const Shape example{3};
  std::mt19937 rng(7 + 31 * row + combo);
  std::vector<Tree> args, axes;
  std::vector<Array> raw;
  for (size_t i = 0; i < p.dtypes.size(); ++i) {
    int ax = c.axes[i];
    Shape s = example;
    if (ax == N) {
      if (c.scalar_unmapped) s = {};
    } else {
      s.insert(s.begin() + ax, kBatch);
    }
    raw.push_back(random_in(s, p.dtypes[i], p.lo, p.hi, rng));
    args.emplace_back(raw.back());
    axes.push_back(ax == N ? Tree::none() : axis(ax));
  }
  std::vector<Array> per_example;
  for (int64_t b = 0; b < kBatch; ++b) {
    std::vector<Value> ex;
    for (size_t i = 0; i < raw.size(); ++i) ex.push_back(c.axes[i] == N ? raw[i] : test::take(raw[i], c.axes[i], b));
    per_example.push_back(p.op(ex)[0].array());
  }
  Array want = test::stack_along(per_example, 0);
  Array got = vmap(tree_op(p.op), in_axes(axes))(args).leaf().array();
  JXR_COMPARE_ARRAYS(got, want, 1e-6, 1e-6);
}

void TstAdElementwise::zero_tangents() {
  // Rounding, sign, comparisons and integer ops have zero (symbolic) tangents.
  test::X64Scope x64;
  Array x = arr({0.3, -1.2, 2.5}, DType::F64), y = arr({1.0, -1.2, 0.5}, DType::F64);
  Array t = arr({1.0, 2.0, 3.0}, DType::F64);
  std::vector<std::pair<const char*, Op>> ops = {
      {"sign", un(lax::sign)},
      {"floor", un(lax::floor)},
      {"ceil", un(lax::ceil)},
      {"round", [](S a) { return V{lax::round(a[0])}; }},
      {"is_finite", un(lax::is_finite)},
      {"eq", [](S a) { return V{lax::eq(a[0], a[0])}; }},
      {"lt", [](S a) { return V{lax::lt(a[0], lax::neg(a[0]))}; }},
      {"convert_to_int", [](S a) { return V{lax::convert_element_type(a[0], DType::I32)}; }},
      {"int_ops",
       [](S a) {
         Value i = lax::convert_element_type(a[0], DType::I32);
         Value j = lax::rem(lax::bitwise_xor(lax::bitwise_not(i), i), Array::scalar(3, DType::I32));
         return V{lax::max(lax::mul(j, i), lax::abs(i))};
       }},
      {"bool_ops",
       [](S a) {
         Value p = lax::gt(a[0], lax::floor(a[0]));
         return V{lax::bitwise_or(lax::bitwise_and(p, lax::bitwise_not(p)), p)};
       }},
  };
  for (auto& [name, op] : ops) {
    JvpResult r = jvp_flat(op, std::vector<Value>{x}, std::vector<Value>{t});
    if (!ad::is_zero(r.tangents[0])) QFAIL((std::string(name) + ": tangent is not a symbolic zero").c_str());
  }
  // Through a float result: d/dx (floor(x) * x) = floor(x), reverse mode too.
  Fn1 f = [](const Value& v) { return lax::reduce_sum(lax::mul(lax::floor(v), v), {0}); };
  JXR_COMPARE_ARRAYS(grad(f)(x).array(), arr({0, -2, 2}, DType::F64), 0, 0);
  // pow's integer exponent gets no cotangent; the float base does.
  TreeFn g = [](const std::vector<Tree>& a) { return Tree(lax::reduce_sum(lax::pow(a[0].leaf(), a[1].leaf()), {0})); };
  Tree gx = grad(g)({Tree(x), Tree(arr({2, 0, 3}, DType::I32))});
  JXR_COMPARE_ARRAYS(gx.leaf().array(), arr({0.6, 0.0, 3 * 2.5 * 2.5}, DType::F64), 1e-12, 1e-12);
  (void)y;
}

void TstAdElementwise::max_min_split_ties() {
  // JAX's balanced rule: on a tie, each operand gets half the derivative.
  test::X64Scope x64;
  TreeFn mx = [](const std::vector<Tree>& a) { return Tree(lax::max(a[0].leaf(), a[1].leaf())); };
  TreeFn mn = [](const std::vector<Tree>& a) { return Tree(lax::min(a[0].leaf(), a[1].leaf())); };
  for (const TreeFn& f : {mx, mn}) {
    Tree g = grad(f, argnums01())({Tree(f64(1.25)), Tree(f64(1.25))});
    QCOMPARE(g[0].leaf().array().item(0), 0.5);
    QCOMPARE(g[1].leaf().array().item(0), 0.5);
    Tree h = grad(f, argnums01())({Tree(f64(1.25)), Tree(f64(-3.0))});
    QCOMPARE(h[0].leaf().array().item(0) + h[1].leaf().array().item(0), 1.0);
  }
}

void TstAdElementwise::polygamma_order_not_differentiable() {
  // JAX: ValueError("polygamma gradient with respect to m is not supported")
  // once m has a nonzero tangent; a constant m is fine.
  test::X64Scope x64;
  TreeFn f = [](const std::vector<Tree>& a) { return Tree(lax::polygamma(a[0].leaf(), a[1].leaf())); };
  std::string msg;
  try {
    grad(f, argnums01())({Tree(f64(1)), Tree(f64(0.5))});
  } catch (const Error& e) {
    QCOMPARE(e.kind(), ErrorKind::Value);
    msg = e.what();
  }
  QCOMPARE(QString::fromStdString(msg), QString("polygamma gradient with respect to m is not supported"));
  GradOptions wrt_x;
  wrt_x.argnums = {1};
  // d/dx trigamma(x) = polygamma(2, x); polygamma(2, 0.5) = -14 zeta(3).
  Tree g = grad(f, wrt_x)({Tree(f64(1)), Tree(f64(0.5))});
  QCOMPARE(g.leaf().array().item(0), -14 * 1.2020569031595942);
}

void TstAdElementwise::jaxpr_matches_jax_data() {
  QTest::addColumn<int>("row");
  std::vector<JaxprCase> cases = jaxpr_cases();
  for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << static_cast<int>(i);
}

void TstAdElementwise::jaxpr_matches_jax() {
  QFETCH(int, row);
  JaxprCase c = jaxpr_cases()[row];
  QCOMPARE(QString::fromStdString(print_closed_jaxpr(c.make())), QString(c.want));
}

QTEST_APPLESS_MAIN(TstAdElementwise)
#include "tst_ad_elementwise.moc"
