// Reverse mode: direct linearization and the backward pass.
//
// As JAX's LinearizeTrace: primal computations run on the parent trace as
// they happen, tangent computations are staged into a linear jaxpr. Each
// primitive's JVP rule runs under a partial-evaluation trace that sends the
// parts that only touch primals (known) to the parent, and the parts that
// touch tangents (unknown) to the tangent jaxpr, so that every primitive
// needs only a JVP rule, and transpose rules only for linear primitives.
#include <unordered_map>
#include <unordered_set>

#include "engine/ad/ad.h"
#include "engine/ad/dual.h"
#include "engine/core/error.h"

namespace jxr {

namespace {

// An unknown (tangent) value during a JVP rule: wraps a tracer of the
// tangent jaxpr.
class PeTracer final : public Tracer {
 public:
  PeTracer(std::shared_ptr<TraceTag> tag, Value staged)
      : Tracer(std::move(tag), staged.aval()), staged_(std::move(staged)) {}
  const Value& staged() const { return staged_; }

 private:
  Value staged_;
};

class PartialEvalTrace final : public Trace {
 public:
  PartialEvalTrace(Trace* parent, StagingTrace* tangents) : Trace(parent), tangents_(tangents) {}
  std::string_view kind() const override { return "linearize"; }

  Value unknown(Value staged) { return Value(std::make_shared<PeTracer>(tag(), std::move(staged))); }
  // The staged value of an unknown, or nothing for a known value.
  Value staged(const Value& v) const {
    return owns(v) ? static_cast<const PeTracer*>(v.tracer())->staged() : Value();
  }

  std::vector<Value> process_primitive(const Primitive& prim, std::span<const Value> args,
                                       const Params& params) override {
    std::vector<Value> in;
    bool any_unknown = false;
    for (const Value& v : args) {
      if (owns(v)) {
        any_unknown = true;
        in.push_back(staged(v));
      } else {
        in.push_back(v);
      }
    }
    if (!any_unknown) {
      TraceScope scope(parent());
      return jxr::bind(prim, args, params);
    }
    std::vector<Value> outs;
    {
      TraceScope scope(tangents_);
      outs = jxr::bind(prim, in, params);
    }
    for (Value& o : outs) o = unknown(std::move(o));
    return outs;
  }

 private:
  StagingTrace* tangents_;
};

class LinearizeTrace final : public ad::DualTrace {
 public:
  explicit LinearizeTrace(Trace* parent) : DualTrace(parent), tangents_(parent) {}
  std::string_view kind() const override { return "linearize"; }
  StagingTrace& tangent_trace() { return tangents_; }

  std::vector<Value> process_primitive(const Primitive& prim, std::span<const Value> args,
                                       const Params& params) override {
    std::vector<Value> primals, tangents;
    if (unzip(args, primals, tangents)) {
      TraceScope scope(parent());
      return jxr::bind(prim, primals, params);
    }
    if (prim.linearize) return process_with_rule(prim, primals, tangents, params);
    if (!prim.jvp) ad::throw_missing_rule(prim, "jvp");
    PartialEvalTrace pe(parent(), &tangents_);
    std::vector<Value> pe_tangents;
    for (const Value& t : tangents) pe_tangents.push_back(ad::is_zero(t) ? Value() : pe.unknown(t));
    JvpResult r;
    {
      TraceScope scope(&pe);
      r = prim.jvp(primals, pe_tangents, params);
    }
    std::vector<Value> outs;
    for (size_t i = 0; i < r.primals.size(); ++i) {
      if (pe.owns(r.primals[i]))
        throw_value_error("Linearization failed to produce known values for all output primals of " + prim.name() +
                          ". This is typically caused by attempting to differentiate a function that uses an "
                          "operation that does not support reverse-mode autodiff.");
      // A tangent that came out known (a concrete zero, say) is a zero.
      Value t = i < r.tangents.size() ? pe.staged(r.tangents[i]) : Value();
      outs.push_back(wrap(std::move(r.primals[i]), std::move(t)));
    }
    return outs;
  }

 private:
  std::vector<Value> process_with_rule(const Primitive& prim, const std::vector<Value>& primals,
                                       const std::vector<Value>& tangents, const Params& params) {
    std::vector<bool> nz;
    std::vector<Value> nz_tangents;
    for (const Value& t : tangents) {
      nz.push_back(!ad::is_zero(t));
      if (nz.back()) nz_tangents.push_back(t);
    }
    LinearizeRuleResult r;
    {
      TraceScope scope(parent());
      r = prim.linearize(nz, primals, params);
    }
    std::vector<Value> nz_out;
    {
      TraceScope scope(&tangents_);
      nz_out = r.tangent_fn(r.residuals, nz_tangents);
    }
    std::vector<Value> outs;
    size_t k = 0;
    for (size_t i = 0; i < r.primals_out.size(); ++i)
      outs.push_back(wrap(std::move(r.primals_out[i]), r.nonzero_out[i] ? nz_out.at(k++) : Value()));
    return outs;
  }

  StagingTrace tangents_;
};

}  // namespace

ClosedJaxpr dce_closed_jaxpr(const ClosedJaxpr& cj) {
  const Jaxpr& j = *cj.jaxpr;
  std::unordered_set<const Var*> live;
  for (const Atom& a : j.outvars)
    if (a.is_var()) live.insert(a.var().get());
  std::vector<bool> keep(j.eqns.size(), false);
  for (size_t k = j.eqns.size(); k-- > 0;) {
    const Eqn& e = j.eqns[k];
    bool used = false;
    for (const VarPtr& o : e.outputs) used = used || live.count(o.get());
    if (!used) continue;
    keep[k] = true;
    for (const Atom& a : e.inputs)
      if (a.is_var()) live.insert(a.var().get());
  }
  auto out = std::make_shared<Jaxpr>();
  out->invars = j.invars;
  out->outvars = j.outvars;
  for (size_t k = 0; k < j.eqns.size(); ++k)
    if (keep[k]) out->eqns.push_back(j.eqns[k]);
  ClosedJaxpr r;
  for (size_t i = 0; i < j.constvars.size(); ++i)
    if (live.count(j.constvars[i].get())) {
      out->constvars.push_back(j.constvars[i]);
      r.consts.push_back(cj.consts[i]);
    }
  r.jaxpr = std::move(out);
  return r;
}

LinearizedJaxpr linearize_jaxpr(const ClosedJaxpr& cj, const std::vector<bool>& nonzeros) {
  std::vector<ShapedArray> in_avals = cj.in_avals();
  StagingTrace primal(current_trace());
  LinearizeTrace lin(&primal);
  std::vector<Value> args, in_primals;
  for (size_t i = 0; i < in_avals.size(); ++i) {
    Value p = primal.new_arg(in_avals[i]);
    in_primals.push_back(p);
    Value t = nonzeros[i] ? lin.tangent_trace().new_arg(ad::tangent_aval(in_avals[i])) : Value();
    args.push_back(lin.wrap(p, std::move(t)));
  }
  std::vector<Value> outs;
  {
    TraceScope scope(&lin);
    outs = eval_closed_jaxpr(cj, args);
  }
  LinearizedJaxpr r;
  std::vector<Value> out_primals, nz_tangents;
  for (const Value& v : outs) {
    auto [p, t] = lin.split(v);
    r.nonzero_out.push_back(!ad::is_zero(t));
    if (!ad::is_zero(t)) nz_tangents.push_back(std::move(t));
    out_primals.push_back(std::move(p));
  }
  ClosedJaxpr tangent = dce_closed_jaxpr(lin.tangent_trace().finish(nz_tangents));
  // The tangent jaxpr's consts become its leading inputs: the residuals.
  auto tj = std::make_shared<Jaxpr>(*tangent.jaxpr);
  tj->invars.insert(tj->invars.begin(), tj->constvars.begin(), tj->constvars.end());
  tj->constvars.clear();
  auto closed = std::make_shared<ClosedJaxpr>();
  closed->jaxpr = std::move(tj);
  r.tangent = std::move(closed);
  // Residuals that are inputs, consts of the call, or outputs already are
  // forwarded rather than returned a second time (JAX's in_fwd / out_fwd).
  auto same = [](const Value& a, const Value& b) { return a.is_tracer() && a.tracer() == b.tracer(); };
  std::vector<Value> returned;
  for (const Value& p : out_primals) {
    int fwd = -1;
    for (size_t i = 0; i < in_primals.size() && fwd < 0; ++i)
      if (same(p, in_primals[i])) fwd = static_cast<int>(i);
    r.primal_input.push_back(fwd);
    if (fwd < 0) returned.push_back(p);
  }
  r.num_primals_out = returned.size();
  for (const Value& c : tangent.consts) {
    LinearizedJaxpr::Residual src{LinearizedJaxpr::Residual::Output, -1};
    for (size_t i = 0; i < in_primals.size() && src.index < 0; ++i)
      if (same(c, in_primals[i])) src = {LinearizedJaxpr::Residual::Input, static_cast<int>(i)};
    for (size_t i = 0; i < cj.consts.size() && src.index < 0 && !c.is_tracer(); ++i)
      if (!cj.consts[i].is_tracer() && cj.consts[i].array().raw() == c.array().raw() &&
          cj.consts[i].aval() == c.aval())
        src = {LinearizedJaxpr::Residual::Const, static_cast<int>(i)};
    for (size_t i = 0; i < returned.size() && src.index < 0; ++i)
      if (same(c, returned[i])) src.index = static_cast<int>(i);
    if (src.index < 0) {
      src.index = static_cast<int>(returned.size());
      returned.push_back(c);
    }
    r.residuals.push_back(src);
  }
  r.primal = std::make_shared<const ClosedJaxpr>(dce_closed_jaxpr(primal.finish(returned)));
  return r;
}

Linearized linearize_flat(const FlatFn& f, std::span<const Value> primals, const size_t* num_aux) {
  LinearizeTrace trace(current_trace());
  Linearized lin;
  std::vector<Value> args;
  for (const Value& p : primals) {
    lin.in_avals.push_back(p.aval());
    Value t = trace.tangent_trace().new_arg(ad::tangent_aval(p.aval()));
    args.push_back(trace.wrap(p, std::move(t)));
  }
  std::vector<Value> outs;
  {
    TraceScope scope(&trace);
    outs = f(args);
  }
  size_t n_main = outs.size() - (num_aux ? *num_aux : 0);
  for (size_t i = n_main; i < outs.size(); ++i) lin.aux.push_back(trace.split(outs[i]).first);
  outs.resize(n_main);
  std::vector<Value> nz_tangents;
  for (const Value& v : outs) {
    auto [p, t] = trace.split(v);
    lin.out_avals.push_back(p.aval());
    lin.out_nonzero.push_back(!ad::is_zero(t));
    if (!ad::is_zero(t)) nz_tangents.push_back(std::move(t));
    lin.primals_out.push_back(std::move(p));
  }
  lin.linear = dce_closed_jaxpr(trace.tangent_trace().finish(nz_tangents));
  return lin;
}

const Var* linearize_tangent_var(const Value& v) {
  const auto* dual = dynamic_cast<const ad::DualTracer*>(v.tracer());
  if (!dual) return nullptr;
  const auto* staged = dynamic_cast<const JaxprTracer*>(dual->tangent().tracer());
  return staged ? staged->var().get() : nullptr;
}

std::vector<Value> apply_linearized(const Linearized& lin, std::span<const Value> tangents) {
  std::vector<Value> ts;
  for (size_t i = 0; i < lin.in_avals.size(); ++i)
    ts.push_back(ad::instantiate_zeros(i < tangents.size() ? tangents[i] : Value(), lin.in_avals[i]));
  std::vector<Value> nz = eval_closed_jaxpr(lin.linear, ts);
  std::vector<Value> out;
  size_t k = 0;
  for (bool nonzero : lin.out_nonzero) out.push_back(nonzero ? nz[k++] : Value());
  return out;
}

std::vector<Value> transpose_eqn(const Eqn& e, std::span<const Value> cts_out,
                                 const std::function<bool(const Atom&)>& is_linear,
                                 const std::function<Value(const Atom&)>& primal) {
  if (!e.prim->transpose) ad::throw_missing_rule(*e.prim, "transpose");
  std::vector<Value> in;
  std::vector<ShapedArray> avals;
  for (const Atom& a : e.inputs) {
    in.push_back(is_linear(a) ? Value() : primal(a));
    avals.push_back(a.aval());
  }
  SourceScope src(e.source);
  return e.prim->transpose(cts_out, in, avals, e.params);
}

std::vector<Value> backward_pass(const Jaxpr& jaxpr, std::span<const Value> consts, std::span<const Value> args,
                                 const std::vector<bool>& linear, std::span<const Value> cts) {
  struct Slot {
    bool linear = false;
    Value value;  // the known value, or the accumulated cotangent
  };
  std::unordered_map<const Var*, Slot> env;
  for (size_t i = 0; i < jaxpr.constvars.size(); ++i) env[jaxpr.constvars[i].get()] = {false, consts[i]};
  for (size_t i = 0; i < jaxpr.invars.size(); ++i)
    env[jaxpr.invars[i].get()] = {bool(linear[i]), linear[i] ? Value() : args[i]};
  auto is_linear = [&](const Atom& a) { return a.is_var() && env.at(a.var().get()).linear; };
  auto read = [&](const Atom& a) -> Value { return a.is_literal() ? Value(a.literal()) : env.at(a.var().get()).value; };

  std::vector<const Eqn*> lin_eqns;
  for (const Eqn& e : jaxpr.eqns) {
    bool lin = false;
    for (const Atom& a : e.inputs) lin = lin || is_linear(a);
    if (lin) {
      for (const VarPtr& o : e.outputs) env[o.get()] = {true, Value()};
      lin_eqns.push_back(&e);
      continue;
    }
    std::vector<Value> in;
    for (const Atom& a : e.inputs) in.push_back(read(a));
    SourceScope src(e.source);
    std::vector<Value> out = jxr::bind(*e.prim, in, e.params);
    for (size_t i = 0; i < out.size(); ++i) env[e.outputs[i].get()] = {false, out[i]};
  }

  auto accum = [&](const Atom& a, const Value& ct) {
    if (!is_linear(a) || ad::is_zero(ct)) return;
    Slot& s = env.at(a.var().get());
    if (ct.shape() != a.aval().shape)
      throw Error(ErrorKind::Value, "Expected cotangent type " + ad::tangent_aval(a.aval()).str_short() +
                                        " but got " + ct.aval().str_short());
    s.value = ad::add_tangents(s.value, ct);
  };
  for (size_t i = 0; i < jaxpr.outvars.size() && i < cts.size(); ++i) accum(jaxpr.outvars[i], cts[i]);

  for (auto it = lin_eqns.rbegin(); it != lin_eqns.rend(); ++it) {
    const Eqn& e = **it;
    std::vector<Value> cts_out;
    bool all_zero = true;
    for (const VarPtr& o : e.outputs) {
      Slot& s = env.at(o.get());
      cts_out.push_back(std::move(s.value));
      s.value = Value();
      all_zero = all_zero && ad::is_zero(cts_out.back());
    }
    if (all_zero) continue;
    std::vector<Value> cts_in = transpose_eqn(e, cts_out, is_linear, read);
    for (size_t i = 0; i < e.inputs.size() && i < cts_in.size(); ++i) accum(e.inputs[i], cts_in[i]);
  }

  std::vector<Value> result;
  for (size_t i = 0; i < jaxpr.invars.size(); ++i)
    result.push_back(linear[i] ? env.at(jaxpr.invars[i].get()).value : Value());
  return result;
}

std::vector<Value> pullback(const Linearized& lin, std::span<const Value> cts) {
  std::vector<Value> nz_cts;
  for (size_t i = 0; i < lin.out_nonzero.size(); ++i)
    if (lin.out_nonzero[i]) nz_cts.push_back(i < cts.size() ? cts[i] : Value());
  std::vector<Value> args(lin.in_avals.size());
  std::vector<bool> linear(lin.in_avals.size(), true);
  return backward_pass(*lin.linear.jaxpr, lin.linear.consts, args, linear, nz_cts);
}

}  // namespace jxr
