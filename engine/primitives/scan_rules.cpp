// The `scan` primitive's transformation rules, after jax/_src/lax/control_flow/
// loops.py: each transforms the body jaxpr and binds one scan again. Which
// carries have nonzero tangents (or are batched) is a fixpoint: a carry whose
// input has none may get one from the body, and then its input needs one too.
#include <algorithm>
#include <optional>
#include <unordered_map>

#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/control_flow/scan.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

struct Layout {
  ClosedJaxprPtr body;
  size_t nc, nk, nx, ny;
  int64_t length, unroll;
  bool reverse;
};

Layout layout(const Params& params) {
  Layout l;
  l.body = params.get("jaxpr").as_jaxpr();
  l.nc = static_cast<size_t>(params.get_int("num_consts"));
  l.nk = static_cast<size_t>(params.get_int("num_carry"));
  l.nx = l.body->jaxpr->invars.size() - l.nc - l.nk;
  l.ny = l.body->jaxpr->outvars.size() - l.nk;
  l.length = params.get_int("length");
  l.unroll = params.get_int("unroll");
  l.reverse = params.get_bool("reverse");
  return l;
}

FlatFn eval_fn(const ClosedJaxprPtr& cj) {
  return [cj](std::span<const Value> args) { return eval_closed_jaxpr(*cj, args); };
}

std::vector<bool> slice(const std::vector<bool>& v, size_t from, size_t n) {
  return {v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(from + n)};
}

std::vector<bool> either(const std::vector<bool>& a, const std::vector<bool>& b) {
  std::vector<bool> r(a.size());
  for (size_t i = 0; i < a.size(); ++i) r[i] = a[i] || b[i];
  return r;
}

// The body's JVP with JAX's scan binder order: (consts, const tangents,
// carry, carry tangents, xs, xs tangents) -> (carry, carry tangents, ys, ys
// tangents); only nonzero tangents are binders and outputs, and the carry
// tangents of `carry_nz` are always outputs.
struct JvpBody {
  ClosedJaxprPtr body;
  std::vector<bool> out_nz;
};

JvpBody jvp_body(const Layout& l, const std::vector<bool>& nz) {
  std::vector<ShapedArray> in = l.body->in_avals(), out = l.body->out_avals();
  std::vector<ShapedArray> avals;
  // Binder positions of each group: primals then their nonzero tangents.
  const size_t groups[3][2] = {{0, l.nc}, {l.nc, l.nk}, {l.nc + l.nk, l.nx}};
  for (const auto& g : groups) {
    for (size_t i = g[0]; i < g[0] + g[1]; ++i) avals.push_back(in[i]);
    for (size_t i = g[0]; i < g[0] + g[1]; ++i)
      if (nz[i]) avals.push_back(ad::tangent_aval(in[i]));
  }
  JvpBody jb;
  jb.body = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> primals, tangents(in.size());
        size_t k = 0;
        for (const auto& g : groups) {
          for (size_t i = 0; i < g[1]; ++i) primals.push_back(xs[k++]);
          for (size_t i = g[0]; i < g[0] + g[1]; ++i)
            if (nz[i]) tangents[i] = xs[k++];
        }
        JvpResult r = jvp_flat(eval_fn(l.body), primals, tangents);
        jb.out_nz.clear();
        for (size_t j = 0; j < out.size(); ++j) {
          bool carry_nz = j < l.nk && nz[l.nc + j];
          if (carry_nz) r.tangents[j] = ad::instantiate_zeros(r.tangents[j], ad::tangent_aval(out[j]));
          jb.out_nz.push_back(!ad::is_zero(r.tangents[j]));
        }
        std::vector<Value> outs;
        for (size_t j = 0; j < l.nk; ++j) outs.push_back(r.primals[j]);
        for (size_t j = 0; j < l.nk; ++j)
          if (jb.out_nz[j]) outs.push_back(r.tangents[j]);
        for (size_t j = l.nk; j < out.size(); ++j) outs.push_back(r.primals[j]);
        for (size_t j = l.nk; j < out.size(); ++j)
          if (jb.out_nz[j]) outs.push_back(r.tangents[j]);
        return outs;
      },
      avals));
  return jb;
}

// JAX's _scan_jvp.
JvpResult scan_jvp(std::span<const Value> primals, std::span<const Value> tangents, const Params& params) {
  Layout l = layout(params);
  std::vector<bool> nz;
  for (const Value& t : tangents) nz.push_back(!ad::is_zero(t));
  std::vector<bool> carry_nz = slice(nz, l.nc, l.nk);
  JvpBody jb;
  for (size_t round = 0; round <= l.nk; ++round) {
    for (size_t i = 0; i < l.nk; ++i) nz[l.nc + i] = carry_nz[i];
    jb = jvp_body(l, nz);
    std::vector<bool> carry_out = slice(jb.out_nz, 0, l.nk);
    if (carry_out == carry_nz) break;
    carry_nz = either(carry_nz, carry_out);
  }
  std::vector<Value> args;
  const size_t groups[3][2] = {{0, l.nc}, {l.nc, l.nk}, {l.nc + l.nk, l.nx}};
  size_t num_consts = 0, num_carry = 0;
  for (size_t g = 0; g < 3; ++g) {
    size_t before = args.size();
    for (size_t i = groups[g][0]; i < groups[g][0] + groups[g][1]; ++i) args.push_back(primals[i]);
    for (size_t i = groups[g][0]; i < groups[g][0] + groups[g][1]; ++i)
      if (nz[i]) args.push_back(ad::instantiate_zeros(tangents[i], ad::tangent_aval(primals[i].aval())));
    if (g == 0) num_consts = args.size() - before;
    if (g == 1) num_carry = args.size() - before;
  }
  std::vector<Value> outs = bind_scan(jb.body, args, l.length, static_cast<int64_t>(num_consts),
                                      static_cast<int64_t>(num_carry), l.reverse, l.unroll);
  JvpResult r;
  size_t k = 0;
  for (size_t j = 0; j < l.nk; ++j) r.primals.push_back(outs[k++]);
  for (size_t j = 0; j < l.nk; ++j) r.tangents.push_back(jb.out_nz[j] ? outs[k++] : Value());
  for (size_t j = 0; j < l.ny; ++j) r.primals.push_back(outs[k++]);
  for (size_t j = 0; j < l.ny; ++j) r.tangents.push_back(jb.out_nz[l.nk + j] ? outs[k++] : Value());
  return r;
}

ShapedArray with_leading(const ShapedArray& a, int64_t n) {
  ShapedArray r = a;
  r.shape.insert(r.shape.begin(), n);
  return r;
}

// The body batched along axis 0 of its `batched` binders; the carries of
// `carry_batched` come out batched (at 0) whether or not the body batches
// them, as batch_jaxpr's instantiate.
struct BatchBody {
  ClosedJaxprPtr body;
  std::vector<bool> out_batched;
};

BatchBody batch_body(const Layout& l, const std::vector<bool>& batched, int64_t size) {
  std::vector<ShapedArray> in = l.body->in_avals();
  std::vector<ShapedArray> avals;
  std::vector<int> dims;
  for (size_t i = 0; i < in.size(); ++i) {
    avals.push_back(batched[i] ? with_leading(in[i], size) : in[i]);
    dims.push_back(batched[i] ? 0 : kNotMapped);
  }
  BatchBody bb;
  bb.body = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        BatchResult r = batch_flat(eval_fn(l.body), xs, dims, size);
        bb.out_batched.clear();
        for (size_t j = 0; j < r.outs.size(); ++j) {
          bool force = j < l.nk && batched[l.nc + j];
          if (force || r.dims[j] != kNotMapped) r.outs[j] = ad::matchaxis(r.outs[j], r.dims[j], 0, size);
          bb.out_batched.push_back(force || r.dims[j] != kNotMapped);
        }
        return r.outs;
      },
      avals));
  return bb;
}

// JAX's _scan_batching_rule: consts and carries batched at 0, xs and ys at 1.
BatchResult scan_batch(std::span<const Value> args, std::span<const int> dims, const Params& params, int64_t size) {
  Layout l = layout(params);
  std::vector<bool> batched;
  for (int d : dims) batched.push_back(d != kNotMapped);
  std::vector<bool> init_batched = slice(batched, l.nc, l.nk), carry_batched = init_batched;
  BatchBody bb;
  for (size_t round = 0; round <= l.nk; ++round) {
    for (size_t i = 0; i < l.nk; ++i) batched[l.nc + i] = carry_batched[i];
    bb = batch_body(l, batched, size);
    std::vector<bool> carry_out = slice(bb.out_batched, 0, l.nk);
    if (carry_out == carry_batched) break;
    carry_batched = either(carry_batched, carry_out);
  }
  std::vector<Value> new_args;
  for (size_t i = 0; i < args.size(); ++i) {
    const Value& x = args[i];
    int d = dims[i];
    if (i < l.nc) {
      new_args.push_back(d != kNotMapped ? ad::moveaxis(x, d, 0) : x);
    } else if (i < l.nc + l.nk) {
      bool now = carry_batched[i - l.nc];
      new_args.push_back(!now ? x : d == kNotMapped ? ad::broadcast_batched(x, size, 0) : ad::moveaxis(x, d, 0));
    } else {
      new_args.push_back(d != kNotMapped ? ad::moveaxis(x, d, 1) : x);
    }
  }
  BatchResult r;
  r.outs = bind_scan(bb.body, new_args, l.length, static_cast<int64_t>(l.nc), static_cast<int64_t>(l.nk), l.reverse,
                     l.unroll);
  for (size_t j = 0; j < bb.out_batched.size(); ++j)
    r.dims.push_back(!bb.out_batched[j] ? kNotMapped : j < l.nk ? 0 : 1);
  return r;
}

// JAX's _scan_known_hoisting: the equations of a primal scan body that
// depend on its consts only are evaluated once, outside the loop; the values
// the rest of the body reads become its consts, and residual outputs
// (after the first `n_main` outputs) that are loop invariant are returned
// as values instead of being stacked.
struct Hoisted {
  ClosedJaxprPtr body;
  std::vector<Value> consts;
  std::vector<std::optional<Value>> hoisted;  // per residual output
};

Hoisted hoist_loop_invariants(const ClosedJaxpr& cj, std::span<const Value> consts, size_t n_main) {
  const Jaxpr& j = *cj.jaxpr;
  std::unordered_map<const Var*, Value> known;
  for (size_t i = 0; i < cj.consts.size(); ++i) known[j.constvars[i].get()] = cj.consts[i];
  for (size_t i = 0; i < consts.size(); ++i) known[j.invars[i].get()] = consts[i];
  Hoisted h;
  auto out = std::make_shared<Jaxpr>();
  std::unordered_map<const Var*, bool> made_const;
  auto read = [&](const Atom& a) {
    if (a.is_var() && known.count(a.var().get()) && !made_const[a.var().get()]) {
      made_const[a.var().get()] = true;
      out->invars.push_back(a.var());
      h.consts.push_back(known[a.var().get()]);
    }
  };
  std::vector<Eqn> unknown;
  for (const Eqn& e : j.eqns) {
    bool all_known = std::all_of(e.inputs.begin(), e.inputs.end(),
                                 [&](const Atom& a) { return a.is_literal() || known.count(a.var().get()); });
    if (!all_known) {
      for (const Atom& a : e.inputs) read(a);
      unknown.push_back(e);
      continue;
    }
    std::vector<Value> args;
    for (const Atom& a : e.inputs) args.push_back(a.is_literal() ? Value(a.literal()) : known[a.var().get()]);
    std::vector<Value> res = jxr::bind(*e.prim, args, e.params);
    for (size_t k = 0; k < e.outputs.size(); ++k) known[e.outputs[k].get()] = res[k];
  }
  for (size_t o = 0; o < j.outvars.size(); ++o) {
    const Atom& a = j.outvars[o];
    bool is_known = a.is_literal() || known.count(a.var().get());
    if (o >= n_main && is_known) {
      h.hoisted.emplace_back(a.is_literal() ? Value(a.literal()) : known[a.var().get()]);
      continue;
    }
    if (o >= n_main) h.hoisted.emplace_back();
    read(a);
    out->outvars.push_back(a);
  }
  out->invars.insert(out->invars.end(), j.invars.begin() + static_cast<std::ptrdiff_t>(consts.size()), j.invars.end());
  out->eqns = std::move(unknown);
  auto closed = std::make_shared<ClosedJaxpr>();
  closed->jaxpr = std::move(out);
  h.body = std::move(closed);
  return h;
}

// Which binders of a jaxpr an equation or an output reads.
std::vector<bool> used_binders(const Jaxpr& j) {
  std::unordered_map<const Var*, bool> used;
  for (const Eqn& e : j.eqns)
    for (const Atom& a : e.inputs)
      if (a.is_var()) used[a.var().get()] = true;
  for (const Atom& a : j.outvars)
    if (a.is_var()) used[a.var().get()] = true;
  std::vector<bool> r;
  for (const VarPtr& v : j.invars) r.push_back(used.count(v.get()) > 0);
  return r;
}

ClosedJaxprPtr without_binders(const ClosedJaxprPtr& cj, const std::vector<bool>& keep) {
  if (std::all_of(keep.begin(), keep.end(), [](bool k) { return k; })) return cj;
  auto j = std::make_shared<Jaxpr>(*cj->jaxpr);
  j->invars.clear();
  for (size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) j->invars.push_back(cj->jaxpr->invars[i]);
  auto closed = std::make_shared<ClosedJaxpr>();
  closed->jaxpr = std::move(j);
  closed->consts = cj->consts;
  return closed;
}

// JAX's _scan_linearize: the body linearized (with the carry fixpoint), one
// primal scan that also returns the residuals each iteration needs, and a
// tangent scan over them. Residuals that are consts stay consts; xs are
// forwarded; the others are stacked per iteration by the primal scan.
LinearizeRuleResult scan_linearize(const std::vector<bool>& nonzeros, std::span<const Value> primals,
                                   const Params& params) {
  Layout l = layout(params);
  std::vector<bool> nz = nonzeros, carry_nz = slice(nonzeros, l.nc, l.nk);
  std::shared_ptr<const LinearizedJaxpr> lin;
  for (size_t round = 0; round <= l.nk; ++round) {
    for (size_t i = 0; i < l.nk; ++i) nz[l.nc + i] = carry_nz[i];
    lin = linearize_call_body(l.body, nz);
    std::vector<bool> carry_out = slice(lin->nonzero_out, 0, l.nk);
    if (either(carry_out, carry_nz) == carry_nz) break;
    carry_nz = either(carry_nz, carry_out);
  }
  using Res = LinearizedJaxpr::Residual;
  // Each residual is a const of the tangent scan (intensive), an xs operand
  // of this scan, or an extra output of the primal scan (extensive).
  enum class Where { Intensive, Xs, Extensive };
  std::vector<Where> where;
  for (const Res& r : lin->residuals) {
    bool input = r.kind == Res::Input;
    auto i = static_cast<size_t>(r.index);
    where.push_back(r.kind == Res::Const || (input && i < l.nc) ? Where::Intensive
                    : input && i >= l.nc + l.nk                ? Where::Xs
                                                               : Where::Extensive);
  }
  size_t n_out = l.nk + l.ny;
  auto primal_body = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> ret = eval_closed_jaxpr(*lin->primal, xs);
        std::vector<Value> outs;
        size_t k = 0;
        for (int fwd : lin->primal_input) outs.push_back(fwd >= 0 ? xs[static_cast<size_t>(fwd)] : ret[k++]);
        for (size_t r = 0; r < where.size(); ++r) {
          if (where[r] != Where::Extensive) continue;
          const Res& res = lin->residuals[r];
          outs.push_back(res.kind == Res::Input ? xs[static_cast<size_t>(res.index)] : ret[static_cast<size_t>(res.index)]);
        }
        return outs;
      },
      l.body->in_avals()));
  Hoisted h = hoist_loop_invariants(*primal_body, primals.subspan(0, l.nc), n_out);
  std::vector<Value> operands = h.consts;
  operands.insert(operands.end(), primals.begin() + static_cast<std::ptrdiff_t>(l.nc), primals.end());
  std::vector<Value> outs = bind_scan(h.body, operands, l.length, static_cast<int64_t>(h.consts.size()),
                                      static_cast<int64_t>(l.nk), l.reverse, l.unroll);
  LinearizeRuleResult r;
  r.primals_out.assign(outs.begin(), outs.begin() + static_cast<std::ptrdiff_t>(n_out));
  // Residuals in the tangent scan's order: intensive ones (hoisted ones
  // included), then extensive.
  std::vector<size_t> int_res, ext_res;
  size_t k = n_out, e = 0;
  std::vector<Value> ext_values;
  for (size_t i = 0; i < where.size(); ++i) {
    const Res& res = lin->residuals[i];
    if (where[i] == Where::Extensive && h.hoisted[e++]) {
      int_res.push_back(i);
      r.residuals.push_back(*h.hoisted[e - 1]);
    } else if (where[i] == Where::Intensive) {
      int_res.push_back(i);
      r.residuals.push_back(res.kind == Res::Const ? l.body->consts[static_cast<size_t>(res.index)]
                                                   : primals[static_cast<size_t>(res.index)]);
    } else {
      ext_res.push_back(i);
      ext_values.push_back(where[i] == Where::Xs ? primals[static_cast<size_t>(res.index)] : outs[k++]);
    }
  }
  r.residuals.insert(r.residuals.end(), ext_values.begin(), ext_values.end());
  for (size_t j = 0; j < n_out; ++j) r.nonzero_out.push_back(j < l.nk ? carry_nz[j] : lin->nonzero_out[j]);

  // The tangent body: (intensive residuals, const tangents, carry tangents,
  // xs tangents, extensive residuals) -> (carry tangents, ys tangents).
  std::vector<ShapedArray> body_in = l.body->in_avals(), body_out = l.body->out_avals();
  std::vector<ShapedArray> t_avals;
  for (size_t i = 0; i < int_res.size(); ++i) t_avals.push_back(r.residuals[i].aval());
  for (size_t i = 0; i < nz.size(); ++i)
    if (nz[i]) t_avals.push_back(ad::tangent_aval(body_in[i]));
  for (size_t e = 0; e < ext_res.size(); ++e) {
    ShapedArray a = ext_values[e].aval();
    a.shape.erase(a.shape.begin());
    t_avals.push_back(a);
  }
  size_t n_nz = static_cast<size_t>(std::count(nz.begin(), nz.end(), true));
  ClosedJaxprPtr tangent_body = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> args(lin->residuals.size());
        for (size_t i = 0; i < int_res.size(); ++i) args[int_res[i]] = xs[i];
        for (size_t e = 0; e < ext_res.size(); ++e) args[ext_res[e]] = xs[int_res.size() + n_nz + e];
        args.insert(args.end(), xs.begin() + static_cast<std::ptrdiff_t>(int_res.size()),
                    xs.begin() + static_cast<std::ptrdiff_t>(int_res.size() + n_nz));
        std::vector<Value> touts = eval_closed_jaxpr(*lin->tangent, args);
        std::vector<Value> result;
        size_t t = 0;
        for (size_t j = 0; j < n_out; ++j) {
          Value v = lin->nonzero_out[j] ? touts[t++] : Value();
          if (j < l.nk && carry_nz[j]) v = ad::instantiate_zeros(v, ad::tangent_aval(body_out[j]));
          if (!ad::is_zero(v)) result.push_back(v);
        }
        return result;
      },
      t_avals));
  size_t n_int = int_res.size(), n_ext = ext_res.size();
  size_t nz_consts = static_cast<size_t>(std::count(nz.begin(), nz.begin() + static_cast<std::ptrdiff_t>(l.nc), true));
  auto nk = static_cast<size_t>(std::count(carry_nz.begin(), carry_nz.end(), true));
  // Consts and xs the tangent body never reads (the tangent of a const the
  // body ignores, say) are not passed, as JAX's scan DCE rule prunes them.
  std::vector<bool> keep = used_binders(*tangent_body->jaxpr);
  for (size_t k = 0; k < nk; ++k) keep[n_int + nz_consts + k] = true;
  tangent_body = without_binders(tangent_body, keep);
  auto kept_consts = static_cast<int64_t>(
      std::count(keep.begin(), keep.begin() + static_cast<std::ptrdiff_t>(n_int + nz_consts), true));
  std::vector<ShapedArray> in_avals(primals.size());
  for (size_t i = 0; i < primals.size(); ++i) in_avals[i] = ad::tangent_aval(primals[i].aval());
  r.tangent_fn = [tangent_body, nonzeros, nz, n_int, n_ext, keep, kept_consts, in_avals, l,
                  nk](std::span<const Value> residuals, std::span<const Value> nz_tangents) {
    std::vector<Value> args(residuals.begin(), residuals.begin() + static_cast<std::ptrdiff_t>(n_int));
    size_t t = 0;
    for (size_t i = 0; i < nz.size(); ++i) {
      if (nonzeros[i]) {
        args.push_back(nz_tangents[t++]);
      } else if (nz[i]) {
        args.push_back(ad::zeros_like_aval(in_avals[i]));
      }
    }
    args.insert(args.end(), residuals.end() - static_cast<std::ptrdiff_t>(n_ext), residuals.end());
    std::vector<Value> kept;
    for (size_t i = 0; i < args.size(); ++i)
      if (keep[i]) kept.push_back(args[i]);
    return bind_scan(tangent_body, kept, l.length, kept_consts, static_cast<int64_t>(nk), l.reverse, l.unroll);
  };
  return r;
}

// The body with the carry binders typed as their cotangents come in: a weakly
// typed carry (a Python scalar init) whose body output is strongly typed has
// strongly typed cotangents, as JAX's transpose accumulates them at the
// cotangent's type. The weak-to-strong conversions of such a carry then
// convert nothing and are dropped, as JAX's staging forwards a
// convert_element_type whose operand already has the result's type.
ClosedJaxprPtr carry_typed_as_cotangents(const Layout& l) {
  const Jaxpr& j = *l.body->jaxpr;
  std::vector<std::pair<const Var*, VarPtr>> renamed;
  for (size_t k = 0; k < l.nk; ++k) {
    const VarPtr& v = j.invars[l.nc + k];
    ShapedArray ct = ad::tangent_aval(j.outvars[k].aval());
    if (v->aval.weak_type && !ct.weak_type && v->aval.same_type(ct)) renamed.emplace_back(v.get(), new_var(ct));
  }
  if (renamed.empty()) return l.body;
  auto sub = [&](const VarPtr& v) -> VarPtr {
    for (const auto& [from, to] : renamed)
      if (v.get() == from) return to;
    return v;
  };
  auto out = std::make_shared<Jaxpr>();
  out->constvars = j.constvars;
  for (const VarPtr& v : j.invars) out->invars.push_back(sub(v));
  for (const Eqn& e : j.eqns) {
    Eqn n = e;
    for (Atom& a : n.inputs)
      if (a.is_var()) a = Atom(sub(a.var()));
    if (n.prim->name() == "convert_element_type" && n.inputs[0].is_var() &&
        n.inputs[0].aval() == n.outputs[0]->aval) {
      renamed.emplace_back(n.outputs[0].get(), n.inputs[0].var());
      continue;
    }
    out->eqns.push_back(std::move(n));
  }
  for (const Atom& a : j.outvars) out->outvars.push_back(a.is_var() ? Atom(sub(a.var())) : a);
  auto closed = std::make_shared<ClosedJaxpr>();
  closed->jaxpr = std::move(out);
  closed->consts = l.body->consts;
  return closed;
}

// The transpose of a scan linear in some consts, its carries and some xs
// (JAX's _scan_transpose): a scan in the other direction whose carries are
// the cotangents of the carries and the accumulated cotangents of the linear
// consts, over the ys' cotangents and the non-linear xs.
std::vector<Value> scan_transpose(std::span<const Value> cts, std::span<const Value> args,
                                  std::span<const ShapedArray>, const Params& params) {
  Layout l = layout(params);
  std::vector<bool> linear;
  for (size_t i = 0; i < args.size(); ++i) linear.push_back((i >= l.nc && i < l.nc + l.nk) || ad::is_zero(args[i]));
  std::vector<ShapedArray> body_in = l.body->in_avals(), body_out = l.body->out_avals();
  std::vector<Value> operands;
  std::vector<ShapedArray> t_avals;
  std::vector<size_t> ires, lin_consts, eres, lin_xs, ct_ys;
  for (size_t i = 0; i < l.nc; ++i) (linear[i] ? lin_consts : ires).push_back(i);
  for (size_t i = l.nc + l.nk; i < args.size(); ++i) (linear[i] ? lin_xs : eres).push_back(i);
  for (size_t j = l.nk; j < cts.size(); ++j)
    if (!ad::is_zero(cts[j])) ct_ys.push_back(j);
  for (size_t i : ires) {
    operands.push_back(args[i]);
    t_avals.push_back(body_in[i]);
  }
  // The carries' cotangents are materialized before the consts' zero
  // accumulators, in JAX's order, though the accumulators come first.
  std::vector<Value> ct_carry;
  for (size_t j = 0; j < l.nk; ++j) ct_carry.push_back(ad::instantiate_zeros(cts[j], ad::tangent_aval(body_out[j])));
  for (size_t i : lin_consts) {
    t_avals.push_back(ad::tangent_aval(body_in[i]));
    operands.push_back(ad::zeros_like_aval(t_avals.back()));
  }
  for (size_t j = 0; j < l.nk; ++j) {
    t_avals.push_back(ad::tangent_aval(body_out[j]));
    operands.push_back(ct_carry[j]);
  }
  for (size_t j : ct_ys) {
    operands.push_back(cts[j]);
    t_avals.push_back(ad::tangent_aval(body_out[j]));
  }
  for (size_t i : eres) {
    operands.push_back(args[i]);
    t_avals.push_back(body_in[i]);
  }
  ClosedJaxprPtr typed = carry_typed_as_cotangents(l);
  // The linear consts are also outputs of the body being transposed, with
  // their accumulators as cotangents: the accumulator is where each const's
  // cotangent starts, and the iteration's contributions are added to it as
  // they come, as JAX's transpose accumulates into it.
  auto seeded = std::make_shared<Jaxpr>(*typed->jaxpr);
  for (size_t i : lin_consts) seeded->outvars.emplace_back(seeded->invars[i]);
  ClosedJaxprPtr body = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> full(args.size()), ct(body_out.size() + lin_consts.size());
        size_t k = 0;
        for (size_t i : ires) full[i] = xs[k++];
        for (size_t c = 0; c < lin_consts.size(); ++c) ct[body_out.size() + c] = xs[k++];
        for (size_t j = 0; j < l.nk; ++j) ct[j] = xs[k++];
        for (size_t j : ct_ys) ct[j] = xs[k++];
        for (size_t i : eres) full[i] = xs[k++];
        std::vector<Value> res = backward_pass(*seeded, typed->consts, full, linear, ct);
        std::vector<Value> outs;
        for (size_t i : lin_consts) outs.push_back(ad::instantiate_zeros(res[i], ad::tangent_aval(body_in[i])));
        for (size_t j = 0; j < l.nk; ++j)
          outs.push_back(ad::instantiate_zeros(res[l.nc + j], ad::tangent_aval(body_in[l.nc + j])));
        for (size_t i : lin_xs) outs.push_back(ad::instantiate_zeros(res[i], ad::tangent_aval(body_in[i])));
        return outs;
      },
      t_avals));
  // Residuals and cotangents the transposed body never reads are not passed,
  // as JAX's scan DCE rule prunes them (ys whose cotangents meet only zeros).
  size_t n_carry = lin_consts.size() + l.nk;
  std::vector<bool> keep = used_binders(*body->jaxpr);
  for (size_t c = 0; c < n_carry; ++c) keep[ires.size() + c] = true;
  ClosedJaxprPtr pruned = without_binders(body, keep);
  std::vector<Value> kept;
  for (size_t i = 0; i < operands.size(); ++i)
    if (keep[i]) kept.push_back(operands[i]);
  auto kept_consts = std::count(keep.begin(), keep.begin() + static_cast<std::ptrdiff_t>(ires.size()), true);
  std::vector<Value> outs = bind_scan(pruned, kept, l.length, static_cast<int64_t>(kept_consts),
                                      static_cast<int64_t>(n_carry), !l.reverse, l.unroll);
  std::vector<Value> result(args.size());
  size_t k = 0;
  for (size_t i : lin_consts) result[i] = outs[k++];
  for (size_t j = 0; j < l.nk; ++j, ++k)
    if (ad::is_zero(args[l.nc + j])) result[l.nc + j] = outs[k];
  for (size_t i : lin_xs) result[i] = outs[k++];
  return result;
}

}  // namespace

void register_scan_rules() {
  Primitive& p = primitive_for_rules("scan");
  p.jvp = scan_jvp;
  p.batch = scan_batch;
  p.linearize = scan_linearize;
  p.transpose = scan_transpose;
}

}  // namespace jxr
