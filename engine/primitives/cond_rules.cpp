// Transformation rules of `cond`, after jax/_src/lax/control_flow/
// conditionals.py: JVP transforms every branch with the tangents of all
// branches instantiated alike; batching with a batched index evaluates every
// branch and picks the results with select_n, and with an unbatched index
// stays one cond over batched branches.
#include <algorithm>
#include <mutex>

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

std::string mask(const std::vector<bool>& m) {
  std::string s;
  for (bool b : m) s += b ? '1' : '0';
  return s;
}

std::string types(std::span<const ShapedArray> avals) {
  std::string s;
  for (const ShapedArray& a : avals) s += a.str_short() + (a.weak_type ? "~ " : " ");
  return s;
}

// A transform of a branch, per (branch, what) while the branch lives, as
// JAX's weakref caches on jvp_jaxpr, batch_jaxpr and the like: conds sharing
// a branch jaxpr share its transforms, which the printer then hoists.
template <class T>
std::shared_ptr<const T> memoized(const ClosedJaxprPtr& branch, const std::string& what,
                                  const std::function<T()>& make) {
  struct Entry {
    std::weak_ptr<const ClosedJaxpr> branch;
    const ClosedJaxpr* raw;
    std::string what;
    std::shared_ptr<const T> value;
  };
  static std::mutex mu;
  static std::vector<Entry> entries;
  {
    std::lock_guard<std::mutex> lock(mu);
    std::erase_if(entries, [](const Entry& e) { return e.branch.expired(); });
    for (const Entry& e : entries)
      if (e.raw == branch.get() && e.what == what) return e.value;
  }
  // Made outside the lock: making it traces, which may transform nested conds.
  auto value = std::make_shared<const T>(make());
  std::lock_guard<std::mutex> lock(mu);
  entries.push_back({branch, branch.get(), what, value});
  return value;
}

struct JvpBranch {
  ClosedJaxprPtr jaxpr;
  std::vector<bool> out_nz;  // which tangent outputs it has
};

// JAX's jvp_jaxpr: the branch mapping (primals, nonzero tangents) to
// (primals, tangents), a tangent output kept where `instantiate` says (zeros
// when the branch's is zero) or, without it, where it is not zero.
std::shared_ptr<const JvpBranch> jvp_branch(const ClosedJaxprPtr& b, const std::vector<bool>& nz,
                                            const std::vector<bool>* instantiate) {
  std::string what = "jvp" + mask(nz) + "/" + (instantiate ? mask(*instantiate) : "-");
  return memoized<JvpBranch>(b, what, [&] {
    const ClosedJaxpr& br = *b;
    std::vector<ShapedArray> avals = br.in_avals();
    size_t n = avals.size();
    for (size_t i = 0; i < n; ++i)
      if (nz[i]) avals.push_back(ad::tangent_aval(avals[i]));
    std::vector<ShapedArray> out_avals = br.out_avals();
    JvpBranch made;
    made.jaxpr = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
        [&](std::span<const Value> xs) {
          std::vector<Value> ts(n);
          size_t k = n;
          for (size_t i = 0; i < n; ++i)
            if (nz[i]) ts[i] = xs[k++];
          JvpResult r = jvp_flat(eval_fn(br), xs.subspan(0, n), ts);
          std::vector<Value> outs = r.primals;
          for (size_t j = 0; j < r.tangents.size(); ++j) {
            bool keep = instantiate ? bool((*instantiate)[j]) : !ad::is_zero(r.tangents[j]);
            made.out_nz.push_back(keep);
            if (keep) outs.push_back(ad::instantiate_zeros(r.tangents[j], ad::tangent_aval(out_avals[j])));
          }
          return outs;
        },
        avals));
    return made;
  });
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
    const std::vector<bool>& nz = jvp_branch(b, ops_nz, nullptr)->out_nz;
    for (size_t j = 0; j < nz.size(); ++j) out_nz[j] = out_nz[j] || nz[j];
  }
  std::vector<ClosedJaxprPtr> jvps;
  for (const ClosedJaxprPtr& b : branches) jvps.push_back(jvp_branch(b, ops_nz, &out_nz)->jaxpr);
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

BatchResult cond_batch(std::span<const Value> args, std::span<const int> dims, const Params& params, int64_t size) {
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
  // An output is batched when it is in any branch: traced once to learn
  // which, then again with those outputs batched in every branch.
  std::string key = "batch" + std::to_string(size) + ":" + types(avals);
  for (int d : op_dims) key += std::to_string(d) + ",";
  std::vector<bool> out_bat(n_out, false);
  for (const ClosedJaxprPtr& b : branches) {
    auto dims_of = memoized<std::vector<bool>>(b, key, [&] {
      std::vector<bool> bat;
      trace_to_jaxpr(
          [&](std::span<const Value> xs) {
            BatchResult r = batch_flat(eval_fn(*b), xs, op_dims, size);
            for (int d : r.dims) bat.push_back(d != kNotMapped);
            return r.outs;
          },
          avals);
      return bat;
    });
    for (size_t j = 0; j < n_out; ++j) out_bat[j] = out_bat[j] || (*dims_of)[j];
  }
  std::vector<int> out_dims;
  for (bool b : out_bat) out_dims.push_back(b ? 0 : kNotMapped);
  std::vector<ClosedJaxprPtr> batched;
  for (const ClosedJaxprPtr& b : branches)
    batched.push_back(*memoized<ClosedJaxprPtr>(b, key + "->" + mask(out_bat), [&] {
      return std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
          [&](std::span<const Value> xs) { return vmap_flat(eval_fn(*b), xs, op_dims, out_dims, size); }, avals));
    }));
  return BatchResult{bind_cond(args[0], std::move(batched), ops), out_dims};
}

// JAX's empty_like_aval: an empty2 scalar broadcast to the aval's shape.
Value empty_like(const ShapedArray& aval) {
  static const Primitive& empty2 = get_primitive("empty2");
  Value v = bind1(empty2, {},
                  Params{{"dtype", Param::dtype(aval.dtype)}, {"memory_space", Param::str("MemorySpace.Device")}});
  return aval.ndim() == 0 ? v : lax::broadcast_in_dim(v, aval.shape, {});
}

// JAX's _merge_branch_residuals: residual slots shared by type across
// branches; the k-th residual of a type in any branch takes the k-th slot of
// that type. Returns the slots' avals and, per branch, its residuals' slots.
std::pair<std::vector<ShapedArray>, std::vector<std::vector<size_t>>> merge_residuals(
    const std::vector<std::vector<ShapedArray>>& per_branch) {
  std::vector<std::pair<ShapedArray, size_t>> tagged;
  std::vector<std::vector<size_t>> slots;
  for (const auto& avals : per_branch) {
    std::vector<size_t> mine;
    for (size_t i = 0; i < avals.size(); ++i) {
      size_t nth =
          static_cast<size_t>(std::count(avals.begin(), avals.begin() + static_cast<std::ptrdiff_t>(i), avals[i]));
      std::pair<ShapedArray, size_t> key{avals[i], nth};
      auto it = std::find(tagged.begin(), tagged.end(), key);
      if (it == tagged.end()) it = tagged.insert(tagged.end(), key);
      mine.push_back(static_cast<size_t>(it - tagged.begin()));
    }
    slots.push_back(std::move(mine));
  }
  std::vector<ShapedArray> all;
  for (const auto& t : tagged) all.push_back(t.first);
  return {all, slots};
}

// Reverse mode, as JAX's _cond_linearize: every branch linearized, one cond
// computing the primal outputs and the residuals of the branch taken (the
// other branches' slots hold empty2 values), and a tangent cond of the residuals and
// the input tangents, its output tangents instantiated alike in all branches.
LinearizeRuleResult cond_linearize(const std::vector<bool>& nonzeros, std::span<const Value> primals,
                                   const Params& params) {
  std::vector<ClosedJaxprPtr> branches = branches_of(params);
  std::vector<bool> ops_nz(nonzeros.begin() + 1, nonzeros.end());
  std::vector<std::shared_ptr<const LinearizedJaxpr>> lins;
  size_t n_out = branches[0]->out_avals().size();
  std::vector<bool> out_nz(n_out, false);
  std::vector<std::vector<ShapedArray>> res_avals;
  std::vector<ShapedArray> in_avals = branches[0]->in_avals();
  for (const ClosedJaxprPtr& b : branches) {
    lins.push_back(linearize_call_body(b, ops_nz));
    const LinearizedJaxpr& lin = *lins.back();
    for (size_t j = 0; j < n_out; ++j) out_nz[j] = out_nz[j] || lin.nonzero_out[j];
    std::vector<ShapedArray> primal_outs = lin.primal->out_avals();
    std::vector<ShapedArray> avals;
    for (const LinearizedJaxpr::Residual& r : lin.residuals)
      avals.push_back(r.kind == LinearizedJaxpr::Residual::Input   ? in_avals[r.index]
                      : r.kind == LinearizedJaxpr::Residual::Const ? b->consts[r.index].aval()
                                                                   : primal_outs[r.index]);
    res_avals.push_back(std::move(avals));
  }
  auto [all_res, slots] = merge_residuals(res_avals);

  std::vector<ClosedJaxprPtr> primal_branches, tangent_branches;
  for (size_t b = 0; b < branches.size(); ++b) {
    const LinearizedJaxpr& lin = *lins[b];
    const ClosedJaxprPtr& br = branches[b];
    const std::vector<size_t>& mine = slots[b];
    primal_branches.push_back(std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
        [&](std::span<const Value> xs) {
          std::vector<Value> outs = eval_closed_jaxpr(*lin.primal, xs);
          std::vector<Value> result;
          size_t k = 0;
          for (int fwd : lin.primal_input) result.push_back(fwd >= 0 ? xs[static_cast<size_t>(fwd)] : outs[k++]);
          std::vector<Value> res;
          for (const ShapedArray& a : all_res) res.push_back(empty_like(a));
          for (size_t i = 0; i < lin.residuals.size(); ++i) {
            const LinearizedJaxpr::Residual& r = lin.residuals[i];
            res[mine[i]] = r.kind == LinearizedJaxpr::Residual::Input   ? xs[static_cast<size_t>(r.index)]
                           : r.kind == LinearizedJaxpr::Residual::Const ? br->consts[static_cast<size_t>(r.index)]
                                                                        : outs[static_cast<size_t>(r.index)];
          }
          result.insert(result.end(), res.begin(), res.end());
          return result;
        },
        in_avals)));
    std::vector<ShapedArray> t_avals = all_res;
    for (size_t i = 0; i < ops_nz.size(); ++i)
      if (ops_nz[i]) t_avals.push_back(ad::tangent_aval(in_avals[i]));
    std::vector<ShapedArray> out_avals = br->out_avals();
    tangent_branches.push_back(std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
        [&](std::span<const Value> xs) {
          std::vector<Value> args;
          for (size_t slot : mine) args.push_back(xs[slot]);
          args.insert(args.end(), xs.begin() + static_cast<std::ptrdiff_t>(all_res.size()), xs.end());
          std::vector<Value> ts = eval_closed_jaxpr(*lin.tangent, args);
          std::vector<Value> result;
          size_t k = 0;
          for (size_t j = 0; j < n_out; ++j) {
            Value t = lin.nonzero_out[j] ? ts[k++] : Value();
            if (out_nz[j]) result.push_back(ad::instantiate_zeros(t, ad::tangent_aval(out_avals[j])));
          }
          return result;
        },
        t_avals)));
  }

  std::vector<Value> ops(primals.begin() + 1, primals.end());
  std::vector<Value> outs = bind_cond(primals[0], std::move(primal_branches), ops);
  LinearizeRuleResult r;
  r.primals_out.assign(outs.begin(), outs.begin() + static_cast<std::ptrdiff_t>(n_out));
  r.nonzero_out = out_nz;
  r.residuals.push_back(primals[0]);
  r.residuals.insert(r.residuals.end(), outs.begin() + static_cast<std::ptrdiff_t>(n_out), outs.end());
  r.tangent_fn = [tangent_branches](std::span<const Value> residuals, std::span<const Value> nz_tangents) {
    std::vector<Value> args(residuals.begin() + 1, residuals.end());
    args.insert(args.end(), nz_tangents.begin(), nz_tangents.end());
    return bind_cond(residuals[0], tangent_branches, args);
  };
  return r;
}

// The transpose of a cond linear in its undefined operands: every branch
// transposed (JAX's backward pass inside it), bound as one cond of the
// defined operands and the output cotangents.
std::vector<Value> cond_transpose(std::span<const Value> cts, std::span<const Value> args,
                                  std::span<const ShapedArray> in_avals, const Params& params) {
  std::vector<ClosedJaxprPtr> branches = branches_of(params);
  std::vector<bool> linear, ct_nz;
  std::vector<Value> call_args;
  for (size_t i = 1; i < args.size(); ++i) {
    linear.push_back(ad::is_zero(args[i]));
    if (!linear.back()) call_args.push_back(args[i]);
  }
  for (const Value& c : cts) {
    ct_nz.push_back(!ad::is_zero(c));
    if (ct_nz.back()) call_args.push_back(c);
  }
  std::vector<ShapedArray> avals;
  for (const Value& a : call_args) avals.push_back(a.aval());
  size_t n = linear.size();
  std::vector<ClosedJaxprPtr> transposed;
  std::string key = "transpose" + mask(linear) + "/" + mask(ct_nz) + ":" + types(avals);
  for (const ClosedJaxprPtr& b : branches)
    transposed.push_back(*memoized<ClosedJaxprPtr>(b, key, [&] {
      return std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
          [&](std::span<const Value> xs) {
            std::vector<Value> full(n), ct(cts.size());
            size_t k = 0;
            for (size_t i = 0; i < n; ++i)
              if (!linear[i]) full[i] = xs[k++];
            for (size_t j = 0; j < cts.size(); ++j)
              if (ct_nz[j]) ct[j] = xs[k++];
            std::vector<Value> res = backward_pass(*b->jaxpr, b->consts, full, linear, ct);
            std::vector<Value> outs;
            for (size_t i = 0; i < n; ++i)
              if (linear[i]) outs.push_back(ad::instantiate_zeros(res[i], in_avals[i + 1]));
            return outs;
          },
          avals));
    }));
  std::vector<Value> outs = bind_cond(args[0], std::move(transposed), call_args);
  std::vector<Value> result(args.size());
  size_t k = 0;
  for (size_t i = 0; i < n; ++i)
    if (linear[i]) result[i + 1] = outs[k++];
  return result;
}

}  // namespace

void register_cond_rules() {
  Primitive& cond = primitive_for_rules("cond");
  cond.jvp = cond_jvp;
  cond.batch = cond_batch;
  cond.linearize = cond_linearize;
  cond.transpose = cond_transpose;

  // empty2 has no operands: its tangent is zero, and like iota it is never batched.
  ad::def_jvp_zero(primitive_for_rules("empty2"));
}

}  // namespace jxr
