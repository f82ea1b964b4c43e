// Rule builders shared by the primitive families.
#include "engine/ad/rules.h"

#include <numeric>

#include "engine/core/error.h"
#include "engine/lax.h"

namespace jxr::ad {

bool has_tangent_space(DType d) { return is_floating(d); }

ShapedArray tangent_aval(const ShapedArray& primal) {
  return ShapedArray{primal.shape, primal.dtype, primal.weak_type};
}

Value zeros_like_aval(const ShapedArray& aval) {
  Array zero = Array::scalar(0.0, aval.dtype, aval.weak_type);
  if (aval.ndim() == 0) return zero;
  return lax::broadcast_in_dim(zero, aval.shape, {});
}

Value instantiate_zeros(const Value& t, const ShapedArray& aval) {
  return is_zero(t) ? zeros_like_aval(tangent_aval(aval)) : t;
}

Value add_tangents(const Value& a, const Value& b) {
  if (is_zero(a)) return b;
  if (is_zero(b)) return a;
  return lax::add_any(a, b);
}

void throw_missing_rule(const Primitive& p, std::string_view transformation) {
  std::string what;
  if (transformation == "jvp")
    what = "Differentiation rule";
  else if (transformation == "transpose")
    what = "Transpose rule (for reverse-mode differentiation)";
  else
    what = "Batching rule";
  throw Error(ErrorKind::NotImplemented, what + " for '" + p.name() + "' not implemented");
}

namespace {

JvpResult no_tangent(std::vector<Value> outs) {
  JvpResult r;
  r.tangents.resize(outs.size());
  r.primals = std::move(outs);
  return r;
}

}  // namespace

void def_jvp2(Primitive& p, std::vector<TangentFn2> per_input) {
  const Primitive* prim = &p;
  p.jvp = [prim, rules = std::move(per_input)](std::span<const Value> primals, std::span<const Value> tangents,
                                               const Params& params) {
    Value out = bind1(*prim, primals, params);
    Value t;
    if (has_tangent_space(out.dtype()))
      for (size_t i = 0; i < rules.size() && i < tangents.size(); ++i)
        if (rules[i] && !is_zero(tangents[i])) t = add_tangents(t, rules[i](tangents[i], out, primals, params));
    return JvpResult{{out}, {t}};
  };
}

void def_jvp(Primitive& p, std::vector<TangentFn> per_input) {
  std::vector<TangentFn2> rules;
  for (TangentFn& f : per_input)
    rules.push_back(f ? TangentFn2([f = std::move(f)](const Value& t, const Value&, std::span<const Value> primals,
                                                      const Params& params) { return f(t, primals, params); })
                      : TangentFn2());
  def_jvp2(p, std::move(rules));
}

void def_jvp_zero(Primitive& p) {
  const Primitive* prim = &p;
  p.jvp = [prim](std::span<const Value> primals, std::span<const Value>, const Params& params) {
    return no_tangent(jxr::bind(*prim, primals, params));
  };
}

void def_linear(Primitive& p, LinearTransposeFn transpose) {
  const Primitive* prim = &p;
  p.jvp = [prim](std::span<const Value> primals, std::span<const Value> tangents, const Params& params) {
    std::vector<Value> outs = jxr::bind(*prim, primals, params);
    bool all_zero = true;
    for (const Value& t : tangents) all_zero = all_zero && is_zero(t);
    if (all_zero) return no_tangent(std::move(outs));
    std::vector<Value> ts;
    for (size_t i = 0; i < primals.size(); ++i) ts.push_back(instantiate_zeros(tangents[i], primals[i].aval()));
    return JvpResult{std::move(outs), jxr::bind(*prim, ts, params)};
  };
  p.transpose = [fn = std::move(transpose)](std::span<const Value> cts, std::span<const Value> args,
                                            std::span<const ShapedArray> in_avals, const Params& params) {
    return fn(cts[0], args, in_avals, params);
  };
}

void def_bilinear(Primitive& p, BilinearFn lhs, BilinearFn rhs) {
  const Primitive* prim = &p;
  def_jvp(p, {[prim](const Value& t, std::span<const Value> primals, const Params& params) {
                return bind1(*prim, {t, primals[1]}, params);
              },
              [prim](const Value& t, std::span<const Value> primals, const Params& params) {
                return bind1(*prim, {primals[0], t}, params);
              }});
  p.transpose = [lhs = std::move(lhs), rhs = std::move(rhs)](std::span<const Value> cts, std::span<const Value> args,
                                                             std::span<const ShapedArray> in_avals,
                                                             const Params& params) {
    std::vector<Value> out(2);
    if (is_zero(args[0]))
      out[0] = lhs(cts[0], args[0], args[1], in_avals, params);
    else
      out[1] = rhs(cts[0], args[0], args[1], in_avals, params);
    return out;
  };
}

Value moveaxis(const Value& x, int from, int to) {
  if (from == to) return x;
  std::vector<int64_t> perm;
  for (int i = 0; i < x.ndim(); ++i)
    if (i != from) perm.push_back(i);
  perm.insert(perm.begin() + to, from);
  return lax::transpose(x, perm);
}

Value broadcast_batched(const Value& x, int64_t size, int axis) {
  Shape shape = x.shape();
  shape.insert(shape.begin() + axis, size);
  // JAX computes these dims with numpy (np.delete), so they print as np.int64.
  std::vector<Param> dims;
  for (int i = 0; i < static_cast<int>(shape.size()); ++i)
    if (i != axis) dims.push_back(Param::numpy_integer(i, "np.int64"));
  static const Primitive& bcast = get_primitive("broadcast_in_dim");
  return bind1(bcast, {x}, {{"shape", Param::ints(shape)}, {"broadcast_dimensions", Param::tuple(std::move(dims))},
                            {"sharding", Param::none()}});
}

Value bdim_at_front(const Value& x, int bdim, int64_t size) {
  return bdim == kNotMapped ? broadcast_batched(x, size, 0) : moveaxis(x, bdim, 0);
}

Value matchaxis(const Value& x, int src, int dst, int64_t size) {
  if (src == dst) return x;
  if (src == kNotMapped) return broadcast_batched(x, size, dst);
  if (dst == kNotMapped) throw_value_error("matchaxis: a batched value cannot be made unbatched");
  return moveaxis(x, src, dst);
}

void def_vectorized(Primitive& p) {
  const Primitive* prim = &p;
  p.batch = [prim](std::span<const Value> args, std::span<const int> dims, const Params& params, int64_t) {
    std::vector<Value> outs = jxr::bind(*prim, args, params);
    return BatchResult{outs, std::vector<int>(outs.size(), dims[0])};
  };
}

void def_broadcasting(Primitive& p) {
  const Primitive* prim = &p;
  p.batch = [prim](std::span<const Value> args, std::span<const int> dims, const Params& params, int64_t) {
    size_t first = 0;
    while (dims[first] == kNotMapped) ++first;
    const Shape& shape = args[first].shape();
    int dim = dims[first];
    bool agree = true;
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i].ndim() > 0 && (args[i].shape() != shape || dims[i] != dim)) agree = false;
    if (agree) {
      std::vector<Value> outs = jxr::bind(*prim, args, params);
      return BatchResult{outs, std::vector<int>(outs.size(), dim)};
    }
    // Unbatched operands get a unit leading axis and rely on the primitive's
    // own broadcasting; lower-rank batched ones get trailing unit axes.
    std::vector<Value> moved;
    int nd = 0;
    for (size_t i = 0; i < args.size(); ++i) {
      moved.push_back(args[i].ndim() ? bdim_at_front(args[i], dims[i], 1) : args[i]);
      nd = std::max(nd, moved.back().ndim());
    }
    for (size_t i = 0; i < moved.size(); ++i) {
      if (dims[i] == kNotMapped || moved[i].ndim() == nd) continue;
      std::vector<int64_t> extra(nd - moved[i].ndim());
      std::iota(extra.begin(), extra.end(), moved[i].ndim());
      moved[i] = lax::expand_dims(moved[i], extra);
    }
    std::vector<Value> outs = jxr::bind(*prim, moved, params);
    return BatchResult{outs, std::vector<int>(outs.size(), 0)};
  };
}

}  // namespace jxr::ad
