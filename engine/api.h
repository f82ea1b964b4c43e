// The public transformations over pytree functions, with JAX's names:
// make_jaxpr and jit (transformations of issue 3 join them here).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/jaxpr/jaxpr.h"
#include "engine/pytree.h"

namespace jxr {

// A function of positional pytree arguments.
using TreeFn = std::function<Tree(const std::vector<Tree>& args)>;

struct MakeJaxprOptions {
  std::vector<int> static_argnums;  // these args are passed through, not traced
};

// The jaxpr of f at the avals of `args`, like jax.make_jaxpr(f)(*args).
ClosedJaxpr make_jaxpr(const TreeFn& f, const std::vector<Tree>& args, const MakeJaxprOptions& opts = {});
ClosedJaxpr make_jaxpr(const std::function<Value(const Value&)>& f, const Value& x);
ClosedJaxpr make_jaxpr(const std::function<Value(const Value&, const Value&)>& f, const Value& x, const Value& y);

struct JitOptions {
  std::string name = "<lambda>";  // printed as jit[name=...]
  std::vector<int> static_argnums;
};

// jax.jit: traces once per (input structure, avals, static args) and binds the
// `jit` primitive with the traced jaxpr. Copies share one cache.
class Jitted {
 public:
  Jitted(TreeFn f, JitOptions opts);
  Tree operator()(const std::vector<Tree>& args) const;
  Value operator()(const Value& x) const;
  // Number of times the function was traced (cache misses).
  int trace_count() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

Jitted jit(TreeFn f, JitOptions opts = {});
Jitted jit(const std::function<Value(const Value&)>& f, JitOptions opts = {});

// Binds the `jit` primitive for an already traced closed jaxpr; tracer consts
// of the closed jaxpr become explicit leading arguments, as JAX does.
// Calls sharing one ClosedJaxprPtr share the sub-jaxpr (the printer hoists it
// as `let NAME = {...} in`, as JAX does for a cached trace used twice).
std::vector<Value> bind_jit(const ClosedJaxprPtr& cj, std::span<const Value> args, const std::string& name);
std::vector<Value> bind_jit(const ClosedJaxpr& cj, std::span<const Value> args, const std::string& name);

}  // namespace jxr
