// Short texts of equations for the debugger's tools (diff, graph export),
// which show sub-jaxprs apart from the equation that holds them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/jaxpr/jaxpr.h"

namespace jxr {

// The sub-jaxprs in an equation's params, in param order, each with its
// path: `jaxpr` for a jaxpr param, `branches[1]` for an item of a tuple of
// jaxprs.
std::vector<std::pair<std::string, const Jaxpr*>> sub_jaxprs(const Eqn& eqn);

// `primitive[k=v ...]` with the params in print order, as the printer shows
// them, less the sub-jaxpr params; just `primitive` when none are left.
std::string eqn_label(const Eqn& eqn);

class JaxprNames;

// The lines of a jaxpr's print around its equations, names as `names`
// gives them: `{ lambda c:f32[] ; a:f32[3]. let` and `in (b,) }`.
std::string jaxpr_header(JaxprNames& names, const Jaxpr& j);
std::string jaxpr_footer(JaxprNames& names, const Jaxpr& j);
// `b:f32[] c:f32[] = jit[name=f] a`: an equation less its sub-jaxprs.
std::string eqn_head(JaxprNames& names, const Eqn& e);
// Equation `i` of `j` as its full print gives it, line by line, each after `indent`.
std::vector<std::string> eqn_lines(JaxprNames& names, const Jaxpr& j, size_t i, const std::string& indent);

}  // namespace jxr
