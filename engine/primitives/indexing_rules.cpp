// Transformation rules of the indexing primitives, after jax/_src/lax/slicing.py:
// slice transposes to pad, dynamic_slice to dynamic_update_slice, gather to
// scatter-add and back, scatter to itself and a gather; under vmap
// dynamic_slice becomes a gather and dynamic_update_slice a scatter, and
// gather and the scatters take the batch as an extra window dimension
// (operand batched only), extra index dimension (indices batched only) or as
// operand_batching_dims / *_indices_batching_dims (both batched).
#include <map>
#include <mutex>

#include "engine/ad/rules.h"
#include "engine/jaxpr/staging.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

using std::span;

// --- ints with their Python types ---------------------------------------
// JAX's rules build dimension numbers and padding configs with numpy
// arithmetic (np.add(1, dims), np.subtract(shape, limit)), whose elements are
// np.int64 and print as `np.int64(1)`, while literal prefixes such as (0,)
// stay Python ints. The rules below keep the Param items, not plain int64s,
// so that transformed jaxprs (and transformations of them) print as JAX's.
using PyInts = std::vector<Param>;

bool is_numpy_int(const Param& p) { return p.str().starts_with("np."); }
Param np_int(int64_t v) { return Param::numpy_integer(v, "np.int64"); }
PyInts items_of(const Param& p) { return p.is_none() ? PyInts{} : p.items(); }
// np.add(1, dims): every element becomes np.int64.
PyInts np_add1(const PyInts& v) {
  PyInts out;
  for (const Param& p : v) out.push_back(np_int(p.as_int() + 1));
  return out;
}
// tuple(1 + d for d in dims): each element keeps its own type.
PyInts py_add1(const PyInts& v) {
  PyInts out;
  for (const Param& p : v) out.push_back(is_numpy_int(p) ? np_int(p.as_int() + 1) : Param::integer(p.as_int() + 1));
  return out;
}
// (k,) + dims
PyInts prepend(int64_t k, PyInts v) {
  v.insert(v.begin(), Param::integer(k));
  return v;
}
PyInts py_range(int64_t n) {
  PyInts out;
  for (int64_t i = 0; i < n; ++i) out.push_back(Param::integer(i));
  return out;
}
bool holds(const PyInts& v, int64_t x) {
  for (const Param& p : v)
    if (p.as_int() == x) return true;
  return false;
}

// Gather/scatter dimension numbers as Param items, field by field.
struct GatherDnums {
  PyInts offset_dims, collapsed_slice_dims, start_index_map, operand_batching_dims, start_indices_batching_dims;
};
struct ScatterDnums {
  PyInts update_window_dims, inserted_window_dims, scatter_dims_to_operand_dims, operand_batching_dims,
      scatter_indices_batching_dims;
};

GatherDnums gather_dnums(const Param& p) {
  return {items_of(p.field("offset_dims")), items_of(p.field("collapsed_slice_dims")),
          items_of(p.field("start_index_map")), items_of(p.field("operand_batching_dims")),
          items_of(p.field("start_indices_batching_dims"))};
}
Param gather_dnums_param(const GatherDnums& d) {
  return Param::record("GatherDimensionNumbers", {{"offset_dims", Param::tuple(d.offset_dims)},
                                                  {"collapsed_slice_dims", Param::tuple(d.collapsed_slice_dims)},
                                                  {"start_index_map", Param::tuple(d.start_index_map)},
                                                  {"operand_batching_dims", Param::tuple(d.operand_batching_dims)},
                                                  {"start_indices_batching_dims",
                                                   Param::tuple(d.start_indices_batching_dims)}});
}
ScatterDnums scatter_dnums(const Param& p) {
  return {items_of(p.field("update_window_dims")), items_of(p.field("inserted_window_dims")),
          items_of(p.field("scatter_dims_to_operand_dims")), items_of(p.field("operand_batching_dims")),
          items_of(p.field("scatter_indices_batching_dims"))};
}
Param scatter_dnums_param(const ScatterDnums& d) {
  return Param::record("ScatterDimensionNumbers",
                       {{"update_window_dims", Param::tuple(d.update_window_dims)},
                        {"inserted_window_dims", Param::tuple(d.inserted_window_dims)},
                        {"scatter_dims_to_operand_dims", Param::tuple(d.scatter_dims_to_operand_dims)},
                        {"operand_batching_dims", Param::tuple(d.operand_batching_dims)},
                        {"scatter_indices_batching_dims", Param::tuple(d.scatter_indices_batching_dims)}});
}

const Primitive& prim(std::string_view name) { return get_primitive(name); }

bool is_fill_mode(const Param& mode) {
  return lax::gather_mode_from_param(mode) == lax::GatherScatterMode::FillOrDrop;
}

// gather_p.bind as lax.gather leaves it: fill_value only in FILL_OR_DROP mode.
Value gather(const Value& operand, const Value& indices, const GatherDnums& dn, const std::vector<int64_t>& sizes,
             bool unique_indices, bool indices_are_sorted, const Param& mode, const Param& fill_value) {
  return bind1(prim("gather"), {operand, indices},
               {{"dimension_numbers", gather_dnums_param(dn)},
                {"slice_sizes", Param::ints(sizes)},
                {"unique_indices", Param::boolean(unique_indices)},
                {"indices_are_sorted", Param::boolean(indices_are_sorted)},
                {"mode", mode},
                {"fill_value", is_fill_mode(mode) ? fill_value : Param::none()}});
}

// The `add` update_jaxpr that lax.scatter_add records, per dtype; taken from
// a traced lax::scatter_add so that it is the very jaxpr lax builds.
Param add_update_jaxpr(DType dtype) {
  static std::mutex mu;
  static std::map<DType, Param> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(dtype);
    if (it != cache.end()) return it->second;
  }
  std::vector<ShapedArray> avals{{{1}, dtype, false}, {{1, 1}, DType::I32, false}, {{1}, dtype, false}};
  ClosedJaxpr cj = trace_to_jaxpr(
      [](span<const Value> a) {
        lax::ScatterDimensionNumbers dn{{}, {0}, {0}, {}, {}};
        return std::vector<Value>{lax::scatter_add(a[0], a[1], a[2], dn)};
      },
      avals);
  Param p = cj.jaxpr->eqns.at(0).params.get("update_jaxpr");
  std::lock_guard<std::mutex> lock(mu);
  return cache.emplace(dtype, p).first->second;
}

// A scatter-family primitive bound with `params` (update_jaxpr, mode ...) but
// new operands and dimension numbers.
Value scatter_like(const Primitive& prim, const Params& params, const Value& operand, const Value& indices,
                   const Value& updates, const ScatterDnums& dn, std::optional<bool> sorted = {},
                   std::optional<bool> unique = {}) {
  Params p = params;
  p.set("dimension_numbers", scatter_dnums_param(dn));
  if (sorted) p.set("indices_are_sorted", Param::boolean(*sorted));
  if (unique) p.set("unique_indices", Param::boolean(*unique));
  return bind1(prim, {operand, indices, updates}, p);
}

// A new scatter-add, as lax.scatter_add(operand, indices, updates, dnums, ...).
Value scatter_add(const Value& operand, const Value& indices, const Value& updates, const ScatterDnums& dn,
                  bool indices_are_sorted, bool unique_indices, const Param& mode) {
  return bind1(prim("scatter-add"), {operand, indices, updates},
               {{"update_jaxpr", add_update_jaxpr(operand.dtype())},
                {"update_consts", Param::tuple({})},
                {"dimension_numbers", scatter_dnums_param(dn)},
                {"indices_are_sorted", Param::boolean(indices_are_sorted)},
                {"unique_indices", Param::boolean(unique_indices)},
                {"mode", mode}});
}

// The params lax.scatter binds: no update computation.
Params scatter_params(const ScatterDnums& dn, bool indices_are_sorted, bool unique_indices, const Param& mode) {
  return {{"update_jaxpr", Param::none()},
          {"update_consts", Param::tuple({})},
          {"dimension_numbers", scatter_dnums_param(dn)},
          {"indices_are_sorted", Param::boolean(indices_are_sorted)},
          {"unique_indices", Param::boolean(unique_indices)},
          {"mode", mode}};
}

// A new scatter, as lax.scatter(operand, indices, updates, dnums, ...).
Value scatter(const Value& operand, const Value& indices, const Value& updates, const ScatterDnums& dn,
              bool indices_are_sorted, bool unique_indices, const Param& mode) {
  return bind1(prim("scatter"), {operand, indices, updates},
               scatter_params(dn, indices_are_sorted, unique_indices, mode));
}

// lax.full(shape, 0, dtype): a literal for scalars, else broadcast_in_dim.
Value zeros(const Shape& shape, DType dtype) { return ad::zeros_like_aval(ShapedArray{shape, dtype, false}); }

// lax.full(shape, v, dtype), likewise.
Value full(const Shape& shape, double v, DType dtype) {
  Value s = Array::scalar(v, dtype);
  return shape.empty() ? s : lax::broadcast_in_dim(s, shape, {});
}

// The gather that reads back the update windows of a scatter: its dimension
// numbers, and slice sizes for an operand of `rank` (1 on inserted and
// batching dims, the window's extent elsewhere).
GatherDnums inverse_gather_dnums(const ScatterDnums& s) {
  return {s.update_window_dims, s.inserted_window_dims, s.scatter_dims_to_operand_dims, s.operand_batching_dims,
          s.scatter_indices_batching_dims};
}
std::vector<int64_t> inverse_gather_sizes(const ScatterDnums& s, int64_t rank, const Shape& updates_shape) {
  std::vector<int64_t> sizes;
  size_t pos = 0;
  for (int64_t i = 0; i < rank; ++i) {
    if (holds(s.inserted_window_dims, i) || holds(s.operand_batching_dims, i))
      sizes.push_back(1);
    else
      sizes.push_back(updates_shape[s.update_window_dims[pos++].as_int()]);
  }
  return sizes;
}

std::vector<Value> operands_from(span<const Value> args, size_t first) {
  return std::vector<Value>(args.begin() + static_cast<std::ptrdiff_t>(first), args.end());
}

// --- slice ------------------------------------------------------------------

// The cotangent of slice's operand: ct padded with zeros back to the operand's
// shape, strides becoming interior padding.
std::vector<Value> slice_transpose(const Value& ct, span<const Value>, span<const ShapedArray> in_avals,
                                   const Params& params) {
  const Shape& shape = in_avals[0].shape;
  const PyInts start = items_of(params.get("start_indices"));
  const std::vector<int64_t> limit = params.get_ints("limit_indices");
  const Param& sp = params.get("strides");
  std::vector<int64_t> strides = sp.is_none() ? std::vector<int64_t>(shape.size(), 1) : sp.as_ints();
  bool unit = true;
  for (int64_t s : strides) unit = unit && s == 1;
  std::vector<Param> cfg;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (unit) {
      cfg.push_back(Param::tuple({start[k], np_int(shape[k] - limit[k]), Param::integer(0)}));
    } else {
      const int64_t n = ct.shape()[k];
      const int64_t real_limit = start[k].as_int() + (n == 0 ? 0 : 1 + (n - 1) * strides[k]);
      cfg.push_back(Param::tuple({start[k], np_int(shape[k] - real_limit), np_int(strides[k] - 1)}));
    }
  }
  Value zero = Array::scalar(0.0, ct.dtype());
  return {bind1(prim("pad"), {ct, zero}, {{"padding_config", Param::tuple(std::move(cfg))}})};
}

// The batch axis is kept where it is, taken whole.
BatchResult slice_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  const Value& x = args[0];
  const int bd = dims[0];
  PyInts start = items_of(params.get("start_indices")), limit = items_of(params.get("limit_indices"));
  start.insert(start.begin() + bd, Param::integer(0));
  limit.insert(limit.begin() + bd, Param::integer(x.shape()[bd]));
  Param strides = params.get("strides");
  if (!strides.is_none()) {
    PyInts s = strides.items();
    s.insert(s.begin() + bd, Param::integer(1));
    strides = Param::tuple(std::move(s));
  }
  Value out = bind1(prim("slice"), {x},
                    {{"start_indices", Param::tuple(std::move(start))},
                     {"limit_indices", Param::tuple(std::move(limit))},
                     {"strides", strides}});
  return {{out}, {bd}};
}

// --- gather -----------------------------------------------------------------

// JAX's _gather_batching_rule on explicit fields, shared with dynamic_slice.
BatchResult gather_batch_impl(Value operand, Value indices, int operand_bd, int indices_bd, const GatherDnums& dn,
                              std::vector<int64_t> sizes, bool unique, bool sorted, const Param& mode,
                              const Param& fill_value) {
  if (operand_bd != kNotMapped && indices_bd == kNotMapped) {
    // The batch becomes a leading window dimension taken whole.
    operand = ad::moveaxis(operand, operand_bd, 0);
    sizes.insert(sizes.begin(), operand.shape()[0]);
    GatherDnums d{prepend(0, np_add1(dn.offset_dims)), np_add1(dn.collapsed_slice_dims), np_add1(dn.start_index_map),
                  np_add1(dn.operand_batching_dims), dn.start_indices_batching_dims};
    return {{gather(operand, indices, d, sizes, unique, sorted, mode, fill_value)}, {0}};
  }
  if (operand_bd == kNotMapped) {
    // The batch becomes a leading index batch dimension. Batched indices into
    // one array may repeat or lose their order.
    indices = ad::moveaxis(indices, indices_bd, 0);
    GatherDnums d{py_add1(dn.offset_dims), dn.collapsed_slice_dims, dn.start_index_map, dn.operand_batching_dims,
                  np_add1(dn.start_indices_batching_dims)};
    return {{gather(operand, indices, d, sizes, false, false, mode, fill_value)}, {0}};
  }
  // Both batched: the batch pairs operand and indices as a batching dimension.
  operand = ad::moveaxis(operand, operand_bd, 0);
  indices = ad::moveaxis(indices, indices_bd, 0);
  sizes.insert(sizes.begin(), operand.shape()[0] == 0 ? 0 : 1);
  GatherDnums d{np_add1(dn.offset_dims), np_add1(dn.collapsed_slice_dims), np_add1(dn.start_index_map),
                prepend(0, np_add1(dn.operand_batching_dims)), prepend(0, np_add1(dn.start_indices_batching_dims))};
  return {{gather(operand, indices, d, sizes, unique, sorted, mode, fill_value)}, {0}};
}

BatchResult gather_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  return gather_batch_impl(args[0], args[1], dims[0], dims[1], gather_dnums(params.get("dimension_numbers")),
                           params.get_ints("slice_sizes"), params.get("unique_indices").as_bool(),
                           params.get("indices_are_sorted").as_bool(), params.get("mode"), params.get("fill_value"));
}

// Linear in the operand: the same gather of the tangent (out-of-bounds slots
// of FILL_OR_DROP get a zero tangent).
Value gather_tangent(const Value& t, span<const Value> primals, const Params& params) {
  return gather(t, primals[1], gather_dnums(params.get("dimension_numbers")), params.get_ints("slice_sizes"),
                params.get("unique_indices").as_bool(), params.get("indices_are_sorted").as_bool(),
                params.get("mode"), Param::integer(0));
}

// The operand's cotangent: ct scatter-added into zeros at the same windows.
std::vector<Value> gather_transpose(span<const Value> cts, span<const Value> args, span<const ShapedArray> in_avals,
                                    const Params& params) {
  std::vector<Value> out(args.size());
  if (!ad::is_zero(args[0]) || ad::is_zero(cts[0])) return out;
  const GatherDnums g = gather_dnums(params.get("dimension_numbers"));
  ScatterDnums s{g.offset_dims, g.collapsed_slice_dims, g.start_index_map, g.operand_batching_dims,
                 g.start_indices_batching_dims};
  Value z = zeros(in_avals[0].shape, cts[0].dtype());
  out[0] = scatter_add(z, args[1], cts[0], s, params.get("indices_are_sorted").as_bool(),
                       params.get("unique_indices").as_bool(), params.get("mode"));
  return out;
}

// --- scatter-add --------------------------------------------------------------

JvpResult scatter_add_jvp(span<const Value> primals, span<const Value> tangents, const Params& params) {
  const Primitive& p = prim("scatter-add");
  Value out = bind1(p, primals, params);
  if (ad::is_zero(tangents[0]) && ad::is_zero(tangents[2])) return {{out}, {Value()}};
  Value g_operand = ad::instantiate_zeros(tangents[0], primals[0].aval());
  Value g_updates = ad::instantiate_zeros(tangents[2], primals[2].aval());
  return {{out}, {bind1(p, {g_operand, primals[1], g_updates}, params)}};
}

// Linear in operand and updates: the operand's cotangent is ct itself, the
// updates' is ct gathered at the update windows.
std::vector<Value> scatter_add_transpose(span<const Value> cts, span<const Value> args,
                                         span<const ShapedArray> in_avals, const Params& params) {
  std::vector<Value> out(args.size());
  const Value& t = cts[0];
  if (ad::is_zero(t)) return out;
  if (ad::is_zero(args[0])) out[0] = t;
  if (ad::is_zero(args[2])) {
    const ScatterDnums s = scatter_dnums(params.get("dimension_numbers"));
    out[2] = gather(t, args[1], inverse_gather_dnums(s), inverse_gather_sizes(s, t.ndim(), in_avals[2].shape), false,
                    false, params.get("mode"), Param::integer(0));
  }
  return out;
}

// JAX's _scatter_batching_rule, for any scatter-family primitive `p`.
BatchResult scatter_batch_rule(const Primitive& p, span<const Value> args, span<const int> dims,
                               const Params& params, int64_t size) {
  const ScatterDnums dn = scatter_dnums(params.get("dimension_numbers"));
  // The operand gets the batch in front (created when unbatched) so that each
  // example scatters into its own slice.
  Value operand = ad::bdim_at_front(args[0], dims[0], size);
  Value updates = ad::bdim_at_front(args[2], dims[2], size);
  if (dims[1] == kNotMapped) {
    ScatterDnums d{prepend(0, np_add1(dn.update_window_dims)), np_add1(dn.inserted_window_dims),
                   np_add1(dn.scatter_dims_to_operand_dims), np_add1(dn.operand_batching_dims),
                   dn.scatter_indices_batching_dims};
    return {{scatter_like(p, params, operand, args[1], updates, d)}, {0}};
  }
  Value indices = ad::bdim_at_front(args[1], dims[1], size);
  ScatterDnums d{np_add1(dn.update_window_dims), np_add1(dn.inserted_window_dims),
                 np_add1(dn.scatter_dims_to_operand_dims), prepend(0, np_add1(dn.operand_batching_dims)),
                 prepend(0, np_add1(dn.scatter_indices_batching_dims))};
  return {{scatter_like(p, params, operand, indices, updates, d)}, {0}};
}

BatchResult scatter_add_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t size) {
  return scatter_batch_rule(prim("scatter-add"), args, dims, params, size);
}

// --- scatter ----------------------------------------------------------------

// JAX's _scatter_jvp. With unique indices the tangent is the same scatter of
// the tangents. Otherwise which overlapping update wins is unspecified, so
// each update gets an id (1, 2, ...), the ids are scattered and gathered
// back; the operand elements no window reached and the updates whose id
// survived are kept (the rest zeroed) and combined with a scatter-add, for
// the primal and the tangent alike.
JvpResult scatter_jvp(span<const Value> primals, span<const Value> tangents, const Params& params) {
  const Primitive& p = prim("scatter");
  if (!params.get("update_jaxpr").is_none())
    throw Error(ErrorKind::NotImplemented, "scatter_apply JVP not implemented");
  const Value &operand = primals[0], &indices = primals[1], &updates = primals[2];
  if (ad::is_zero(tangents[0]) && ad::is_zero(tangents[2])) return {{bind1(p, primals, params)}, {Value()}};
  Value g_operand = ad::instantiate_zeros(tangents[0], operand.aval());
  Value g_updates = ad::instantiate_zeros(tangents[2], updates.aval());
  const ScatterDnums dn = scatter_dnums(params.get("dimension_numbers"));
  const bool sorted = params.get("indices_are_sorted").as_bool();
  const bool unique = params.get("unique_indices").as_bool();
  const Param& mode = params.get("mode");
  if (unique) {
    Value out = scatter_like(p, params, operand, indices, updates, dn, {}, true);
    return {{out}, {scatter_like(p, params, g_operand, indices, g_updates, dn, {}, true)}};
  }
  // a) An id per update (per scatter index, shared across its window).
  Shape ids_shape = updates.shape();
  for (const Param& d : dn.update_window_dims) ids_shape[d.as_int()] = 1;
  const int64_t num_ids = shape_size(ids_shape);
  // int_dtype_for_dim(num_ids, signed=False): uint32 (jaxray has no uint64).
  const DType id_dtype = DType::U32;
  Value iota_ids = lax::reshape(lax::iota(id_dtype, {num_ids}, 0), ids_shape);
  Value update_ids = lax::add(iota_ids, full(updates.shape(), 1, id_dtype));
  Value scattered_ids = scatter(full(operand.shape(), 0, id_dtype), indices, update_ids, dn, sorted, unique, mode);
  // b) The inverse gather: the id that won each update's slots.
  Value gathered_ids = gather(scattered_ids, indices, inverse_gather_dnums(dn),
                              inverse_gather_sizes(dn, scattered_ids.ndim(), updates.shape()), false, false,
                              lax::gather_mode_param(lax::GatherScatterMode::PromiseInBounds), Param::none());
  // c) Mask off what does not reach the output (lax.select(c, x, y) is
  //    select_n(c, y, x)).
  auto untouched = [&](const Value& v) {
    Value c = lax::eq(scattered_ids, zeros(scattered_ids.shape(), id_dtype));
    return lax::select_n(c, {zeros(v.shape(), v.dtype()), v});
  };
  auto winning = [&](const Value& v) {
    Value c = lax::eq(update_ids, gathered_ids);
    return lax::select_n(c, {zeros(v.shape(), v.dtype()), v});
  };
  Value masked_operand = untouched(operand);
  Value masked_updates = winning(updates);
  Value masked_g_operand = untouched(g_operand);
  Value masked_g_updates = winning(g_updates);
  // d) Scatter-adds of the masked values.
  Value out = scatter_add(masked_operand, indices, masked_updates, dn, sorted, unique, mode);
  Value t = scatter_add(masked_g_operand, indices, masked_g_updates, dn, sorted, unique, mode);
  return {{out}, {t}};
}

// JAX's _scatter_transpose_rule (unique indices only): the operand's
// cotangent is ct with the written windows zeroed, the updates' is ct
// gathered at the windows.
std::vector<Value> scatter_transpose(span<const Value> cts, span<const Value> args, span<const ShapedArray> in_avals,
                                     const Params& params) {
  if (!params.get("unique_indices").as_bool())
    throw Error(ErrorKind::NotImplemented, "scatter transpose is only implemented where unique_indices=True");
  std::vector<Value> out(args.size());
  const Value& t = cts[0];
  if (ad::is_zero(t)) return out;
  const ScatterDnums dn = scatter_dnums(params.get("dimension_numbers"));
  const Shape& updates_shape = in_avals[2].shape;
  const Param& mode = params.get("mode");
  if (ad::is_zero(args[0]))
    out[0] = scatter(t, args[1], full(updates_shape, 0, t.dtype()), dn, params.get("indices_are_sorted").as_bool(),
                     true, mode);
  if (ad::is_zero(args[2]))
    out[2] = gather(t, args[1], inverse_gather_dnums(dn), inverse_gather_sizes(dn, t.ndim(), updates_shape), false,
                    false, mode, Param::integer(0));
  return out;
}

BatchResult scatter_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t size) {
  return scatter_batch_rule(prim("scatter"), args, dims, params, size);
}

// --- dynamic_slice / dynamic_update_slice ---------------------------------------

// The scalar start indices of a batched dynamic_(update_)slice as one index
// array [size, n] (batch dim 0), or [n] when none is batched; as JAX's
// _batch_dynamic_slice_indices.
std::pair<Value, int> batch_dynamic_slice_indices(span<const Value> idx, span<const int> dims) {
  if (idx.empty()) return {Array::from_vector<int32_t>({}, {0}), kNotMapped};
  int64_t size = -1;
  for (size_t i = 0; i < idx.size(); ++i)
    if (dims[i] != kNotMapped) size = idx[i].shape()[dims[i]];
  std::vector<Value> cols;
  for (size_t i = 0; i < idx.size(); ++i) {
    if (size < 0)
      cols.push_back(lax::broadcast_in_dim(idx[i], {1}, {}));
    else
      cols.push_back(lax::broadcast_in_dim(idx[i], {size, 1},
                                           dims[i] != kNotMapped ? std::vector<int64_t>{0} : std::vector<int64_t>{}));
  }
  Value cat = lax::concatenate(cols, size < 0 ? 0 : 1);
  return {cat, size < 0 ? kNotMapped : 0};
}

JvpResult dynamic_slice_jvp(span<const Value> primals, span<const Value> tangents, const Params& params) {
  const Primitive& p = prim("dynamic_slice");
  // JAX binds the tangent's slice first.
  Value t;
  if (!ad::is_zero(tangents[0])) {
    std::vector<Value> a{tangents[0]};
    a.insert(a.end(), primals.begin() + 1, primals.end());
    t = bind1(p, a, params);
  }
  return {{bind1(p, primals, params)}, {t}};
}

// The operand's cotangent: ct written into zeros at the (clamped) start.
std::vector<Value> dynamic_slice_transpose(span<const Value> cts, span<const Value> args,
                                           span<const ShapedArray> in_avals, const Params&) {
  std::vector<Value> out(args.size());
  if (!ad::is_zero(args[0]) || ad::is_zero(cts[0])) return out;
  Value z = zeros(in_avals[0].shape, in_avals[0].dtype);
  out[0] = lax::dynamic_update_slice(z, cts[0], operands_from(args, 1));
  return out;
}

// A dynamic slice is a gather of one window per example (CLIP keeps XLA's
// clamping of the start).
BatchResult dynamic_slice_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  const Value& operand = args[0];
  const int64_t ndims = operand.ndim() - (dims[0] == kNotMapped ? 0 : 1);
  GatherDnums dn{py_range(ndims), {}, py_range(ndims), {}, {}};
  auto [index, index_bd] = batch_dynamic_slice_indices(args.subspan(1), dims.subspan(1));
  return gather_batch_impl(operand, index, dims[0], index_bd, dn, params.get_ints("slice_sizes"), true, true,
                           lax::gather_mode_param(lax::GatherScatterMode::Clip), Param::none());
}

JvpResult dynamic_update_slice_jvp(span<const Value> primals, span<const Value> tangents, const Params& params) {
  const Primitive& p = prim("dynamic_update_slice");
  Value out = bind1(p, primals, params);
  if (ad::is_zero(tangents[0]) && ad::is_zero(tangents[1])) return {{out}, {Value()}};
  std::vector<Value> a{ad::instantiate_zeros(tangents[0], primals[0].aval()),
                       ad::instantiate_zeros(tangents[1], primals[1].aval())};
  a.insert(a.end(), primals.begin() + 2, primals.end());
  return {{out}, {bind1(p, a, params)}};
}

// Operand: ct with the window zeroed; update: the window of ct.
std::vector<Value> dynamic_update_slice_transpose(span<const Value> cts, span<const Value> args,
                                                  span<const ShapedArray> in_avals, const Params&) {
  std::vector<Value> out(args.size());
  const Value& t = cts[0];
  if (ad::is_zero(t)) return out;
  const Shape& update_shape = in_avals[1].shape;
  const std::vector<Value> idx = operands_from(args, 2);
  // As JAX, the zeros are made even when only the update is linear.
  Value z = zeros(update_shape, t.dtype());
  if (ad::is_zero(args[0])) out[0] = lax::dynamic_update_slice(t, z, idx);
  if (ad::is_zero(args[1])) out[1] = lax::dynamic_slice(t, idx, update_shape);
  return out;
}

// As JAX: a dynamic_update_slice is a scatter (replacing, CLIP keeping XLA's
// clamping of the start) of the whole update as one window at the start
// index vector, batched by scatter's batching rule.
BatchResult dynamic_update_slice_batch(span<const Value> args, span<const int> dims, const Params&, int64_t size) {
  const int64_t n = args[1].ndim() - (dims[1] == kNotMapped ? 0 : 1);
  const ScatterDnums dn{py_range(n), {}, py_range(n), {}, {}};
  auto [index, index_bd] = batch_dynamic_slice_indices(args.subspan(2), dims.subspan(2));
  const Params p = scatter_params(dn, true, true, lax::gather_mode_param(lax::GatherScatterMode::Clip));
  const Value a[3] = {args[0], index, args[1]};
  const int d[3] = {dims[0], index_bd, dims[1]};
  return scatter_batch_rule(prim("scatter"), a, d, p, size);
}

}  // namespace

void register_indexing_rules() {
  auto& P = primitive_for_rules;

  ad::def_linear(P("slice"), slice_transpose);
  P("slice").batch = slice_batch;

  P("dynamic_slice").jvp = dynamic_slice_jvp;
  P("dynamic_slice").transpose = dynamic_slice_transpose;
  P("dynamic_slice").batch = dynamic_slice_batch;

  P("dynamic_update_slice").jvp = dynamic_update_slice_jvp;
  P("dynamic_update_slice").transpose = dynamic_update_slice_transpose;
  P("dynamic_update_slice").batch = dynamic_update_slice_batch;

  ad::def_jvp(P("gather"), {gather_tangent, {}});
  P("gather").transpose = gather_transpose;
  P("gather").batch = gather_batch;

  P("scatter-add").jvp = scatter_add_jvp;
  P("scatter-add").transpose = scatter_add_transpose;
  P("scatter-add").batch = scatter_add_batch;

  P("scatter").jvp = scatter_jvp;
  P("scatter").transpose = scatter_transpose;
  P("scatter").batch = scatter_batch;
}

}  // namespace jxr
