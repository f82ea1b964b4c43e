// jax.lax.while_loop and jax.lax.fori_loop over pytree carries, staged as
// one `while` equation (engine/primitives/while.cpp).
//
//   Tree out = lax::while_loop(
//       [](const std::vector<Tree>& c) { return Tree(lax::lt(c[0].leaf(), ten)); },
//       [](const std::vector<Tree>& c) { return Tree(lax::mul(c[0].leaf(), two)); }, Tree(x));
//
// Both functions are traced once on the carry's types, as JAX does;
// values they close over (arrays or tracers of enclosing transformations)
// become the equation's leading cond / body consts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/api.h"

namespace jxr::lax {

// cond_fun({carry}) returns a boolean scalar leaf; body_fun({carry}) returns
// a carry of the same structure and types. `carry_name`, when given, names
// the carry in type errors as JAX does with the body's first parameter
// ("the input carry component c[1] has type ...").
Tree while_loop(const TreeFn& cond_fun, const TreeFn& body_fun, const Tree& init_val,
                const std::string& carry_name = "");

// body_fun({i, x}) returns the next x, for i from lower to upper - 1. As in
// JAX: with concrete bounds, a scan of upper - lower steps over the carry
// (i, x), which reverse mode differentiates; with traced bounds, a while over
// the carry (i, upper, x), which it does not.
// `unroll` is the scan's (0: fully unrolled, JAX's True; unset: JAX's None,
// one step per iteration); with traced bounds anything but 0 or 1 is JAX's
// ValueError. Carry type errors name the carry `loop_carry`, as JAX's do.
Tree fori_loop(const Value& lower, const Value& upper, const TreeFn& body_fun, const Tree& init_val,
               std::optional<int64_t> unroll = std::nullopt);

}  // namespace jxr::lax
