// The staging trace.
#include "engine/jaxpr/staging.h"

namespace jxr {

ShapedArray abstractify(const Value& v) { return v.aval(); }

Value StagingTrace::new_arg(const ShapedArray& aval) {
  VarPtr v = new_var(aval);
  jaxpr_.invars.push_back(v);
  return Value(std::make_shared<JaxprTracer>(tag(), std::move(v)));
}

Atom StagingTrace::to_atom(const Value& v) {
  if (owns(v)) return Atom(static_cast<const JaxprTracer*>(v.tracer())->var());
  if (v.is_tracer()) {
    if (v.tracer()->trace() == nullptr) throw_unexpected_tracer(*v.tracer(), "make_jaxpr");
    // A tracer of an enclosing transformation: captured as a constvar whose
    // value is that tracer.
    auto [it, fresh] = const_vars_.try_emplace(v.tracer(), nullptr);
    if (fresh) {
      it->second = new_var(v.aval());
      jaxpr_.constvars.push_back(it->second);
      consts_.push_back(v);
    }
    return Atom(it->second);
  }
  const Array& a = v.array();
  if (a.ndim() == 0) return Atom(a);
  // One constvar per buffer; views of a buffer under another aval get their own.
  auto [it, fresh] = const_vars_.try_emplace(a.raw(), nullptr);
  if (!fresh && it->second->aval == a.aval()) return Atom(it->second);
  VarPtr var = new_var(a.aval());
  if (fresh) it->second = var;
  jaxpr_.constvars.push_back(var);
  consts_.push_back(v);
  return Atom(var);
}

std::vector<Value> StagingTrace::process_primitive(const Primitive& prim, std::span<const Value> args,
                                                   const Params& params) {
  Eqn eqn;
  eqn.prim = &prim;
  eqn.inputs.reserve(args.size());
  std::vector<ShapedArray> in;
  in.reserve(args.size());
  for (const Value& v : args) {
    eqn.inputs.push_back(to_atom(v));
    in.push_back(v.aval());
  }
  std::vector<ShapedArray> out = prim.eval_shapes(in, params);
  std::vector<Value> results;
  results.reserve(out.size());
  for (auto& aval : out) {
    VarPtr var = new_var(std::move(aval));
    eqn.outputs.push_back(var);
    results.emplace_back(std::make_shared<JaxprTracer>(tag(), std::move(var)));
  }
  eqn.params = params;
  eqn.source = current_source_info();
  jaxpr_.eqns.push_back(std::move(eqn));
  return results;
}

ClosedJaxpr StagingTrace::finish(std::span<const Value> outs) {
  for (const Value& v : outs) jaxpr_.outvars.push_back(to_atom(v));
  ClosedJaxpr cj;
  cj.jaxpr = std::make_shared<const Jaxpr>(std::move(jaxpr_));
  cj.consts = std::move(consts_);
  jaxpr_ = Jaxpr{};
  consts_.clear();
  const_vars_.clear();
  return cj;
}

ClosedJaxpr trace_to_jaxpr(const FlatFn& f, std::span<const ShapedArray> in_avals) {
  StagingTrace trace(current_trace());
  std::vector<Value> args;
  args.reserve(in_avals.size());
  for (const auto& aval : in_avals) args.push_back(trace.new_arg(aval));
  std::vector<Value> outs;
  {
    TraceScope scope(&trace);
    outs = f(args);
  }
  return trace.finish(outs);
}

}  // namespace jxr
