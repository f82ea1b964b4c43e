// Jaxpr helpers, the checker and the reference interpreter.
#include "engine/jaxpr/jaxpr.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "engine/jaxpr/print.h"

namespace jxr {

std::vector<ShapedArray> Jaxpr::in_avals() const {
  std::vector<ShapedArray> out;
  for (const auto& v : invars) out.push_back(v->aval);
  return out;
}

std::vector<ShapedArray> Jaxpr::out_avals() const {
  std::vector<ShapedArray> out;
  for (const auto& a : outvars) out.push_back(a.aval());
  return out;
}

namespace {

thread_local EvalObserver* t_observer = nullptr;

[[noreturn]] void check_fail(const Jaxpr& jaxpr, size_t eqn_index, const std::string& what) {
  std::string msg = "jaxpr check failed at equation " + std::to_string(eqn_index);
  if (eqn_index < jaxpr.eqns.size()) msg += " (" + jaxpr.eqns[eqn_index].prim->name() + ")";
  msg += ": " + what + "\n" + print_jaxpr_excerpt(jaxpr, eqn_index);
  throw_type_error(msg);
}

void check_rec(const Jaxpr& jaxpr) {
  std::unordered_set<const Var*> defined;
  auto define = [&](const VarPtr& v, size_t at) {
    if (!v) check_fail(jaxpr, at, "null variable");
    // A `_` binder may still be a body's output (JAX prints it so).
    if (!defined.insert(v.get()).second && !v->is_drop) check_fail(jaxpr, at, "variable bound twice");
  };
  for (const auto& v : jaxpr.constvars) define(v, jaxpr.eqns.size());
  for (const auto& v : jaxpr.invars) define(v, jaxpr.eqns.size());
  auto use = [&](const Atom& a, size_t at) {
    if (a.is_var() && !defined.count(a.var().get())) check_fail(jaxpr, at, "variable used before it is defined");
  };
  for (size_t i = 0; i < jaxpr.eqns.size(); ++i) {
    const Eqn& e = jaxpr.eqns[i];
    std::vector<ShapedArray> in;
    for (const Atom& a : e.inputs) {
      use(a, i);
      in.push_back(a.aval());
    }
    for (const auto& [k, p] : e.params.items())
      if (p.kind() == Param::Kind::Jaxpr) check_rec(*p.as_jaxpr()->jaxpr);
    std::vector<ShapedArray> out;
    try {
      out = e.prim->eval_shapes(in, e.params);
    } catch (const Error& err) {
      check_fail(jaxpr, i, err.what());
    }
    if (out.size() != e.outputs.size())
      check_fail(jaxpr, i, "expected " + std::to_string(out.size()) + " outputs, got " +
                               std::to_string(e.outputs.size()));
    for (size_t k = 0; k < out.size(); ++k)
      if (!out[k].same_type(e.outputs[k]->aval))
        check_fail(jaxpr, i, "output " + std::to_string(k) + " has type " + e.outputs[k]->aval.str_short() +
                                 " but the shape rule gives " + out[k].str_short());
    for (const auto& v : e.outputs) define(v, i);
  }
  for (const Atom& a : jaxpr.outvars) use(a, jaxpr.eqns.size());
}

}  // namespace

void check_jaxpr(const Jaxpr& jaxpr) { check_rec(jaxpr); }

EvalObserver* set_eval_observer(EvalObserver* obs) {
  EvalObserver* prev = t_observer;
  t_observer = obs;
  return prev;
}

std::vector<Value> eval_jaxpr(const Jaxpr& jaxpr, std::span<const Value> consts, std::span<const Value> args) {
  if (consts.size() != jaxpr.constvars.size() || args.size() != jaxpr.invars.size())
    throw_type_error("eval_jaxpr: expected " + std::to_string(jaxpr.constvars.size()) + " consts and " +
                     std::to_string(jaxpr.invars.size()) + " arguments, got " + std::to_string(consts.size()) +
                     " and " + std::to_string(args.size()));
  std::unordered_map<const Var*, Value> env;
  env.reserve(jaxpr.constvars.size() + jaxpr.invars.size() + jaxpr.eqns.size());
  for (size_t i = 0; i < consts.size(); ++i) env[jaxpr.constvars[i].get()] = consts[i];
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i].aval().same_type(jaxpr.invars[i]->aval))
      throw_type_error("eval_jaxpr: argument " + std::to_string(i) + " has type " + args[i].aval().str_short() +
                       " but the jaxpr expects " + jaxpr.invars[i]->aval.str_short());
    env[jaxpr.invars[i].get()] = args[i];
  }
  auto read = [&](const Atom& a) -> Value { return a.is_var() ? env.at(a.var().get()) : Value(a.literal()); };
  std::vector<Value> in;
  for (const Eqn& e : jaxpr.eqns) {
    in.clear();
    for (const Atom& a : e.inputs) in.push_back(read(a));
    std::vector<Value> out;
    {
      SourceScope src(e.source);
      out = jxr::bind(*e.prim, in, e.params);
    }
    if (t_observer) t_observer->on_equation(e, in, out);
    // Dropped outputs are kept too: a parsed body may return its `_`.
    for (size_t k = 0; k < out.size(); ++k) env[e.outputs[k].get()] = std::move(out[k]);
  }
  std::vector<Value> outs;
  for (const Atom& a : jaxpr.outvars) outs.push_back(read(a));
  return outs;
}

std::vector<Value> eval_closed_jaxpr(const ClosedJaxpr& cj, std::span<const Value> args) {
  return eval_jaxpr(*cj.jaxpr, cj.consts, args);
}

LiftedJaxpr lift_tracer_consts(const ClosedJaxprPtr& cj) {
  LiftedJaxpr r;
  if (std::none_of(cj->consts.begin(), cj->consts.end(), [](const Value& v) { return v.is_tracer(); })) {
    r.jaxpr = cj;
    return r;
  }
  auto j = std::make_shared<Jaxpr>(*cj->jaxpr);
  auto closed = std::make_shared<ClosedJaxpr>();
  std::vector<VarPtr> constvars, lifted;
  for (size_t i = 0; i < cj->consts.size(); ++i) {
    if (cj->consts[i].is_tracer()) {
      lifted.push_back(j->constvars[i]);
      r.lifted.push_back(cj->consts[i]);
    } else {
      constvars.push_back(j->constvars[i]);
      closed->consts.push_back(cj->consts[i]);
    }
  }
  j->constvars = std::move(constvars);
  j->invars.insert(j->invars.begin(), lifted.begin(), lifted.end());
  closed->jaxpr = std::move(j);
  r.jaxpr = std::move(closed);
  return r;
}

}  // namespace jxr
