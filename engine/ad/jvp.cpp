// Forward mode: the JVP trace.
#include "engine/ad/ad.h"
#include "engine/ad/dual.h"
#include "engine/core/error.h"

namespace jxr {

namespace {

class JvpTrace final : public ad::DualTrace {
 public:
  explicit JvpTrace(Trace* parent) : DualTrace(parent) {}
  std::string_view kind() const override { return "jvp"; }

  std::vector<Value> process_primitive(const Primitive& prim, std::span<const Value> args,
                                       const Params& params) override {
    std::vector<Value> primals, tangents;
    bool all_zero = unzip(args, primals, tangents);
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
