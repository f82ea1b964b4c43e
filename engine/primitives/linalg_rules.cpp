// Transformation rules of dot_general (jax/_src/lax/lax.py), sort
// (lax.py's _sort_jvp and _sort_batch_rule) and the random-bit primitives
// (jax/_src/random/threefry2x32.py, prng.py). Rules are written with lax
// functions, emitting JAX's equations in JAX's order, so that transformed
// jaxprs print as JAX prints them.
#include <algorithm>
#include <numeric>

#include "engine/ad/rules.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

using std::span;
using Dims = std::vector<int64_t>;

bool contains(const Dims& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// lax.remaining: the dims of range(n) in none of the lists.
Dims remaining(int64_t n, const Dims& a, const Dims& b) {
  Dims out;
  for (int64_t d = 0; d < n; ++d)
    if (!contains(a, d) && !contains(b, d)) out.push_back(d);
  return out;
}

Dims range(int64_t start, size_t len) {
  Dims out(len);
  std::iota(out.begin(), out.end(), start);
  return out;
}

Dims argsort(const Dims& v) {
  Dims idx = range(0, v.size());
  std::stable_sort(idx.begin(), idx.end(), [&](int64_t a, int64_t b) { return v[a] < v[b]; });
  return idx;
}

// --- dot_general ------------------------------------------------------------

Value bind_dot(const Value& lhs, const Value& rhs, const lax::DotDimensionNumbers& d, const Params& params) {
  static const Primitive& p = get_primitive("dot_general");
  Params np = params;
  np.set("dimension_numbers", lax::dot_dnums_param(d));
  return bind1(p, {lhs, rhs}, np);
}

// _dot_general_transpose_lhs: the cotangent of x from g (the output
// cotangent) and y, contracting g's y-dims with y's free dims, then permuting
// to x's layout. swap_ans: x is the dot's rhs (its free dims come last in g).
Value dot_transpose_lhs(const Value& g, const ShapedArray& x_aval, const Value& y, const lax::DotDimensionNumbers& d,
                        const Params& params, bool swap_ans) {
  const Dims &x_contract = d.lhs_contracting, &y_contract = d.rhs_contracting;
  const Dims &x_batch = d.lhs_batch, &y_batch = d.rhs_batch;
  Dims x_kept = remaining(x_aval.ndim(), x_contract, x_batch);
  Dims y_kept = remaining(y.ndim(), y_contract, y_batch);
  Dims ans_batch = range(0, x_batch.size());
  Dims ans_y = swap_ans ? range(x_batch.size(), y_kept.size())
                        : range(static_cast<int64_t>(x_batch.size() + x_kept.size()), y_kept.size());
  lax::DotDimensionNumbers dims{ans_y, y_kept, ans_batch, y_batch};
  Dims unsorted = x_batch;
  unsorted.insert(unsorted.end(), x_kept.begin(), x_kept.end());
  for (int64_t i : argsort(y_contract)) unsorted.push_back(x_contract[i]);
  Value x_bar = lax::transpose(bind_dot(g, y, dims, params), argsort(unsorted));
  if (x_bar.dtype() != x_aval.dtype) x_bar = lax::convert_element_type(x_bar, x_aval.dtype, x_aval.weak_type);
  return x_bar;
}

lax::DotDimensionNumbers swapped(const lax::DotDimensionNumbers& d) {
  return {d.rhs_contracting, d.lhs_contracting, d.rhs_batch, d.lhs_batch};
}

// _dot_general_batch_dim_nums: both operands batched: the vmapped dims
// become a new leading batch dim; one batched: a free dim of that operand.
BatchResult dot_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  static const Primitive& p = get_primitive("dot_general");
  const int lbd = dims[0], rbd = dims[1];
  if (lbd == kNotMapped && rbd == kNotMapped) return BatchResult{jxr::bind(p, args, params), {kNotMapped}};
  lax::DotDimensionNumbers d = lax::dot_dnums_from_param(params.get("dimension_numbers"));
  auto bump = [](Dims v, int64_t b) {
    for (int64_t& x : v)
      if (x >= b) ++x;
    return v;
  };
  const int64_t lhs_ndim = args[0].ndim(), rhs_ndim = args[1].ndim();
  int64_t result_dim = 0;
  lax::DotDimensionNumbers nd;
  if (lbd != kNotMapped && rbd != kNotMapped) {
    nd.lhs_batch = bump(d.lhs_batch, lbd);
    nd.lhs_batch.insert(nd.lhs_batch.begin(), lbd);
    nd.rhs_batch = bump(d.rhs_batch, rbd);
    nd.rhs_batch.insert(nd.rhs_batch.begin(), rbd);
    nd.lhs_contracting = bump(d.lhs_contracting, lbd);
    nd.rhs_contracting = bump(d.rhs_contracting, rbd);
  } else if (lbd != kNotMapped) {
    Dims lhs_tensor = remaining(lhs_ndim, d.lhs_batch, d.lhs_contracting);
    result_dim = static_cast<int64_t>(d.lhs_batch.size()) +
                 std::count_if(lhs_tensor.begin(), lhs_tensor.end(), [&](int64_t x) { return x < lbd; });
    nd = {bump(d.lhs_contracting, lbd), d.rhs_contracting, bump(d.lhs_batch, lbd), d.rhs_batch};
  } else {
    Dims rhs_tensor = remaining(rhs_ndim, d.rhs_batch, d.rhs_contracting);
    result_dim = lhs_ndim - static_cast<int64_t>(d.lhs_contracting.size()) +
                 std::count_if(rhs_tensor.begin(), rhs_tensor.end(), [&](int64_t x) { return x < rbd; });
    nd = {d.lhs_contracting, bump(d.rhs_contracting, rbd), d.lhs_batch, bump(d.rhs_batch, rbd)};
  }
  return BatchResult{{bind_dot(args[0], args[1], nd, params)}, {static_cast<int>(result_dim)}};
}

// --- sort -------------------------------------------------------------------

// lax_utils.int_dtype_for_shape(shape, signed=False): uint32 (uint64 only
// past 2^32 elements along a dim, which jaxray has no dtype for).
DType index_dtype_for(const Shape&) { return DType::U32; }

// _sort_jvp: sorts an iota along with the operands, then gathers each
// nonzero tangent at the sorted positions (one index per element, the other
// dims as gather batch dims).
JvpResult sort_jvp(span<const Value> primals, span<const Value> tangents, const Params& params) {
  static const Primitive& sort_p = get_primitive("sort");
  static const Primitive& gather_p = get_primitive("gather");
  const Shape shape = primals[0].shape();
  const int64_t dim = params.get_int("dimension");
  const int64_t nd = static_cast<int64_t>(shape.size());
  std::vector<Value> args(primals.begin(), primals.end());
  args.push_back(lax::iota(index_dtype_for(shape), shape, dim));
  std::vector<Value> sorted = jxr::bind(sort_p, args, params);
  // The batch dims come from np.delete, so they are numpy integers.
  std::vector<Param> batch_dims;
  for (int64_t d = 0; d < nd; ++d)
    if (d != dim) batch_dims.push_back(Param::numpy_integer(d, "np.int64"));
  Param dnums = Param::record("GatherDimensionNumbers", {{"offset_dims", Param::ints({})},
                                                         {"collapsed_slice_dims", Param::ints({dim})},
                                                         {"start_index_map", Param::ints({dim})},
                                                         {"operand_batching_dims", Param::tuple(batch_dims)},
                                                         {"start_indices_batching_dims", Param::tuple(batch_dims)}});
  Value idx = lax::expand_dims(sorted.back(), {nd});
  Params gather_params{{"dimension_numbers", dnums},
                       {"slice_sizes", Param::ints(Dims(shape.size(), 1))},
                       {"unique_indices", Param::boolean(false)},
                       {"indices_are_sorted", Param::boolean(false)},
                       {"mode", lax::gather_mode_param(lax::GatherScatterMode::PromiseInBounds)},
                       {"fill_value", Param::none()}};
  JvpResult r;
  r.primals.assign(sorted.begin(), sorted.end() - 1);
  for (const Value& t : tangents)
    r.tangents.push_back(ad::is_zero(t) ? Value() : bind1(gather_p, {t, idx}, gather_params));
  return r;
}

// _sort_batch_rule: all operands batched along the first batched operand's
// batch dim (unbatched ones broadcast); the sort dimension skips it.
BatchResult sort_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  static const Primitive& sort_p = get_primitive("sort");
  size_t first = 0;
  while (first < dims.size() && dims[first] == kNotMapped) ++first;
  if (first == dims.size()) {
    std::vector<Value> outs = jxr::bind(sort_p, args, params);
    return BatchResult{outs, std::vector<int>(outs.size(), kNotMapped)};
  }
  const Value& proto = args[first];
  const int bdim = dims[first];
  std::vector<Value> new_args;
  for (size_t i = 0; i < args.size(); ++i) {
    if (dims[i] == kNotMapped) {
      Dims kept;
      for (int64_t d = 0; d < proto.ndim(); ++d)
        if (d != bdim) kept.push_back(d);
      new_args.push_back(lax::broadcast_in_dim(args[i], proto.shape(), kept));
    } else {
      new_args.push_back(ad::moveaxis(args[i], dims[i], bdim));
    }
  }
  const int64_t dimension = params.get_int("dimension");
  Params np = params;
  np.set("dimension", Param::integer(dimension + (bdim <= dimension ? 1 : 0)));
  std::vector<Value> outs = jxr::bind(sort_p, new_args, np);
  return BatchResult{outs, std::vector<int>(outs.size(), bdim)};
}

// --- random -----------------------------------------------------------------

// random_bits is vectorized over leading key dims (JAX's defvectorized on
// key arrays): a raw key batch uint32[..., 2] gives bits [..., *shape], the
// same bits per key as one call per key. A batch axis in the key-data
// position is moved to the front first.
BatchResult random_bits_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  static const Primitive& p = get_primitive("random_bits");
  int bdim = dims[0];
  Value key = args[0];
  if (bdim != kNotMapped && bdim == key.ndim() - 1) {
    key = ad::moveaxis(key, bdim, 0);
    bdim = 0;
  }
  return BatchResult{{bind1(p, {key}, params)}, {bdim}};
}

}  // namespace

void register_linalg_rules() {
  auto& P = primitive_for_rules;

  Primitive& dot = P("dot_general");
  ad::def_bilinear(
      dot,
      [](const Value& ct, const Value&, const Value& y, span<const ShapedArray> avals, const Params& params) {
        lax::DotDimensionNumbers d = lax::dot_dnums_from_param(params.get("dimension_numbers"));
        return dot_transpose_lhs(ct, avals[0], y, d, params, false);
      },
      [](const Value& ct, const Value& x, const Value&, span<const ShapedArray> avals, const Params& params) {
        // _dot_general_transpose_rhs: the lhs rule with the operands swapped.
        lax::DotDimensionNumbers d = lax::dot_dnums_from_param(params.get("dimension_numbers"));
        return dot_transpose_lhs(ct, avals[1], x, swapped(d), params, true);
      });
  dot.batch = dot_batch;

  P("sort").jvp = sort_jvp;
  P("sort").batch = sort_batch;

  // JAX: batching.defbroadcasting(threefry2x32_p); the primitive broadcasts
  // the size-1 leading axis the batcher gives unbatched operands.
  ad::def_jvp_zero(P("threefry2x32"));
  ad::def_broadcasting(P("threefry2x32"));
  ad::def_jvp_zero(P("random_bits"));
  P("random_bits").batch = random_bits_batch;
}

}  // namespace jxr
