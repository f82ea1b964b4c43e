// jax.lax.scan and jax.lax.map over pytrees: the body is traced once to a
// jaxpr and bound as the `scan` primitive (engine/primitives/scan.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "engine/api.h"

namespace jxr {

// Binds the `scan` primitive (for the API and the primitive's rules): args
// are (consts, carry, xs) and the body maps (consts, carry, x slices) to
// (carry, y slices).
std::vector<Value> bind_scan(const ClosedJaxprPtr& body, std::span<const Value> args, int64_t length,
                             int64_t num_consts, int64_t num_carry, bool reverse, int64_t unroll);

namespace lax {

// f(carry, x) returns a pair (new carry, y); the result is (final carry,
// stacked ys). `length` is required when xs has no leaves; `unroll` 0 means
// fully unrolled, as in JAX. `carry_name`, the name of f's first parameter
// when a frontend knows it, names the carry in errors as JAX does.
std::pair<Tree, Tree> scan(const TreeFn& f, const Tree& init, const Tree& xs = Tree::none(),
                           std::optional<int64_t> length = std::nullopt, bool reverse = false, int64_t unroll = 1,
                           const std::string& carry_name = {});

// f applied to each slice of xs along its leading axis, results stacked:
// a scan with no carry.
Tree map(const TreeFn& f, const Tree& xs);

}  // namespace lax
}  // namespace jxr
