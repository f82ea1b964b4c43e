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

std::string name_of(const Params& params) { return params.get("name").as_str(); }

LinearizeRuleResult jit_linearize(const std::vector<bool>& nonzeros, std::span<const Value> primals,
                                  const Params& params) {
  std::string name = name_of(params);
  const ClosedJaxprPtr& cjp = params.get("jaxpr").as_jaxpr();
  std::shared_ptr<const LinearizedJaxpr> lin = linearize_call_body(cjp, nonzeros);
  std::vector<Value> outs = bind_jit(lin->primal, primals, name);
  LinearizeRuleResult r;
  size_t k = 0;
  for (int fwd : lin->primal_input) r.primals_out.push_back(fwd >= 0 ? primals[fwd] : outs[k++]);
  r.nonzero_out = lin->nonzero_out;
  for (const LinearizedJaxpr::Residual& res : lin->residuals)
    r.residuals.push_back(res.kind == LinearizedJaxpr::Residual::Input   ? primals[res.index]
                          : res.kind == LinearizedJaxpr::Residual::Const ? cjp->consts[res.index]
                                                                          : outs[res.index]);
  r.tangent_fn = [lin, name](std::span<const Value> residuals, std::span<const Value> nz_tangents) {
    std::vector<Value> args(residuals.begin(), residuals.end());
    args.insert(args.end(), nz_tangents.begin(), nz_tangents.end());
    return bind_jit(lin->tangent, args, name);
  };
  return r;
}

CallRebind rebind_jit(const Params& params) {
  return [name = name_of(params)](const ClosedJaxprPtr& body, std::span<const Value> args) {
    return bind_jit(body, args, name);
  };
}

}  // namespace

void register_call_rules() {
  Primitive& jit = primitive_for_rules("jit");
  jit.jvp = [](std::span<const Value> primals, std::span<const Value> tangents, const Params& params) {
    return call_jvp(primals, tangents, params, rebind_jit(params));
  };
  jit.linearize = jit_linearize;
  jit.transpose = [](std::span<const Value> cts, std::span<const Value> args, std::span<const ShapedArray> in_avals,
                     const Params& params) { return call_transpose(cts, args, in_avals, params, rebind_jit(params)); };
  jit.batch = [](std::span<const Value> args, std::span<const int> dims, const Params& params, int64_t size) {
    return call_batch(args, dims, params, size, rebind_jit(params));
  };

  Primitive& sg = primitive_for_rules("stop_gradient");
  ad::def_jvp_zero(sg);
  ad::def_vectorized(sg);
}

}  // namespace jxr
