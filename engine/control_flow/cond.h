// jax.lax.cond and jax.lax.switch: every branch is traced to a jaxpr and one
// `cond` equation holds them all, with the branch index as its first operand
// (a bool predicate becomes an int32 index) and the branches' closed-over
// constants passed as operands ahead of the user's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/api.h"

namespace jxr {

// Binds `cond` for branches that take (consts..., operands...) as inputs:
// `index` is an int32 scalar, `args` the branches' inputs.
std::vector<Value> bind_cond(const Value& index, std::vector<ClosedJaxprPtr> branches, std::span<const Value> args);

}  // namespace jxr

namespace jxr::lax {

// One branch traced at the operands' types: its jaxpr and output structure.
struct TracedBranch {
  ClosedJaxprPtr jaxpr;
  TreeDef out_def;
};
TracedBranch trace_branch(const TreeFn& f, const TreeDef& in_def, std::span<const ShapedArray> in_avals);

struct CondOptions {
  // How error messages name the branch functions ("<lambda> at f.py:3");
  // JAX reads them off the Python functions, C++ callers may leave them out.
  std::vector<std::string> branches;  // one per branch, or empty
  // Traces branch i; unset: trace_branch. A frontend that knows its
  // functions' identities gives the same jaxpr for the same function at the
  // same types, as JAX's trace cache does, and the printer then hoists it.
  std::function<TracedBranch(size_t i, const TreeFn& f, const TreeDef& in_def,
                             std::span<const ShapedArray> in_avals)>
      tracer;
};

// jax.lax.cond(pred, true_fun, false_fun, *operands): `pred` a scalar bool or
// number (nonzero is true), each function called with the operands.
Tree cond(const Value& pred, const TreeFn& true_fun, const TreeFn& false_fun, const std::vector<Tree>& operands,
          const CondOptions& opts = {});
// jax.lax.switch(index, branches, *operands): the index is clamped into
// [0, len(branches) - 1]; a single branch is called directly, as JAX does.
Tree switch_(const Value& index, const std::vector<TreeFn>& branches, const std::vector<Tree>& operands,
             const CondOptions& opts = {});

}  // namespace jxr::lax
