// Transformation rules of `cond`, after jax/_src/lax/control_flow/
// conditionals.py: JVP transforms every branch with the tangents of all
// branches instantiated alike; batching with a batched index evaluates every
// branch and picks the results with select_n, and with an unbatched index
// stays one cond over batched branches.
#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/api.h"
#include "engine/control_flow/cond.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

std::vector<ClosedJaxprPtr> branches_of(const Params& params) {
  std::vector<ClosedJaxprPtr> out;
  for (const Param& p : params.get("branches").items()) out.push_back(p.as_jaxpr());
  return out;
}

FlatFn eval_fn(const ClosedJaxpr& cj) {
  return [&cj](std::span<const Value> args) { return eval_closed_jaxpr(cj, args); };
}

// JAX's jvp_jaxpr: the branch mapping (primals, nonzero tangents) to
// (primals, tangents), a tangent output kept where `instantiate` says (zeros
// when the branch's is zero) or, without it, where it is not zero. Reports
// which tangent outputs are nonzero in *out_nz.
ClosedJaxprPtr jvp_branch(const ClosedJaxpr& br, const std::vector<bool>& nz, const std::vector<bool>* instantiate,
                          std::vector<bool>* out_nz) {
  std::vector<ShapedArray> avals = br.in_avals();
  size_t n = avals.size();
  for (size_t i = 0; i < n; ++i)
    if (nz[i]) avals.push_back(ad::tangent_aval(avals[i]));
  std::vector<ShapedArray> out_avals = br.out_avals();
  return std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> ts(n);
        size_t k = n;
        for (size_t i = 0; i < n; ++i)
          if (nz[i]) ts[i] = xs[k++];
        JvpResult r = jvp_flat(eval_fn(br), xs.subspan(0, n), ts);
        std::vector<Value> outs = r.primals;
        out_nz->clear();
        for (size_t j = 0; j < r.tangents.size(); ++j) {
          bool keep = instantiate ? bool((*instantiate)[j]) : !ad::is_zero(r.tangents[j]);
          out_nz->push_back(keep);
          if (keep) outs.push_back(ad::instantiate_zeros(r.tangents[j], ad::tangent_aval(out_avals[j])));
        }
        return outs;
      },
      avals));
}

JvpResult cond_jvp(std::span<const Value> primals, std::span<const Value> tangents, const Params& params) {
  std::vector<ClosedJaxprPtr> branches = branches_of(params);
  std::vector<bool> ops_nz;
  std::vector<Value> nz_tangents;
  for (size_t i = 1; i < tangents.size(); ++i) {
    ops_nz.push_back(!ad::is_zero(tangents[i]));
    if (ops_nz.back()) nz_tangents.push_back(tangents[i]);
  }
  std::vector<bool> out_nz(branches[0]->out_avals().size(), false);
  for (const ClosedJaxprPtr& b : branches) {
    std::vector<bool> nz;
    jvp_branch(*b, ops_nz, nullptr, &nz);
    for (size_t j = 0; j < nz.size(); ++j) out_nz[j] = out_nz[j] || nz[j];
  }
  std::vector<ClosedJaxprPtr> jvps;
  for (const ClosedJaxprPtr& b : branches) {
    std::vector<bool> ignored;
    jvps.push_back(jvp_branch(*b, ops_nz, &out_nz, &ignored));
  }
  std::vector<Value> args(primals.begin() + 1, primals.end());
  args.insert(args.end(), nz_tangents.begin(), nz_tangents.end());
  std::vector<Value> outs = bind_cond(primals[0], std::move(jvps), args);
  JvpResult r;
  size_t m = out_nz.size();
  r.primals.assign(outs.begin(), outs.begin() + static_cast<std::ptrdiff_t>(m));
  size_t k = m;
  for (size_t j = 0; j < m; ++j) r.tangents.push_back(out_nz[j] ? outs[k++] : Value());
  return r;
}

// lax.select_n with the index broadcast to the cases' shape (JAX's
// _bcast_select_n); select(pred, on_true, on_false) is select_n(pred,
// on_false, on_true).
Value bcast_select_n(const Value& which, const std::vector<Value>& cases) {
  Value w = which;
  if (w.ndim() != cases[0].ndim()) {
    std::vector<int64_t> dims;
    for (int i = 0; i < w.ndim(); ++i) dims.push_back(i);
    w = lax::broadcast_in_dim(w, cases[0].shape(), dims);
  }
  return lax::select_n(w, cases);
}

BatchResult cond_batch(std::span<const Value> args, std::span<const int> dims, const Params& params,
                       int64_t size) {
  std::vector<ClosedJaxprPtr> branches = branches_of(params);
  size_t n_out = branches[0]->out_avals().size();
  if (dims[0] != kNotMapped) {
    std::vector<Value> moved;
    for (size_t i = 0; i < args.size(); ++i) moved.push_back(ad::bdim_at_front(args[i], dims[i], size));
    Value index = moved[0];
    std::span<const Value> ops(moved.begin() + 1, moved.end());
    std::vector<int> zeros_in(ops.size(), 0), zeros_out(n_out, 0);
    std::vector<std::vector<Value>> branch_outs;
    for (size_t b = 0; b < branches.size(); ++b) {
      // Operands outside the branch taken go through stop_gradient so that
      // reverse mode sends no cotangent through them (JAX issue #1052).
      Value pred = lax::eq(index, Array::scalar(static_cast<double>(b), DType::I32));
      std::vector<Value> ops_b;
      for (const Value& x : ops) ops_b.push_back(bcast_select_n(pred, {lax::stop_gradient(x), x}));
      branch_outs.push_back(vmap_flat(eval_fn(*branches[b]), ops_b, zeros_in, zeros_out, size));
    }
    BatchResult r;
    for (size_t j = 0; j < n_out; ++j) {
      std::vector<Value> cases;
      for (const auto& outs : branch_outs) cases.push_back(outs[j]);
      r.outs.push_back(bcast_select_n(index, cases));
      r.dims.push_back(0);
    }
    return r;
  }
  std::vector<Value> ops;
  std::vector<int> op_dims;
  std::vector<ShapedArray> avals;
  for (size_t i = 1; i < args.size(); ++i) {
    ops.push_back(dims[i] == kNotMapped ? args[i] : ad::moveaxis(args[i], dims[i], 0));
    op_dims.push_back(dims[i] == kNotMapped ? kNotMapped : 0);
    avals.push_back(ops.back().aval());
  }
  std::vector<bool> out_bat(n_out, false);
  for (const ClosedJaxprPtr& b : branches)
    trace_to_jaxpr(
        [&](std::span<const Value> xs) {
          BatchResult r = batch_flat(eval_fn(*b), xs, op_dims, size);
          for (size_t j = 0; j < n_out; ++j) out_bat[j] = out_bat[j] || r.dims[j] != kNotMapped;
          return r.outs;
        },
        avals);
  std::vector<int> out_dims;
  for (bool b : out_bat) out_dims.push_back(b ? 0 : kNotMapped);
  std::vector<ClosedJaxprPtr> batched;
  for (const ClosedJaxprPtr& b : branches)
    batched.push_back(std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
        [&](std::span<const Value> xs) { return vmap_flat(eval_fn(*b), xs, op_dims, out_dims, size); }, avals)));
  return BatchResult{bind_cond(args[0], std::move(batched), ops), out_dims};
}

}  // namespace

void register_cond_rules() {
  Primitive& cond = primitive_for_rules("cond");
  cond.jvp = cond_jvp;
  cond.batch = cond_batch;
}

}  // namespace jxr
