// Rules shared by the call primitives (jit, remat2): each transforms the
// sub-jaxpr and binds the same primitive again with the new body.
#include "engine/ad/ad.h"
#include "engine/ad/rules.h"

namespace jxr {

namespace {

FlatFn eval_fn(const ClosedJaxpr& cj) {
  return [&cj](std::span<const Value> args) { return eval_closed_jaxpr(cj, args); };
}

const ClosedJaxpr& body(const Params& params) { return *params.get("jaxpr").as_jaxpr(); }

}  // namespace

JvpResult call_jvp(std::span<const Value> primals, std::span<const Value> tangents, const Params& params,
                   const CallRebind& rebind) {
  const ClosedJaxpr& cj = body(params);
  std::vector<ShapedArray> avals;
  std::vector<Value> args(primals.begin(), primals.end());
  for (const Value& p : primals) avals.push_back(p.aval());
  std::vector<bool> nz;
  for (size_t i = 0; i < tangents.size(); ++i) {
    nz.push_back(!ad::is_zero(tangents[i]));
    if (nz.back()) {
      avals.push_back(ad::tangent_aval(primals[i].aval()));
      args.push_back(tangents[i]);
    }
  }
  size_t n = primals.size();
  std::vector<bool> nz_out;
  ClosedJaxpr jvp_body = trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> ts(n);
        size_t k = n;
        for (size_t i = 0; i < n; ++i)
          if (nz[i]) ts[i] = xs[k++];
        JvpResult r = jvp_flat(eval_fn(cj), xs.subspan(0, n), ts);
        std::vector<Value> outs = r.primals;
        for (const Value& t : r.tangents) {
          nz_out.push_back(!ad::is_zero(t));
          if (nz_out.back()) outs.push_back(t);
        }
        return outs;
      },
      avals);
  std::vector<Value> outs = rebind(std::move(jvp_body), args);
  size_t m = nz_out.size();
  JvpResult r;
  r.primals.assign(outs.begin(), outs.begin() + m);
  size_t k = m;
  for (size_t i = 0; i < m; ++i) r.tangents.push_back(nz_out[i] ? outs[k++] : Value());
  return r;
}

std::vector<Value> call_transpose(std::span<const Value> cts, std::span<const Value> args,
                                  std::span<const ShapedArray> in_avals, const Params& params,
                                  const CallRebind& rebind) {
  const ClosedJaxpr& cj = body(params);
  std::vector<bool> linear;
  std::vector<Value> call_args;
  std::vector<ShapedArray> avals;
  for (size_t i = 0; i < args.size(); ++i) {
    linear.push_back(ad::is_zero(args[i]));
    if (!linear.back()) {
      call_args.push_back(args[i]);
      avals.push_back(args[i].aval());
    }
  }
  for (size_t j = 0; j < cts.size(); ++j)
    if (!ad::is_zero(cts[j])) {
      call_args.push_back(cts[j]);
      avals.push_back(cts[j].aval());
    }
  ClosedJaxpr transposed = trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> full(args.size()), ct(cts.size());
        size_t k = 0;
        for (size_t i = 0; i < args.size(); ++i)
          if (!linear[i]) full[i] = xs[k++];
        for (size_t j = 0; j < cts.size(); ++j)
          if (!ad::is_zero(cts[j])) ct[j] = xs[k++];
        std::vector<Value> res = backward_pass(*cj.jaxpr, cj.consts, full, linear, ct);
        std::vector<Value> outs;
        for (size_t i = 0; i < args.size(); ++i)
          if (linear[i]) outs.push_back(ad::instantiate_zeros(res[i], in_avals[i]));
        return outs;
      },
      avals);
  std::vector<Value> outs = rebind(std::move(transposed), call_args);
  std::vector<Value> result(args.size());
  size_t k = 0;
  for (size_t i = 0; i < args.size(); ++i)
    if (linear[i]) result[i] = outs[k++];
  return result;
}

BatchResult call_batch(std::span<const Value> args, std::span<const int> dims, const Params& params,
                       int64_t axis_size, const CallRebind& rebind) {
  const ClosedJaxpr& cj = body(params);
  std::vector<ShapedArray> avals;
  for (const Value& a : args) avals.push_back(a.aval());
  std::vector<int> out_dims;
  ClosedJaxpr batched = trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        BatchResult r = batch_flat(eval_fn(cj), xs, dims, axis_size);
        out_dims = r.dims;
        return r.outs;
      },
      avals);
  return BatchResult{rebind(std::move(batched), args), out_dims};
}

}  // namespace jxr
