// Short texts of equations for the debugger's tools.
#include "engine/debug/eqn_text.h"

#include <algorithm>
#include <sstream>

#include "engine/jaxpr/print.h"

namespace jxr {

namespace {

bool is_jaxpr_tuple(const Param& p) {
  return p.kind() == Param::Kind::Tuple && !p.items().empty() &&
         std::all_of(p.items().begin(), p.items().end(), [](const Param& q) { return q.kind() == Param::Kind::Jaxpr; });
}

}  // namespace

std::vector<std::pair<std::string, const Jaxpr*>> sub_jaxprs(const Eqn& eqn) {
  std::vector<std::pair<std::string, const Jaxpr*>> out;
  for (const auto& [key, p] : eqn.params.items()) {
    if (p.kind() == Param::Kind::Jaxpr) {
      out.emplace_back(key, p.as_jaxpr()->jaxpr.get());
    } else if (is_jaxpr_tuple(p)) {
      for (size_t i = 0; i < p.items().size(); ++i)
        out.emplace_back(key + "[" + std::to_string(i) + "]", p.items()[i].as_jaxpr()->jaxpr.get());
    }
  }
  return out;
}

std::string eqn_label(const Eqn& eqn) {
  std::string params;
  for (const auto& [key, p] : eqn.prim->printed_params(eqn.params)) {
    if (p.kind() == Param::Kind::Jaxpr || is_jaxpr_tuple(p)) continue;
    params += (params.empty() ? "" : " ") + key + "=" + p.str();
  }
  return params.empty() ? eqn.prim->name() : eqn.prim->name() + "[" + params + "]";
}

namespace {

std::string binders(JaxprNames& names, const std::vector<VarPtr>& vs) {
  std::string s;
  for (const VarPtr& v : vs) s += (s.empty() ? "" : " ") + names.atom(v) + ":" + v->aval.str_short();
  return s;
}

}  // namespace

std::string jaxpr_header(JaxprNames& names, const Jaxpr& j) {
  std::string consts = binders(names, j.constvars);
  return "{ lambda " + consts + (consts.empty() ? "" : " ") + "; " + binders(names, j.invars) + ". let";
}

std::string jaxpr_footer(JaxprNames& names, const Jaxpr& j) {
  std::string s;
  for (const Atom& a : j.outvars) s += (s.empty() ? "" : ", ") + names.atom(a);
  return "in (" + s + (j.outvars.size() == 1 ? ",) }" : ") }");
}

std::vector<std::string> eqn_lines(JaxprNames& names, const Jaxpr& j, size_t i, const std::string& indent) {
  std::vector<std::string> out;
  std::istringstream in(names.equation(j, i));
  for (std::string line; std::getline(in, line);) out.push_back(indent + line);
  return out;
}

std::string eqn_head(JaxprNames& names, const Eqn& e) {
  std::string s = binders(names, e.outputs);
  s += (s.empty() ? "" : " = ") + eqn_label(e);
  for (const Atom& a : e.inputs) s += " " + names.atom(a);
  return s;
}

}  // namespace jxr
