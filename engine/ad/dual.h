// What the JVP and linearize traces share: their tracers pair a primal with
// its tangent (undefined: a symbolic zero). Internal to engine/ad.
#pragma once

#include <span>
#include <utility>
#include <vector>

#include "engine/ad/rules.h"
#include "engine/core/trace.h"

namespace jxr::ad {

class DualTracer final : public Tracer {
 public:
  DualTracer(std::shared_ptr<TraceTag> tag, Value primal, Value tangent)
      : Tracer(std::move(tag), primal.aval()), primal_(std::move(primal)), tangent_(std::move(tangent)) {}
  const Value& primal() const { return primal_; }
  const Value& tangent() const { return tangent_; }

 private:
  Value primal_, tangent_;
};

class DualTrace : public Trace {
 public:
  using Trace::Trace;

  // A value of this trace as (primal, tangent); others are constants.
  std::pair<Value, Value> split(const Value& v) const {
    if (owns(v)) {
      auto* t = static_cast<const DualTracer*>(v.tracer());
      return {t->primal(), t->tangent()};
    }
    return {v, Value()};
  }

  // Values without a tangent (zero, or no tangent space) stay plain values.
  Value wrap(Value primal, Value tangent) {
    if (is_zero(tangent) || !has_tangent_space(primal.dtype())) return primal;
    return Value(std::make_shared<DualTracer>(tag(), std::move(primal), std::move(tangent)));
  }

  // Splits arguments into primals and tangents; true when all tangents are zero.
  bool unzip(std::span<const Value> args, std::vector<Value>& primals, std::vector<Value>& tangents) const {
    bool all_zero = true;
    for (const Value& v : args) {
      auto [p, t] = split(v);
      all_zero = all_zero && is_zero(t);
      primals.push_back(std::move(p));
      tangents.push_back(std::move(t));
    }
    return all_zero;
  }
};

}  // namespace jxr::ad
