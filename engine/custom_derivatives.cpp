// custom_jvp_call, custom_vjp_call (with custom_lin, its linear half) and
// remat2: the primitives, their rules and the user-facing wrappers.
#include "engine/custom_derivatives.h"

#include <algorithm>

#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/core/error.h"
#include "engine/jaxpr/staging.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

// Flat rules over the differentiable leaves.
using FlatJvp = std::function<JvpResult(std::span<const Value> primals, std::span<const Value> tangents)>;
struct FlatVjp {
  // primals -> outputs followed by residuals (num_res of them)
  std::function<std::pair<std::vector<Value>, std::vector<Value>>(std::span<const Value>)> fwd;
  // residuals, output cotangents -> one cotangent per primal
  std::function<std::vector<Value>(std::span<const Value>, std::span<const Value>)> bwd;
};

const ClosedJaxpr& call_jaxpr(const Params& p) { return *p.get("call_jaxpr").as_jaxpr(); }
size_t num_consts(const Params& p) { return static_cast<size_t>(p.get_int("num_consts")); }

std::vector<ShapedArray> call_abstract_eval(std::span<const ShapedArray>, const Params& p) {
  return call_jaxpr(p).out_avals();
}

std::vector<Array> call_impl(std::span<const Array> in, const Params& p, std::span<const ShapedArray>) {
  std::vector<Value> args(in.begin(), in.end());
  std::vector<Array> out;
  for (const Value& v : eval_closed_jaxpr(call_jaxpr(p), args)) out.push_back(v.array());
  return out;
}

// JAX prints name, call_jaxpr, the rule names and symbolic_zeros; the
// rules themselves and num_consts (when 0) stay hidden.
PrintParamsRule print_without(std::vector<std::string> hidden) {
  return [hidden](const Params& params) {
    std::vector<std::pair<std::string, Param>> out;
    for (auto& kv : sorted_params(params)) {
      bool hide = std::find(hidden.begin(), hidden.end(), kv.first) != hidden.end();
      if (kv.first == "num_consts" && kv.second.as_int() != 0) hide = false;
      if (kv.first == "name") out.insert(out.begin(), kv);
      else if (!hide) out.push_back(kv);
    }
    return out;
  };
}

// Traces a call's body over `leaves` (tracer consts lifted to leading
// inputs), recording its output structure in *out_def.
LiftedJaxpr trace_call(const std::function<Tree(std::span<const Value>)>& f, const std::vector<Value>& leaves,
                       TreeDef* out_def) {
  std::vector<ShapedArray> avals;
  for (const Value& v : leaves) avals.push_back(v.aval());
  ClosedJaxpr cj = trace_to_jaxpr(
      [&](std::span<const Value> ls) {
        auto [outs, def] = tree_flatten(f(ls));
        *out_def = std::move(def);
        return outs;
      },
      avals);
  return lift_tracer_consts(std::make_shared<const ClosedJaxpr>(std::move(cj)));
}

// The arguments of a call of a traced body: lifted consts, then the leaves.
std::vector<Value> call_args(const LiftedJaxpr& t, const std::vector<Value>& leaves) {
  std::vector<Value> in = t.lifted;
  in.insert(in.end(), leaves.begin(), leaves.end());
  return in;
}

// The batched version of a call jaxpr with every output batched at 0.
ClosedJaxprPtr batch_call(const ClosedJaxpr& cj, std::span<const Value> args, std::span<const int> dims,
                          int64_t size) {
  std::vector<ShapedArray> avals;
  for (const Value& a : args) avals.push_back(a.aval());
  std::vector<int> zeros(cj.out_avals().size(), 0);
  return std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        return vmap_flat([&cj](std::span<const Value> a) { return eval_closed_jaxpr(cj, a); }, xs, dims, zeros,
                         size);
      },
      avals));
}

// --- custom_jvp_call --------------------------------------------------------

JvpResult custom_jvp_rule(std::span<const Value> primals, std::span<const Value> tangents, const Params& p) {
  size_t nc = num_consts(p);
  const FlatJvp& rule = p.get("jvp_rule").as_opaque<FlatJvp>();
  std::vector<Value> ps(primals.begin() + nc, primals.end()), ts;
  for (size_t i = nc; i < primals.size(); ++i) ts.push_back(ad::instantiate_zeros(tangents[i], primals[i].aval()));
  return rule(ps, ts);
}

BatchResult custom_jvp_batch(std::span<const Value> args, std::span<const int> dims, const Params& p, int64_t size) {
  size_t nc = num_consts(p);
  Params np = p;
  np.set("call_jaxpr", Param::jaxpr(batch_call(call_jaxpr(p), args, dims, size)));
  auto rule = std::make_shared<const FlatJvp>(
      [old = p.get("jvp_rule"), d = std::vector<int>(dims.begin() + nc, dims.end()), size](
          std::span<const Value> ps, std::span<const Value> ts) {
        std::vector<Value> in(ps.begin(), ps.end());
        in.insert(in.end(), ts.begin(), ts.end());
        std::vector<int> in_dims = d;
        in_dims.insert(in_dims.end(), d.begin(), d.end());
        size_t nout = 0;
        FlatFn f = [&](std::span<const Value> a) {
          JvpResult r = old.as_opaque<FlatJvp>()(a.subspan(0, a.size() / 2), a.subspan(a.size() / 2));
          nout = r.primals.size();
          std::vector<Value> outs = r.primals;
          for (size_t i = 0; i < r.tangents.size(); ++i)
            outs.push_back(ad::instantiate_zeros(r.tangents[i], r.primals[i].aval()));
          return outs;
        };
        BatchResult br = batch_flat(f, in, in_dims, size);
        JvpResult r;
        for (size_t i = 0; i < br.outs.size(); ++i) {
          Value v = ad::matchaxis(br.outs[i], br.dims[i], 0, size);
          (i < nout ? r.primals : r.tangents).push_back(std::move(v));
        }
        return r;
      });
  np.set("jvp_rule", Param::opaque(rule, p.get("jvp").as_str()));
  static const Primitive& prim = get_primitive("custom_jvp_call");
  std::vector<Value> outs = jxr::bind(prim, args, np);
  return BatchResult{outs, std::vector<int>(outs.size(), 0)};
}

// --- custom_vjp_call ----------------------------------------------------------

struct LinInfo {
  std::shared_ptr<const FlatVjp> rules;
  size_t num_res = 0;
  std::vector<bool> nonzero_in;
  std::vector<ShapedArray> in_avals, out_avals;
};

LinearizeRuleResult custom_vjp_linearize(const std::vector<bool>& nonzeros, std::span<const Value> primals,
                                         const Params& p) {
  size_t nc = num_consts(p);
  const auto& rules = p.get("vjp_rules").as_opaque<std::shared_ptr<const FlatVjp>>();
  std::vector<Value> ps(primals.begin() + nc, primals.end());
  auto [outs, res] = rules->fwd(ps);
  auto info = std::make_shared<LinInfo>();
  info->rules = rules;
  info->num_res = res.size();
  info->nonzero_in.assign(nonzeros.begin() + nc, nonzeros.end());
  for (const Value& v : ps) info->in_avals.push_back(v.aval());
  for (const Value& v : outs) info->out_avals.push_back(ad::tangent_aval(v.aval()));
  LinearizeRuleResult r;
  r.primals_out = outs;
  for (const Value& o : outs) r.nonzero_out.push_back(ad::has_tangent_space(o.dtype()));
  r.residuals = res;
  std::string bwd_name = p.get("bwd").as_str();
  // Tangents of lifted consts (closed-over tracers) do not flow through the
  // user's bwd rule, as in JAX, which needs closure_convert for them.
  size_t nz_consts = 0;
  for (size_t i = 0; i < nc; ++i) nz_consts += nonzeros[i];
  r.tangent_fn = [info, bwd_name, nz_consts](std::span<const Value> residuals, std::span<const Value> nz_tangents) {
    std::vector<Value> args(residuals.begin(), residuals.end());
    args.insert(args.end(), nz_tangents.begin() + nz_consts, nz_tangents.end());
    Params lp{{"bwd", Param::opaque(info, bwd_name)},
              {"num_res", Param::integer(static_cast<int64_t>(info->num_res))}};
    static const Primitive& lin = get_primitive("custom_lin");
    std::vector<Value> outs = jxr::bind(lin, args, lp);
    std::vector<Value> nz;
    for (size_t i = 0; i < outs.size(); ++i)
      if (ad::has_tangent_space(info->out_avals[i].dtype)) nz.push_back(outs[i]);
    return nz;
  };
  return r;
}

std::vector<Value> custom_lin_transpose(std::span<const Value> cts, std::span<const Value> args,
                                        std::span<const ShapedArray>, const Params& p) {
  const LinInfo& info = p.get("bwd").as_opaque<LinInfo>();
  std::vector<Value> res(args.begin(), args.begin() + info.num_res);
  std::vector<Value> ct;
  for (size_t i = 0; i < cts.size(); ++i) ct.push_back(ad::instantiate_zeros(cts[i], info.out_avals[i]));
  std::vector<Value> cts_in = info.rules->bwd(res, ct);
  // The linear inputs, after the residuals, are the nonzero tangents of the
  // function's arguments.
  std::vector<Value> out(args.size());
  size_t k = info.num_res;
  for (size_t i = 0; i < info.nonzero_in.size() && k < args.size(); ++i)
    if (info.nonzero_in[i]) out[k++] = cts_in.at(i);
  return out;
}

BatchResult custom_vjp_batch(std::span<const Value> args, std::span<const int> dims, const Params& p, int64_t size) {
  size_t nc = num_consts(p);
  Params np = p;
  np.set("call_jaxpr", Param::jaxpr(batch_call(call_jaxpr(p), args, dims, size)));
  const auto& old = p.get("vjp_rules").as_opaque<std::shared_ptr<const FlatVjp>>();
  std::vector<int> d(dims.begin() + nc, dims.end());
  auto nres = std::make_shared<size_t>(0);
  auto rules = std::make_shared<const FlatVjp>(FlatVjp{
      [old, d, size, nres](std::span<const Value> ps) {
        size_t nout = 0;
        FlatFn f = [&](std::span<const Value> a) {
          auto [outs, res] = old->fwd(a);
          nout = outs.size();
          *nres = res.size();
          outs.insert(outs.end(), res.begin(), res.end());
          return outs;
        };
        BatchResult br = batch_flat(f, ps, d, size);
        std::pair<std::vector<Value>, std::vector<Value>> r;
        for (size_t i = 0; i < br.outs.size(); ++i)
          (i < nout ? r.first : r.second).push_back(ad::matchaxis(br.outs[i], br.dims[i], 0, size));
        return r;
      },
      [old, d, size](std::span<const Value> res, std::span<const Value> cts) {
        std::vector<Value> in(res.begin(), res.end());
        in.insert(in.end(), cts.begin(), cts.end());
        size_t nr = res.size();
        FlatFn f = [&](std::span<const Value> a) { return old->bwd(a.subspan(0, nr), a.subspan(nr)); };
        BatchResult br = batch_flat(f, in, std::vector<int>(in.size(), 0), size);
        std::vector<Value> out;
        for (size_t i = 0; i < br.outs.size(); ++i) {
          Value v = ad::matchaxis(br.outs[i], br.dims[i], 0, size);
          // An unbatched argument's cotangent sums over the batch.
          out.push_back(d[i] == kNotMapped ? lax::reduce_sum(v, {0}) : ad::moveaxis(v, 0, d[i]));
        }
        return out;
      }});
  np.set("vjp_rules", Param::opaque(std::make_shared<std::shared_ptr<const FlatVjp>>(rules), p.get("bwd").as_str()));
  static const Primitive& prim = get_primitive("custom_vjp_call");
  std::vector<Value> outs = jxr::bind(prim, args, np);
  return BatchResult{outs, std::vector<int>(outs.size(), 0)};
}

// --- remat2 (checkpoint) -------------------------------------------------------

const ClosedJaxpr& remat_body(const Params& p) { return *p.get("jaxpr").as_jaxpr(); }

std::vector<Value> bind_remat(const ClosedJaxprPtr& body, std::span<const Value> args, bool differentiated) {
  static const Primitive& prim = get_primitive("remat2");
  Params params{{"differentiated", Param::boolean(differentiated)},
                {"jaxpr", Param::jaxpr(body)},
                {"policy", Param::none()},
                {"prevent_cse", Param::boolean(true)}};
  return jxr::bind(prim, args, params);
}

CallRebind rebind_remat() {
  return [](const ClosedJaxprPtr& body, std::span<const Value> args) { return bind_remat(body, args, true); };
}

// As JAX's remat partial evaluation: the primal runs inline, and the tangent
// call recomputes what it needs from the primal inputs (the residuals are
// the inputs themselves), so nothing in between is stored.
LinearizeRuleResult remat_linearize(const std::vector<bool>& nonzeros, std::span<const Value> primals,
                                    const Params& p) {
  const ClosedJaxpr& cj = remat_body(p);
  LinearizeRuleResult r;
  r.primals_out = eval_closed_jaxpr(cj, primals);
  r.residuals.assign(primals.begin(), primals.end());
  std::vector<ShapedArray> avals;
  for (const Value& v : primals) avals.push_back(v.aval());
  for (size_t i = 0; i < primals.size(); ++i)
    if (nonzeros[i]) avals.push_back(ad::tangent_aval(primals[i].aval()));
  size_t n = primals.size();
  std::vector<bool> nz_out;
  ClosedJaxpr tangent = dce_closed_jaxpr(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        std::vector<Value> ts(n);
        size_t k = n;
        for (size_t i = 0; i < n; ++i)
          if (nonzeros[i]) ts[i] = xs[k++];
        JvpResult jr = jvp_flat([&cj](std::span<const Value> a) { return eval_closed_jaxpr(cj, a); },
                                xs.subspan(0, n), ts);
        std::vector<Value> outs;
        for (const Value& t : jr.tangents) {
          nz_out.push_back(!ad::is_zero(t));
          if (nz_out.back()) outs.push_back(t);
        }
        return outs;
      },
      avals));
  r.nonzero_out = nz_out;
  auto body = std::make_shared<const ClosedJaxpr>(std::move(tangent));
  r.tangent_fn = [body](std::span<const Value> residuals, std::span<const Value> nz_tangents) {
    std::vector<Value> args(residuals.begin(), residuals.end());
    args.insert(args.end(), nz_tangents.begin(), nz_tangents.end());
    return bind_remat(body, args, true);
  };
  return r;
}

}  // namespace

TreeFn checkpoint(TreeFn f) {
  return [f = std::move(f)](const std::vector<Tree>& args) {
    auto [leaves, def] = tree_flatten(Tree::tuple(args));
    TreeDef out_def;
    LiftedJaxpr t = trace_call(
        [&](std::span<const Value> ls) { return f(tree_unflatten(def, ls).children()); }, leaves, &out_def);
    return tree_unflatten(out_def, bind_remat(t.jaxpr, call_args(t, leaves), false));
  };
}

namespace {

void register_remat() {
  Primitive& p = define_primitive("remat2");
  p.synopsis = "call a sub-jaxpr whose residuals are recomputed in the backward pass (jax.checkpoint)";
  p.abstract_eval = [](std::span<const ShapedArray>, const Params& params) {
    return remat_body(params).out_avals();
  };
  p.impl = [](std::span<const Array> in, const Params& params, std::span<const ShapedArray>) {
    std::vector<Value> args(in.begin(), in.end());
    std::vector<Array> out;
    for (const Value& v : eval_closed_jaxpr(remat_body(params), args)) out.push_back(v.array());
    return out;
  };
  p.jvp = [](std::span<const Value> primals, std::span<const Value> tangents, const Params& params) {
    return call_jvp(primals, tangents, params, rebind_remat());
  };
  p.linearize = remat_linearize;
  p.transpose = [](std::span<const Value> cts, std::span<const Value> args, std::span<const ShapedArray> in_avals,
                   const Params& params) { return call_transpose(cts, args, in_avals, params, rebind_remat()); };
  p.batch = [](std::span<const Value> args, std::span<const int> dims, const Params& params, int64_t size) {
    return call_batch(args, dims, params, size, [&params](const ClosedJaxprPtr& body, std::span<const Value> a) {
      return bind_remat(body, a, params.get("differentiated").as_bool());
    });
  };
}

}  // namespace

void register_custom_derivative_primitives() {
  register_remat();
  {
    Primitive& p = define_primitive("custom_jvp_call");
    p.synopsis = "call a function whose JVP is given by a user rule (jax.custom_jvp)";
    p.abstract_eval = call_abstract_eval;
    p.impl = call_impl;
    p.print_params = print_without({"jvp_rule", "num_consts"});
    p.jvp = custom_jvp_rule;
    p.batch = custom_jvp_batch;
  }
  {
    Primitive& p = define_primitive("custom_vjp_call");
    p.synopsis = "call a function whose VJP is given by user fwd/bwd rules (jax.custom_vjp)";
    p.abstract_eval = call_abstract_eval;
    p.impl = call_impl;
    p.print_params = print_without({"vjp_rules", "num_consts"});
    p.jvp = [](std::span<const Value>, std::span<const Value>, const Params&) -> JvpResult {
      throw_type_error("can't apply forward-mode autodiff (jvp) to a custom_vjp function.");
    };
    p.linearize = custom_vjp_linearize;
    p.batch = custom_vjp_batch;
  }
  {
    Primitive& p = define_primitive("custom_lin");
    p.synopsis = "the linear part of a custom_vjp function; only ever transposed";
    p.abstract_eval = [](std::span<const ShapedArray>, const Params& params) {
      return params.get("bwd").as_opaque<LinInfo>().out_avals;
    };
    p.impl = [](std::span<const Array>, const Params&, std::span<const ShapedArray>) -> std::vector<Array> {
      throw_type_error("can't apply forward-mode autodiff (jvp) to a custom_vjp function.");
    };
    p.transpose = custom_lin_transpose;
  }
}

// --- wrappers -------------------------------------------------------------

namespace {

bool in(const std::vector<int>& v, int i) { return std::find(v.begin(), v.end(), i) != v.end(); }

// Splits args into differentiable leaves and a way to rebuild them.
struct Split {
  std::vector<Value> leaves;
  TreeDef def;  // of the tuple of diff args
  std::vector<Tree> args;
  std::vector<int> nondiff;

  std::vector<Tree> rebuild(std::span<const Value> ls) const {
    Tree t = tree_unflatten(def, ls);
    std::vector<Tree> full = args;
    size_t k = 0;
    for (size_t i = 0; i < full.size(); ++i)
      if (!in(nondiff, static_cast<int>(i))) full[i] = t[k++];
    return full;
  }
  std::vector<Tree> zero_nondiff(std::span<const Value> ls) const {
    std::vector<Tree> full = rebuild(ls);
    for (int i : nondiff) full[i] = Tree::none();
    return full;
  }
};

Split split_args(const std::vector<Tree>& args, const std::vector<int>& nondiff) {
  Split s;
  s.args = args;
  s.nondiff = nondiff;
  std::vector<Tree> diff;
  for (size_t i = 0; i < args.size(); ++i)
    if (!in(nondiff, static_cast<int>(i))) diff.push_back(args[i]);
  auto [leaves, def] = tree_flatten(Tree::tuple(diff));
  s.leaves = std::move(leaves);
  s.def = std::move(def);
  return s;
}


}  // namespace

struct CustomJvp::State {
  TreeFn f;
  std::string name;
  std::vector<int> nondiff;
  Rule jvp;
  std::string jvp_name;
};

CustomJvp::CustomJvp(TreeFn f, std::string name, std::vector<int> nondiff_argnums)
    : state_(std::make_shared<State>()) {
  state_->f = std::move(f);
  state_->name = std::move(name);
  state_->nondiff = std::move(nondiff_argnums);
}

CustomJvp& CustomJvp::defjvp(Rule jvp, std::string jvp_name) {
  state_->jvp = std::move(jvp);
  state_->jvp_name = std::move(jvp_name);
  return *this;
}

Tree CustomJvp::operator()(const std::vector<Tree>& args) const {
  auto st = state_;
  if (!st->jvp) throw_type_error("No JVP defined for custom_jvp function " + st->name + " using defjvp.");
  auto s = std::make_shared<Split>(split_args(args, st->nondiff));
  auto out_def = std::make_shared<TreeDef>();
  LiftedJaxpr t = trace_call([&](std::span<const Value> ls) { return st->f(s->rebuild(ls)); }, s->leaves,
                             out_def.get());
  auto rule = std::make_shared<const FlatJvp>([st, s, out_def](std::span<const Value> ps, std::span<const Value> ts) {
    auto [po, to] = st->jvp(s->rebuild(ps), s->zero_nondiff(ts));
    JvpResult r;
    r.primals = tree_flatten(po).first;
    r.tangents = tree_flatten(to).first;
    if (r.primals.size() != r.tangents.size())
      throw_type_error("Custom JVP rule " + st->jvp_name + " for function " + st->name +
                       " must produce primal and tangent outputs with equal container (pytree) structures");
    return r;
  });
  Params params{{"name", Param::str(st->name)},
                {"call_jaxpr", Param::jaxpr(t.jaxpr)},
                {"jvp", Param::str(st->jvp_name)},
                {"jvp_rule", Param::opaque(rule, st->jvp_name)},
                {"num_consts", Param::integer(static_cast<int64_t>(t.lifted.size()))},
                {"symbolic_zeros", Param::boolean(false)}};
  static const Primitive& prim = get_primitive("custom_jvp_call");
  return tree_unflatten(*out_def, jxr::bind(prim, call_args(t, s->leaves), params));
}

struct CustomVjp::State {
  TreeFn f;
  std::string name;
  std::vector<int> nondiff;
  Fwd fwd;
  Bwd bwd;
  std::string fwd_name, bwd_name;
};

CustomVjp::CustomVjp(TreeFn f, std::string name, std::vector<int> nondiff_argnums)
    : state_(std::make_shared<State>()) {
  state_->f = std::move(f);
  state_->name = std::move(name);
  state_->nondiff = std::move(nondiff_argnums);
}

CustomVjp& CustomVjp::defvjp(Fwd fwd, Bwd bwd, std::string fwd_name, std::string bwd_name) {
  state_->fwd = std::move(fwd);
  state_->bwd = std::move(bwd);
  state_->fwd_name = std::move(fwd_name);
  state_->bwd_name = std::move(bwd_name);
  return *this;
}

Tree CustomVjp::operator()(const std::vector<Tree>& args) const {
  auto st = state_;
  if (!st->fwd) throw_type_error("No VJP defined for custom_vjp function " + st->name + " using defvjp.");
  auto s = std::make_shared<Split>(split_args(args, st->nondiff));
  auto out_def = std::make_shared<TreeDef>();
  LiftedJaxpr t = trace_call([&](std::span<const Value> ls) { return st->f(s->rebuild(ls)); }, s->leaves,
                             out_def.get());
  auto res_def = std::make_shared<TreeDef>();
  auto rules = std::make_shared<const FlatVjp>(FlatVjp{
      [st, s, res_def](std::span<const Value> ps) {
        auto [out, res] = st->fwd(s->rebuild(ps));
        auto [rl, rd] = tree_flatten(res);
        *res_def = rd;
        return std::make_pair(tree_flatten(out).first, rl);
      },
      [st, s, res_def, out_def](std::span<const Value> res, std::span<const Value> cts) {
        std::vector<Tree> g = st->bwd(tree_unflatten(*res_def, res), tree_unflatten(*out_def, cts));
        auto [gl, gd] = tree_flatten(Tree::tuple(g));
        if (gl.size() != s->leaves.size())
          throw_type_error("Custom VJP bwd rule " + st->bwd_name + " must produce an output with the same "
                           "container (pytree) structure as the args tuple of the primal function");
        return gl;
      }});
  Params params{{"name", Param::str(st->name)},
                {"bwd", Param::str(st->bwd_name)},
                {"call_jaxpr", Param::jaxpr(t.jaxpr)},
                {"fwd", Param::str(st->fwd_name)},
                {"num_consts", Param::integer(static_cast<int64_t>(t.lifted.size()))},
                {"symbolic_zeros", Param::boolean(false)},
                {"vjp_rules", Param::opaque(std::make_shared<std::shared_ptr<const FlatVjp>>(rules), st->bwd_name)}};
  static const Primitive& prim = get_primitive("custom_vjp_call");
  return tree_unflatten(*out_def, jxr::bind(prim, call_args(t, s->leaves), params));
}

}  // namespace jxr
