// Transformation rules of the call primitives. `jit` transforms its
// sub-jaxpr and stays a call, as in jax/_src/pjit.py, so that grad(jit(f))
// prints a primal call and a transposed tangent call, and jit(grad(f)) a
// single call of the differentiated body.
#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/api.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

const ClosedJaxpr& body(const Params& params) { return *params.get("jaxpr").as_jaxpr(); }
std::string name_of(const Params& params) { return params.get("name").as_str(); }

FlatFn eval_fn(const ClosedJaxpr& cj) {
  return [&cj](std::span<const Value> args) { return eval_closed_jaxpr(cj, args); };
}

JvpResult jit_jvp(std::span<const Value> primals, std::span<const Value> tangents, const Params& params) {
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
  std::vector<Value> outs = bind_jit(jvp_body, args, name_of(params));
  size_t m = nz_out.size();
  JvpResult r;
  r.primals.assign(outs.begin(), outs.begin() + m);
  size_t k = m;
  for (size_t i = 0; i < m; ++i) r.tangents.push_back(nz_out[i] ? outs[k++] : Value());
  return r;
}

LinearizeRuleResult jit_linearize(const std::vector<bool>& nonzeros, std::span<const Value> primals,
                                  const Params& params) {
  std::string name = name_of(params);
  LinearizedJaxpr lin = linearize_jaxpr(body(params), nonzeros);
  std::vector<Value> outs = bind_jit(lin.primal, primals, name);
  LinearizeRuleResult r;
  r.primals_out.assign(outs.begin(), outs.begin() + lin.num_primals_out);
  r.nonzero_out = lin.nonzero_out;
  for (size_t i = 0; i < lin.residual_input.size(); ++i)
    r.residuals.push_back(lin.residual_input[i] >= 0 ? primals[lin.residual_input[i]] : outs[lin.residual_output[i]]);
  auto tangent = std::make_shared<const ClosedJaxpr>(std::move(lin.tangent));
  r.tangent_fn = [tangent, name](std::span<const Value> residuals, std::span<const Value> nz_tangents) {
    std::vector<Value> args(residuals.begin(), residuals.end());
    args.insert(args.end(), nz_tangents.begin(), nz_tangents.end());
    return bind_jit(tangent, args, name);
  };
  return r;
}

std::vector<Value> jit_transpose(std::span<const Value> cts, std::span<const Value> args,
                                 std::span<const ShapedArray> in_avals, const Params& params) {
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
  std::vector<ShapedArray> out_avals = cj.out_avals();
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
  std::vector<Value> outs = bind_jit(transposed, call_args, name_of(params));
  std::vector<Value> result(args.size());
  size_t k = 0;
  for (size_t i = 0; i < args.size(); ++i)
    if (linear[i]) result[i] = outs[k++];
  return result;
}

BatchResult jit_batch(std::span<const Value> args, std::span<const int> dims, const Params& params,
                      int64_t axis_size) {
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
  return BatchResult{bind_jit(batched, args, name_of(params)), out_dims};
}

}  // namespace

void register_call_rules() {
  Primitive& jit = primitive_for_rules("jit");
  jit.jvp = jit_jvp;
  jit.linearize = jit_linearize;
  jit.transpose = jit_transpose;
  jit.batch = jit_batch;

  Primitive& sg = primitive_for_rules("stop_gradient");
  ad::def_jvp_zero(sg);
  ad::def_vectorized(sg);
}

}  // namespace jxr
