// Transformation rules of the indexing primitives (slice, dynamic_slice,
// dynamic_update_slice, gather, scatter-add, scatter): derivatives checked numerically
// (check_grads), vmap against per-example results, and the jaxprs of grad,
// jvp and vmap against JAX 0.10.2's text.
#include <QtTest>

#include <cmath>

#include "check_grads.h"
#include "engine/jaxpr/print.h"
#include "engine/numpy/numpy.h"
#include "engine/transforms.h"
#include "testutil.h"

using namespace jxr;
using jxr::test::arr;

namespace {

using GSMode = lax::GatherScatterMode;
namespace jnp = jxr::jnp;

// Deterministic, distinct, non-integer values (so that every slot of a
// gradient is visible), in `dtype`.
Array vals(const Shape& shape, DType dtype, double seed = 0.0) {
  std::vector<double> v(static_cast<size_t>(shape_size(shape)));
  for (size_t k = 0; k < v.size(); ++k) v[k] = std::sin(0.9 * static_cast<double>(k) + 0.3 + seed) * 1.5 + 0.1;
  return arr(v, shape, dtype);
}
Array ints(const std::vector<double>& v, Shape shape) { return arr(v, std::move(shape), DType::I32); }
Array ints(const std::vector<double>& v) { return arr(v, DType::I32); }
Value i32(int64_t v) { return Array::scalar(static_cast<double>(v), DType::I32); }

lax::GatherDimensionNumbers gdn(std::vector<int64_t> offset, std::vector<int64_t> collapsed,
                                std::vector<int64_t> start_map, std::vector<int64_t> obd = {},
                                std::vector<int64_t> sibd = {}) {
  return {std::move(offset), std::move(collapsed), std::move(start_map), std::move(obd), std::move(sibd)};
}
lax::ScatterDimensionNumbers sdn(std::vector<int64_t> window, std::vector<int64_t> inserted,
                                 std::vector<int64_t> to_operand, std::vector<int64_t> obd = {},
                                 std::vector<int64_t> sibd = {}) {
  return {std::move(window), std::move(inserted), std::move(to_operand), std::move(obd), std::move(sibd)};
}

// --- check_grads table ---------------------------------------------------------

struct GradCase {
  const char* name;
  std::function<Value(std::span<const Value>)> op;  // the indexing op under test
  std::vector<Value> args;                           // float args are differentiated, int args are indices
  bool fwd = true;                                   // false: outputs hold NaN fills (no finite differences)
  int order = 2;
  bool curvature = true;                             // wrap the output in y * sin(y)
};

// All rows run in float64. Each op's output y is passed through y * sin(y) so
// that the second-order checks see curvature, not only the (linear) op; the
// row whose output holds NaN fills is checked bare, in reverse mode only
// (its tangent there is 0, the fill value of the JVP's gather).
std::vector<GradCase> grad_cases() {
  const DType F = DType::F64;
  auto x = [&](Shape s, double seed = 0) { return Value(vals(s, F, seed)); };
  std::vector<GradCase> c;
  // slice: unit, strided (with and without a stride that divides the extent),
  // explicit unit strides.
  c.push_back({"slice_1d", [](auto a) { return lax::slice(a[0], {1}, {5}); }, {x({7})}});
  c.push_back({"slice_stride_remainder", [](auto a) { return lax::slice(a[0], {1}, {7}, {4}); }, {x({7})}});
  c.push_back({"slice_2d_strided", [](auto a) { return lax::slice(a[0], {0, 1}, {5, 6}, {2, 2}); }, {x({5, 6})}});
  c.push_back({"slice_2d_unit_strides", [](auto a) { return lax::slice(a[0], {1, 0}, {3, 5}, {1, 1}); },
               {x({4, 5})}});
  c.push_back({"slice_empty", [](auto a) { return lax::slice(a[0], {2}, {2}); }, {x({4})}});
  // dynamic_slice: in range, clamped at the top, negative (clamped to 0 by
  // the primitive), 2-d with one start clamped; jnp's wrapping of negatives.
  auto ds = [](std::vector<int64_t> sizes) {
    return [sizes](std::span<const Value> a) {
      return lax::dynamic_slice(a[0], std::vector<Value>(a.begin() + 1, a.end()), sizes);
    };
  };
  c.push_back({"dynamic_slice_1d", ds({3}), {x({6}), i32(2)}});
  c.push_back({"dynamic_slice_clamped", ds({3}), {x({6}), i32(5)}});
  c.push_back({"dynamic_slice_negative", ds({3}), {x({6}), i32(-2)}});
  c.push_back({"dynamic_slice_2d", ds({2, 3}), {x({4, 5}), i32(1), i32(4)}});
  c.push_back({"jnp_dynamic_slice_wraps", [](auto a) { return jnp::dynamic_slice(a[0], {jnp::Index(i32(-2))}, {2}); },
               {x({6})}});
  // dynamic_update_slice: differentiable operand and update.
  auto dus = [](std::span<const Value> a) {
    return lax::dynamic_update_slice(a[0], a[1], std::vector<Value>(a.begin() + 2, a.end()));
  };
  c.push_back({"dynamic_update_slice_1d", dus, {x({6}), x({2}, 5), i32(3)}});
  c.push_back({"dynamic_update_slice_clamped", dus, {x({6}), x({3}, 5), i32(5)}});
  c.push_back({"dynamic_update_slice_2d", dus, {x({4, 5}), x({2, 2}, 5), i32(-1), i32(2)}});
  // gather as jnp indexing makes it (repeated and negative indices).
  Array rep = ints({0, 2, 2, -1});
  c.push_back({"gather_jnp_1d", [rep](auto a) { return jnp::index(a[0], {jnp::Index(rep)}); }, {x({6})}});
  c.push_back({"gather_jnp_rows", [](auto a) { return jnp::index(a[0], {jnp::Index(ints({3, 0, 3}))}); },
               {x({4, 5})}});
  c.push_back({"gather_jnp_cols", [](auto a) { return jnp::index(a[0], {jnp::all, jnp::Index(ints({4, 1}))}); },
               {x({4, 5})}});
  c.push_back({"gather_jnp_two_arrays",
               [](auto a) {
                 return jnp::index(a[0], {jnp::Index(ints({0, 3}, {2, 1})), jnp::Index(ints({1, 2, 4}))});
               },
               {x({4, 5})}});
  // gather through lax: modes, windows, batching dims, traced indices.
  c.push_back({"gather_clip_out_of_bounds",
               [](auto a) { return lax::gather(a[0], a[1], gdn({}, {0}, {0}), {1}, GSMode::Clip); },
               {x({6}), Value(ints({-3, 9, 2}, {3, 1}))}});
  c.push_back({"gather_fill_in_bounds",
               [](auto a) { return lax::gather(a[0], a[1], gdn({}, {0}, {0}), {1}, GSMode::FillOrDrop); },
               {x({6}), Value(ints({5, 0, 2}, {3, 1}))}});
  c.push_back({"gather_fill_out_of_bounds",
               [](auto a) { return lax::gather(a[0], a[1], gdn({}, {0}, {0}), {1}, GSMode::FillOrDrop); },
               {x({6}), Value(ints({5, 9, -1}, {3, 1}))},
               false,
               1,
               false});
  c.push_back({"gather_window",
               [](auto a) { return lax::gather(a[0], a[1], gdn({1}, {0}, {0}), {1, 3}, GSMode::Clip); },
               {x({5, 4}), Value(ints({1, 3, 1}, {3, 1}))}});
  c.push_back({"gather_batching_dims",
               [](auto a) { return lax::gather(a[0], a[1], gdn({}, {1}, {1}, {0}, {0}), {1, 1}); },
               {x({3, 5}), Value(ints({0, 4, 2, 2, 1, 3}, {3, 2, 1}))}});
  // scatter-add: jnp's .at[].add (repeated indices accumulate), dropped and
  // clamped out-of-bounds windows, batching dims; operand and updates both
  // differentiated.
  c.push_back({"scatter_add_jnp",
               [](auto a) { return jnp::at_add(a[0], {jnp::Index(ints({1, 3, 1}))}, a[1]); },
               {x({6}), x({3}, 2)}});
  c.push_back({"scatter_add_jnp_cols",
               [](auto a) { return jnp::at_add(a[0], {jnp::all, jnp::Index(ints({4, 0}))}, a[1]); },
               {x({4, 5}), x({4, 2}, 2)}});
  c.push_back({"scatter_add_drop",
               [](auto a) { return lax::scatter_add(a[0], a[1], a[2], sdn({}, {0}, {0}), GSMode::FillOrDrop); },
               {x({6}), Value(ints({1, 9, -1, 1}, {4, 1})), x({4}, 2)}});
  c.push_back({"scatter_add_clip_window",
               [](auto a) { return lax::scatter_add(a[0], a[1], a[2], sdn({1}, {0}, {0}), GSMode::Clip); },
               {x({5, 4}), Value(ints({4, 7}, {2, 1})), x({2, 3}, 2)}});
  c.push_back({"scatter_add_batching_dims",
               [](auto a) { return lax::scatter_add(a[0], a[1], a[2], sdn({}, {1}, {1}, {0}, {0})); },
               {x({3, 5}), Value(ints({0, 4, 2, 2, 1, 3}, {3, 2, 1})), x({3, 2}, 2)}});
  // scatter: unique indices (the JVP's fast path, transposed by scatter's
  // transpose rule) and repeated ones (the JVP's ids and masked scatter-adds,
  // transposed through those), dropped and clamped windows, batching dims.
  auto sc = [](lax::ScatterDimensionNumbers dn, GSMode mode, bool unique) {
    return [dn, mode, unique](std::span<const Value> a) {
      return lax::scatter(a[0], a[1], a[2], dn, mode, false, unique);
    };
  };
  c.push_back({"scatter_unique", sc(sdn({}, {0}, {0}), GSMode::FillOrDrop, true),
               {x({6}), Value(ints({4, 0, 2}, {3, 1})), x({3}, 2)}});
  c.push_back({"scatter_repeated", sc(sdn({}, {0}, {0}), GSMode::FillOrDrop, false),
               {x({6}), Value(ints({1, 3, 1, 1}, {4, 1})), x({4}, 2)}});
  c.push_back({"scatter_repeated_rows", sc(sdn({1}, {0}, {0}), GSMode::PromiseInBounds, false),
               {x({5, 3}), Value(ints({3, 0, 3}, {3, 1})), x({3, 3}, 2)}});
  c.push_back({"scatter_drop", sc(sdn({}, {0}, {0}), GSMode::FillOrDrop, true),
               {x({6}), Value(ints({1, 9, -1, 4}, {4, 1})), x({4}, 2)}});
  c.push_back({"scatter_drop_repeated", sc(sdn({}, {0}, {0}), GSMode::FillOrDrop, false),
               {x({6}), Value(ints({1, 9, -1, 1}, {4, 1})), x({4}, 2)}});
  c.push_back({"scatter_clip_window", sc(sdn({1}, {0}, {0}), GSMode::Clip, true),
               {x({5, 4}), Value(ints({0, 7}, {2, 1})), x({2, 3}, 2)}});
  c.push_back({"scatter_clip_overlap", sc(sdn({1}, {0}, {0}), GSMode::Clip, false),
               {x({5, 4}), Value(ints({4, 7, 1}, {3, 1})), x({3, 3}, 2)}});
  c.push_back({"scatter_batching_dims", sc(sdn({}, {1}, {1}, {0}, {0}), GSMode::FillOrDrop, false),
               {x({3, 5}), Value(ints({0, 4, 2, 2, 1, 3}, {3, 2, 1})), x({3, 2}, 2)}});
  // The batching rules' output differentiated: gather and scatter-add with
  // batching dims, dynamic_slice as a gather, dynamic_update_slice as a
  // scatter.
  auto vmapped = [](test::FlatF g, std::vector<Value> extra, std::vector<int> in_dims) {
    return [g, extra, in_dims](std::span<const Value> a) {
      std::vector<Value> args(a.begin(), a.end());
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<int> out{0};
      return vmap_flat(g, args, in_dims, out, 3)[0];
    };
  };
  auto one = [](Value v) { return std::vector<Value>{std::move(v)}; };
  test::FlatF take = [one](auto a) { return one(jnp::index(a[0], {jnp::Index(a[1])})); };
  test::FlatF dsl = [one](auto a) { return one(lax::dynamic_slice(a[0], {a[1]}, {2})); };
  test::FlatF dup = [one](auto a) { return one(lax::dynamic_update_slice(a[0], a[1], {a[2]})); };
  test::FlatF sadd = [one](auto a) { return one(jnp::at_add(a[0], {jnp::Index(a[2])}, a[1])); };  // (x, u, idx)
  Value bidx = ints({0, 4, 2, 2, 1, 3}, {3, 2});
  c.push_back({"vmap_gather_both", vmapped(take, {bidx}, {0, 0}), {x({3, 5})}});
  c.push_back({"vmap_gather_operand", vmapped(take, {ints({4, 4})}, {1, kNotMapped}), {x({5, 3})}});
  c.push_back({"vmap_dynamic_slice_both", vmapped(dsl, {ints({0, 9, -1})}, {0, 0}), {x({3, 5})}});
  c.push_back({"vmap_dynamic_update_slice_all", vmapped(dup, {ints({0, 4, 1})}, {0, 0, 0}), {x({3, 5}), x({3, 2}, 5)}});
  c.push_back({"vmap_dynamic_update_slice_operand",
               vmapped(dup, {i32(2)}, {0, kNotMapped, kNotMapped}),
               {x({3, 5}), x({2}, 5)}});
  c.push_back({"vmap_scatter_add_all", vmapped(sadd, {bidx}, {0, 0, 0}), {x({3, 5}), x({3, 2}, 5)}});
  test::FlatF dup_u = [one](auto a) { return one(lax::dynamic_update_slice(a[1], a[0], {a[2]})); };  // (u, x, i)
  c.push_back({"vmap_dynamic_update_slice_update",
               vmapped(dup_u, {x({6}, 3), i32(4)}, {1, kNotMapped, kNotMapped}),
               {x({2, 3}, 5)}});
  test::FlatF scat = [one](auto a) {  // (x, u, idx)
    return one(lax::scatter(a[0], a[2], a[1], sdn({}, {0}, {0}), GSMode::FillOrDrop, false, false));
  };
  c.push_back({"vmap_scatter_all", vmapped(scat, {Value(ints({0, 4, 4, 2, 1, 1}, {3, 2, 1}))}, {0, 0, 0}),
               {x({3, 5}), x({3, 2}, 5)}});
  return c;
}

// --- vmap table ---------------------------------------------------------------

struct VmapCase {
  const char* name;
  test::FlatF f;
  std::vector<Value> args;  // batched args carry the batch of 3 on their in_dim
  std::vector<int> in_dims;
};

std::vector<VmapCase> vmap_cases() {
  const DType F = DType::F32;
  auto x = [&](Shape s, double seed = 0) { return Value(vals(s, F, seed)); };
  auto one = [](Value v) { return std::vector<Value>{std::move(v)}; };
  const int N = kNotMapped;
  std::vector<VmapCase> c;
  test::FlatF sl = [one](auto a) { return one(lax::slice(a[0], {1}, {4})); };
  test::FlatF sl_strided = [one](auto a) { return one(lax::slice(a[0], {0, 1}, {4, 5}, {3, 2})); };
  c.push_back({"slice_batched", sl, {x({3, 5})}, {0}});
  c.push_back({"slice_strided_batch_axis_1", sl_strided, {x({4, 3, 5})}, {1}});
  c.push_back({"slice_unbatched", sl, {x({5})}, {N}});

  // dynamic_slice: indices in range, clamped and negative across the batch.
  test::FlatF ds = [one](auto a) { return one(lax::dynamic_slice(a[0], {a[1]}, {2})); };
  test::FlatF ds2 = [one](auto a) { return one(lax::dynamic_slice(a[0], {a[1], a[2]}, {2, 2})); };
  Value bi = ints({0, 4, -1});
  c.push_back({"dynamic_slice_both", ds, {x({3, 5}), bi}, {0, 0}});
  c.push_back({"dynamic_slice_operand", ds, {x({5, 3}), i32(2)}, {1, N}});
  c.push_back({"dynamic_slice_index", ds, {x({5}), bi}, {N, 0}});
  c.push_back({"dynamic_slice_unbatched", ds, {x({5}), i32(3)}, {N, N}});
  c.push_back({"dynamic_slice_2d_mixed", ds2, {x({3, 4, 5}), ints({0, 3, 1}), i32(2)}, {0, 0, N}});
  c.push_back({"dynamic_slice_2d_index_only", ds2, {x({4, 5}), i32(1), ints({0, 3, 9})}, {N, N, 0}});

  // dynamic_update_slice: every batching of operand, update and index.
  test::FlatF dus = [one](auto a) { return one(lax::dynamic_update_slice(a[0], a[1], {a[2]})); };
  Value xo = x({3, 5}), xu = x({3, 2}, 7);
  Value uo = x({5}), uu = x({2}, 7);
  c.push_back({"dus_all", dus, {xo, xu, bi}, {0, 0, 0}});
  c.push_back({"dus_operand", dus, {xo, uu, i32(3)}, {0, N, N}});
  c.push_back({"dus_update", dus, {uo, xu, i32(4)}, {N, 0, N}});
  c.push_back({"dus_index", dus, {uo, uu, bi}, {N, N, 0}});
  c.push_back({"dus_operand_index", dus, {xo, uu, bi}, {0, N, 0}});
  c.push_back({"dus_update_index", dus, {uo, xu, bi}, {N, 0, 0}});
  c.push_back({"dus_operand_update_axis_1", dus, {x({5, 3}), x({2, 3}, 7), i32(1)}, {1, 1, N}});
  c.push_back({"dus_unbatched", dus, {uo, uu, i32(1)}, {N, N, N}});

  // gather as jnp indexing (an index array per example) and through lax.
  test::FlatF take = [one](auto a) { return one(jnp::index(a[0], {jnp::Index(a[1])})); };
  test::FlatF take_cols = [one](auto a) { return one(jnp::index(a[0], {jnp::all, jnp::Index(a[1])})); };
  Value idx = ints({0, 4, 2, -1, 3, 3}, {3, 2});
  c.push_back({"gather_both", take, {x({3, 5}), idx}, {0, 0}});
  c.push_back({"gather_operand", take, {x({5, 3}), ints({4, 0})}, {1, N}});
  c.push_back({"gather_indices", take, {x({5}), idx}, {N, 0}});
  c.push_back({"gather_indices_axis_1", take, {x({5}), ints({0, 4, 2, 1, 3, 3}, {2, 3})}, {N, 1}});
  c.push_back({"gather_unbatched", take, {x({5}), ints({1, 2})}, {N, N}});
  c.push_back({"gather_cols_both", take_cols, {x({3, 4, 5}), idx}, {0, 0}});
  c.push_back({"gather_scalar_index", take, {x({3, 5}), ints({0, 4, -2})}, {0, 0}});
  test::FlatF fill = [one](auto a) {
    return one(lax::gather(a[0], a[1], gdn({}, {0}, {0}), {1}, GSMode::FillOrDrop));
  };
  c.push_back({"gather_fill_both", fill, {x({3, 5}), ints({0, 7, -1, 2, 4, 5}, {3, 2, 1})}, {0, 0}});
  test::FlatF gb = [one](auto a) { return one(lax::gather(a[0], a[1], gdn({}, {1}, {1}, {0}, {0}), {1, 1})); };
  c.push_back({"gather_batching_dims_both", gb, {x({3, 2, 5}), ints({0, 4, 2, 1, 1, 3}, {3, 2, 1, 1})}, {0, 0}});
  c.push_back({"gather_batching_dims_operand", gb, {x({3, 2, 5}), ints({0, 4}, {2, 1, 1})}, {0, N}});
  c.push_back({"gather_batching_dims_indices", gb, {x({2, 5}), ints({0, 4, 2, 1, 1, 3}, {3, 2, 1, 1})}, {N, 0}});

  // scatter-add: every batching of operand, indices and updates.
  test::FlatF sa = [one](auto a) { return one(jnp::at_add(a[0], {jnp::Index(a[1])}, a[2])); };
  Value si = ints({1, 1, 4, 0, 2, -1}, {3, 2});
  Value ui = ints({3, 1});
  c.push_back({"scatter_add_all", sa, {xo, si, xu}, {0, 0, 0}});
  c.push_back({"scatter_add_operand", sa, {xo, ui, uu}, {0, N, N}});
  c.push_back({"scatter_add_indices", sa, {uo, si, uu}, {N, 0, N}});
  c.push_back({"scatter_add_updates", sa, {uo, ui, xu}, {N, N, 0}});
  c.push_back({"scatter_add_operand_indices", sa, {xo, si, uu}, {0, 0, N}});
  c.push_back({"scatter_add_operand_updates", sa, {x({5, 3}), ui, x({2, 3}, 7)}, {1, N, 1}});
  c.push_back({"scatter_add_indices_updates", sa, {uo, si, xu}, {N, 0, 0}});
  c.push_back({"scatter_add_unbatched", sa, {uo, ui, uu}, {N, N, N}});
  test::FlatF sb = [one](auto a) {
    return one(lax::scatter_add(a[0], a[1], a[2], sdn({}, {1}, {1}, {0}, {0}), GSMode::FillOrDrop));
  };
  c.push_back({"scatter_add_batching_dims_all",
               sb,
               {x({3, 2, 5}), ints({0, 4, 9, 1, 1, 3}, {3, 2, 1, 1}), x({3, 2, 1}, 7)},
               {0, 0, 0}});

  // scatter: every batching of operand, indices and updates; repeated
  // indices (last wins) and dropped ones; windows; batching dims.
  test::FlatF sc = [one](auto a) {
    return one(lax::scatter(a[0], a[1], a[2], sdn({}, {0}, {0}), GSMode::FillOrDrop));
  };
  Value sci = ints({1, 1, 4, 0, 2, 7}, {3, 2, 1});
  Value uci = ints({3, 3}, {2, 1});
  c.push_back({"scatter_all", sc, {xo, sci, xu}, {0, 0, 0}});
  c.push_back({"scatter_operand", sc, {xo, uci, uu}, {0, N, N}});
  c.push_back({"scatter_indices", sc, {uo, sci, uu}, {N, 0, N}});
  c.push_back({"scatter_updates", sc, {uo, uci, xu}, {N, N, 0}});
  c.push_back({"scatter_operand_indices", sc, {xo, sci, uu}, {0, 0, N}});
  c.push_back({"scatter_operand_updates", sc, {x({5, 3}), uci, x({2, 3}, 7)}, {1, N, 1}});
  c.push_back({"scatter_indices_updates", sc, {uo, ints({1, 0, 4, 0, 2, 7}, {2, 3, 1}), x({2, 3}, 7)}, {N, 1, 1}});
  c.push_back({"scatter_unbatched", sc, {uo, uci, uu}, {N, N, N}});
  test::FlatF scw = [one](auto a) {
    return one(lax::scatter(a[0], a[1], a[2], sdn({1}, {0}, {0}), GSMode::Clip));
  };
  c.push_back({"scatter_clip_window_all", scw, {x({3, 4, 5}), ints({0, 7, 2, 2, 3, 1}, {3, 2, 1}), x({3, 2, 3}, 7)},
               {0, 0, 0}});
  test::FlatF scb = [one](auto a) {
    return one(lax::scatter(a[0], a[1], a[2], sdn({}, {1}, {1}, {0}, {0}), GSMode::FillOrDrop));
  };
  c.push_back({"scatter_batching_dims_all",
               scb,
               {x({3, 2, 5}), ints({0, 4, 9, 1, 1, 3}, {3, 2, 1, 1}), x({3, 2, 1}, 7)},
               {0, 0, 0}});
  return c;
}

// --- normalised start indices, as lax.dynamic_update_slice makes them ---------
Value wrap_index(const Value& i, int64_t size) {
  Value neg = lax::lt(i, i32(0));
  Value wrapped = lax::add(i, i32(size));
  return lax::select_n(neg, {i, wrapped});
}

std::string jaxpr_text(const ClosedJaxpr& cj) { return print_closed_jaxpr(cj); }

// The jaxprs of the rows of jaxpr_matches_jax, traced in C++ as the Python
// snippet above each expected text does.
ClosedJaxpr traced(const QString& name) {
  Array ones5 = Array::full({5}, 1.0, DType::F32);
  Array ones35 = Array::full({3, 5}, 1.0, DType::F32);
  Array ones32 = Array::full({3, 2}, 1.0, DType::F32);
  Array ones2 = Array::full({2}, 1.0, DType::F32);
  Array I = ints({0, 1, 2, 3, 1, 1}, {3, 2});
  Array idx = ints({1, 3});
  auto leaf = [](const std::vector<Tree>& a, size_t k) { return a[k].leaf(); };
  if (name == "seed") {
    Fn1 f = [](const Value& x) {
      Value a = jnp::index(x, {0});
      Value b = jnp::index(x, {0});
      Value c = jnp::index(x, {1});
      return lax::add(a, lax::mul(b, c));
    };
    return make_jaxpr(grad(f), Value(ones5));
  }
  if (name == "grad_strided_slice") {
    Fn1 f = [](const Value& x) {
      Value a = jnp::index(x, {jnp::slice(1, 5, 2)});
      Value b = jnp::index(x, {jnp::slice(0, 2)});
      return jnp::sum(lax::mul(a, b));
    };
    return make_jaxpr(grad(f), Value(Array::full({6}, 1.0, DType::F32)));
  }
  if (name == "grad_dynamic_slice") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      return Tree(jnp::sum(jnp::dynamic_slice(leaf(a, 0), {jnp::Index(leaf(a, 1))}, {2})));
    };
    return make_jaxpr(grad(f), {Tree(ones5), Tree(i32(1))});
  }
  if (name == "grad_dynamic_update_slice") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      Value i = wrap_index(leaf(a, 2), 5);
      return Tree(jnp::sum(lax::sin(lax::dynamic_update_slice(leaf(a, 0), leaf(a, 1), {i}))));
    };
    GradOptions o;
    o.argnums = {0, 1};
    o.argnums_tuple = true;
    return make_jaxpr(grad(f, o), {Tree(ones5), Tree(ones2), Tree(i32(1))});
  }
  if (name == "grad_gather") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      return Tree(jnp::sum(jnp::index(leaf(a, 0), {jnp::Index(leaf(a, 1))})));
    };
    return make_jaxpr(grad(f), {Tree(ones5), Tree(ints({0, 2, 2}))});
  }
  if (name == "grad_at_add_updates") {
    TreeFn f = [leaf, idx](const std::vector<Tree>& a) {
      Value uu = lax::mul(leaf(a, 1), leaf(a, 1));
      return Tree(jnp::sum(jnp::at_add(leaf(a, 0), {jnp::Index(idx)}, uu)));
    };
    GradOptions o;
    o.argnums = {1};
    return make_jaxpr(grad(f, o), {Tree(ones5), Tree(ones2)});
  }
  if (name == "jvp_gather_fill") {
    Array idx2 = ints({1, 7}, {2, 1});
    TreeFn f = [leaf, idx2](const std::vector<Tree>& a) {
      Fn1 g = [idx2](const Value& x) { return lax::gather(x, idx2, gdn({}, {0}, {0}), {1}, GSMode::FillOrDrop); };
      auto [out, t] = jvp(tree_fn(g), {a[0]}, {a[1]});
      return Tree::tuple({out, t});
    };
    return make_jaxpr(f, {Tree(ones5), Tree(ones5)});
  }
  if (name == "jvp_dynamic_slice") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      Value i = leaf(a, 2);
      Fn1 g = [i](const Value& x) { return jnp::dynamic_slice(x, {jnp::Index(i)}, {2}); };
      auto [out, t] = jvp(tree_fn(g), {a[0]}, {a[1]});
      return Tree::tuple({out, t});
    };
    return make_jaxpr(f, {Tree(ones5), Tree(ones5), Tree(i32(1))});
  }
  if (name == "vmap_slice") {
    Fn1 f = [](const Value& x) { return jnp::index(x, {jnp::slice(1, 3)}); };
    return make_jaxpr(vmap(f), Value(ones35));
  }
  TreeFn take = [leaf](const std::vector<Tree>& a) { return Tree(jnp::index(leaf(a, 0), {jnp::Index(leaf(a, 1))})); };
  if (name == "vmap_dynamic_slice") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      return Tree(jnp::dynamic_slice(leaf(a, 0), {jnp::Index(leaf(a, 1))}, {2}));
    };
    return make_jaxpr(vmap(f), {Tree(ones35), Tree(ints({0, 1, 2}))});
  }
  if (name == "vmap_gather_operand") {
    VmapOptions o;
    o.in_axes = Tree::tuple({axis(0), Tree::none()});
    return make_jaxpr(vmap(take, o), {Tree(ones35), Tree(ints({0, 1}))});
  }
  if (name == "vmap_gather_indices") {
    VmapOptions o;
    o.in_axes = Tree::tuple({Tree::none(), axis(0)});
    return make_jaxpr(vmap(take, o), {Tree(ones5), Tree(I)});
  }
  if (name == "vmap_gather_both") return make_jaxpr(vmap(take), {Tree(ones35), Tree(I)});
  if (name == "vmap_scalar_index") return make_jaxpr(vmap(take), {Tree(ones35), Tree(ints({0, 1, 2}))});
  if (name == "vmap_at_add") {
    TreeFn f = [leaf, idx](const std::vector<Tree>& a) {
      return Tree(jnp::at_add(leaf(a, 0), {jnp::Index(idx)}, leaf(a, 1)));
    };
    return make_jaxpr(vmap(f), {Tree(ones35), Tree(ones32)});
  }
  if (name == "vmap_at_add_indices") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      return Tree(jnp::at_add(leaf(a, 0), {jnp::Index(leaf(a, 1))}, leaf(a, 2)));
    };
    return make_jaxpr(vmap(f), {Tree(ones35), Tree(I), Tree(ones32)});
  }
  if (name == "vmap_grad_gather") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      return Tree(jnp::sum(lax::sin(jnp::index(leaf(a, 0), {jnp::Index(leaf(a, 1))}))));
    };
    return make_jaxpr(vmap(grad(f)), {Tree(ones35), Tree(I)});
  }
  if (name == "vmap_dynamic_update_slice") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      Value i = wrap_index(leaf(a, 2), 5);
      return Tree(lax::dynamic_update_slice(leaf(a, 0), leaf(a, 1), {i}));
    };
    return make_jaxpr(vmap(f), {Tree(ones35), Tree(ones32), Tree(ints({0, 1, 2}))});
  }
  if (name == "vmap_dynamic_update_slice_unbatched_start") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      return Tree(lax::dynamic_update_slice(leaf(a, 0), leaf(a, 1), {i32(1)}));
    };
    return make_jaxpr(vmap(f), {Tree(Array::full({2, 5}, 1.0, DType::F32)), Tree(Array::full({2, 2}, 1.0, DType::F32))});
  }
  if (name == "vmap_dynamic_update_slice_update_axis_1") {
    TreeFn f = [leaf](const std::vector<Tree>& a) {
      Value x = lax::broadcast_in_dim(Array::scalar(1.0, DType::F32), {4, 5}, {});
      return Tree(lax::dynamic_update_slice(x, leaf(a, 0), {i32(1), i32(2)}));
    };
    VmapOptions o;
    o.in_axes = axis(1);
    return make_jaxpr(vmap(f, o), {Tree(Array::full({2, 3, 2}, 1.0, DType::F32))});
  }
  if (name == "grad_vmap_dynamic_update_slice") {
    TreeFn dus = [leaf](const std::vector<Tree>& a) {
      Value i = wrap_index(leaf(a, 2), 5);
      return Tree(lax::dynamic_update_slice(leaf(a, 0), leaf(a, 1), {i}));
    };
    TreeFn f = [dus](const std::vector<Tree>& a) { return Tree(jnp::sum(lax::sin(vmap(dus)(a).leaf()))); };
    GradOptions o;
    o.argnums = {0, 1};
    o.argnums_tuple = true;
    return make_jaxpr(grad(f, o), {Tree(ones35), Tree(ones32), Tree(ints({0, 1, 2}))});
  }
  if (name == "jvp_scatter_repeated") {
    Array sidx = ints({1, 3, 1}, {3, 1});
    TreeFn f = [sidx](const std::vector<Tree>& a) {
      TreeFn g = [sidx](const std::vector<Tree>& b) {
        return Tree(lax::scatter(b[0].leaf(), sidx, b[1].leaf(), sdn({1}, {0}, {0})));
      };
      auto [out, t] = jvp(g, {a[0], a[1]}, {a[2], a[3]});
      return Tree::tuple({out, t});
    };
    Array x = Array::full({5, 3}, 1.0, DType::F32), u = Array::full({3, 3}, 1.0, DType::F32);
    return make_jaxpr(f, {Tree(x), Tree(u), Tree(x), Tree(u)});
  }
  if (name == "grad_scatter_unique") {
    Array sidx = ints({3, 0}, {2, 1});
    TreeFn f = [sidx](const std::vector<Tree>& a) {
      Value y = lax::scatter(a[0].leaf(), sidx, a[1].leaf(), sdn({}, {0}, {0}), GSMode::FillOrDrop, false, true);
      return Tree(jnp::sum(lax::sin(y)));
    };
    GradOptions o;
    o.argnums = {0, 1};
    o.argnums_tuple = true;
    return make_jaxpr(grad(f, o), {Tree(ones5), Tree(ones2)});
  }
  qFatal("unknown jaxpr row %s", qPrintable(name));
}

}  // namespace

class TstAdIndexing : public QObject {
  Q_OBJECT

 private slots:
  void check_grads_table_data();
  void check_grads_table();
  void vmap_matches_stacking_data();
  void vmap_matches_stacking();
  void seed_gradient();
  void jaxpr_matches_jax_data();
  void jaxpr_matches_jax();
};

void TstAdIndexing::check_grads_table_data() {
  QTest::addColumn<int>("row");
  test::X64Scope x64;
  std::vector<GradCase> cases = grad_cases();
  for (size_t k = 0; k < cases.size(); ++k) QTest::newRow(cases[k].name) << static_cast<int>(k);
}

// Forward (against central differences, eps 1e-4) and reverse (against
// forward) to order 2 in float64, with check_grads' tolerances atol = rtol =
// 1e-5: every op here is exact up to rounding, so no row needs looser ones.
void TstAdIndexing::check_grads_table() {
  QFETCH(int, row);
  test::X64Scope x64;
  GradCase gc = grad_cases()[row];
  test::FlatF f = [op = gc.op, curv = gc.curvature](std::span<const Value> a) {
    Value y = op(a);
    return std::vector<Value>{curv ? lax::mul(y, lax::sin(y)) : y};
  };
  try {
    test::check_grads(f, gc.args, gc.order, gc.fwd, true, test::GradTol{1e-4, 1e-5, 1e-5});
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
}

void TstAdIndexing::vmap_matches_stacking_data() {
  QTest::addColumn<int>("row");
  std::vector<VmapCase> cases = vmap_cases();
  for (size_t k = 0; k < cases.size(); ++k) QTest::newRow(cases[k].name) << static_cast<int>(k);
}

// vmap over a batch of 3 equals the per-example results stacked on axis 0
// (for unbatched rows: the one result, repeated).
void TstAdIndexing::vmap_matches_stacking() {
  QFETCH(int, row);
  const int64_t B = 3;
  VmapCase vc = vmap_cases()[row];
  std::vector<int> out_dims{0};
  std::vector<Value> got;
  try {
    got = vmap_flat(vc.f, vc.args, vc.in_dims, out_dims, B);
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
  std::vector<Value> rows;
  for (int64_t b = 0; b < B; ++b) {
    std::vector<Value> ex;
    for (size_t i = 0; i < vc.args.size(); ++i)
      ex.push_back(vc.in_dims[i] == kNotMapped ? vc.args[i] : test::take(vc.args[i], vc.in_dims[i], b));
    rows.push_back(lax::expand_dims(vc.f(ex)[0], {0}));
  }
  JXR_COMPARE_ARRAYS(got[0].array(), lax::concatenate(rows, 0).array(), 1e-6, 1e-6);
}

void TstAdIndexing::seed_gradient() {
  Fn1 f = [](const Value& x) {
    Value a = jnp::index(x, {0});
    return lax::add(a, lax::mul(jnp::index(x, {0}), jnp::index(x, {1})));
  };
  JXR_COMPARE_ARRAYS(grad(f)(Array::full({5}, 1.0, DType::F32)).array(), arr({2, 1, 0, 0, 0}), 0, 0);
}

void TstAdIndexing::jaxpr_matches_jax_data() {
  QTest::addColumn<QString>("expected");
  // Each text is jax.make_jaxpr(<snippet>) printed by JAX 0.10.2, with
  // import jax, jax.numpy as jnp; from jax import lax.
  // jax.grad(lambda x: x[0] + x[0] * x[1])(jnp.ones(5))
  QTest::newRow("seed") << QString(
      "{ lambda ; a:f32[5]. let\n"
      "    b:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a\n"
      "    c:f32[] = squeeze[dimensions=(0,)] b\n"
      "    d:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a\n"
      "    e:f32[] = squeeze[dimensions=(0,)] d\n"
      "    f:f32[1] = slice[limit_indices=(2,) start_indices=(1,) strides=None] a\n"
      "    g:f32[] = squeeze[dimensions=(0,)] f\n"
      "    h:f32[] = mul e g\n"
      "    _:f32[] = add c h\n"
      "    i:f32[] = mul e 1.0:f32[]\n"
      "    j:f32[] = mul 1.0:f32[] g\n"
      "    k:f32[1] = broadcast_in_dim i\n"
      "    l:f32[5] = pad[padding_config=((1, np.int64(3), 0),)] k 0.0:f32[]\n"
      "    m:f32[1] = broadcast_in_dim j\n"
      "    n:f32[5] = pad[padding_config=((0, np.int64(4), 0),)] m 0.0:f32[]\n"
      "    o:f32[5] = add_any l n\n"
      "    p:f32[1] = broadcast_in_dim 1.0:f32[]\n"
      "    q:f32[5] = pad[padding_config=((0, np.int64(4), 0),)] p 0.0:f32[]\n"
      "    r:f32[5] = add_any o q\n"
      "  in (r,) }");
  // jax.grad(lambda x: jnp.sum(x[1:5:2] * x[0:2]))(jnp.ones(6))
  QTest::newRow("grad_strided_slice") << QString(
      "{ lambda ; a:f32[6]. let\n"
      "    b:f32[2] = slice[limit_indices=(5,) start_indices=(1,) strides=(2,)] a\n"
      "    c:f32[2] = slice[limit_indices=(2,) start_indices=(0,) strides=None] a\n"
      "    d:f32[2] = mul b c\n"
      "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] d\n"
      "    e:f32[2] = broadcast_in_dim 1.0:f32[]\n"
      "    f:f32[2] = mul b e\n"
      "    g:f32[2] = mul e c\n"
      "    h:f32[6] = pad[padding_config=((0, np.int64(4), 0),)] f 0.0:f32[]\n"
      "    i:f32[6] = pad[padding_config=((1, np.int64(2), np.int64(1)),)] g 0.0:f32[]\n"
      "    j:f32[6] = add_any h i\n"
      "  in (j,) }");
  // jax.grad(lambda x, i: jnp.sum(lax.dynamic_slice(x, (i,), (2,))))(jnp.ones(5), jnp.int32(1))
  QTest::newRow("grad_dynamic_slice") << QString(
      "{ lambda ; a:f32[5] b:i32[]. let\n"
      "    c:bool[] = lt b 0:i32[]\n"
      "    d:i32[] = add b 5:i32[]\n"
      "    e:i32[] = select_n c b d\n"
      "    f:f32[2] = dynamic_slice[slice_sizes=(2,)] a e\n"
      "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] f\n"
      "    g:f32[2] = broadcast_in_dim 1.0:f32[]\n"
      "    h:f32[5] = broadcast_in_dim 0.0:f32[]\n"
      "    i:f32[5] = dynamic_update_slice h g e\n"
      "  in (i,) }");
  // jax.grad(lambda x, u, i: jnp.sum(jnp.sin(lax.dynamic_update_slice(x, u, (i,)))), argnums=(0, 1))(jnp.ones(5), jnp.ones(2), jnp.int32(1))
  QTest::newRow("grad_dynamic_update_slice") << QString(
      "{ lambda ; a:f32[5] b:f32[2] c:i32[]. let\n"
      "    d:bool[] = lt c 0:i32[]\n"
      "    e:i32[] = add c 5:i32[]\n"
      "    f:i32[] = select_n d c e\n"
      "    g:f32[5] = dynamic_update_slice a b f\n"
      "    h:f32[5] = sin g\n"
      "    i:f32[5] = cos g\n"
      "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] h\n"
      "    j:f32[5] = broadcast_in_dim 1.0:f32[]\n"
      "    k:f32[5] = mul j i\n"
      "    l:f32[2] = broadcast_in_dim 0.0:f32[]\n"
      "    m:f32[5] = dynamic_update_slice k l f\n"
      "    n:f32[2] = dynamic_slice[slice_sizes=(2,)] k f\n"
      "  in (m, n) }");
  // jax.grad(lambda x, i: jnp.sum(x[i]))(jnp.ones(5), jnp.array([0, 2, 2]))
  QTest::newRow("grad_gather") << QString(
      "{ lambda ; a:f32[5] b:i32[3]. let\n"
      "    c:bool[3] = lt b 0:i32[]\n"
      "    d:i32[3] = add b 5:i32[]\n"
      "    e:i32[3] = select_n c b d\n"
      "    f:i32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] e\n"
      "    g:f32[3] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,), operand_batching_dims=(), start_indices_batching_dims=())\n"
      "      fill_value=None\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
      "      slice_sizes=(1,)\n"
      "      unique_indices=False\n"
      "    ] a f\n"
      "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] g\n"
      "    h:f32[3] = broadcast_in_dim 1.0:f32[]\n"
      "    i:f32[5] = broadcast_in_dim 0.0:f32[]\n"
      "    j:f32[5] = scatter-add[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
      "      unique_indices=False\n"
      "      update_consts=()\n"
      "      update_jaxpr={ lambda ; k:f32[] l:f32[]. let m:f32[] = add k l in (m,) }\n"
      "    ] i f h\n"
      "  in (j,) }");
  // idx = jnp.array([1, 3]); jax.grad(lambda x, u: jnp.sum(x.at[idx].add(u * u)), argnums=1)(jnp.ones(5), jnp.ones(2))
  QTest::newRow("grad_at_add_updates") << QString(
      "{ lambda a:i32[2]; b:f32[5] c:f32[2]. let\n"
      "    d:f32[2] = mul c c\n"
      "    e:bool[2] = lt a 0:i32[]\n"
      "    f:i32[2] = add a 5:i32[]\n"
      "    g:i32[2] = select_n e a f\n"
      "    h:i32[2,1] = broadcast_in_dim[broadcast_dimensions=(0,)] g\n"
      "    i:f32[5] = scatter-add[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      unique_indices=False\n"
      "      update_consts=()\n"
      "      update_jaxpr={ lambda ; j:f32[] k:f32[]. let l:f32[] = add j k in (l,) }\n"
      "    ] b h d\n"
      "    _:f32[5] = broadcast_in_dim 0.0:f32[]\n"
      "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] i\n"
      "    m:f32[5] = broadcast_in_dim 1.0:f32[]\n"
      "    n:f32[2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,), operand_batching_dims=(), start_indices_batching_dims=())\n"
      "      fill_value=0\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      slice_sizes=(1,)\n"
      "      unique_indices=False\n"
      "    ] m h\n"
      "    o:f32[2] = mul c n\n"
      "    p:f32[2] = mul n c\n"
      "    q:f32[2] = add_any o p\n"
      "  in (q,) }");
  // idx2 = jnp.array([[1], [7]]); dn = lax.GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,)); (lambda x, t: jax.jvp(lambda x: lax.gather(x, idx2, dn, (1,), mode='fill'), (x,), (t,)))(jnp.ones(5), jnp.ones(5))
  QTest::newRow("jvp_gather_fill") << QString(
      "{ lambda a:i32[2,1]; b:f32[5] c:f32[5]. let\n"
      "    d:f32[2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,), operand_batching_dims=(), start_indices_batching_dims=())\n"
      "      fill_value=nan\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      slice_sizes=(1,)\n"
      "      unique_indices=False\n"
      "    ] b a\n"
      "    e:f32[2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,), operand_batching_dims=(), start_indices_batching_dims=())\n"
      "      fill_value=0\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      slice_sizes=(1,)\n"
      "      unique_indices=False\n"
      "    ] c a\n"
      "  in (d, e) }");
  // (lambda x, t, i: jax.jvp(lambda x: lax.dynamic_slice(x, (i,), (2,)), (x,), (t,)))(jnp.ones(5), jnp.ones(5), jnp.int32(1))
  QTest::newRow("jvp_dynamic_slice") << QString(
      "{ lambda ; a:f32[5] b:f32[5] c:i32[]. let\n"
      "    d:bool[] = lt c 0:i32[]\n"
      "    e:i32[] = add c 5:i32[]\n"
      "    f:i32[] = select_n d c e\n"
      "    g:f32[2] = dynamic_slice[slice_sizes=(2,)] b f\n"
      "    h:f32[2] = dynamic_slice[slice_sizes=(2,)] a f\n"
      "  in (h, g) }");
  // jax.vmap(lambda x: x[1:3])(jnp.ones((3, 5)))
  QTest::newRow("vmap_slice") << QString(
      "{ lambda ; a:f32[3,5]. let\n"
      "    b:f32[3,2] = slice[limit_indices=(3, 3) start_indices=(0, 1) strides=None] a\n"
      "  in (b,) }");
  // jax.vmap(lambda x, i: lax.dynamic_slice(x, (i,), (2,)))(jnp.ones((3, 5)), jnp.array([0, 1, 2]))
  QTest::newRow("vmap_dynamic_slice") << QString(
      "{ lambda ; a:f32[3,5] b:i32[3]. let\n"
      "    c:bool[3] = lt b 0:i32[]\n"
      "    d:i32[3] = add b 5:i32[]\n"
      "    e:i32[3] = select_n c b d\n"
      "    f:i32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] e\n"
      "    g:f32[3,2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(np.int64(1),), collapsed_slice_dims=(), start_index_map=(np.int64(1),), operand_batching_dims=(0,), start_indices_batching_dims=(0,))\n"
      "      fill_value=None\n"
      "      indices_are_sorted=True\n"
      "      mode=GatherScatterMode.CLIP\n"
      "      slice_sizes=(1, 2)\n"
      "      unique_indices=True\n"
      "    ] a f\n"
      "  in (g,) }");
  // jax.vmap(lambda x, i: x[i], in_axes=(0, None))(jnp.ones((3, 5)), jnp.array([0, 1]))
  QTest::newRow("vmap_gather_operand") << QString(
      "{ lambda ; a:f32[3,5] b:i32[2]. let\n"
      "    c:bool[2] = lt b 0:i32[]\n"
      "    d:i32[2] = add b 5:i32[]\n"
      "    e:i32[2] = select_n c b d\n"
      "    f:i32[2,1] = broadcast_in_dim[broadcast_dimensions=(0,)] e\n"
      "    g:f32[3,2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(0,), collapsed_slice_dims=(np.int64(1),), start_index_map=(np.int64(1),), operand_batching_dims=(), start_indices_batching_dims=())\n"
      "      fill_value=None\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
      "      slice_sizes=(3, 1)\n"
      "      unique_indices=False\n"
      "    ] a f\n"
      "  in (g,) }");
  // jax.vmap(lambda x, i: x[i], in_axes=(None, 0))(jnp.ones(5), jnp.array([[0, 1], [2, 3], [1, 1]]))
  QTest::newRow("vmap_gather_indices") << QString(
      "{ lambda ; a:f32[5] b:i32[3,2]. let\n"
      "    c:bool[3,2] = lt b 0:i32[]\n"
      "    d:i32[3,2] = add b 5:i32[]\n"
      "    e:i32[3,2] = select_n c b d\n"
      "    f:i32[3,2,1] = broadcast_in_dim[broadcast_dimensions=(0, np.int64(1))] e\n"
      "    g:f32[3,2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,), operand_batching_dims=(), start_indices_batching_dims=())\n"
      "      fill_value=None\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
      "      slice_sizes=(1,)\n"
      "      unique_indices=False\n"
      "    ] a f\n"
      "  in (g,) }");
  // jax.vmap(lambda x, i: x[i])(jnp.ones((3, 5)), jnp.array([[0, 1], [2, 3], [1, 1]]))
  QTest::newRow("vmap_gather_both") << QString(
      "{ lambda ; a:f32[3,5] b:i32[3,2]. let\n"
      "    c:bool[3,2] = lt b 0:i32[]\n"
      "    d:i32[3,2] = add b 5:i32[]\n"
      "    e:i32[3,2] = select_n c b d\n"
      "    f:i32[3,2,1] = broadcast_in_dim[broadcast_dimensions=(0, np.int64(1))] e\n"
      "    g:f32[3,2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(np.int64(1),), start_index_map=(np.int64(1),), operand_batching_dims=(0,), start_indices_batching_dims=(0,))\n"
      "      fill_value=None\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
      "      slice_sizes=(1, 1)\n"
      "      unique_indices=False\n"
      "    ] a f\n"
      "  in (g,) }");
  // jax.vmap(lambda x, i: x[i])(jnp.ones((3, 5)), jnp.array([0, 1, 2]))
  QTest::newRow("vmap_scalar_index") << QString(
      "{ lambda ; a:f32[3,5] b:i32[3]. let\n"
      "    c:bool[3] = lt b 0:i32[]\n"
      "    d:i32[3] = add b 5:i32[]\n"
      "    e:i32[3] = select_n c b d\n"
      "    f:i32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] e\n"
      "    g:f32[3,1] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(np.int64(1),), collapsed_slice_dims=(), start_index_map=(np.int64(1),), operand_batching_dims=(0,), start_indices_batching_dims=(0,))\n"
      "      fill_value=None\n"
      "      indices_are_sorted=True\n"
      "      mode=GatherScatterMode.CLIP\n"
      "      slice_sizes=(1, 1)\n"
      "      unique_indices=True\n"
      "    ] a f\n"
      "    h:f32[3] = squeeze[dimensions=(1,)] g\n"
      "  in (h,) }");
  // idx = jnp.array([1, 3]); jax.vmap(lambda x, u: x.at[idx].add(u))(jnp.ones((3, 5)), jnp.ones((3, 2)))
  QTest::newRow("vmap_at_add") << QString(
      "{ lambda a:i32[2]; b:f32[3,5] c:f32[3,2]. let\n"
      "    d:bool[2] = lt a 0:i32[]\n"
      "    e:i32[2] = add a 5:i32[]\n"
      "    f:i32[2] = select_n d a e\n"
      "    g:i32[2,1] = broadcast_in_dim[broadcast_dimensions=(0,)] f\n"
      "    h:f32[3,5] = scatter-add[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(0,), inserted_window_dims=(np.int64(1),), scatter_dims_to_operand_dims=(np.int64(1),), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      unique_indices=False\n"
      "      update_consts=()\n"
      "      update_jaxpr={ lambda ; i:f32[] j:f32[]. let k:f32[] = add i j in (k,) }\n"
      "    ] b g c\n"
      "  in (h,) }");
  // jax.vmap(lambda x, i, u: x.at[i].add(u))(jnp.ones((3, 5)), jnp.array([[0, 1], [2, 3], [1, 1]]), jnp.ones((3, 2)))
  QTest::newRow("vmap_at_add_indices") << QString(
      "{ lambda ; a:f32[3,5] b:i32[3,2] c:f32[3,2]. let\n"
      "    d:bool[3,2] = lt b 0:i32[]\n"
      "    e:i32[3,2] = add b 5:i32[]\n"
      "    f:i32[3,2] = select_n d b e\n"
      "    g:i32[3,2,1] = broadcast_in_dim[broadcast_dimensions=(0, np.int64(1))] f\n"
      "    h:f32[3,5] = scatter-add[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(np.int64(1),), scatter_dims_to_operand_dims=(np.int64(1),), operand_batching_dims=(0,), scatter_indices_batching_dims=(0,))\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      unique_indices=False\n"
      "      update_consts=()\n"
      "      update_jaxpr={ lambda ; i:f32[] j:f32[]. let k:f32[] = add i j in (k,) }\n"
      "    ] a g c\n"
      "  in (h,) }");
  // jax.vmap(jax.grad(lambda x, i: jnp.sum(jnp.sin(x[i]))))(jnp.ones((3, 5)), jnp.array([[0, 1], [2, 3], [1, 1]]))
  QTest::newRow("vmap_grad_gather") << QString(
      "{ lambda ; a:f32[3,5] b:i32[3,2]. let\n"
      "    c:bool[3,2] = lt b 0:i32[]\n"
      "    d:i32[3,2] = add b 5:i32[]\n"
      "    e:i32[3,2] = select_n c b d\n"
      "    f:i32[3,2,1] = broadcast_in_dim[broadcast_dimensions=(0, np.int64(1))] e\n"
      "    g:f32[3,2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(np.int64(1),), start_index_map=(np.int64(1),), operand_batching_dims=(0,), start_indices_batching_dims=(0,))\n"
      "      fill_value=None\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
      "      slice_sizes=(1, 1)\n"
      "      unique_indices=False\n"
      "    ] a f\n"
      "    h:f32[3,2] = sin g\n"
      "    i:f32[3,2] = cos g\n"
      "    _:f32[3] = reduce_sum[axes=(np.int64(1),) out_sharding=None] h\n"
      "    j:f32[2] = broadcast_in_dim 1.0:f32[]\n"
      "    k:f32[1,2] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] j\n"
      "    l:f32[3,2] = mul k i\n"
      "    m:f32[5] = broadcast_in_dim 0.0:f32[]\n"
      "    n:f32[3,5] = broadcast_in_dim[broadcast_dimensions=(np.int64(1),)] m\n"
      "    o:f32[3,5] = scatter-add[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(np.int64(1),), scatter_dims_to_operand_dims=(np.int64(1),), operand_batching_dims=(0,), scatter_indices_batching_dims=(0,))\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
      "      unique_indices=False\n"
      "      update_consts=()\n"
      "      update_jaxpr={ lambda ; p:f32[] q:f32[]. let r:f32[] = add p q in (r,) }\n"
      "    ] n f l\n"
      "  in (o,) }");
  // jax.vmap(lambda x, u, i: lax.dynamic_update_slice(x, u, (i,)))(jnp.ones((3, 5)), jnp.ones((3, 2)), jnp.array([0, 1, 2]))
  QTest::newRow("vmap_dynamic_update_slice") << QString(
      "{ lambda ; a:f32[3,5] b:f32[3,2] c:i32[3]. let\n"
      "    d:bool[3] = lt c 0:i32[]\n"
      "    e:i32[3] = add c 5:i32[]\n"
      "    f:i32[3] = select_n d c e\n"
      "    g:i32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] f\n"
      "    h:f32[3,5] = scatter[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(np.int64(1),), inserted_window_dims=(), scatter_dims_to_operand_dims=(np.int64(1),), operand_batching_dims=(0,), scatter_indices_batching_dims=(0,))\n"
      "      indices_are_sorted=True\n"
      "      mode=GatherScatterMode.CLIP\n"
      "      unique_indices=True\n"
      "      update_consts=()\n"
      "      update_jaxpr=None\n"
      "    ] a g b\n"
      "  in (h,) }");
  // jax.vmap(lambda x, u: lax.dynamic_update_slice(x, u, (1,)))(jnp.ones((2, 5)), jnp.ones((2, 2)))
  QTest::newRow("vmap_dynamic_update_slice_unbatched_start") << QString(
      "{ lambda ; a:f32[2,5] b:f32[2,2]. let\n"
      "    c:i32[1] = broadcast_in_dim 1:i32[]\n"
      "    d:f32[2,5] = scatter[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(0, np.int64(1)), inserted_window_dims=(), scatter_dims_to_operand_dims=(np.int64(1),), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=True\n"
      "      mode=GatherScatterMode.CLIP\n"
      "      unique_indices=True\n"
      "      update_consts=()\n"
      "      update_jaxpr=None\n"
      "    ] a c b\n"
      "  in (d,) }");
  // jax.vmap(lambda u: lax.dynamic_update_slice(jnp.ones((4, 5)), u, (1, 2)), in_axes=1)(jnp.ones((2, 3, 2)))
  QTest::newRow("vmap_dynamic_update_slice_update_axis_1") << QString(
      "{ lambda ; a:f32[2,3,2]. let\n"
      "    b:f32[4,5] = broadcast_in_dim 1.0:f32[]\n"
      "    c:i32[1] = broadcast_in_dim 1:i32[]\n"
      "    d:i32[1] = broadcast_in_dim 2:i32[]\n"
      "    e:i32[2] = concatenate[dimension=0] c d\n"
      "    f:f32[3,4,5] = broadcast_in_dim[\n"
      "      broadcast_dimensions=(np.int64(1), np.int64(2))\n"
      "    ] b\n"
      "    g:f32[3,2,2] = transpose[permutation=(1, 0, 2)] a\n"
      "    h:f32[3,4,5] = scatter[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(0, np.int64(1), np.int64(2)), inserted_window_dims=(), scatter_dims_to_operand_dims=(np.int64(1), np.int64(2)), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=True\n"
      "      mode=GatherScatterMode.CLIP\n"
      "      unique_indices=True\n"
      "      update_consts=()\n"
      "      update_jaxpr=None\n"
      "    ] f e g\n"
      "  in (h,) }");
  // jax.grad(lambda x, u, i: jnp.sum(jnp.sin(jax.vmap(lambda x, u, i: lax.dynamic_update_slice(x, u, (i,)))(x, u, i))), argnums=(0, 1))(jnp.ones((3, 5)), jnp.ones((3, 2)), jnp.array([0, 1, 2]))
  QTest::newRow("grad_vmap_dynamic_update_slice") << QString(
      "{ lambda ; a:f32[3,5] b:f32[3,2] c:i32[3]. let\n"
      "    d:bool[3] = lt c 0:i32[]\n"
      "    e:i32[3] = add c 5:i32[]\n"
      "    f:i32[3] = select_n d c e\n"
      "    g:i32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] f\n"
      "    h:f32[3,5] = scatter[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(np.int64(1),), inserted_window_dims=(), scatter_dims_to_operand_dims=(np.int64(1),), operand_batching_dims=(0,), scatter_indices_batching_dims=(0,))\n"
      "      indices_are_sorted=True\n"
      "      mode=GatherScatterMode.CLIP\n"
      "      unique_indices=True\n"
      "      update_consts=()\n"
      "      update_jaxpr=None\n"
      "    ] a g b\n"
      "    i:f32[3,5] = sin h\n"
      "    j:f32[3,5] = cos h\n"
      "    _:f32[] = reduce_sum[axes=(0, 1) out_sharding=None] i\n"
      "    k:f32[3,5] = broadcast_in_dim 1.0:f32[]\n"
      "    l:f32[3,5] = mul k j\n"
      "    m:f32[3,2] = broadcast_in_dim 0.0:f32[]\n"
      "    n:f32[3,5] = scatter[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(np.int64(1),), inserted_window_dims=(), scatter_dims_to_operand_dims=(np.int64(1),), operand_batching_dims=(0,), scatter_indices_batching_dims=(0,))\n"
      "      indices_are_sorted=True\n"
      "      mode=GatherScatterMode.CLIP\n"
      "      unique_indices=True\n"
      "      update_consts=()\n"
      "      update_jaxpr=None\n"
      "    ] l g m\n"
      "    o:f32[3,2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(np.int64(1),), collapsed_slice_dims=(), start_index_map=(np.int64(1),), operand_batching_dims=(0,), start_indices_batching_dims=(0,))\n"
      "      fill_value=None\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.CLIP\n"
      "      slice_sizes=(1, 2)\n"
      "      unique_indices=False\n"
      "    ] l g\n"
      "  in (n, o) }");
  // idx = jnp.array([[1], [3], [1]]); dn = lax.ScatterDimensionNumbers((1,), (0,), (0,)); jax.jvp(lambda x, u: lax.scatter(x, idx, u, dn), (x, u), (tx, tu)) for x = tx = jnp.ones((5, 3)), u = tu = jnp.ones((3, 3))
  QTest::newRow("jvp_scatter_repeated") << QString(
      "let jaxpr = { lambda ; a:f32[] b:f32[]. let c:f32[] = add a b in (c,) } in\n"
      "{ lambda d:i32[3,1]; e:f32[5,3] f:f32[3,3] g:f32[5,3] h:f32[3,3]. let\n"
      "    i:u32[3] = iota[dimension=0 dtype=uint32 shape=(3,) sharding=None] \n"
      "    j:u32[3,1] = reshape[dimensions=None new_sizes=(3, 1) sharding=None] i\n"
      "    k:u32[3,3] = broadcast_in_dim 1:u32[]\n"
      "    l:u32[3,3] = add j k\n"
      "    m:u32[5,3] = broadcast_in_dim 0:u32[]\n"
      "    n:u32[5,3] = scatter[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      unique_indices=False\n"
      "      update_consts=()\n"
      "      update_jaxpr=None\n"
      "    ] m d l\n"
      "    o:u32[3,3] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(1,), collapsed_slice_dims=(0,), start_index_map=(0,), operand_batching_dims=(), start_indices_batching_dims=())\n"
      "      fill_value=None\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.PROMISE_IN_BOUNDS\n"
      "      slice_sizes=(1, 3)\n"
      "      unique_indices=False\n"
      "    ] n d\n"
      "    p:u32[5,3] = broadcast_in_dim 0:u32[]\n"
      "    q:bool[5,3] = eq n p\n"
      "    r:f32[5,3] = broadcast_in_dim 0.0:f32[]\n"
      "    s:f32[5,3] = select_n q r e\n"
      "    t:bool[3,3] = eq l o\n"
      "    u:f32[3,3] = broadcast_in_dim 0.0:f32[]\n"
      "    v:f32[3,3] = select_n t u f\n"
      "    w:u32[5,3] = broadcast_in_dim 0:u32[]\n"
      "    x:bool[5,3] = eq n w\n"
      "    y:f32[5,3] = broadcast_in_dim 0.0:f32[]\n"
      "    z:f32[5,3] = select_n x y g\n"
      "    ba:bool[3,3] = eq l o\n"
      "    bb:f32[3,3] = broadcast_in_dim 0.0:f32[]\n"
      "    bc:f32[3,3] = select_n ba bb h\n"
      "    bd:f32[5,3] = scatter-add[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      unique_indices=False\n"
      "      update_consts=()\n"
      "      update_jaxpr=jaxpr\n"
      "    ] s d v\n"
      "    be:f32[5,3] = scatter-add[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(1,), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      unique_indices=False\n"
      "      update_consts=()\n"
      "      update_jaxpr=jaxpr\n"
      "    ] z d bc\n"
      "  in (bd, be) }");
  // idx = jnp.array([[3], [0]]); jax.grad(lambda x, u: jnp.sum(jnp.sin(lax.scatter(x, idx, u, lax.ScatterDimensionNumbers((), (0,), (0,)), unique_indices=True))), argnums=(0, 1))(jnp.ones(5), jnp.ones(2))
  QTest::newRow("grad_scatter_unique") << QString(
      "{ lambda a:i32[2,1]; b:f32[5] c:f32[2]. let\n"
      "    d:f32[5] = scatter[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      unique_indices=True\n"
      "      update_consts=()\n"
      "      update_jaxpr=None\n"
      "    ] b a c\n"
      "    e:f32[5] = sin d\n"
      "    f:f32[5] = cos d\n"
      "    _:f32[] = reduce_sum[axes=(0,) out_sharding=None] e\n"
      "    g:f32[5] = broadcast_in_dim 1.0:f32[]\n"
      "    h:f32[5] = mul g f\n"
      "    i:f32[2] = broadcast_in_dim 0.0:f32[]\n"
      "    j:f32[5] = scatter[\n"
      "      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,), scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      unique_indices=True\n"
      "      update_consts=()\n"
      "      update_jaxpr=None\n"
      "    ] h a i\n"
      "    k:f32[2] = gather[\n"
      "      dimension_numbers=GatherDimensionNumbers(offset_dims=(), collapsed_slice_dims=(0,), start_index_map=(0,), operand_batching_dims=(), start_indices_batching_dims=())\n"
      "      fill_value=0\n"
      "      indices_are_sorted=False\n"
      "      mode=GatherScatterMode.FILL_OR_DROP\n"
      "      slice_sizes=(1,)\n"
      "      unique_indices=False\n"
      "    ] h a\n"
      "  in (j, k) }");
}

void TstAdIndexing::jaxpr_matches_jax() {
  QFETCH(QString, expected);
  QString got;
  try {
    got = QString::fromStdString(jaxpr_text(traced(QString::fromUtf8(QTest::currentDataTag()))));
  } catch (const std::exception& e) {
    QFAIL(e.what());
  }
  if (got != expected)  // QCOMPARE truncates long strings: show both texts whole.
    qWarning().noquote() << "got:\n" << got << "\nexpected:\n" << expected;
  QCOMPARE(got, expected);
}

QTEST_APPLESS_MAIN(TstAdIndexing)
#include "tst_ad_indexing.moc"
