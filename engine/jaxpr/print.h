// The jaxpr printer: writes exactly what the real JAX prints (80-column
// layout through a Wadler-style pretty printer, names a..z, ba.., literals,
// params sorted or as the primitive's print rule orders them, sub-jaxprs
// inline, shared sub-jaxprs hoisted as `let NAME = {...} in`).
#pragma once

#include <string>

#include "engine/jaxpr/jaxpr.h"

namespace jxr {

struct PrintOptions {
  int width = 80;
  bool source_info = false;  // append `# file:line` to equations, as JAX's print_source_info
};

std::string print_jaxpr(const Jaxpr& jaxpr, const PrintOptions& opts = {});
// A closed jaxpr prints as its jaxpr (consts are not shown, as in JAX).
std::string print_closed_jaxpr(const ClosedJaxpr& cj, const PrintOptions& opts = {});
// The text of a literal as an operand: `2.0:f32[]`, `1:i32[]`, `True:bool[]`.
std::string print_literal(const Array& value);
// A few lines of the printed jaxpr around equation `eqn_index`, for errors.
std::string print_jaxpr_excerpt(const Jaxpr& jaxpr, size_t eqn_index);

}  // namespace jxr
