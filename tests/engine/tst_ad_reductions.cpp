// Transformation rules of the reduction, dot_general, sort and random
// primitives: derivatives against finite differences (check_grads), vmap
// against per-example loops, and transformed jaxprs against JAX 0.10.2's.
#include <QtTest>

#include <algorithm>
#include <numeric>
#include <random>

#include "check_grads.h"
#include "engine/jaxpr/print.h"
#include "engine/numpy/numpy.h"
#include "engine/transforms.h"
#include "testutil.h"

using namespace jxr;
using jxr::test::arr;
using std::span;

namespace {

using Dims = std::vector<int64_t>;

// Distinct, well separated values in [-1.25, 1.35] (gaps >= 2.6/(n-1), far
// above the finite-difference step), shuffled: max/min/sort/cummax have no
// ties, products stay moderate, and no value is exactly zero.
Array distinct(const Shape& shape, unsigned seed, DType dtype = DType::F64) {
  int64_t n = shape_size(shape);
  std::vector<int64_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), std::mt19937(seed));
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = -1.25 + 2.6 * double(perm[i]) / double(std::max<int64_t>(n - 1, 1));
  return arr(v, shape, dtype);
}

Value dot(const Value& x, const Value& y, Dims lc, Dims rc, Dims lb = {}, Dims rb = {}) {
  return lax::dot_general(x, y, lax::DotDimensionNumbers{lc, rc, lb, rb});
}

// --- check_grads table ---------------------------------------------------------

struct GradCase {
  const char* name;
  std::vector<Shape> shapes;
  test::FlatF f;
  test::GradTol tol = {};
};

test::FlatF unary(std::function<Value(const Value&)> g) {
  return [g](span<const Value> a) { return std::vector<Value>{g(a[0])}; };
}
test::FlatF binary(std::function<Value(const Value&, const Value&)> g) {
  return [g](span<const Value> a) { return std::vector<Value>{g(a[0], a[1])}; };
}

// Every differentiable primitive of these families, over several params.
// Run in float64 at order 2, forward and reverse; tolerances are
// check_grads' defaults (eps 1e-4, atol = rtol = 1e-5) unless a row says.
const std::vector<GradCase>& grad_cases() {
  static const std::vector<GradCase> cases = {
      {"reduce_sum axes=(0,)", {{2, 3}}, unary([](const Value& x) { return lax::reduce_sum(x, {0}); })},
      {"reduce_sum axes=(1,)", {{2, 3}}, unary([](const Value& x) { return lax::reduce_sum(x, {1}); })},
      {"reduce_sum axes=(0,2)", {{2, 3, 4}}, unary([](const Value& x) { return lax::reduce_sum(x, {0, 2}); })},
      {"reduce_sum axes=()", {{2, 3}}, unary([](const Value& x) { return lax::reduce_sum(x, {}); })},
      {"reduce_sum all", {{2, 3}}, unary([](const Value& x) { return lax::reduce_sum(x, {0, 1}); })},
      {"reduce_max axes=(1,)", {{2, 3, 4}}, unary([](const Value& x) { return lax::reduce_max(x, {1}); })},
      {"reduce_max axes=(0,2)", {{2, 3, 4}}, unary([](const Value& x) { return lax::reduce_max(x, {0, 2}); })},
      {"reduce_max all", {{5}}, unary([](const Value& x) { return lax::reduce_max(x, {0}); })},
      {"reduce_min axes=(0,)", {{3, 4}}, unary([](const Value& x) { return lax::reduce_min(x, {0}); })},
      {"reduce_min axes=(1,2)", {{2, 3, 4}}, unary([](const Value& x) { return lax::reduce_min(x, {1, 2}); })},
      {"reduce_prod axes=(0,) odd", {{5}}, unary([](const Value& x) { return lax::reduce_prod(x, {0}); })},
      {"reduce_prod axes=(1,)", {{2, 4}}, unary([](const Value& x) { return lax::reduce_prod(x, {1}); })},
      {"reduce_prod axes=(0,2)", {{2, 3, 3}}, unary([](const Value& x) { return lax::reduce_prod(x, {0, 2}); })},
      {"reduce_prod axes=()", {{2, 3}}, unary([](const Value& x) { return lax::reduce_prod(x, {}); })},
      {"cumsum axis=0", {{4, 3}}, unary([](const Value& x) { return lax::cumsum(x, 0); })},
      {"cumsum axis=1 reverse", {{2, 5}}, unary([](const Value& x) { return lax::cumsum(x, 1, true); })},
      {"cumprod axis=0", {{5}}, unary([](const Value& x) { return lax::cumprod(x, 0); })},
      {"cumprod axis=1 reverse", {{2, 4}}, unary([](const Value& x) { return lax::cumprod(x, 1, true); })},
      {"cummax axis=0", {{6, 2}}, unary([](const Value& x) { return lax::cummax(x, 0); })},
      {"cummax axis=1 reverse", {{2, 5}}, unary([](const Value& x) { return lax::cummax(x, 1, true); })},
      {"cummin axis=0", {{7}}, unary([](const Value& x) { return lax::cummin(x, 0); })},
      {"cummin axis=1 reverse", {{3, 4}}, unary([](const Value& x) { return lax::cummin(x, 1, true); })},
      {"argmax (zero tangent) * sum", {{4}}, unary([](const Value& x) {
         return lax::mul(lax::reduce_sum(x, {0}), lax::convert_element_type(lax::argmax(x, 0), DType::F64));
       })},
      {"argmin (zero tangent) * sum", {{3, 4}}, unary([](const Value& x) {
         return lax::mul(lax::reduce_sum(x, {1}), lax::convert_element_type(lax::argmin(x, 1), DType::F64));
       })},
      {"matmul", {{2, 3}, {3, 4}}, binary([](const Value& x, const Value& y) { return dot(x, y, {1}, {0}); })},
      {"vector dot", {{3}, {3}}, binary([](const Value& x, const Value& y) { return dot(x, y, {0}, {0}); })},
      {"matrix-vector", {{2, 3}, {3}}, binary([](const Value& x, const Value& y) { return dot(x, y, {1}, {0}); })},
      {"outer product", {{3}, {2}}, binary([](const Value& x, const Value& y) { return dot(x, y, {}, {}); })},
      {"batched matmul", {{2, 3, 4}, {2, 4, 5}},
       binary([](const Value& x, const Value& y) { return dot(x, y, {2}, {1}, {0}, {0}); })},
      {"two contracting dims, swapped order", {{3, 2, 4}, {4, 5, 3}},
       binary([](const Value& x, const Value& y) { return dot(x, y, {0, 2}, {2, 0}); })},
      {"batch dims not leading", {{3, 2, 4}, {4, 2, 5}},
       binary([](const Value& x, const Value& y) { return dot(x, y, {2}, {0}, {1}, {1}); })},
      {"sort 1-d", {{5}}, unary([](const Value& x) { return lax::sort({x}, 0)[0]; })},
      {"sort 2-d dimension=0", {{4, 3}}, unary([](const Value& x) { return lax::sort({x}, 0)[0]; })},
      {"sort 2-d dimension=1", {{3, 4}}, unary([](const Value& x) { return lax::sort({x}, 1)[0]; })},
      {"sort two operands, num_keys=1", {{2, 4}, {2, 4}}, [](span<const Value> a) {
         return lax::sort({a[0], a[1]}, 1, true, 1);
       }},
  };
  return cases;
}

// --- vmap table -------------------------------------------------------------------

struct VmapCase {
  const char* name;
  std::vector<Array> args;
  std::vector<int> in_axes;  // kNotMapped: unbatched
  std::function<std::vector<Value>(span<const Value>)> f;
};

Array bools(const Shape& shape, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<double> v(shape_size(shape));
  for (double& x : v) x = double(rng() % 3 == 0);
  return arr(v, shape, DType::Bool);
}

Array u32(const std::vector<double>& v, Shape shape) { return arr(v, std::move(shape), DType::U32); }

const std::vector<VmapCase>& vmap_cases() {
  auto f32 = [](const Shape& s, unsigned seed) { return distinct(s, seed, DType::F32); };
  auto one = [](std::function<Value(const Value&)> g) {
    return [g](span<const Value> a) { return std::vector<Value>{g(a[0])}; };
  };
  auto two = [](std::function<Value(const Value&, const Value&)> g) {
    return [g](span<const Value> a) { return std::vector<Value>{g(a[0], a[1])}; };
  };
  static const std::vector<VmapCase> cases = {
      {"reduce_sum in_axes=0", {f32({4, 2, 3}, 1)}, {0}, one([](const Value& x) { return lax::reduce_sum(x, {1}); })},
      {"reduce_sum in_axes=1", {f32({2, 4, 3}, 2)}, {1}, one([](const Value& x) { return lax::reduce_sum(x, {0}); })},
      {"reduce_sum in_axes=2 all axes", {f32({2, 3, 4}, 3)}, {2},
       one([](const Value& x) { return lax::reduce_sum(x, {0, 1}); })},
      {"reduce_max in_axes=1", {f32({2, 4, 3}, 4)}, {1}, one([](const Value& x) { return lax::reduce_max(x, {1}); })},
      {"reduce_min in_axes=0", {f32({4, 3}, 5)}, {0}, one([](const Value& x) { return lax::reduce_min(x, {0}); })},
      {"reduce_prod in_axes=1", {f32({3, 4}, 6)}, {1}, one([](const Value& x) { return lax::reduce_prod(x, {0}); })},
      {"reduce_and in_axes=1", {bools({3, 4, 2}, 7)}, {1},
       one([](const Value& x) { return lax::reduce_and(x, {1}); })},
      {"reduce_or in_axes=0", {bools({4, 3, 2}, 8)}, {0}, one([](const Value& x) { return lax::reduce_or(x, {0}); })},
      {"argmax in_axes=1", {f32({3, 4, 2}, 9)}, {1}, one([](const Value& x) { return lax::argmax(x, 0); })},
      {"argmin in_axes=0", {f32({4, 3, 2}, 10)}, {0}, one([](const Value& x) { return lax::argmin(x, 1); })},
      {"cumsum axis after bdim", {f32({4, 3, 2}, 11)}, {0}, one([](const Value& x) { return lax::cumsum(x, 1); })},
      {"cumsum axis before bdim, reverse", {f32({3, 4}, 12)}, {1},
       one([](const Value& x) { return lax::cumsum(x, 0, true); })},
      {"cumprod in_axes=1", {f32({3, 4}, 13)}, {1}, one([](const Value& x) { return lax::cumprod(x, 0); })},
      {"cummax in_axes=0", {f32({4, 5}, 14)}, {0}, one([](const Value& x) { return lax::cummax(x, 0, true); })},
      {"cummin in_axes=2", {f32({2, 3, 4}, 15)}, {2}, one([](const Value& x) { return lax::cummin(x, 1); })},
      {"matmul both batched at 0", {f32({4, 2, 3}, 16), f32({4, 3, 5}, 17)}, {0, 0},
       two([](const Value& x, const Value& y) { return dot(x, y, {1}, {0}); })},
      {"matmul both batched, lhs at 2, rhs at 1", {f32({2, 3, 4}, 18), f32({3, 4, 5}, 19)}, {2, 1},
       two([](const Value& x, const Value& y) { return dot(x, y, {1}, {0}); })},
      {"matmul lhs batched at 1", {f32({2, 4, 3}, 20), f32({3, 5}, 21)}, {1, kNotMapped},
       two([](const Value& x, const Value& y) { return dot(x, y, {1}, {0}); })},
      {"matmul rhs batched at 2", {f32({2, 3}, 22), f32({3, 5, 4}, 23)}, {kNotMapped, 2},
       two([](const Value& x, const Value& y) { return dot(x, y, {1}, {0}); })},
      {"vector dot lhs batched", {f32({4, 3}, 24), f32({3}, 25)}, {0, kNotMapped},
       two([](const Value& x, const Value& y) { return dot(x, y, {0}, {0}); })},
      {"batched dot, both batched", {f32({2, 4, 3, 5}, 26), f32({2, 5, 4, 2}, 27)}, {1, 2},
       two([](const Value& x, const Value& y) { return dot(x, y, {2}, {1}, {0}, {0}); })},
      {"batched dot, rhs batched at 0", {f32({2, 3, 5}, 28), f32({4, 2, 5, 2}, 29)}, {kNotMapped, 0},
       two([](const Value& x, const Value& y) { return dot(x, y, {2}, {1}, {0}, {0}); })},
      {"sort in_axes=1 dimension=0", {f32({3, 4}, 30)}, {1}, one([](const Value& x) { return lax::sort({x}, 0)[0]; })},
      {"sort in_axes=0 dimension=1", {f32({4, 2, 3}, 31)}, {0},
       one([](const Value& x) { return lax::sort({x}, 1)[0]; })},
      {"sort two operands, one unbatched", {f32({2, 4, 3}, 32), f32({2, 3}, 33)}, {1, kNotMapped},
       [](span<const Value> a) { return lax::sort({a[0], a[1]}, 1); }},
      {"threefry2x32 keys unbatched",
       {u32({1, 2}, {2}), u32({3, 4}, {2}), u32({0, 1, 2, 3, 4, 5, 6, 7}, {4, 2}),
        u32({7, 6, 5, 4, 3, 2, 1, 0}, {4, 2})},
       {kNotMapped, kNotMapped, 0, 0},
       [](span<const Value> a) {
         auto o = lax::threefry2x32(a[0], a[1], a[2], a[3]);
         return std::vector<Value>{o[0], o[1]};
       }},
      {"threefry2x32 scalar keys batched, counters unbatched",
       {u32({1, 2, 3}, {3}), u32({5, 6, 7}, {3}), u32({0, 1, 2, 3}, {4}), u32({9, 8, 7, 6}, {4})},
       {0, 0, kNotMapped, kNotMapped},
       [](span<const Value> a) {
         auto o = lax::threefry2x32(a[0], a[1], a[2], a[3]);
         return std::vector<Value>{o[0], o[1]};
       }},
      {"threefry2x32 mixed axes and a scalar key",
       {u32({11}, {}), u32({1, 2, 3, 4, 5, 6}, {3, 2}), u32({0, 1, 2, 3, 4, 5}, {2, 3}), u32({8, 9}, {2})},
       {kNotMapped, 0, 1, kNotMapped},
       [](span<const Value> a) {
         auto o = lax::threefry2x32(a[0], a[1], a[2], a[3]);
         return std::vector<Value>{o[0], o[1]};
       }},
      {"random_bits keys batched at 0", {u32({0, 42, 1, 2, 77, 3, 5, 8}, {4, 2})}, {0},
       one([](const Value& k) { return lax::random_bits(k, 32, {2, 3}); })},
      {"random_bits keys batched at 1 (key data first)", {u32({0, 1, 2, 42, 7, 9}, {2, 3})}, {1},
       one([](const Value& k) { return lax::random_bits(k, 32, {5}); })},
  };
  return cases;
}

// The jaxpr of f at `args`, as printed text.
QString jaxpr_text(const TreeFn& f, const std::vector<Tree>& args) {
  return QString::fromStdString(print_closed_jaxpr(make_jaxpr(f, args)));
}

Array ones(const Shape& s) { return arr(std::vector<double>(shape_size(s), 1.0), s); }

TreeFn jvp_of(std::function<Value(const Value&)> g) {
  return [g](const std::vector<Tree>& a) {
    auto [out, t] = jvp(tree_fn(g), {a[0]}, {a[1]});
    return Tree::tuple({out, t});
  };
}

constexpr int N = kNotMapped;

// The jaxpr of vmap(threefry2x32) over uint32 operands of these shapes mapped
// on these axes (N: unmapped).
QString threefry_vmap_text(std::vector<int> axes, std::vector<Shape> shapes) {
  VmapOptions o;
  std::vector<Tree> in_axes, args;
  for (size_t i = 0; i < axes.size(); ++i) {
    in_axes.push_back(axes[i] == N ? Tree::none() : axis(axes[i]));
    args.emplace_back(Array::full(shapes[i], 1.0, DType::U32));
  }
  o.in_axes = Tree::tuple(in_axes);
  TreeFn f = [](const std::vector<Tree>& a) {
    auto out = lax::threefry2x32(a[0].leaf(), a[1].leaf(), a[2].leaf(), a[3].leaf());
    return Tree::tuple({Tree(out[0]), Tree(out[1])});
  };
  return jaxpr_text(vmap(f, o), args);
}

struct JaxprCase {
  const char* name;
  std::function<QString()> got;
  const char* want;
};

// Expected texts printed by JAX 0.10.2 (python3, x64 off); each row gives
// the snippet (jnp, lax as usual; x = jnp.ones(shape)).
const std::vector<JaxprCase>& jaxpr_cases() {
  static const std::vector<JaxprCase> cases = {
      // jax.make_jaxpr(jax.grad(lambda x: jnp.sum(jnp.tanh(x @ x.T))))(jnp.ones((2,3)))
      {"grad sum tanh matmul",
       [] {
         Fn1 f = [](const Value& x) { return jnp::sum(jnp::tanh(jnp::matmul(x, lax::transpose(x, {1, 0})))); };
         return jaxpr_text(tree_fn(grad(f)), {ones({2, 3})});
       },
       "{ lambda ; a:f32[2,3]. let\n"
       "    b:f32[3,2] = transpose[permutation=(1, 0)] a\n"
       "    c:f32[2,2] = dot_general[\n"
       "      dimension_numbers=(([1], [0]), ([], []))\n"
       "      preferred_element_type=float32\n"
       "    ] a b\n"
       "    d:f32[2,2] = tanh c\n"
       "    e:f32[2,2] = sub 1.0:f32[] d\n"
       "    _:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] d\n"
       "    f:f32[2,2] = broadcast_in_dim 1.0:f32[]\n"
       "    g:f32[2,2] = mul f e\n"
       "    h:f32[2,2] = mul g d\n"
       "    i:f32[2,2] = add_any g h\n"
       "    j:f32[2,3] = dot_general[\n"
       "      dimension_numbers=(([0], [0]), ([], []))\n"
       "      preferred_element_type=float32\n"
       "    ] i a\n"
       "    k:f32[3,2] = transpose[permutation=(1, 0)] j\n"
       "    l:f32[2,3] = dot_general[\n"
       "      dimension_numbers=(([1], [1]), ([], []))\n"
       "      preferred_element_type=float32\n"
       "    ] i b\n"
       "    m:f32[2,3] = transpose[permutation=(1, 0)] k\n"
       "    n:f32[2,3] = add_any l m\n"
       "  in (n,) }"},
      // jax.make_jaxpr(jax.vmap(lambda x: jnp.sum(jnp.tanh(x @ x.T))))(jnp.ones((4,2,3)))
      {"vmap sum tanh matmul",
       [] {
         Fn1 f = [](const Value& x) { return jnp::sum(jnp::tanh(jnp::matmul(x, lax::transpose(x, {1, 0})))); };
         return jaxpr_text(tree_fn(vmap(f)), {ones({4, 2, 3})});
       },
       "{ lambda ; a:f32[4,2,3]. let\n"
       "    b:f32[4,3,2] = transpose[permutation=(0, 2, 1)] a\n"
       "    c:f32[4,2,2] = dot_general[\n"
       "      dimension_numbers=(([2], [1]), ([0], [0]))\n"
       "      preferred_element_type=float32\n"
       "    ] a b\n"
       "    d:f32[4,2,2] = tanh c\n"
       "    e:f32[4] = reduce_sum[axes=(np.int64(1), np.int64(2)) out_sharding=None] d\n"
       "  in (e,) }"},
      // jax.make_jaxpr(jax.grad(lambda x: jnp.max(x)))(jnp.ones(3))
      {"grad max",
       [] {
         Fn1 f = [](const Value& x) { return jnp::max(x); };
         return jaxpr_text(tree_fn(grad(f)), {ones({3})});
       },
       "{ lambda ; a:f32[3]. let\n"
       "    b:f32[] = reduce_max[axes=(0,)] a\n"
       "    c:f32[1] = reshape[dimensions=None new_sizes=(1,) sharding=None] b\n"
       "    d:bool[3] = eq a c\n"
       "    e:f32[3] = convert_element_type[new_dtype=float32 weak_type=False] d\n"
       "    f:f32[] = reduce_sum[axes=(0,) out_sharding=None] e\n"
       "    g:f32[] = div 1.0:f32[] f\n"
       "    h:f32[3] = broadcast_in_dim g\n"
       "    i:f32[3] = mul h e\n"
       "  in (i,) }"},
      // jax.make_jaxpr(jax.grad(lambda x: lax.reduce_sum(jnp.sin(lax.reduce_max(x, (1,))), (0,))))(jnp.ones((2,3)))
      {"grad reduce_max axis 1",
       [] {
         Fn1 f = [](const Value& x) { return lax::reduce_sum(lax::sin(lax::reduce_max(x, {1})), {0}); };
         return jaxpr_text(tree_fn(grad(f)), {ones({2, 3})});
       },
       "{ lambda ; a:f32[2,3]. let\n"
       "    b:f32[2] = reduce_max[axes=(1,)] a\n"
       "    c:f32[2,1] = reshape[dimensions=None new_sizes=(2, 1) sharding=None] b\n"
       "    d:bool[2,3] = eq a c\n"
       "    e:f32[2,3] = convert_element_type[new_dtype=float32 weak_type=False] d\n"
       "    f:f32[2] = reduce_sum[axes=(1,) out_sharding=None] e\n"
       "    g:f32[2] = sin b\n"
       "    h:f32[2] = cos b\n"
       "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] g\n"
       "    i:f32[2] = broadcast_in_dim 1.0:f32[]\n"
       "    j:f32[2] = mul i h\n"
       "    k:f32[2] = div j f\n"
       "    l:f32[2,3] = broadcast_in_dim[broadcast_dimensions=(np.int64(0),)] k\n"
       "    m:f32[2,3] = mul l e\n"
       "  in (m,) }"},
      // jax.make_jaxpr(jax.grad(lambda x: jnp.sum(jnp.sin(lax.cumsum(x, 0)))))(jnp.ones(3))
      {"grad cumsum",
       [] {
         Fn1 f = [](const Value& x) { return jnp::sum(jnp::sin(lax::cumsum(x, 0))); };
         return jaxpr_text(tree_fn(grad(f)), {ones({3})});
       },
       "{ lambda ; a:f32[3]. let\n"
       "    b:f32[3] = cumsum[axis=0 reverse=False] a\n"
       "    c:f32[3] = sin b\n"
       "    d:f32[3] = cos b\n"
       "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] c\n"
       "    e:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    f:f32[3] = mul e d\n"
       "    g:f32[3] = cumsum[axis=0 reverse=True] f\n"
       "  in (g,) }"},
      // jax.make_jaxpr(jax.vmap(lambda x: lax.cumsum(x, 0, reverse=True), in_axes=1, out_axes=1))(jnp.ones((3,4)))
      {"vmap cumsum",
       [] {
         VmapOptions o;
         o.in_axes = axis(1);
         o.out_axes = axis(1);
         return jaxpr_text(vmap(tree_fn([](const Value& x) { return lax::cumsum(x, 0, true); }), o), {ones({3, 4})});
       },
       "{ lambda ; a:f32[3,4]. let b:f32[3,4] = cumsum[axis=0 reverse=True] a in (b,) }"},
      // jax.make_jaxpr(jax.grad(lambda x: jnp.sum(lax.sort(x) * x)))(jnp.ones(3))
      {"grad sort",
       [] {
         Fn1 f = [](const Value& x) { return jnp::sum(lax::mul(lax::sort({x})[0], x)); };
         return jaxpr_text(tree_fn(grad(f)), {ones({3})});
       },
       "{ lambda ; a:f32[3]. let\n"
       "    b:u32[3] = iota[dimension=0 dtype=uint32 shape=(3,) sharding=None] \n"
       "    c:f32[3] d:u32[3] = sort[dimension=0 is_stable=True num_keys=1] a b\n"
       "    e:u32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] d\n"
       "    f:f32[3] = mul c a\n"
       "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] f\n"
       "    g:f32[3] = broadcast_in_dim 1.0:f32[]\n"
       "    h:f32[3] = mul c g\n"
       "    i:f32[3] = mul g a\n"
       "    j:f32[3] = broadcast_in_dim 0.0:f32[]\n"
       "    k:f32[3] = scatter-add[\n"
       "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,), "
       "scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
       "      indices_are_sorted=False\n"
       "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
       "      unique_indices=False\n"
       "      update_consts=()\n"
       "      update_jaxpr={ lambda ; l:f32[] m:f32[]. let n:f32[] = add l m in (n,) }\n"
       "    ] j e i\n"
       "    o:f32[3] = add_any h k\n"
       "  in (o,) }"},
      // jax.make_jaxpr(lambda x, t: jax.jvp(lambda x: lax.sort(x, dimension=1), (x,), (t,)))(
      //     jnp.ones((2,3)), jnp.ones((2,3)))
      {"jvp sort 2-d",
       [] {
         return jaxpr_text(jvp_of([](const Value& x) { return lax::sort({x}, 1)[0]; }), {ones({2, 3}), ones({2, 3})});
       },
       "{ lambda ; a:f32[2,3] b:f32[2,3]. let\n"
       "    c:u32[2,3] = iota[dimension=1 dtype=uint32 shape=(2, 3) sharding=None] \n"
       "    d:f32[2,3] e:u32[2,3] = sort[dimension=1 is_stable=True num_keys=1] a c\n"
       "    f:u32[2,3,1] = broadcast_in_dim[broadcast_dimensions=(0, 1)] e\n"
       "    g:f32[2,3] = gather[\n"
       "      dimension_numbers=GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(1,), "
       "start_index_map=(1,), "
       "operand_batching_dims=(np.int64(0),), start_indices_batching_dims=(np.int64(0),))\n"
       "      fill_value=None\n"
       "      indices_are_sorted=False\n"
       "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
       "      slice_sizes=(1, 1)\n"
       "      unique_indices=False\n"
       "    ] b f\n"
       "  in (d, g) }"},
      // jax.make_jaxpr(jax.vmap(lambda x: lax.sort(x, dimension=0), in_axes=1))(jnp.ones((3,4)))
      {"vmap sort",
       [] {
         VmapOptions o;
         o.in_axes = axis(1);
         return jaxpr_text(vmap(tree_fn([](const Value& x) { return lax::sort({x}, 0)[0]; }), o), {ones({3, 4})});
       },
       "{ lambda ; a:f32[3,4]. let\n"
       "    b:f32[3,4] = sort[dimension=0 is_stable=True num_keys=1] a\n"
       "    c:f32[4,3] = transpose[permutation=(1, 0)] b\n"
       "  in (c,) }"},
      // jax.make_jaxpr(jax.vmap(lambda x: jnp.argmax(x)))(jnp.ones((3,4)))
      {"vmap argmax",
       [] { return jaxpr_text(vmap(tree_fn([](const Value& x) { return jnp::argmax(x); })), {ones({3, 4})}); },
       "{ lambda ; a:f32[3,4]. let\n"
       "    b:i32[3] = argmax[axes=(np.int64(1),) index_dtype=int32] a\n"
       "  in (b,) }"},
      // jax.make_jaxpr(jax.vmap(lambda x: lax.reduce_sum(x, (0,)), in_axes=1))(jnp.ones((3,4,5)))
      {"vmap reduce_sum in_axes=1",
       [] {
         VmapOptions o;
         o.in_axes = axis(1);
         return jaxpr_text(vmap(tree_fn([](const Value& x) { return lax::reduce_sum(x, {0}); }), o), {ones({3, 4, 5})});
       },
       "{ lambda ; a:f32[3,4,5]. let\n"
       "    b:f32[4,5] = reduce_sum[axes=(np.int64(0),) out_sharding=None] a\n"
       "  in (b,) }"},
      // jax.make_jaxpr(jax.vmap(lambda x, w: lax.dot_general(x, w, (([0],[0]),([],[]))), in_axes=(1, None)))(
      //     jnp.ones((3,5)), jnp.ones((3,4)))
      {"vmap dot lhs only",
       [] {
         VmapOptions o;
         o.in_axes = Tree::tuple({axis(1), Tree::none()});
         TreeFn f = [](const std::vector<Tree>& a) { return Tree(dot(a[0].leaf(), a[1].leaf(), {0}, {0})); };
         return jaxpr_text(vmap(f, o), {ones({3, 5}), ones({3, 4})});
       },
       "{ lambda ; a:f32[3,5] b:f32[3,4]. let\n"
       "    c:f32[5,4] = dot_general[dimension_numbers=(([0], [0]), ([], []))] a b\n"
       "  in (c,) }"},
      // jax.make_jaxpr(jax.vmap(lambda x, y: lax.dot_general(x, y, (([1],[0]),([],[]))), in_axes=(2, 1)))(
      //     jnp.ones((2,3,4)), jnp.ones((3,4,5)))
      {"vmap dot both batched",
       [] {
         VmapOptions o;
         o.in_axes = Tree::tuple({axis(2), axis(1)});
         TreeFn f = [](const std::vector<Tree>& a) { return Tree(dot(a[0].leaf(), a[1].leaf(), {1}, {0})); };
         return jaxpr_text(vmap(f, o), {ones({2, 3, 4}), ones({3, 4, 5})});
       },
       "{ lambda ; a:f32[2,3,4] b:f32[3,4,5]. let\n"
       "    c:f32[4,2,5] = dot_general[dimension_numbers=(([1], [0]), ([2], [1]))] a b\n"
       "  in (c,) }"},
      // jax.make_jaxpr(jax.vmap(lambda x, y: lax.dot_general(x, y, (([1],[0]),([],[]))), in_axes=(None, 2)))(
      //     jnp.ones((2,3)), jnp.ones((3,5,4)))
      {"vmap dot rhs only",
       [] {
         VmapOptions o;
         o.in_axes = Tree::tuple({Tree::none(), axis(2)});
         TreeFn f = [](const std::vector<Tree>& a) { return Tree(dot(a[0].leaf(), a[1].leaf(), {1}, {0})); };
         return jaxpr_text(vmap(f, o), {ones({2, 3}), ones({3, 5, 4})});
       },
       "{ lambda ; a:f32[2,3] b:f32[3,5,4]. let\n"
       "    c:f32[2,5,4] = dot_general[dimension_numbers=(([1], [0]), ([], []))] a b\n"
       "    d:f32[4,2,5] = transpose[permutation=(2, 0, 1)] c\n"
       "  in (d,) }"},
      // jax.make_jaxpr(jax.vmap(jax.grad(lambda x: jnp.max(x))))(jnp.ones((4,3)))
      {"vmap grad max",
       [] {
         Fn1 f = [](const Value& x) { return jnp::max(x); };
         return jaxpr_text(tree_fn(vmap(grad(f))), {ones({4, 3})});
       },
       "{ lambda ; a:f32[4,3]. let\n"
       "    b:f32[4] = reduce_max[axes=(np.int64(1),)] a\n"
       "    c:f32[4,1] = reshape[dimensions=None new_sizes=(4, 1) sharding=None] b\n"
       "    d:bool[4,3] = eq a c\n"
       "    e:f32[4,3] = convert_element_type[new_dtype=float32 weak_type=False] d\n"
       "    f:f32[4] = reduce_sum[axes=(np.int64(1),) out_sharding=None] e\n"
       "    g:f32[4] = div 1.0:f32[] f\n"
       "    h:f32[4,3] = broadcast_in_dim[broadcast_dimensions=(0,)] g\n"
       "    i:f32[4,3] = mul h e\n"
       "  in (i,) }"},
      // jax.make_jaxpr(jax.grad(lambda x: lax.reduce_prod(x, (0,))))(jnp.ones(3))
      {"grad reduce_prod",
       [] {
         Fn1 f = [](const Value& x) { return lax::reduce_prod(x, {0}); };
         return jaxpr_text(tree_fn(grad(f)), {ones({3})});
       },
       "{ lambda ; a:f32[3]. let\n"
       "    b:f32[2] = slice[limit_indices=(2,) start_indices=(0,) strides=(1,)] a\n"
       "    c:f32[1] = slice[limit_indices=(3,) start_indices=(2,) strides=(1,)] a\n"
       "    d:f32[2] = pad[padding_config=((0, 1, 0),)] c 1.0:f32[]\n"
       "    e:f32[2] = mul b d\n"
       "    f:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=(1,)] e\n"
       "    g:f32[1] = slice[limit_indices=(2,) start_indices=(1,) strides=(1,)] e\n"
       "    h:f32[1] = mul f g\n"
       "    _:f32[] = squeeze[dimensions=(0,)] h\n"
       "    i:f32[1] = broadcast_in_dim 1.0:f32[]\n"
       "    j:f32[1] = mul f i\n"
       "    k:f32[1] = mul i g\n"
       "    l:f32[2] = pad[padding_config=((1, np.int64(0), 0),)] j 0.0:f32[]\n"
       "    m:f32[2] = pad[padding_config=((0, np.int64(1), 0),)] k 0.0:f32[]\n"
       "    n:f32[2] = add_any l m\n"
       "    o:f32[2] = mul b n\n"
       "    p:f32[2] = mul n d\n"
       "    q:f32[1] = pad[padding_config=((np.int64(0), np.int64(-1), np.int64(0)),)] o\n"
       "      0.0:f32[]\n"
       "    r:f32[1] = slice[\n"
       "      limit_indices=(1,)\n"
       "      start_indices=(np.int64(0),)\n"
       "      strides=(np.int64(1),)\n"
       "    ] q\n"
       "    s:f32[3] = pad[padding_config=((2, np.int64(0), 0),)] r 0.0:f32[]\n"
       "    t:f32[3] = pad[padding_config=((0, np.int64(1), 0),)] p 0.0:f32[]\n"
       "    u:f32[3] = add_any s t\n"
       "  in (u,) }"},
      // jax.make_jaxpr(jax.grad(lambda x, y: lax.dot_general(x, y, (([0],[0]),([],[]))), argnums=(0,1)))(
      //     jnp.ones(3), jnp.ones(3))
      {"grad vector dot",
       [] {
         TreeFn f = [](const std::vector<Tree>& a) { return Tree(dot(a[0].leaf(), a[1].leaf(), {0}, {0})); };
         GradOptions o;
         o.argnums = {0, 1};
         o.argnums_tuple = true;
         return jaxpr_text(grad(f, o), {ones({3}), ones({3})});
       },
       "{ lambda ; a:f32[3] b:f32[3]. let\n"
       "    _:f32[] = dot_general[dimension_numbers=(([0], [0]), ([], []))] a b\n"
       "    c:f32[3] = dot_general[dimension_numbers=(([], []), ([], []))] 1.0:f32[] a\n"
       "    d:f32[3] = dot_general[dimension_numbers=(([], []), ([], []))] 1.0:f32[] b\n"
       "  in (d, c) }"},
      // jax.make_jaxpr(jax.grad(lambda x, y: jnp.sum(lax.dot_general(x, y, (([2],[1]),([0],[0]))))))(
      //     jnp.ones((2,3,4)), jnp.ones((2,4,5)))
      {"grad batched dot",
       [] {
         TreeFn f = [](const std::vector<Tree>& a) {
           return Tree(jnp::sum(dot(a[0].leaf(), a[1].leaf(), {2}, {1}, {0}, {0})));
         };
         return jaxpr_text(grad(f), {ones({2, 3, 4}), ones({2, 4, 5})});
       },
       "{ lambda ; a:f32[2,3,4] b:f32[2,4,5]. let\n"
       "    c:f32[2,3,5] = dot_general[dimension_numbers=(([2], [1]), ([0], [0]))] a b\n"
       "    _:f32[] = reduce_sum[axes=(0, 1, 2) out_sharding=None] c\n"
       "    d:f32[2,3,5] = broadcast_in_dim 1.0:f32[]\n"
       "    e:f32[2,3,4] = dot_general[dimension_numbers=(([2], [2]), ([0], [0]))] d b\n"
       "  in (e,) }"},
      // jax.make_jaxpr(lambda x, t: jax.jvp(lambda x: lax.cumprod(x, 0), (x,), (t,)))(jnp.ones(3), jnp.ones(3))
      {"jvp cumprod",
       [] { return jaxpr_text(jvp_of([](const Value& x) { return lax::cumprod(x, 0); }), {ones({3}), ones({3})}); },
       "{ lambda ; a:f32[3] b:f32[3]. let\n"
       "    c:f32[1] = slice[limit_indices=(2,) start_indices=(0,) strides=(2,)] a\n"
       "    d:f32[1] = slice[limit_indices=(2,) start_indices=(0,) strides=(2,)] b\n"
       "    e:f32[1] = slice[limit_indices=(3,) start_indices=(1,) strides=(2,)] a\n"
       "    f:f32[1] = slice[limit_indices=(3,) start_indices=(1,) strides=(2,)] b\n"
       "    g:f32[1] = mul c e\n"
       "    h:f32[1] = mul d e\n"
       "    i:f32[1] = mul c f\n"
       "    j:f32[1] = add_any h i\n"
       "    k:f32[1] = slice[limit_indices=(3,) start_indices=(2,) strides=(2,)] a\n"
       "    l:f32[1] = slice[limit_indices=(3,) start_indices=(2,) strides=(2,)] b\n"
       "    m:f32[1] = mul g k\n"
       "    n:f32[1] = mul j k\n"
       "    o:f32[1] = mul g l\n"
       "    p:f32[1] = add_any n o\n"
       "    q:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=(1,)] a\n"
       "    r:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=(1,)] b\n"
       "    s:f32[2] = concatenate[dimension=0] q m\n"
       "    t:f32[2] = concatenate[dimension=0] r p\n"
       "    u:f32[3] = pad[padding_config=((0, 0, 1),)] s 0.0:f32[]\n"
       "    v:f32[3] = pad[padding_config=((0, 0, 1),)] t 0.0:f32[]\n"
       "    w:f32[3] = pad[padding_config=((1, 1, 1),)] g 0.0:f32[]\n"
       "    x:f32[3] = pad[padding_config=((1, 1, 1),)] j 0.0:f32[]\n"
       "    y:f32[3] = add u w\n"
       "    z:f32[3] = add v x\n"
       "  in (y, z) }"},
      // jax.make_jaxpr(lambda x, t: jax.jvp(lambda x: lax.reduce_prod(x, (0, 2)), (x,), (t,)))(
      //     jnp.ones((2,3,3)), jnp.ones((2,3,3)))
      {"jvp reduce_prod",
       [] {
         return jaxpr_text(jvp_of([](const Value& x) { return lax::reduce_prod(x, {0, 2}); }),
                           {ones({2, 3, 3}), ones({2, 3, 3})});
       },
       "{ lambda ; a:f32[2,3,3] b:f32[2,3,3]. let\n"
       "    c:f32[6,3] = reshape[dimensions=(0, 2, 1) new_sizes=(6, 3) sharding=None] a\n"
       "    d:f32[6,3] = reshape[dimensions=(0, 2, 1) new_sizes=(6, 3) sharding=None] b\n"
       "    e:f32[3,3] = slice[limit_indices=(3, 3) start_indices=(0, 0) strides=(1, 1)] c\n"
       "    f:f32[3,3] = slice[limit_indices=(3, 3) start_indices=(0, 0) strides=(1, 1)] d\n"
       "    g:f32[3,3] = slice[limit_indices=(6, 3) start_indices=(3, 0) strides=(1, 1)] c\n"
       "    h:f32[3,3] = slice[limit_indices=(6, 3) start_indices=(3, 0) strides=(1, 1)] d\n"
       "    i:f32[3,3] = mul e g\n"
       "    j:f32[3,3] = mul f g\n"
       "    k:f32[3,3] = mul e h\n"
       "    l:f32[3,3] = add_any j k\n"
       "    m:f32[2,3] = slice[limit_indices=(2, 3) start_indices=(0, 0) strides=(1, 1)] i\n"
       "    n:f32[2,3] = slice[limit_indices=(2, 3) start_indices=(0, 0) strides=(1, 1)] l\n"
       "    o:f32[1,3] = slice[limit_indices=(3, 3) start_indices=(2, 0) strides=(1, 1)] i\n"
       "    p:f32[1,3] = slice[limit_indices=(3, 3) start_indices=(2, 0) strides=(1, 1)] l\n"
       "    q:f32[2,3] = pad[padding_config=((0, 1, 0), (0, 0, 0))] o 1.0:f32[]\n"
       "    r:f32[2,3] = pad[padding_config=((0, 1, 0), (0, 0, 0))] p 0.0:f32[]\n"
       "    s:f32[2,3] = mul m q\n"
       "    t:f32[2,3] = mul n q\n"
       "    u:f32[2,3] = mul m r\n"
       "    v:f32[2,3] = add_any t u\n"
       "    w:f32[1,3] = slice[limit_indices=(1, 3) start_indices=(0, 0) strides=(1, 1)] s\n"
       "    x:f32[1,3] = slice[limit_indices=(1, 3) start_indices=(0, 0) strides=(1, 1)] v\n"
       "    y:f32[1,3] = slice[limit_indices=(2, 3) start_indices=(1, 0) strides=(1, 1)] s\n"
       "    z:f32[1,3] = slice[limit_indices=(2, 3) start_indices=(1, 0) strides=(1, 1)] v\n"
       "    ba:f32[1,3] = mul w y\n"
       "    bb:f32[1,3] = mul x y\n"
       "    bc:f32[1,3] = mul w z\n"
       "    bd:f32[1,3] = add_any bb bc\n"
       "    be:f32[3] = squeeze[dimensions=(0,)] ba\n"
       "    bf:f32[3] = squeeze[dimensions=(0,)] bd\n"
       "  in (be, bf) }"},
      // threefry2x32 batches with JAX's broadcast batcher: unbatched operands
      // get a size-1 leading axis and the primitive broadcasts it. With
      //   from jax._src.random.threefry2x32 import threefry2x32_p
      //   u = lambda s: jnp.ones(s, jnp.uint32)
      //   tf = lambda k0, k1, x0, x1: threefry2x32_p.bind(k0, k1, x0, x1)
      // jax.make_jaxpr(jax.vmap(tf, in_axes=(None, None, 0, 0)))(u((2,)), u((2,)), u((4, 2)), u((4, 2)))
      {"vmap threefry2x32 keys unbatched",
       [] { return threefry_vmap_text({N, N, 0, 0}, {{2}, {2}, {4, 2}, {4, 2}}); },
       "{ lambda ; a:u32[2] b:u32[2] c:u32[4,2] d:u32[4,2]. let\n"
       "    e:u32[1,2] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] a\n"
       "    f:u32[1,2] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] b\n"
       "    g:u32[4,2] h:u32[4,2] = threefry2x32 e f c d\n"
       "  in (g, h) }"},
      // jax.make_jaxpr(jax.vmap(tf, in_axes=(0, 0, None, None)))(u((3,)), u((3,)), u((4,)), u((4,)))
      {"vmap threefry2x32 scalar keys batched, counters unbatched",
       [] { return threefry_vmap_text({0, 0, N, N}, {{3}, {3}, {4}, {4}}); },
       "{ lambda ; a:u32[3] b:u32[3] c:u32[4] d:u32[4]. let\n"
       "    e:u32[1,4] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] c\n"
       "    f:u32[1,4] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] d\n"
       "    g:u32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] a\n"
       "    h:u32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] b\n"
       "    i:u32[3,4] j:u32[3,4] = threefry2x32 g h e f\n"
       "  in (i, j) }"},
      // jax.make_jaxpr(jax.vmap(tf, in_axes=(None, 0, 1, None)))(u(()), u((3,2)), u((2,3)), u((2,)))
      {"vmap threefry2x32 mixed axes and a scalar",
       [] { return threefry_vmap_text({N, 0, 1, N}, {{}, {3, 2}, {2, 3}, {2}}); },
       "{ lambda ; a:u32[] b:u32[3,2] c:u32[2,3] d:u32[2]. let\n"
       "    e:u32[3,2] = transpose[permutation=(1, 0)] c\n"
       "    f:u32[1,2] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] d\n"
       "    g:u32[3,2] h:u32[3,2] = threefry2x32 a b e f\n"
       "  in (g, h) }"},
      // jax.make_jaxpr(jax.vmap(tf, in_axes=(0, None, None, None)))(u((3,)), u(()), u((4,)), u(()))
      {"vmap threefry2x32 one key batched",
       [] { return threefry_vmap_text({0, N, N, N}, {{3}, {}, {4}, {}}); },
       "{ lambda ; a:u32[3] b:u32[] c:u32[4] d:u32[]. let\n"
       "    e:u32[1,4] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] c\n"
       "    f:u32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] a\n"
       "    g:u32[3,4] h:u32[3,4] = threefry2x32 f b e d\n"
       "  in (g, h) }"},
  };
  return cases;
}

}  // namespace

class TstAdReductions : public QObject {
  Q_OBJECT

 private slots:
  void check_grads_table_data();
  void check_grads_table();
  void vmap_matches_loop_data();
  void vmap_matches_loop();
  void vmap_random_bits_per_key();
  void jaxpr_matches_jax_data();
  void jaxpr_matches_jax();
  void zero_tangents();
};

void TstAdReductions::check_grads_table_data() {
  QTest::addColumn<int>("row");
  const auto& cases = grad_cases();
  for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << int(i);
}

void TstAdReductions::check_grads_table() {
  QFETCH(int, row);
  const GradCase& c = grad_cases()[row];
  test::X64Scope x64;
  std::vector<Value> args;
  for (size_t i = 0; i < c.shapes.size(); ++i) args.push_back(distinct(c.shapes[i], 100 * unsigned(row) + unsigned(i)));
  try {
    test::check_grads(c.f, args, 2, true, true, c.tol);
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
}

void TstAdReductions::vmap_matches_loop_data() {
  QTest::addColumn<int>("row");
  const auto& cases = vmap_cases();
  for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << int(i);
}

// vmap(f) == stacking f over the examples (outputs batched at 0).
void TstAdReductions::vmap_matches_loop() {
  QFETCH(int, row);
  const VmapCase& c = vmap_cases()[row];
  std::vector<Value> args(c.args.begin(), c.args.end());
  int64_t size = -1;
  for (size_t i = 0; i < args.size(); ++i)
    if (c.in_axes[i] != kNotMapped) size = args[i].shape()[c.in_axes[i]];
  std::vector<std::vector<Value>> per_example;
  for (int64_t b = 0; b < size; ++b) {
    std::vector<Value> ex;
    for (size_t i = 0; i < args.size(); ++i)
      ex.push_back(c.in_axes[i] == kNotMapped ? args[i] : test::take(args[i], c.in_axes[i], b));
    per_example.push_back(c.f(ex));
  }
  std::vector<int> out_dims(per_example[0].size(), 0);
  std::vector<Value> got;
  try {
    got = vmap_flat(c.f, args, c.in_axes, out_dims, size);
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
  QCOMPARE(got.size(), per_example[0].size());
  for (size_t k = 0; k < got.size(); ++k)
    for (int64_t b = 0; b < size; ++b) {
      // Batched float32 contractions may sum in another order than one example's.
      JXR_COMPARE_ARRAYS(test::take(got[k], 0, b).array(), per_example[b][k].array(), 1e-6, 1e-6);
    }
}

// jax.random's contract: vmap over a batch of keys gives each key's own bits.
void TstAdReductions::vmap_random_bits_per_key() {
  Array keys = u32({0, 42, 1, 2, 77, 3, 5, 8, 4000000000.0, 1}, {5, 2});
  Fn1 bits = [](const Value& k) { return lax::random_bits(k, 32, {3, 2}); };
  Value batched = vmap(bits)(keys);
  QCOMPARE(batched.shape(), (Shape{5, 3, 2}));
  for (int64_t b = 0; b < 5; ++b)
    JXR_COMPARE_ARRAYS(test::take(batched, 0, b).array(), bits(test::take(keys, 0, b)).array(), 0, 0);
  // jax.random.bits(jax.random.wrap_key_data(jnp.array([0, 42], jnp.uint32)), (3, 2)) in JAX 0.10.2.
  Array want = u32({2098992034, 2919706841, 2646866425, 2409546199, 1935504149, 2516274904}, {3, 2});
  JXR_COMPARE_ARRAYS(test::take(batched, 0, 0).array(), want, 0, 0);
}

void TstAdReductions::jaxpr_matches_jax_data() {
  QTest::addColumn<int>("row");
  const auto& cases = jaxpr_cases();
  for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << int(i);
}

void TstAdReductions::jaxpr_matches_jax() {
  QFETCH(int, row);
  const JaxprCase& c = jaxpr_cases()[row];
  QString got;
  try {
    got = c.got();
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
  QCOMPARE(got, QString(c.want));
}

// Integer outputs (argmax, argmin) carry symbolic zero tangents.
void TstAdReductions::zero_tangents() {
  test::FlatF f = [](span<const Value> a) { return std::vector<Value>{lax::argmax(a[0], 1), lax::argmin(a[0], 0)}; };
  std::vector<Value> x{distinct({2, 3}, 1, DType::F32)}, t{distinct({2, 3}, 2, DType::F32)};
  JvpResult r = jvp_flat(f, x, t);
  QVERIFY(ad::is_zero(r.tangents[0]));
  QVERIFY(ad::is_zero(r.tangents[1]));
  JXR_COMPARE_ARRAYS(r.primals[0].array(), lax::argmax(x[0], 1).array(), 0, 0);
}

QTEST_APPLESS_MAIN(TstAdReductions)
#include "tst_ad_reductions.moc"
