// Transformation rules of the structural primitives (broadcast_in_dim,
// reshape, squeeze, transpose, rev, concatenate, pad, split, stack, unstack,
// copy):
// - grads: one table of ops, each checked with check_grads in float64,
//   forward and reverse, to order 2, alone and composed with sin/mul so that
//   the second order is not trivially zero;
// - vmap: vmap(f) against the per-example results stacked, for mapped axes
//   0, 1, -1, unmapped operands and out_axes other than 0;
// - jaxpr text of grad and vmap against JAX 0.10.2's, exactly.
#include <QtTest>

#include <limits>
#include <random>

#include "check_grads.h"
#include "engine/jaxpr/print.h"
#include "engine/numpy/numpy.h"
#include "engine/transforms.h"
#include "testutil.h"

using namespace jxr;
using jxr::test::arr;
using jxr::test::scalar;

namespace {

using Op = std::function<std::vector<Value>(std::span<const Value>)>;
const Array kNone;  // marks "this operand is not mapped" in the vmap table

Array f64(double v) { return Array::scalar(v, DType::F64); }

Array random_array(const Shape& shape, std::mt19937& rng, DType dtype = DType::F64) {
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<double> v(static_cast<size_t>(shape_size(shape)));
  for (double& x : v) x = n(rng);
  return arr(v, shape, dtype);
}

std::vector<lax::PadDim> pads(std::initializer_list<lax::PadDim> d) { return d; }

// --- the op table -------------------------------------------------------------
// Each op maps its operands to its outputs; shapes are those of one example
// (the grads table uses them as is, the vmap table adds a batch axis).

struct OpCase {
  const char* name;
  Op op;
  std::vector<Shape> shapes;
};

std::vector<OpCase> op_cases() {
  using V = std::vector<Value>;
  using S = std::span<const Value>;
  return {
      {"broadcast_in_dim/new_leading", [](S a) { return V{lax::broadcast_in_dim(a[0], {3, 2}, {1})}; }, {{2}}},
      {"broadcast_in_dim/unit_dim", [](S a) { return V{lax::broadcast_in_dim(a[0], {2, 4, 3}, {0, 2})}; },
       {{1, 3}}},
      {"broadcast_in_dim/scalar", [](S a) { return V{lax::broadcast_in_dim(a[0], {2, 3}, {})}; }, {{}}},
      {"broadcast_in_dim/identity", [](S a) { return V{lax::broadcast_in_dim(a[0], {2, 3}, {0, 1})}; }, {{2, 3}}},
      {"reshape/plain", [](S a) { return V{lax::reshape(a[0], {3, 2})}; }, {{2, 3}}},
      {"reshape/dimensions", [](S a) { return V{lax::reshape(a[0], {4, 6}, std::vector<int64_t>{2, 0, 1})}; },
       {{2, 3, 4}}},
      {"reshape/to_scalar", [](S a) { return V{lax::reshape(a[0], {})}; }, {{1, 1}}},
      {"squeeze/two_dims", [](S a) { return V{lax::squeeze(a[0], {0, 2})}; }, {{1, 3, 1}}},
      {"squeeze/last", [](S a) { return V{lax::squeeze(a[0], {1})}; }, {{4, 1}}},
      {"transpose/2d", [](S a) { return V{lax::transpose(a[0], {1, 0})}; }, {{2, 3}}},
      {"transpose/3d", [](S a) { return V{lax::transpose(a[0], {2, 0, 1})}; }, {{2, 3, 4}}},
      {"rev/one_dim", [](S a) { return V{lax::rev(a[0], {1})}; }, {{2, 3}}},
      {"rev/all_dims", [](S a) { return V{lax::rev(a[0], {0, 1})}; }, {{2, 3}}},
      {"concatenate/repeated_operand", [](S a) { return V{lax::concatenate({a[0], a[1], a[0]}, 1)}; },
       {{2, 3}, {2, 1}}},
      {"concatenate/constant_operand",
       [](S a) { return V{lax::concatenate({a[0], lax::broadcast_in_dim(f64(0.5), {1, 3}, {})}, 0)}; }, {{2, 3}}},
      {"pad/lo_hi_interior", [](S a) { return V{lax::pad(a[0], a[1], pads({{1, 2, 0}, {0, 2, 1}}))}; },
       {{2, 3}, {}}},
      {"pad/negative", [](S a) { return V{lax::pad(a[0], a[1], pads({{1, -1, 1}, {-1, 2, 0}}))}; }, {{2, 3}, {}}},
      {"pad/constant_value", [](S a) { return V{lax::pad(a[0], f64(1.5), pads({{2, 1, 2}}))}; }, {{3}}},
      {"pad/constant_operand",
       [](S a) { return V{lax::pad(lax::broadcast_in_dim(f64(2.0), {2, 2}, {}), a[0], pads({{1, 0, 1}, {0, 1, 0}}))}; },
       {{}}},
      {"split/axis1", [](S a) { return lax::split(a[0], {1, 2}, 1); }, {{2, 3}}},
      {"split/one_piece_used", [](S a) { return V{lax::split(a[0], {2, 1, 1}, 0)[1]}; }, {{4, 2}}},
      {"stack/axis0",
       [](S a) {
         static const Primitive& p = get_primitive("stack");
         return jxr::bind(p, a, {{"axis", Param::integer(0)}});
       },
       {{2, 3}, {2, 3}}},
      {"stack/axis2",
       [](S a) {
         static const Primitive& p = get_primitive("stack");
         std::vector<Value> ops{a[0], a[1], a[0]};
         return jxr::bind(p, ops, {{"axis", Param::integer(2)}});
       },
       {{2, 3}, {2, 3}}},
      {"unstack/axis0", [](S a) { return lax::unstack(a[0], 0); }, {{3, 2}}},
      {"unstack/axis1_one_piece_used", [](S a) { return V{lax::unstack(a[0], 1)[2]}; }, {{2, 4}}},
      {"unstack/vector", [](S a) { return lax::unstack(a[0], -1); }, {{3}}},
      {"copy", [](S a) { return V{lax::copy(a[0])}; }, {{2, 3}}},
  };
}

// f(sin(x)) * f(x) output by output: the rules then run on primals and on
// tangents that depend on them, and the second derivative is not zero.
Op composite(const Op& op) {
  return [op](std::span<const Value> a) {
    std::vector<Value> s;
    for (const Value& x : a) s.push_back(lax::sin(x));
    std::vector<Value> p = op(s), q = op(a), out;
    for (size_t i = 0; i < p.size(); ++i) out.push_back(lax::mul(p[i], q[i]));
    return out;
  };
}

// --- vmap reference -----------------------------------------------------------


struct VmapCase {
  const char* name;
  Op op;
  std::vector<Shape> shapes;
  std::vector<int> in_axes;  // N: not mapped; negative counts from the end
  int out_axis;
};

// Not mapped (an int that no axis is: kNotMapped is -1, a valid axis here).
constexpr int N = std::numeric_limits<int>::min();

std::vector<VmapCase> vmap_cases() {
  std::vector<VmapCase> out;
  std::vector<OpCase> ops = op_cases();
  auto op = [&](const char* name) {
    for (const OpCase& c : ops)
      if (std::string(c.name) == name) return c;
    throw std::runtime_error(std::string("no op ") + name);
  };
  auto add = [&](const char* name, const char* op_name, std::vector<int> in_axes, int out_axis) {
    OpCase c = op(op_name);
    out.push_back({name, c.op, c.shapes, std::move(in_axes), out_axis});
  };
  add("broadcast_in_dim/in0", "broadcast_in_dim/new_leading", {0}, 0);
  add("broadcast_in_dim/in-1_out1", "broadcast_in_dim/unit_dim", {-1}, 1);
  add("broadcast_in_dim/scalar_out2", "broadcast_in_dim/scalar", {0}, 2);
  add("reshape/in1", "reshape/plain", {1}, 0);
  add("reshape/dimensions_in-1_out1", "reshape/dimensions", {-1}, 1);
  add("reshape/to_scalar_in2", "reshape/to_scalar", {2}, 0);
  add("squeeze/in1_out1", "squeeze/two_dims", {1}, 1);
  add("squeeze/in-1", "squeeze/last", {-1}, 0);
  add("transpose/in0", "transpose/3d", {0}, 0);
  add("transpose/in1_out-1", "transpose/3d", {1}, -1);
  add("transpose/in-1_out2", "transpose/2d", {-1}, 2);
  add("rev/in0", "rev/all_dims", {0}, 0);
  add("rev/in1_out1", "rev/one_dim", {1}, 1);
  add("rev/in-1", "rev/all_dims", {-1}, 0);
  add("concatenate/both_in1", "concatenate/repeated_operand", {1, 1}, 0);
  add("concatenate/unmapped_first", "concatenate/repeated_operand", {N, 0}, 1);
  add("concatenate/unmapped_second_in-1", "concatenate/repeated_operand", {-1, N}, -1);
  add("pad/operand_only", "pad/lo_hi_interior", {0, N}, 0);
  add("pad/operand_in1_out1", "pad/negative", {1, N}, 1);
  add("pad/value_only", "pad/negative", {N, 0}, 0);
  add("pad/both_in-1_out2", "pad/lo_hi_interior", {-1, 0}, 2);
  add("split/in0", "split/axis1", {0}, 0);
  add("split/in2_out1", "split/axis1", {2}, 1);
  add("split/in-1", "split/one_piece_used", {-1}, 0);
  add("stack/same_in0", "stack/axis0", {0, 0}, 0);
  add("stack/same_in2_axis2", "stack/axis2", {2, 2}, 1);
  add("stack/mixed", "stack/axis0", {1, 0}, 0);
  add("stack/unmapped_out-1", "stack/axis2", {N, -1}, -1);
  add("unstack/in0", "unstack/axis0", {0}, 0);
  add("unstack/in1_out1", "unstack/axis0", {1}, 1);
  add("unstack/in2_before_batch", "unstack/axis1_one_piece_used", {2}, 0);
  add("unstack/in-1_out-1", "unstack/axis0", {-1}, -1);
  add("unstack/vector_in1", "unstack/vector", {1}, 0);
  add("copy/in1_out1", "copy", {1}, 1);
  // -2 counts from the end too, and does not collide with kNotMapped (-1).
  add("reshape/dimensions_in-2_out-2", "reshape/dimensions", {-2}, -2);
  add("transpose/in-2_out-3", "transpose/3d", {-2}, -3);
  add("concatenate/unmapped_first_in-2", "concatenate/repeated_operand", {N, -2}, -2);
  add("pad/both_in-2", "pad/lo_hi_interior", {-2, 0}, 0);
  add("split/in-2_out-2", "split/axis1", {-2}, -2);
  return out;
}

constexpr int64_t kBatch = 4;

// The expected text and the jaxray text of one jaxpr.
// On a mismatch both texts are printed whole (QCOMPARE truncates them).
#define COMPARE_JAXPR(cj, want)                                                          \
  do {                                                                                   \
    QString got_ = QString::fromStdString(print_closed_jaxpr(cj)), want_ = QString(want); \
    if (got_ != want_) qWarning().noquote() << "got:\n" << got_ << "\nwant:\n" << want_;  \
    QCOMPARE(got_, want_);                                                               \
  } while (0)

Tree leaf_tuple(const std::vector<Value>& vs) {
  std::vector<Tree> t;
  for (const Value& v : vs) t.emplace_back(v);
  return Tree::tuple(std::move(t));
}

std::vector<Value> tree_leaves(const std::vector<Tree>& ts) {
  std::vector<Value> out;
  for (const Tree& t : ts) out.push_back(t.leaf());
  return out;
}

}  // namespace

class TstAdStructural : public QObject {
  Q_OBJECT

 private slots:
  void grads_data();
  void grads();
  void vmap_matches_examples_data();
  void vmap_matches_examples();
  void pad_value_cotangent_with_constant_operand();
  void jaxpr_grad_chain();
  void jaxpr_grad_chain2();
  void jaxpr_grad_with_sum();
  void jaxpr_grad_stack();
  void jaxpr_unstack();
  void jaxpr_vmap();
  void jaxpr_jacfwd_and_vmap_of_grad();
};

void TstAdStructural::grads_data() {
  QTest::addColumn<int>("row");
  std::vector<OpCase> cases = op_cases();
  for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << static_cast<int>(i);
}

void TstAdStructural::grads() {
  QFETCH(int, row);
  test::X64Scope x64;
  OpCase c = op_cases()[row];
  std::mt19937 rng(1234 + row);
  std::vector<Value> args;
  for (const Shape& s : c.shapes) args.push_back(random_array(s, rng));
  // Default tolerances (eps 1e-4 central differences, atol = rtol = 1e-5):
  // these ops are exact in float64, only the sin/mul composite carries
  // truncation error, O(eps^2).
  test::GradTol tol;
  try {
    test::check_grads(c.op, args, 2, true, true, tol);
    test::check_grads(composite(c.op), args, 2, true, true, tol);
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
}

void TstAdStructural::vmap_matches_examples_data() {
  QTest::addColumn<int>("row");
  std::vector<VmapCase> cases = vmap_cases();
  for (size_t i = 0; i < cases.size(); ++i) QTest::newRow(cases[i].name) << static_cast<int>(i);
}

void TstAdStructural::vmap_matches_examples() {
  QFETCH(int, row);
  VmapCase c = vmap_cases()[row];
  std::mt19937 rng(99 + row);
  std::vector<Tree> args;
  std::vector<Tree> axes;
  std::vector<int> canon;
  for (size_t i = 0; i < c.shapes.size(); ++i) {
    Shape s = c.shapes[i];
    int ax = c.in_axes[i];
    if (ax == N) {
      args.emplace_back(random_array(s, rng, DType::F32));
      axes.push_back(Tree::none());
      canon.push_back(N);
      continue;
    }
    int pos = ax < 0 ? ax + static_cast<int>(s.size()) + 1 : ax;
    s.insert(s.begin() + pos, kBatch);
    args.emplace_back(random_array(s, rng, DType::F32));
    axes.push_back(axis(ax));
    canon.push_back(pos);
  }
  Op op = c.op;
  TreeFn f = [op](const std::vector<Tree>& a) { return leaf_tuple(op(tree_leaves(a))); };
  VmapOptions opts;
  opts.in_axes = Tree::tuple(axes);
  opts.out_axes = axis(c.out_axis);
  Tree got = vmap(f, opts)(args);

  std::vector<std::vector<Array>> per_output;
  for (int64_t b = 0; b < kBatch; ++b) {
    std::vector<Value> ex;
    for (size_t i = 0; i < args.size(); ++i) {
      const Array& a = args[i].leaf().array();
      ex.push_back(canon[i] == N ? a : test::take(a, canon[i], b));
    }
    std::vector<Value> outs = op(ex);
    per_output.resize(outs.size());
    for (size_t k = 0; k < outs.size(); ++k) per_output[k].push_back(outs[k].array());
  }
  for (size_t k = 0; k < per_output.size(); ++k) {
    int out_rank = per_output[k][0].ndim() + 1;
    int oa = c.out_axis < 0 ? c.out_axis + out_rank : c.out_axis;
    Array want = test::stack_along(per_output[k], oa);
    JXR_COMPARE_ARRAYS(got[k].leaf().array(), want, 0, 0);
  }
}

void TstAdStructural::pad_value_cotangent_with_constant_operand() {
  // d/dv sum(pad(ones(3), v, (1, 1, 0))) = 2: the two padded positions.
  // (JAX 0.10.2 fails on this one: its _pad_transpose only crops the
  // cotangent when the operand is linear, then sums None.)
  Fn1 f = [](const Value& v) {
    Value p = lax::pad(lax::broadcast_in_dim(scalar(1.0), {3}, {}), v, {{1, 1, 0}});
    std::vector<Value> pieces = lax::split(p, {1, 1, 1, 1, 1}, 0);
    Value s = pieces[0];
    for (size_t i = 1; i < pieces.size(); ++i) s = lax::add(s, pieces[i]);
    return lax::squeeze(s, {0});
  };
  QCOMPARE(grad(f)(scalar(0.5)).array().item(0), 2.0);
}

// --- jaxprs against JAX 0.10.2 -------------------------------------------------

void TstAdStructural::jaxpr_grad_chain() {
  // import jax, jax.numpy as jnp; from jax import lax   (JAX 0.10.2)
  // def chain(x, y):
  //     a = lax.broadcast_in_dim(x, (1, 1), ())
  //     b = lax.reshape(y, (1, 1))
  //     c = lax.concatenate([a, b], 0)
  //     d = lax.rev(c, (0,))
  //     e = lax.transpose(d, (1, 0))
  //     g = lax.pad(e, 0., [(0, 0, 0), (-1, 0, 0)])
  //     return lax.squeeze(g, (0, 1)) * 2.
  // print(jax.make_jaxpr(jax.grad(chain, argnums=(0, 1)))(1., jnp.ones(1)))
  TreeFn chain = [](const std::vector<Tree>& a) {
    Value x = a[0].leaf(), y = a[1].leaf();
    Value c = lax::concatenate({lax::broadcast_in_dim(x, {1, 1}, {}), lax::reshape(y, {1, 1})}, 0);
    Value e = lax::transpose(lax::rev(c, {0}), {1, 0});
    Value g = lax::pad(e, scalar(0.0), {{0, 0, 0}, {-1, 0, 0}});
    return Tree(lax::mul(lax::squeeze(g, {0, 1}), scalar(2.0)));
  };
  GradOptions o;
  o.argnums = {0, 1};
  o.argnums_tuple = true;
  COMPARE_JAXPR(make_jaxpr(grad(chain, o), {Tree(scalar(1.0)), Tree(arr({1.0}))}),
                R"({ lambda ; a:f32[] b:f32[1]. let
    c:f32[1,1] = broadcast_in_dim a
    d:f32[1,1] = reshape[dimensions=None new_sizes=(1, 1) sharding=None] b
    e:f32[2,1] = concatenate[dimension=0] c d
    f:f32[2,1] = rev[dimensions=(0,)] e
    g:f32[1,2] = transpose[permutation=(1, 0)] f
    h:f32[1,1] = pad[padding_config=((0, 0, 0), (-1, 0, 0))] g 0.0:f32[]
    i:f32[] = squeeze[dimensions=(0, 1)] h
    _:f32[] = mul i 2.0:f32[]
    j:f32[] = mul 1.0:f32[] 2.0:f32[]
    k:f32[1,1] = broadcast_in_dim j
    l:f32[1,2] = pad[
      padding_config=((np.int64(0), np.int64(0), np.int64(0)), (np.int64(1), np.int64(0), np.int64(0)))
    ] k 0.0:f32[]
    m:f32[1,2] = slice[
      limit_indices=(1, 2)
      start_indices=(np.int64(0), np.int64(0))
      strides=(np.int64(1), np.int64(1))
    ] l
    n:f32[2,1] = transpose[permutation=(1, 0)] m
    o:f32[2,1] = rev[dimensions=(0,)] n
    p:f32[1,1] q:f32[1,1] = split[axis=0 sizes=(1, 1)] o
    r:f32[1] = reshape[dimensions=None new_sizes=(1,) sharding=None] q
    s:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] p
  in (s, r) })");
}

void TstAdStructural::jaxpr_grad_chain2() {
  // import jax, jax.numpy as jnp; from jax import lax   (JAX 0.10.2)
  // def chain2(x, v):
  //     a = lax.reshape(x, (3, 2), (1, 0))
  //     b = lax.pad(a, v, [(1, 0, 1), (0, -1, 0)])
  //     c = lax.split(b, (2, 4), 0)[1]
  //     d = lax.concatenate([c, c], 0)
  //     e = lax.reshape(lax.copy_p.bind(d), (8,))
  //     f = lax.pad(e, 0., [(0, -7, 0)])
  //     return lax.squeeze(f, (0,))
  // print(jax.make_jaxpr(jax.grad(chain2, argnums=(0, 1)))(jnp.ones((2, 3)), 0.))
  TreeFn chain2 = [](const std::vector<Tree>& a) {
    Value x = a[0].leaf(), v = a[1].leaf();
    Value r = lax::reshape(x, {3, 2}, std::vector<int64_t>{1, 0});
    Value b = lax::pad(r, v, {{1, 0, 1}, {0, -1, 0}});
    Value c = lax::split(b, {2, 4}, 0)[1];
    Value e = lax::reshape(lax::copy(lax::concatenate({c, c}, 0)), {8});
    return Tree(lax::squeeze(lax::pad(e, scalar(0.0), {{0, -7, 0}}), {0}));
  };
  GradOptions o;
  o.argnums = {0, 1};
  o.argnums_tuple = true;
  COMPARE_JAXPR(make_jaxpr(grad(chain2, o), {Tree(arr({1, 1, 1, 1, 1, 1}, {2, 3})), Tree(scalar(0.0))}),
                R"({ lambda ; a:f32[2,3] b:f32[]. let
    c:f32[3,2] = reshape[dimensions=(1, 0) new_sizes=(3, 2) sharding=None] a
    d:f32[6,1] = pad[padding_config=((1, 0, 1), (0, -1, 0))] c b
    _:f32[2,1] e:f32[4,1] = split[axis=0 sizes=(2, 4)] d
    f:f32[8,1] = concatenate[dimension=0] e e
    g:f32[8,1] = copy f
    h:f32[8] = reshape[dimensions=None new_sizes=(8,) sharding=None] g
    i:f32[1] = pad[padding_config=((0, -7, 0),)] h 0.0:f32[]
    _:f32[] = squeeze[dimensions=(0,)] i
    j:f32[1] = broadcast_in_dim 1.0:f32[]
    k:f32[8] = pad[padding_config=((np.int64(0), np.int64(7), np.int64(0)),)] j 0.0:f32[]
    l:f32[8] = slice[
      limit_indices=(8,)
      start_indices=(np.int64(0),)
      strides=(np.int64(1),)
    ] k
    m:f32[8,1] = reshape[dimensions=None new_sizes=(8, 1) sharding=None] l
    n:f32[8,1] = copy m
    o:f32[4,1] p:f32[4,1] = split[axis=0 sizes=(4, 4)] n
    q:f32[4,1] = add_any o p
    r:f32[2,1] = broadcast_in_dim 0.0:f32[]
    s:f32[6,1] = concatenate[dimension=0] r q
    t:f32[5,2] = pad[
      padding_config=((np.int64(-1), np.int64(0), np.int64(0)), (np.int64(0), np.int64(1), np.int64(0)))
    ] s 0.0:f32[]
    u:f32[3,2] = slice[
      limit_indices=(5, 2)
      start_indices=(np.int64(0), np.int64(0))
      strides=(np.int64(2), np.int64(1))
    ] t
    v:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] s
    w:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] u
    x:f32[] = sub v w
    y:f32[2,3] = transpose[permutation=(1, 0)] u
  in (y, x) })");
}

void TstAdStructural::jaxpr_grad_with_sum() {
  GradOptions two;
  two.argnums = {0, 1};
  two.argnums_tuple = true;
  {
    // jax.make_jaxpr(jax.grad(lambda x: jnp.sum(jnp.broadcast_to(x, (3, 2)) * 2.)))(jnp.ones(2))
    Fn1 f = [](const Value& x) {
      return lax::reduce_sum(lax::mul(lax::broadcast_in_dim(x, {3, 2}, {1}), scalar(2.0)), {0, 1});
    };
    COMPARE_JAXPR(make_jaxpr(grad(f), Value(arr({1, 1}))), R"({ lambda ; a:f32[2]. let
    b:f32[3,2] = broadcast_in_dim[broadcast_dimensions=(1,)] a
    c:f32[3,2] = mul b 2.0:f32[]
    _:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] c
    d:f32[3,2] = broadcast_in_dim 1.0:f32[]
    e:f32[3,2] = mul d 2.0:f32[]
    f:f32[2] = reduce_sum[axes=(0,) out_sharding=None] e
  in (f,) })");
  }
  {
    // jax.make_jaxpr(jax.grad(lambda x: jnp.sum(lax.broadcast_in_dim(x, (3, 4, 2), (0, 2)))))(jnp.ones((1, 2)))
    Fn1 f = [](const Value& x) { return lax::reduce_sum(lax::broadcast_in_dim(x, {3, 4, 2}, {0, 2}), {0, 1, 2}); };
    COMPARE_JAXPR(make_jaxpr(grad(f), Value(arr({1, 1}, {1, 2}))), R"({ lambda ; a:f32[1,2]. let
    b:f32[3,4,2] = broadcast_in_dim[broadcast_dimensions=(0, 2)] a
    _:f32[] = reduce_sum[axes=(0, 1, 2) out_sharding=None] b
    c:f32[3,4,2] = broadcast_in_dim 1.0:f32[]
    d:f32[2] = reduce_sum[axes=(0, 1) out_sharding=None] c
    e:f32[1,2] = broadcast_in_dim[broadcast_dimensions=(1,)] d
  in (e,) })");
  }
  {
    // jax.make_jaxpr(jax.grad(lambda x, y: jnp.sum(lax.concatenate([x, y, x], 1) * 2.), argnums=(0, 1)))(
    //     jnp.ones((2, 3)), jnp.ones((2, 1)))
    TreeFn f = [](const std::vector<Tree>& a) {
      Value x = a[0].leaf(), y = a[1].leaf();
      return Tree(lax::reduce_sum(lax::mul(lax::concatenate({x, y, x}, 1), scalar(2.0)), {0, 1}));
    };
    COMPARE_JAXPR(make_jaxpr(grad(f, two), {Tree(arr({1, 1, 1, 1, 1, 1}, {2, 3})), Tree(arr({1, 1}, {2, 1}))}),
                  R"({ lambda ; a:f32[2,3] b:f32[2,1]. let
    c:f32[2,7] = concatenate[dimension=1] a b a
    d:f32[2,7] = mul c 2.0:f32[]
    _:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] d
    e:f32[2,7] = broadcast_in_dim 1.0:f32[]
    f:f32[2,7] = mul e 2.0:f32[]
    g:f32[2,3] h:f32[2,1] i:f32[2,3] = split[axis=1 sizes=(3, 1, 3)] f
    j:f32[2,3] = add_any g i
  in (j, h) })");
  }
  {
    // jax.make_jaxpr(jax.grad(lambda x, v: jnp.sum(lax.pad(x, v, [(1, -1, 1), (0, 2, 0)]) * 2.),
    //     argnums=(0, 1)))(jnp.ones((2, 3)), 0.)
    TreeFn f = [](const std::vector<Tree>& a) {
      Value p = lax::pad(a[0].leaf(), a[1].leaf(), {{1, -1, 1}, {0, 2, 0}});
      return Tree(lax::reduce_sum(lax::mul(p, scalar(2.0)), {0, 1}));
    };
    COMPARE_JAXPR(make_jaxpr(grad(f, two), {Tree(arr({1, 1, 1, 1, 1, 1}, {2, 3})), Tree(scalar(0.0))}),
                  R"({ lambda ; a:f32[2,3] b:f32[]. let
    c:f32[3,5] = pad[padding_config=((1, -1, 1), (0, 2, 0))] a b
    d:f32[3,5] = mul c 2.0:f32[]
    _:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] d
    e:f32[3,5] = broadcast_in_dim 1.0:f32[]
    f:f32[3,5] = mul e 2.0:f32[]
    g:f32[3,3] = pad[
      padding_config=((np.int64(-1), np.int64(1), np.int64(0)), (np.int64(0), np.int64(-2), np.int64(0)))
    ] f 0.0:f32[]
    h:f32[2,3] = slice[
      limit_indices=(3, 3)
      start_indices=(np.int64(0), np.int64(0))
      strides=(np.int64(2), np.int64(1))
    ] g
    i:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] f
    j:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] h
    k:f32[] = sub i j
  in (h, k) })");
  }
}

void TstAdStructural::jaxpr_grad_stack() {
  // import jax, jax.numpy as jnp; from jax import lax   (JAX 0.10.2)
  // def f(x, y):
  //     return lax.squeeze(lax.split(jnp.stack([x, y], 1), (1, 1), 1)[1], (0, 1))
  // print(jax.make_jaxpr(jax.grad(f, argnums=(0, 1)))(jnp.ones(1), jnp.ones(1)))
  TreeFn f = [](const std::vector<Tree>& a) {
    std::vector<Value> ops{a[0].leaf(), a[1].leaf()};
    std::vector<Value> s{bind1(get_primitive("stack"), ops, {{"axis", Param::integer(1)}})};
    Value piece = lax::split(s[0], {1, 1}, 1)[1];
    return Tree(lax::squeeze(piece, {0, 1}));
  };
  GradOptions o;
  o.argnums = {0, 1};
  o.argnums_tuple = true;
  COMPARE_JAXPR(make_jaxpr(grad(f, o), {Tree(arr({1})), Tree(arr({1}))}), R"({ lambda ; a:f32[1] b:f32[1]. let
    c:f32[1,2] = stack[axis=1] a b
    _:f32[1,1] d:f32[1,1] = split[axis=1 sizes=(1, 1)] c
    _:f32[] = squeeze[dimensions=(0, 1)] d
    e:f32[1,1] = broadcast_in_dim 1.0:f32[]
    f:f32[1,1] = broadcast_in_dim 0.0:f32[]
    g:f32[1,2] = concatenate[dimension=1] f e
    h:f32[1] i:f32[1] = unstack[axis=1] g
  in (h, i) })");
  {
    // print(jax.make_jaxpr(jax.grad(lambda x: jnp.sum(jnp.stack([x, 2*x]))))(jnp.ones(3)))
    Fn1 g = [](const Value& x) { return jnp::sum(jnp::stack({x, jnp::multiply(jnp::weak(2), x)})); };
    COMPARE_JAXPR(make_jaxpr(grad(g), Value(arr({1, 1, 1}))), R"({ lambda ; a:f32[3]. let
    b:f32[3] = mul 2.0:f32[] a
    c:f32[2,3] = stack[axis=0] a b
    _:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] c
    d:f32[2,3] = broadcast_in_dim 1.0:f32[]
    e:f32[3] f:f32[3] = unstack[axis=0] d
    g:f32[3] = mul 2.0:f32[] f
    h:f32[3] = add_any e g
  in (h,) })");
  }
}

void TstAdStructural::jaxpr_unstack() {
  // import jax, jax.numpy as jnp; from jax import lax   (JAX 0.10.2)
  {
    // print(jax.make_jaxpr(jax.grad(lambda x: jnp.sum(lax.unstack(x, 1)[2] * 2.)))(jnp.ones((2, 3))))
    // The transpose stacks the cotangents, zeros instantiated.
    Fn1 f = [](const Value& x) { return lax::reduce_sum(lax::mul(lax::unstack(x, 1)[2], scalar(2.0)), {0}); };
    COMPARE_JAXPR(make_jaxpr(grad(f), Value(arr({1, 1, 1, 1, 1, 1}, {2, 3}))), R"({ lambda ; a:f32[2,3]. let
    _:f32[2] _:f32[2] b:f32[2] = unstack[axis=1] a
    c:f32[2] = mul b 2.0:f32[]
    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] c
    d:f32[2] = broadcast_in_dim 1.0:f32[]
    e:f32[2] = mul d 2.0:f32[]
    f:f32[2] = broadcast_in_dim 0.0:f32[]
    g:f32[2] = broadcast_in_dim 0.0:f32[]
    h:f32[2,3] = stack[axis=1] f g e
  in (h,) })");
  }
  {
    // print(jax.make_jaxpr(lambda x, t: jax.jvp(lambda x: lax.unstack(x, 0), (x,), (t,)))(jnp.ones(2), jnp.ones(2)))
    TreeFn f = [](const std::vector<Tree>& a) {
      TreeFn unstack0 = [](const std::vector<Tree>& x) { return leaf_tuple(lax::unstack(x[0].leaf(), 0)); };
      auto [p, t] = jvp(unstack0, {a[0]}, {a[1]});
      return Tree::tuple({p, t});
    };
    COMPARE_JAXPR(make_jaxpr(f, {Tree(arr({1, 1})), Tree(arr({1, 1}))}), R"({ lambda ; a:f32[2] b:f32[2]. let
    c:f32[] d:f32[] = unstack[axis=0] a
    e:f32[] f:f32[] = unstack[axis=0] b
  in (c, d, e, f) })");
  }
  auto vm = [](TreeFn f, int in_axis, int out_axis) {
    VmapOptions o;
    o.in_axes = axis(in_axis);
    o.out_axes = axis(out_axis);
    return vmap(std::move(f), o);
  };
  auto unstack_at = [](int64_t ax) {
    return TreeFn([ax](const std::vector<Tree>& a) { return leaf_tuple(lax::unstack(a[0].leaf(), ax)); });
  };
  auto ones = [](Shape s) { return Tree(Array::full(std::move(s), 1.0, DType::F32)); };
  {
    // print(jax.make_jaxpr(jax.vmap(lambda x: lax.unstack(x, 1), in_axes=1))(jnp.ones((2, 5, 3))))
    COMPARE_JAXPR(make_jaxpr(vm(unstack_at(1), 1, 0), {ones({2, 5, 3})}), R"({ lambda ; a:f32[2,5,3]. let
    b:f32[2,5] c:f32[2,5] d:f32[2,5] = unstack[axis=2] a
    e:f32[5,2] = transpose[permutation=(1, 0)] b
    f:f32[5,2] = transpose[permutation=(1, 0)] c
    g:f32[5,2] = transpose[permutation=(1, 0)] d
  in (e, f, g) })");
  }
  {
    // print(jax.make_jaxpr(jax.vmap(lambda x: lax.unstack(x, 1), in_axes=2))(jnp.ones((2, 3, 5))))
    COMPARE_JAXPR(make_jaxpr(vm(unstack_at(1), 2, 0), {ones({2, 3, 5})}), R"({ lambda ; a:f32[2,3,5]. let
    b:f32[2,5] c:f32[2,5] d:f32[2,5] = unstack[axis=1] a
    e:f32[5,2] = transpose[permutation=(1, 0)] b
    f:f32[5,2] = transpose[permutation=(1, 0)] c
    g:f32[5,2] = transpose[permutation=(1, 0)] d
  in (e, f, g) })");
  }
  {
    // print(jax.make_jaxpr(jax.vmap(lambda x: lax.unstack(x, 0), in_axes=1, out_axes=1))(jnp.ones((2, 5, 3))))
    COMPARE_JAXPR(make_jaxpr(vm(unstack_at(0), 1, 1), {ones({2, 5, 3})}), R"({ lambda ; a:f32[2,5,3]. let
    b:f32[5,3] c:f32[5,3] = unstack[axis=0] a
    d:f32[3,5] = transpose[permutation=(1, 0)] b
    e:f32[3,5] = transpose[permutation=(1, 0)] c
  in (d, e) })");
  }
}

void TstAdStructural::jaxpr_vmap() {
  // import jax, jax.numpy as jnp; from jax import lax   (JAX 0.10.2)
  // print(jax.make_jaxpr(jax.vmap(f, in_axes=..., out_axes=...))(*args)) for each case below.
  auto vm = [](TreeFn f, Tree in_axes, int out_axis = 0) {
    VmapOptions o;
    o.in_axes = std::move(in_axes);
    o.out_axes = axis(out_axis);
    return vmap(std::move(f), o);
  };
  auto ones = [](Shape s) { return Tree(Array::full(std::move(s), 1.0, DType::F32)); };
  auto un = [](std::function<Value(const Value&)> g) {
    return TreeFn([g](const std::vector<Tree>& a) { return Tree(g(a[0].leaf())); });
  };
  {
    // vmap(lambda x: lax.broadcast_in_dim(x, (3, 2, 4), (1, 2)), in_axes=-1)(jnp.ones((2, 4, 5)))
    TreeFn f = un([](const Value& x) { return lax::broadcast_in_dim(x, {3, 2, 4}, {1, 2}); });
    COMPARE_JAXPR(make_jaxpr(vm(f, axis(-1)), {ones({2, 4, 5})}), R"({ lambda ; a:f32[2,4,5]. let
    b:f32[5,2,4] = transpose[permutation=(2, 0, 1)] a
    c:f32[5,3,2,4] = broadcast_in_dim[
      broadcast_dimensions=(0, np.int64(2), np.int64(3))
    ] b
  in (c,) })");
  }
  {
    // vmap(lambda x: lax.broadcast_in_dim(x, (3, 2, 4), (1, 2)), in_axes=-2)(jnp.ones((2, 5, 4)))
    TreeFn f = un([](const Value& x) { return lax::broadcast_in_dim(x, {3, 2, 4}, {1, 2}); });
    COMPARE_JAXPR(make_jaxpr(vm(f, axis(-2)), {ones({2, 5, 4})}), R"({ lambda ; a:f32[2,5,4]. let
    b:f32[5,2,4] = transpose[permutation=(1, 0, 2)] a
    c:f32[5,3,2,4] = broadcast_in_dim[
      broadcast_dimensions=(0, np.int64(2), np.int64(3))
    ] b
  in (c,) })");
  }
  {
    // vmap(lambda x: lax.reshape(x, (6,), (1, 0)), in_axes=1, out_axes=1)(jnp.ones((2, 5, 3)))
    TreeFn f = un([](const Value& x) { return lax::reshape(x, {6}, std::vector<int64_t>{1, 0}); });
    COMPARE_JAXPR(make_jaxpr(vm(f, axis(1), 1), {ones({2, 5, 3})}), R"({ lambda ; a:f32[2,5,3]. let
    b:f32[5,2,3] = transpose[permutation=(1, 0, 2)] a
    c:f32[5,6] = reshape[dimensions=(0, 2, 1) new_sizes=(5, 6) sharding=None] b
    d:f32[6,5] = transpose[permutation=(1, 0)] c
  in (d,) })");
  }
  {
    // vmap(lambda x: lax.squeeze(x, (0,)), in_axes=2, out_axes=1)(jnp.ones((1, 3, 5)))
    TreeFn f = un([](const Value& x) { return lax::squeeze(x, {0}); });
    COMPARE_JAXPR(make_jaxpr(vm(f, axis(2), 1), {ones({1, 3, 5})}), R"({ lambda ; a:f32[1,3,5]. let
    b:f32[5,1,3] = transpose[permutation=(2, 0, 1)] a
    c:f32[5,3] = squeeze[dimensions=(1,)] b
    d:f32[3,5] = transpose[permutation=(1, 0)] c
  in (d,) })");
  }
  {
    // vmap(lambda x: lax.transpose(x, (1, 0)), in_axes=1)(jnp.ones((2, 5, 3)))
    TreeFn f = un([](const Value& x) { return lax::transpose(x, {1, 0}); });
    COMPARE_JAXPR(make_jaxpr(vm(f, axis(1)), {ones({2, 5, 3})}), R"({ lambda ; a:f32[2,5,3]. let
    b:f32[5,3,2] = transpose[permutation=(1, 2, 0)] a
  in (b,) })");
  }
  {
    // vmap(lambda x: lax.rev(x, (0, 1)), in_axes=1)(jnp.ones((2, 5, 3)))
    TreeFn f = un([](const Value& x) { return lax::rev(x, {0, 1}); });
    COMPARE_JAXPR(make_jaxpr(vm(f, axis(1)), {ones({2, 5, 3})}), R"({ lambda ; a:f32[2,5,3]. let
    b:f32[2,5,3] = rev[dimensions=(0, 2)] a
    c:f32[5,2,3] = transpose[permutation=(1, 0, 2)] b
  in (c,) })");
  }
  {
    // vmap(lambda x, y, z: lax.concatenate([x, y, z], 1), in_axes=(1, None, 0), out_axes=2)(
    //     jnp.ones((2, 5, 3)), jnp.ones((2, 1)), jnp.ones((5, 2, 2)))
    TreeFn f = [](const std::vector<Tree>& a) {
      return Tree(lax::concatenate({a[0].leaf(), a[1].leaf(), a[2].leaf()}, 1));
    };
    COMPARE_JAXPR(make_jaxpr(vm(f, Tree::tuple({axis(1), Tree::none(), axis(0)}), 2),
                             {ones({2, 5, 3}), ones({2, 1}), ones({5, 2, 2})}),
                  R"({ lambda ; a:f32[2,5,3] b:f32[2,1] c:f32[5,2,2]. let
    d:f32[5,2,3] = transpose[permutation=(1, 0, 2)] a
    e:f32[5,2,1] = broadcast_in_dim[broadcast_dimensions=(1, 2)] b
    f:f32[5,2,6] = concatenate[dimension=2] d e c
    g:f32[2,6,5] = transpose[permutation=(1, 2, 0)] f
  in (g,) })");
  }
  TreeFn padf = [](const std::vector<Tree>& a) { return Tree(lax::pad(a[0].leaf(), a[1].leaf(), {{1, 2, 1}})); };
  {
    // vmap(lambda x, v: lax.pad(x, v, [(1, 2, 1)]), in_axes=(0, None))(jnp.ones((5, 3)), 0.)
    COMPARE_JAXPR(make_jaxpr(vm(padf, Tree::tuple({axis(0), Tree::none()})), {ones({5, 3}), Tree(scalar(0.0))}),
                  R"({ lambda ; a:f32[5,3] b:f32[]. let
    c:f32[5,8] = pad[padding_config=((0, 0, 0), (1, 2, 1))] a b
  in (c,) })");
  }
  {
    // vmap(lambda x, v: lax.pad(x, v, [(1, 2, 1)]), in_axes=(None, 0))(jnp.ones((3,)), jnp.ones(5))
    COMPARE_JAXPR(make_jaxpr(vm(padf, Tree::tuple({Tree::none(), axis(0)})), {ones({3}), ones({5})}),
                  R"({ lambda ; a:f32[3] b:f32[5]. let
    c:f32[5,3] = broadcast_in_dim[broadcast_dimensions=(1,)] a
    d:f32[5,8] = pad[padding_config=((0, 0, 0), (1, 2, 1))] c 0.0:f32[]
    e:bool[5,3] = broadcast_in_dim True:bool[]
    f:bool[5,8] = pad[padding_config=((0, 0, 0), (1, 2, 1))] e False:bool[]
    g:f32[5,8] = broadcast_in_dim[broadcast_dimensions=(0,)] b
    h:f32[5,8] = select_n f g d
  in (h,) })");
  }
  {
    // vmap(lambda x, v: lax.pad(x, v, [(1, 2, 1)]), in_axes=(1, 0))(jnp.ones((3, 5)), jnp.ones(5))
    COMPARE_JAXPR(make_jaxpr(vm(padf, Tree::tuple({axis(1), axis(0)})), {ones({3, 5}), ones({5})}),
                  R"({ lambda ; a:f32[3,5] b:f32[5]. let
    c:f32[8,5] = pad[padding_config=((1, 2, 1), (0, 0, 0))] a 0.0:f32[]
    d:bool[3,5] = broadcast_in_dim True:bool[]
    e:bool[8,5] = pad[padding_config=((1, 2, 1), (0, 0, 0))] d False:bool[]
    f:f32[8,5] = broadcast_in_dim[broadcast_dimensions=(1,)] b
    g:f32[8,5] = select_n e f c
    h:f32[5,8] = transpose[permutation=(1, 0)] g
  in (h,) })");
  }
  {
    // vmap(lambda x: lax.split(x, (1, 2), 0), in_axes=1)(jnp.ones((3, 5)))
    TreeFn f = [](const std::vector<Tree>& a) {
      return leaf_tuple(lax::split(a[0].leaf(), {1, 2}, 0));
    };
    COMPARE_JAXPR(make_jaxpr(vm(f, axis(1)), {ones({3, 5})}), R"({ lambda ; a:f32[3,5]. let
    b:f32[1,5] c:f32[2,5] = split[axis=0 sizes=(1, 2)] a
    d:f32[5,1] = transpose[permutation=(1, 0)] b
    e:f32[5,2] = transpose[permutation=(1, 0)] c
  in (d, e) })");
  }
  TreeFn stackf = [](const std::vector<Tree>& a) {
    std::vector<Value> ops{a[0].leaf(), a[1].leaf()};
    return Tree(bind1(get_primitive("stack"), ops, {{"axis", Param::integer(1)}}));
  };
  {
    // vmap(lambda x, y: jnp.stack([x, y], 1), in_axes=(1, None), out_axes=2)(jnp.ones((2, 5)), jnp.ones(2))
    COMPARE_JAXPR(make_jaxpr(vm(stackf, Tree::tuple({axis(1), Tree::none()}), 2), {ones({2, 5}), ones({2})}),
                  R"({ lambda ; a:f32[2,5] b:f32[2]. let
    c:f32[5,2] = transpose[permutation=(1, 0)] a
    d:f32[5,2] = broadcast_in_dim[broadcast_dimensions=(1,)] b
    e:f32[5,2,2] = stack[axis=2] c d
    f:f32[2,2,5] = transpose[permutation=(1, 2, 0)] e
  in (f,) })");
  }
  {
    // vmap(lambda x, y: jnp.stack([x, y], 1), in_axes=(0, 0))(jnp.ones((5, 2)), jnp.ones((5, 2)))
    COMPARE_JAXPR(make_jaxpr(vm(stackf, Tree::tuple({axis(0), axis(0)})), {ones({5, 2}), ones({5, 2})}),
                  R"({ lambda ; a:f32[5,2] b:f32[5,2]. let c:f32[5,2,2] = stack[axis=2] a b in (c,) })");
  }
  {
    // vmap(lambda x: lax.copy_p.bind(x))(jnp.ones((5, 2)))
    TreeFn f = un([](const Value& x) { return lax::copy(x); });
    COMPARE_JAXPR(make_jaxpr(vm(f, axis(0)), {ones({5, 2})}),
                  R"({ lambda ; a:f32[5,2]. let b:f32[5,2] = copy a in (b,) })");
  }
}

void TstAdStructural::jaxpr_jacfwd_and_vmap_of_grad() {
  // import jax, jax.numpy as jnp; from jax import lax   (JAX 0.10.2)
  {
    // f = lambda x: lax.pad(lax.rev(lax.broadcast_in_dim(x, (2, 3), (1,)), (0,)), 0., [(1, 0, 0), (0, 1, 1)])
    // print(jax.make_jaxpr(jax.jacfwd(f))(jnp.ones(3)))
    Fn1 f = [](const Value& x) {
      return lax::pad(lax::rev(lax::broadcast_in_dim(x, {2, 3}, {1}), {0}), scalar(0.0), {{1, 0, 0}, {0, 1, 1}});
    };
    ClosedJaxpr cj = make_jaxpr(jacfwd(f), Value(arr({1, 1, 1})));
    // jaxray's jacfwd (transforms.cpp, not these rules) ends with an
    // f32 -> f32 convert_element_type that JAX's does not stage; every
    // equation the structural rules emit matches.
    if (print_closed_jaxpr(cj).find("p:f32[3,6,3] = convert_element_type") != std::string::npos)
      QEXPECT_FAIL("", "jacfwd stages a trailing identity convert_element_type (transforms.cpp)", Continue);
    COMPARE_JAXPR(cj, R"({ lambda ; a:f32[3]. let
    b:i32[3,3] = iota[dimension=0 dtype=int32 shape=(3, 3) sharding=None] 
    c:i32[3,3] = iota[dimension=1 dtype=int32 shape=(3, 3) sharding=None] 
    d:i32[3,3] = add b 0:i32[]
    e:bool[3,3] = eq d c
    f:f32[3,3] = convert_element_type[new_dtype=float32 weak_type=False] e
    g:f32[3,3] = split[axis=1 sizes=(np.int64(3),)] f
    h:f32[3,3] = convert_element_type[new_dtype=float32 weak_type=False] g
    i:f32[2,3] = broadcast_in_dim[broadcast_dimensions=(1,)] a
    j:f32[3,2,3] = broadcast_in_dim[broadcast_dimensions=(0, np.int64(2))] h
    k:f32[2,3] = rev[dimensions=(0,)] i
    l:f32[3,2,3] = rev[dimensions=(1,)] j
    _:f32[3,6] = pad[padding_config=((1, 0, 0), (0, 1, 1))] k 0.0:f32[]
    m:f32[3,3,6] = pad[padding_config=((0, 0, 0), (1, 0, 0), (0, 1, 1))] l 0.0:f32[]
    n:f32[3,6,3] = transpose[permutation=(1, 2, 0)] m
    o:f32[3,6,3] = split[axis=2 sizes=(np.int64(3),)] n
  in (o,) })");
  }
  {
    // g = lambda x: lax.squeeze(lax.pad(lax.reshape(x, (2, 1)), 0., [(-1, 0, 0), (0, 0, 0)]), (0, 1))
    // print(jax.make_jaxpr(jax.vmap(jax.grad(g)))(jnp.ones((4, 2))))
    Fn1 g = [](const Value& x) {
      return lax::squeeze(lax::pad(lax::reshape(x, {2, 1}), scalar(0.0), {{-1, 0, 0}, {0, 0, 0}}), {0, 1});
    };
    COMPARE_JAXPR(make_jaxpr(vmap(grad(g)), Value(Array::full({4, 2}, 1.0, DType::F32))),
                  R"({ lambda ; a:f32[4,2]. let
    b:f32[4,2,1] = reshape[dimensions=None new_sizes=(4, 2, 1) sharding=None] a
    c:f32[4,1,1] = pad[padding_config=((0, 0, 0), (-1, 0, 0), (0, 0, 0))] b 0.0:f32[]
    _:f32[4] = squeeze[dimensions=(1, 2)] c
    d:f32[1,1] = broadcast_in_dim 1.0:f32[]
    e:f32[2,1] = pad[
      padding_config=((np.int64(1), np.int64(0), np.int64(0)), (np.int64(0), np.int64(0), np.int64(0)))
    ] d 0.0:f32[]
    f:f32[2,1] = slice[
      limit_indices=(2, 1)
      start_indices=(np.int64(0), np.int64(0))
      strides=(np.int64(1), np.int64(1))
    ] e
    g:f32[2] = reshape[dimensions=None new_sizes=(2,) sharding=None] f
    h:f32[4,2] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] g
  in (h,) })");
  }
}

QTEST_APPLESS_MAIN(TstAdStructural)
#include "tst_ad_structural.moc"
