// Transformation rules of the structural primitives, after jax/_src/lax/lax.py
// (JAX 0.10.2). Every structural primitive is linear, so the JVP rules come
// from def_linear and the work is in the transpose and batching rules. Those
// emit the equations JAX's rules emit, with the same params, down to whether
// an integer param prints as `1` or `np.int64(1)` (JAX's rules compute some
// of them with numpy, which the printer shows).
#include <algorithm>
#include <numeric>
#include <optional>

#include "engine/ad/rules.h"
#include "engine/core/error.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

using std::span;
using std::vector;

const Primitive& prim(std::string_view name) { return primitive_for_rules(name); }

Param np_int(int64_t v) { return Param::numpy_integer(v, "np.int64"); }

// An integer param of value v, of the same Python type as `like`: a numpy
// integer stays one (JAX's rules do `i + 1` on the stored values).
Param int_like(const Param& like, int64_t v) {
  std::string s = like.str();
  if (s.starts_with("np.")) return Param::numpy_integer(v, s.substr(0, s.find('(')));
  return Param::integer(v);
}

// The inverse permutation (np.argsort of a permutation).
vector<int64_t> argsort(const vector<int64_t>& perm) {
  vector<int64_t> inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[perm[i]] = static_cast<int64_t>(i);
  return inv;
}

// lax.expand_dims, except that inserting no dims returns x: JAX's staging
// forwards the identity broadcast_in_dim it would bind (its
// _broadcast_in_dim_fwd_rule), so no equation shows in its jaxprs.
Value expand_dims_fwd(const Value& x, const vector<int64_t>& dims) {
  return dims.empty() ? x : lax::expand_dims(x, dims);
}

// lax.broadcast(x, (size,)): a new leading axis, with Python-int dims (unlike
// batching.broadcast, which ad::broadcast_batched mirrors, numpy ones).
Value broadcast_front(const Value& x, int64_t size) {
  Shape shape = x.shape();
  shape.insert(shape.begin(), size);
  vector<int64_t> dims(x.ndim());
  std::iota(dims.begin(), dims.end(), 1);
  return lax::broadcast_in_dim(x, shape, dims);
}

// --- transpose rules ----------------------------------------------------------

vector<Value> broadcast_in_dim_transpose(const Value& ct, span<const Value>, span<const ShapedArray> avals,
                                         const Params& params) {
  // Sum over the broadcast axes; operand dims of size 1 were broadcast too,
  // and come back as unit dims.
  const ShapedArray& op = avals[0];
  Shape shape = params.get_ints("shape");
  vector<int64_t> bdims = params.get_ints("broadcast_dimensions");
  vector<int64_t> unit_dims, kept;
  for (int64_t i = 0; i < op.ndim(); ++i) {
    if (op.shape[i] == 1)
      unit_dims.push_back(i);
    else
      kept.push_back(bdims[i]);
  }
  vector<int64_t> axes;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d)
    if (std::find(kept.begin(), kept.end(), d) == kept.end()) axes.push_back(d);
  return {expand_dims_fwd(lax::reduce_sum(ct, axes), unit_dims)};
}

vector<Value> reshape_transpose(const Value& ct, span<const Value>, span<const ShapedArray> avals,
                                const Params& params) {
  const ShapedArray& op = avals[0];
  const Param& dims = params.get("dimensions");
  if (dims.is_none()) return {lax::reshape(ct, op.shape)};
  vector<int64_t> perm = dims.as_ints();
  Shape sizes;
  for (int64_t d : perm) sizes.push_back(op.shape[d]);
  return {lax::transpose(lax::reshape(ct, sizes), argsort(perm))};
}

vector<Value> pad_transpose(const Value& ct, span<const Value> args, span<const ShapedArray>, const Params& params) {
  // The operand's cotangent: crop the lo/hi padding with a negative pad, then
  // take every (interior+1)-th element. The padding value's: everything that
  // did not come from the operand. JAX computes both with numpy, hence the
  // np.int64 params.
  const bool op_linear = ad::is_zero(args[0]), pv_linear = ad::is_zero(args[1]);
  const vector<Param>& cfg = params.get("padding_config").items();
  vector<Param> unpad;
  vector<int64_t> interior;
  for (const Param& c : cfg) {
    vector<int64_t> lhi = c.as_ints();
    unpad.push_back(Param::tuple({np_int(-lhi[0]), np_int(-lhi[1]), np_int(0)}));
    interior.push_back(lhi[2]);
  }
  // JAX builds t_operand only when the operand is linear and then fails on a
  // linear padding value with a constant operand (reduce_sum of None); the
  // crop is needed for the padding value's cotangent, so it is built for both.
  Value zero = Array::scalar(0.0, ct.dtype());
  Value unpadded = jxr::bind1(prim("pad"), {ct, zero}, {{"padding_config", Param::tuple(unpad)}});
  vector<Param> starts, strides;
  for (int64_t i : interior) {
    starts.push_back(np_int(0));
    strides.push_back(np_int(i + 1));
  }
  Value t_op = jxr::bind1(prim("slice"), {unpadded},
                          {{"start_indices", Param::tuple(starts)},
                           {"limit_indices", Param::ints(unpadded.shape())},
                           {"strides", Param::tuple(strides)}});
  vector<Value> out(2);
  if (op_linear) out[0] = t_op;
  if (pv_linear) {
    vector<int64_t> all(ct.ndim());
    std::iota(all.begin(), all.end(), 0);
    // Separate statements: JAX stages the total of ct first.
    Value total = lax::reduce_sum(ct, all);
    Value from_operand = lax::reduce_sum(t_op, all);
    out[1] = lax::sub(total, from_operand);
  }
  return out;
}

// --- batching rules -------------------------------------------------------------

BatchResult broadcast_in_dim_batch(span<const Value> args, span<const int> dims, const Params& params,
                                   int64_t size) {
  // Batch axis in front, broadcast_dimensions shifted by one (np.add: numpy ints).
  Value x = ad::moveaxis(args[0], dims[0], 0);
  vector<Param> bd{Param::integer(0)};
  for (int64_t d : params.get_ints("broadcast_dimensions")) bd.push_back(np_int(d + 1));
  Shape shape = params.get_ints("shape");
  shape.insert(shape.begin(), size);
  Value out = jxr::bind1(prim("broadcast_in_dim"), {x},
                         {{"shape", Param::ints(shape)},
                          {"broadcast_dimensions", Param::tuple(bd)},
                          {"sharding", Param::none()}});
  return {{out}, {0}};
}

BatchResult reshape_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t size) {
  Value x = ad::moveaxis(args[0], dims[0], 0);
  std::optional<vector<int64_t>> perm;
  if (const Param& d = params.get("dimensions"); !d.is_none()) {
    perm = vector<int64_t>{0};
    for (int64_t p : d.as_ints()) perm->push_back(p + 1);
  }
  Shape sizes = params.get_ints("new_sizes");
  sizes.insert(sizes.begin(), size);
  return {{lax::reshape(x, sizes, perm)}, {0}};
}

BatchResult squeeze_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  Value x = ad::moveaxis(args[0], dims[0], 0);
  vector<int64_t> sq;
  for (int64_t d : params.get_ints("dimensions")) sq.push_back(d + 1);
  return {{lax::squeeze(x, sq)}, {0}};
}

BatchResult transpose_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  // The batch axis goes first, through the permutation itself.
  const int bdim = dims[0];
  vector<int64_t> perm{bdim};
  for (int64_t i : params.get_ints("permutation")) perm.push_back(i < bdim ? i : i + 1);
  return {{lax::transpose(args[0], perm)}, {0}};
}

BatchResult rev_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  const int bdim = dims[0];
  vector<Param> rd;
  for (const Param& d : params.get("dimensions").items())
    rd.push_back(d.as_int() >= bdim ? int_like(d, d.as_int() + 1) : d);
  return {{jxr::bind1(prim("rev"), {args[0]}, {{"dimensions", Param::tuple(rd)}})}, {bdim}};
}

BatchResult concatenate_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t size) {
  // Batched operands get their batch axis in front; unbatched ones are
  // broadcast to the batch.
  vector<Value> ops;
  for (size_t i = 0; i < args.size(); ++i)
    ops.push_back(dims[i] == kNotMapped ? broadcast_front(args[i], size) : ad::moveaxis(args[i], dims[i], 0));
  return {{lax::concatenate(ops, params.get_int("dimension") + 1)}, {0}};
}

BatchResult stack_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t size) {
  const int64_t axis = params.get_int("axis");
  const int bdim = dims[0];
  bool same = bdim != kNotMapped;
  for (int d : dims) same = same && d == bdim;
  if (same) {
    // Operands batched alike: stack them around the batch axis.
    const int64_t out_axis = axis <= bdim ? axis : axis + 1;
    const int out_bdim = axis <= bdim ? bdim + 1 : bdim;
    return {{jxr::bind1(prim("stack"), args, {{"axis", Param::integer(out_axis)}})}, {out_bdim}};
  }
  vector<Value> ops;
  for (size_t i = 0; i < args.size(); ++i)
    ops.push_back(dims[i] == kNotMapped ? broadcast_front(args[i], size) : ad::moveaxis(args[i], dims[i], 0));
  return {{jxr::bind1(prim("stack"), ops, {{"axis", Param::integer(axis + 1)}})}, {0}};
}

BatchResult pad_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t size) {
  Value operand = args[0];
  const Value& padv = args[1];
  int op_bdim = dims[0];
  if (op_bdim == kNotMapped) {
    op_bdim = 0;
    operand = broadcast_front(operand, size);
  }
  // The batch axis is not padded.
  vector<Param> cfg = params.get("padding_config").items();
  cfg.insert(cfg.begin() + op_bdim, Param::ints({0, 0, 0}));
  Params p{{"padding_config", Param::tuple(cfg)}};
  if (dims[1] == kNotMapped) return {{jxr::bind1(prim("pad"), {operand, padv}, p)}, {op_bdim}};
  // A batched padding value (a scalar, so batched at 0): pad with zeros, then
  // select each example's padding value where the mask of operand elements
  // is false.
  Value x = jxr::bind1(prim("pad"), {operand, Array::scalar(0.0, operand.dtype())}, p);
  Value ones = lax::broadcast_in_dim(Array::scalar(1.0, DType::Bool), operand.shape(), {});
  Value mask = jxr::bind1(prim("pad"), {ones, Array::scalar(0.0, DType::Bool)}, p);
  Value bpad = lax::broadcast_in_dim(padv, x.shape(), {op_bdim});
  return {{lax::select_n(mask, {bpad, x})}, {op_bdim}};
}

BatchResult split_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  const int bdim = dims[0];
  const int64_t axis = params.get_int("axis");
  vector<Value> outs = lax::split(args[0], params.get("sizes").items(), axis >= bdim ? axis + 1 : axis);
  return {outs, vector<int>(outs.size(), bdim)};
}

BatchResult unstack_batch(span<const Value> args, span<const int> dims, const Params& params, int64_t) {
  // The unstacked axis moves past the batch axis, or the batch axis down one.
  const int bdim = dims[0];
  const int64_t axis = params.get_int("axis");
  const bool before = axis < bdim;
  vector<Value> outs = jxr::bind(prim("unstack"), args, {{"axis", Param::integer(before ? axis : axis + 1)}});
  return {outs, vector<int>(outs.size(), before ? bdim - 1 : bdim)};
}

}  // namespace

void register_structural_rules() {
  auto& P = primitive_for_rules;

  ad::def_linear(P("broadcast_in_dim"), broadcast_in_dim_transpose);
  ad::def_linear(P("reshape"), reshape_transpose);
  ad::def_linear(P("squeeze"), [](const Value& ct, span<const Value>, span<const ShapedArray>, const Params& params) {
    return vector<Value>{expand_dims_fwd(ct, params.get_ints("dimensions"))};
  });
  ad::def_linear(P("transpose"), [](const Value& ct, span<const Value>, span<const ShapedArray>,
                                    const Params& params) {
    return vector<Value>{lax::transpose(ct, argsort(params.get_ints("permutation")))};
  });
  ad::def_linear(P("rev"), [](const Value& ct, span<const Value>, span<const ShapedArray>, const Params& params) {
    return vector<Value>{jxr::bind1(prim("rev"), {ct}, params)};
  });
  ad::def_linear(P("copy"), [](const Value& ct, span<const Value>, span<const ShapedArray>, const Params&) {
    return vector<Value>{lax::copy(ct)};
  });
  // concatenate -> split of the cotangent (JAX's _concatenate_transpose_rule);
  // pieces of constant operands are dropped by the backward pass.
  ad::def_linear(P("concatenate"), [](const Value& ct, span<const Value>, span<const ShapedArray> avals,
                                      const Params& params) {
    const int64_t dim = params.get_int("dimension");
    vector<int64_t> sizes;
    for (const ShapedArray& a : avals) sizes.push_back(a.shape[dim]);
    return lax::split(ct, sizes, dim);
  });
  ad::def_linear(P("pad"), pad_transpose);
  // stack -> unstack of the cotangent, and back (JAX's _stack_transpose_rule
  // and _unstack_transpose_rule, the latter with zeros instantiated).
  ad::def_linear(P("stack"), [](const Value& ct, span<const Value>, span<const ShapedArray>, const Params& params) {
    return jxr::bind(prim("unstack"), span<const Value>(&ct, 1), params);
  });
  ad::def_linear(P("unstack"), nullptr);
  P("unstack").transpose = [](span<const Value> cts, span<const Value>, span<const ShapedArray> avals,
                              const Params& params) {
    ShapedArray a = ad::tangent_aval(avals[0]);
    a.shape.erase(a.shape.begin() + params.get_int("axis"));
    vector<Value> pieces;
    for (const Value& ct : cts) pieces.push_back(ad::instantiate_zeros(ct, a));
    return vector<Value>{jxr::bind1(prim("stack"), pieces, params)};
  };
  // split has several outputs: its transpose concatenates all the cotangents,
  // zeros instantiated (JAX's _split_transpose_rule).
  ad::def_linear(P("split"), nullptr);
  P("split").transpose = [](span<const Value> cts, span<const Value>, span<const ShapedArray> avals,
                            const Params& params) {
    const int64_t axis = params.get_int("axis");
    vector<int64_t> sizes = params.get_ints("sizes");
    vector<Value> pieces;
    for (size_t i = 0; i < cts.size(); ++i) {
      ShapedArray a = ad::tangent_aval(avals[0]);
      a.shape[axis] = sizes[i];
      pieces.push_back(ad::instantiate_zeros(cts[i], a));
    }
    return vector<Value>{lax::concatenate(pieces, axis)};
  };

  P("broadcast_in_dim").batch = broadcast_in_dim_batch;
  P("reshape").batch = reshape_batch;
  P("squeeze").batch = squeeze_batch;
  P("transpose").batch = transpose_batch;
  P("rev").batch = rev_batch;
  P("concatenate").batch = concatenate_batch;
  P("stack").batch = stack_batch;
  P("pad").batch = pad_batch;
  P("split").batch = split_batch;
  P("unstack").batch = unstack_batch;
  ad::def_vectorized(P("copy"));
  // iota has no operands: vmap never batches it, and it has no tangent.
  ad::def_jvp_zero(P("iota"));
}

}  // namespace jxr
