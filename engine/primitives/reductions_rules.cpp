// Transformation rules of the reduction primitives, after jax/_src/lax/lax.py
// (reduce_*, argmin/argmax), jax/_src/lax/control_flow/loops.py (cumulative
// reductions) and batching.reducer_batcher. Rules are written with lax
// functions, emitting JAX's equations in JAX's order, so that transformed
// jaxprs print as JAX prints them.
#include <algorithm>
#include <numeric>

#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

using std::span;

bool contains(const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// slicing.slice_in_dim: a slice along `axis`; strides are always explicit.
Value slice_in_dim(const Value& x, int64_t start, int64_t limit, int64_t stride, int64_t axis) {
  std::vector<int64_t> starts(x.ndim(), 0), strides(x.ndim(), 1);
  std::vector<int64_t> limits(x.shape().begin(), x.shape().end());
  const int64_t n = x.shape()[axis];
  starts[axis] = start < 0 ? start + n : start;
  limits[axis] = limit < 0 ? limit + n : limit;
  strides[axis] = stride;
  return lax::slice(x, starts, limits, strides);
}

Value scalar_like(const Value& x, double v) { return Array::scalar(v, x.dtype()); }

// --- batching ---------------------------------------------------------------

// batching.reducer_batcher: the reduced axes renumbered around the batch
// axis. They come out of np.where as numpy integers, and print so.
BatchRule reducer_batcher(const Primitive& prim) {
  const Primitive* p = &prim;
  return [p](span<const Value> args, span<const int> dims, const Params& params, int64_t) {
    if (dims[0] == kNotMapped) return BatchResult{jxr::bind(*p, args, params), {kNotMapped}};
    const int bdim = dims[0];
    std::vector<int64_t> axes = params.get_ints("axes");
    std::vector<Param> new_axes;
    for (int64_t& a : axes) {
      if (a >= bdim) ++a;
      new_axes.push_back(Param::numpy_integer(a, "np.int64"));
    }
    int out_dim = 0;
    for (int d = 0; d < bdim; ++d)
      if (!contains(axes, d)) ++out_dim;
    Params np = params;
    np.set("axes", Param::tuple(std::move(new_axes)));
    return BatchResult{jxr::bind(*p, args, np), {out_dim}};
  };
}

// _cumred_batch_rule: the scanned axis skips the batch axis.
BatchRule cumred_batcher(const Primitive& prim) {
  const Primitive* p = &prim;
  return [p](span<const Value> args, span<const int> dims, const Params& params, int64_t) {
    if (dims[0] == kNotMapped) return BatchResult{jxr::bind(*p, args, params), {kNotMapped}};
    int64_t axis = params.get_int("axis");
    Params np = params;
    np.set("axis", Param::integer(axis < dims[0] ? axis : axis + 1));
    return BatchResult{jxr::bind(*p, args, np), {dims[0]}};
  };
}

// --- JVPs ---------------------------------------------------------------------

// _reduce_chooser_jvp_rule (reduce_max, reduce_min): the tangent averaged over
// the positions that attain the extreme value.
Value chooser_jvp(const Value& g, const Value& ans, span<const Value> primals, const Params& params) {
  const Value& x = primals[0];
  std::vector<int64_t> axes = params.get_ints("axes");
  Shape shape = x.shape();
  for (int64_t a : axes) shape[a] = 1;
  Value where = lax::convert_element_type(lax::eq(x, lax::reshape(ans, shape)), g.dtype());
  Value counts = lax::reduce_sum(where, axes);
  return lax::div(lax::reduce_sum(lax::mul(g, where), axes), counts);
}

// _reduce_jvp's _reduce_tree for a product: the leading axis halved
// repeatedly, an odd half padded with the multiplicative identity. The
// leading axis is not empty.
Value product_tree(const Value& x0) {
  Value x = x0;
  while (x.shape()[0] > 1) {
    const int64_t n = x.shape()[0], n1 = (n + 1) / 2, n2 = n - n1;
    Value a = slice_in_dim(x, 0, n1, 1, 0);
    Value b = slice_in_dim(x, n1, n, 1, 0);
    if (n2 != n1) {
      std::vector<lax::PadDim> cfg(x.ndim());
      cfg[0].hi = 1;
      b = lax::pad(b, scalar_like(x, 1.0), cfg);
    }
    x = lax::mul(a, b);
  }
  return lax::squeeze(x, {0});
}

// _reduce_prod_jvp_rule: JAX differentiates a tree of multiplications (the
// primal output comes from the tree too), after moving the reduced axes to
// the front and flattening them.
JvpResult reduce_prod_jvp(span<const Value> primals, span<const Value> tangents, const Params& params) {
  const Value& x = primals[0];
  std::vector<int64_t> axes = params.get_ints("axes");
  std::vector<int64_t> perm = axes;
  int64_t n = 1;
  for (int64_t a : axes) n *= x.shape()[a];
  Shape rest;
  for (int64_t d = 0; d < x.ndim(); ++d)
    if (!contains(axes, d)) {
      perm.push_back(d);
      rest.push_back(x.shape()[d]);
    }
  Shape flat = rest;
  flat.insert(flat.begin(), n);
  Value xp = lax::reshape(x, flat, perm);
  Value tp = ad::is_zero(tangents[0]) ? Value() : lax::reshape(tangents[0], flat, perm);
  FlatFn tree = [rest](span<const Value> xs) {
    if (xs[0].shape()[0] == 0) {
      // Nothing to multiply: ones, whose tangent is zero.
      return std::vector<Value>{lax::broadcast_in_dim(scalar_like(xs[0], 1.0), rest, {})};
    }
    return std::vector<Value>{product_tree(xs[0])};
  };
  std::vector<Value> ps{xp}, ts{tp};
  return jvp_flat(tree, ps, ts);
}

// JAX's associative_scan over one operand (its _scan recursion and
// _interleave), with `fn` the combining binary op.
Value associative_scan(const std::function<Value(const Value&, const Value&)>& fn, const Value& elems, int64_t axis,
                       bool reverse) {
  auto interleave = [axis](const Value& a, const Value& b) {
    const bool same = a.shape()[axis] == b.shape()[axis];
    std::vector<lax::PadDim> a_pad(a.ndim()), b_pad(b.ndim());
    a_pad[axis] = {0, same ? 1 : 0, 1};
    b_pad[axis] = {1, same ? 0 : 1, 1};
    Value pa = lax::pad(a, scalar_like(a, 0.0), a_pad);
    Value pb = lax::pad(b, scalar_like(b, 0.0), b_pad);
    return a.dtype() == DType::Bool ? lax::bitwise_or(pa, pb) : lax::add(pa, pb);
  };
  std::function<Value(const Value&)> scan = [&](const Value& x) -> Value {
    const int64_t n = x.shape()[axis];
    if (n < 2) return x;
    // Operands are sliced in separate statements: equations are emitted in
    // JAX's order, which C++ argument evaluation would not fix.
    Value lo = slice_in_dim(x, 0, -1, 2, axis);
    Value hi = slice_in_dim(x, 1, n, 2, axis);
    Value odd = scan(fn(lo, hi));
    Value odd_part = n % 2 == 0 ? slice_in_dim(odd, 0, -1, 1, axis) : odd;
    Value rest = slice_in_dim(x, 2, n, 2, axis);
    Value even = fn(odd_part, rest);
    even = lax::concatenate({slice_in_dim(x, 0, 1, 1, axis), even}, axis);
    return interleave(even, odd);
  };
  Value x = reverse ? lax::rev(elems, {axis}) : elems;
  Value out = scan(x);
  return reverse ? lax::rev(out, {axis}) : out;
}

// _cumulative_jvp_rule: the JVP of a parallel prefix scan (reduce_window is
// not arbitrarily differentiable); primal outputs come from the scan too.
JvpRule cumulative_jvp(std::function<Value(const Value&, const Value&)> fn) {
  return [fn](span<const Value> primals, span<const Value> tangents, const Params& params) {
    const int64_t axis = params.get_int("axis");
    const bool reverse = params.get_bool("reverse");
    FlatFn scan = [fn, axis, reverse](span<const Value> xs) {
      return std::vector<Value>{associative_scan(fn, xs[0], axis, reverse)};
    };
    return jvp_flat(scan, primals, tangents);
  };
}

}  // namespace

void register_reduction_rules() {
  auto& P = primitive_for_rules;
  for (const char* n : {"reduce_sum", "reduce_max", "reduce_min", "reduce_prod", "reduce_and", "reduce_or", "argmax",
                        "argmin"})
    P(n).batch = reducer_batcher(P(n));
  for (const char* n : {"cumsum", "cumprod", "cummax", "cummin"}) P(n).batch = cumred_batcher(P(n));

  // _reduce_sum_transpose_rule: the cotangent broadcast back over the axes.
  ad::def_linear(P("reduce_sum"), [](const Value& ct, span<const Value>, span<const ShapedArray> avals,
                                     const Params& params) {
    static const Primitive& bcast = get_primitive("broadcast_in_dim");
    std::vector<int64_t> axes = params.get_ints("axes");
    // The kept dims come from np.delete: numpy integers, printed as such.
    std::vector<Param> kept;
    for (int64_t d = 0; d < avals[0].ndim(); ++d)
      if (!contains(axes, d)) kept.push_back(Param::numpy_integer(d, "np.int64"));
    if (avals[0].ndim() == 0) return std::vector<Value>{ct};  // lax.broadcast_in_dim's no-op
    return std::vector<Value>{bind1(bcast, {ct}, {{"shape", Param::ints(avals[0].shape)},
                                                  {"broadcast_dimensions", Param::tuple(std::move(kept))},
                                                  {"sharding", Param::none()}})};
  });
  ad::def_jvp2(P("reduce_max"), {chooser_jvp});
  ad::def_jvp2(P("reduce_min"), {chooser_jvp});
  P("reduce_prod").jvp = reduce_prod_jvp;
  // Integer and boolean results: no tangent space.
  for (const char* n : {"reduce_and", "reduce_or", "argmax", "argmin"}) ad::def_jvp_zero(P(n));

  // _cumsum_transpose_rule: a cumsum the other way round.
  ad::def_linear(P("cumsum"), [](const Value& ct, span<const Value>, span<const ShapedArray>, const Params& params) {
    return std::vector<Value>{lax::cumsum(ct, params.get_int("axis"), !params.get_bool("reverse"))};
  });
  P("cumprod").jvp = cumulative_jvp([](const Value& a, const Value& b) { return lax::mul(a, b); });
  P("cummax").jvp = cumulative_jvp([](const Value& a, const Value& b) { return lax::max(a, b); });
  P("cummin").jvp = cumulative_jvp([](const Value& a, const Value& b) { return lax::min(a, b); });
}

}  // namespace jxr
