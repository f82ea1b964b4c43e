// The staging trace (JAX's DynamicJaxprTrace): every primitive applied to its
// tracers becomes an equation of a jaxpr under construction. Concrete
// scalars become literals, other constants (arrays, and tracers of outer
// transformations) become constvars, as JAX does.
#pragma once

#include <functional>
#include <unordered_map>

#include "engine/jaxpr/jaxpr.h"

namespace jxr {

class JaxprTracer final : public Tracer {
 public:
  JaxprTracer(std::shared_ptr<TraceTag> tag, VarPtr var) : Tracer(std::move(tag), var->aval), var_(std::move(var)) {}
  const VarPtr& var() const { return var_; }

 private:
  VarPtr var_;
};

class StagingTrace final : public Trace {
 public:
  explicit StagingTrace(Trace* parent) : Trace(parent) {}

  // A new input of the jaxpr.
  Value new_arg(const ShapedArray& aval);
  std::vector<Value> process_primitive(const Primitive& prim, std::span<const Value> args,
                                       const Params& params) override;
  std::string_view kind() const override { return "make_jaxpr"; }
  // The jaxpr with `outs` as outputs; consts are the captured constants.
  ClosedJaxpr finish(std::span<const Value> outs);

 private:
  Atom to_atom(const Value& v);

  Jaxpr jaxpr_;
  std::vector<Value> consts_;
  std::unordered_map<const void*, VarPtr> const_vars_;  // keyed by buffer or tracer identity
};

using FlatFn = std::function<std::vector<Value>(std::span<const Value>)>;

// Traces a flat function on abstract inputs to a closed jaxpr.
ClosedJaxpr trace_to_jaxpr(const FlatFn& f, std::span<const ShapedArray> in_avals);

// The aval of a traced input for a concrete argument (weak types kept).
ShapedArray abstractify(const Value& v);

}  // namespace jxr
