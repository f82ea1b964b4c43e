// Forward mode: the JVP trace.
#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/core/error.h"

namespace jxr {

namespace {

class JvpTracer final : public Tracer {
 public:
  JvpTracer(std::shared_ptr<TraceTag> tag, Value primal, Value tangent)
      : Tracer(std::move(tag), primal.aval()), primal_(std::move(primal)), tangent_(std::move(tangent)) {}
  const Value& primal() const { return primal_; }
  const Value& tangent() const { return tangent_; }

 private:
  Value primal_, tangent_;
};

class JvpTrace final : public Trace {
 public:
  explicit JvpTrace(Trace* parent) : Trace(parent) {}
  std::string_view kind() const override { return "jvp"; }

  // A value of this trace as (primal, tangent); others are constants.
  std::pair<Value, Value> split(const Value& v) const {
    if (owns(v)) {
      auto* t = static_cast<const JvpTracer*>(v.tracer());
      return {t->primal(), t->tangent()};
    }
    return {v, Value()};
  }

  Value wrap(Value primal, Value tangent) {
    if (ad::is_zero(tangent) || !ad::has_tangent_space(primal.dtype())) return primal;
    return Value(std::make_shared<JvpTracer>(tag(), std::move(primal), std::move(tangent)));
  }

  std::vector<Value> process_primitive(const Primitive& prim, std::span<const Value> args,
                                       const Params& params) override {
    std::vector<Value> primals, tangents;
    bool all_zero = true;
    for (const Value& v : args) {
      auto [p, t] = split(v);
      all_zero = all_zero && ad::is_zero(t);
      primals.push_back(std::move(p));
      tangents.push_back(std::move(t));
    }
    TraceScope scope(parent());
    if (all_zero) return jxr::bind(prim, primals, params);
    if (!prim.jvp) ad::throw_missing_rule(prim, "jvp");
    JvpResult r = prim.jvp(primals, tangents, params);
    std::vector<Value> outs;
    for (size_t i = 0; i < r.primals.size(); ++i)
      outs.push_back(wrap(std::move(r.primals[i]), i < r.tangents.size() ? r.tangents[i] : Value()));
    return outs;
  }
};

}  // namespace

JvpResult jvp_flat(const FlatFn& f, std::span<const Value> primals, std::span<const Value> tangents) {
  if (primals.size() != tangents.size())
    throw_value_error("jvp: " + std::to_string(primals.size()) + " primals but " + std::to_string(tangents.size()) +
                      " tangents");
  JvpTrace trace(current_trace());
  std::vector<Value> args;
  for (size_t i = 0; i < primals.size(); ++i) {
    const Value& t = tangents[i];
    if (!ad::is_zero(t) && t.shape() != primals[i].shape())
      throw_value_error("jvp: tangent " + std::to_string(i) + " has shape " + t.aval().str_short() +
                        " but its primal has shape " + primals[i].aval().str_short());
    args.push_back(trace.wrap(primals[i], t));
  }
  std::vector<Value> outs;
  {
    TraceScope scope(&trace);
    outs = f(args);
  }
  JvpResult r;
  for (const Value& v : outs) {
    auto [p, t] = trace.split(v);
    r.primals.push_back(std::move(p));
    r.tangents.push_back(std::move(t));
  }
  return r;
}

}  // namespace jxr
