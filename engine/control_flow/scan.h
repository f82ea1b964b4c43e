// jax.lax.scan and jax.lax.map over pytrees: the body is traced once to a
// jaxpr and bound as the `scan` primitive (engine/primitives/scan.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/api.h"

namespace jxr {

// Binds the `scan` primitive (for the API and the primitive's rules): args
// are (consts, carry, xs) and the body maps (consts, carry, x slices) to
// (carry, y slices).
std::vector<Value> bind_scan(const ClosedJaxprPtr& body, std::span<const Value> args, int64_t length,
                             int64_t num_consts, int64_t num_carry, bool reverse, int64_t unroll);

namespace lax {

// A scan's body traced for given input structures and types: what a
// frontend may keep per function, as JAX's trace cache, so that scans of the
// same function share one body jaxpr (printed once, hoisted as `let`).
struct PreparedScan {
  ClosedJaxprPtr body;
  std::vector<Value> consts;                  // closed-over values: leading operands
  std::vector<std::optional<DType>> promote;  // per init leaf: converted first (a weak init)
  std::vector<bool> moved;                    // carries the body returns unchanged: passed as consts
  std::vector<int> y_from_xs;                 // per y: the xs leaf it is, or -1
  TreeDef y_def;
};
// Given the structures and types, returns the prepared body, calling `trace`
// to trace it when it has none kept.
using ScanPreparer = std::function<std::shared_ptr<const PreparedScan>(
    const TreeDef& init_def, const TreeDef& xs_def, std::span<const ShapedArray> init_avals,
    std::span<const ShapedArray> x_avals, const std::function<std::shared_ptr<const PreparedScan>()>& trace)>;

// f(carry, x) returns a pair (new carry, y); the result is (final carry,
// stacked ys). `length` is required when xs has no leaves; `unroll` 0 means
// fully unrolled, as in JAX. `carry_name`, the name of f's first parameter
// when a frontend knows it, names the carry in errors as JAX does.
std::pair<Tree, Tree> scan(const TreeFn& f, const Tree& init, const Tree& xs = Tree::none(),
                           std::optional<int64_t> length = std::nullopt, bool reverse = false, int64_t unroll = 1,
                           const std::string& carry_name = {}, const ScanPreparer& preparer = {});

// f applied to each slice of xs along its leading axis, results stacked:
// a scan with no carry.
Tree map(const TreeFn& f, const Tree& xs);

}  // namespace lax
}  // namespace jxr
