// The jaxpr printer: writes exactly what the real JAX prints (80-column
// layout through a Wadler-style pretty printer, names a..z, ba.., literals,
// params sorted or as the primitive's print rule orders them, sub-jaxprs
// inline, shared sub-jaxprs hoisted as `let NAME = {...} in`).
#pragma once

#include <memory>
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

// The names a full print_jaxpr of `top` gives to the variables of `top` and
// of its sub-jaxprs, and single equations printed with those names, for
// tools that show one equation at a time (the debugger's stepper).
class JaxprNames {
 public:
  explicit JaxprNames(const Jaxpr& top);
  ~JaxprNames();
  JaxprNames(const JaxprNames&) = delete;
  JaxprNames& operator=(const JaxprNames&) = delete;
  // A variable's name, `_` for a drop var, a literal's text.
  std::string atom(const Atom& a);
  // Equation `index` of `j` (`top` or one of its sub-jaxprs) as the full
  // print shows it.
  std::string equation(const Jaxpr& j, size_t index);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jxr
