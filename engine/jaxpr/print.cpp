// Interim printer (replaced by the exact JAX-layout printer).
#include "engine/jaxpr/print.h"

#include <unordered_map>

#include "engine/core/format.h"

namespace jxr {

std::string print_literal(const Array& v) {
  std::string s;
  if (v.dtype() == DType::Bool) s = v.item() != 0 ? "True" : "False";
  else if (is_integer(v.dtype())) s = std::to_string(static_cast<int64_t>(v.item()));
  else s = py_float_repr(v.item());
  return s + ":" + v.aval().str_short();
}

std::string print_jaxpr(const Jaxpr& j, const PrintOptions&) {
  std::unordered_map<const Var*, std::string> names;
  int n = 0;
  auto name = [&](const VarPtr& v) -> std::string {
    if (v->is_drop) return "_";
    auto it = names.find(v.get());
    if (it != names.end()) return it->second;
    int k = n++;
    std::string s;
    do { s.insert(s.begin(), char('a' + k % 26)); k /= 26; } while (k > 0);
    return names[v.get()] = s;
  };
  auto atom = [&](const Atom& a) { return a.is_var() ? name(a.var()) : print_literal(a.literal()); };
  std::string out = "{ lambda ";
  for (auto& v : j.constvars) { std::string nm = name(v); out += nm + ":" + v->aval.str_short() + " "; }
  out += "; ";
  for (auto& v : j.invars) { std::string nm = name(v); out += nm + ":" + v->aval.str_short() + " "; }
  out += ". let\n";
  for (auto& e : j.eqns) {
    out += "    ";
    for (auto& o : e.outputs) { std::string nm = name(o); out += nm + ":" + o->aval.str_short() + " "; }
    out += "= " + e.prim->name();
    auto ps = e.prim->printed_params(e.params);
    if (!ps.empty()) {
      out += "[";
      for (size_t i = 0; i < ps.size(); ++i)
        out += (i ? " " : "") + ps[i].first + "=" +
               (ps[i].second.kind() == Param::Kind::Jaxpr ? print_closed_jaxpr(*ps[i].second.as_jaxpr()) : ps[i].second.str());
      out += "]";
    }
    for (auto& a : e.inputs) out += " " + atom(a);
    out += "\n";
  }
  out += "  in (";
  for (size_t i = 0; i < j.outvars.size(); ++i) out += (i ? ", " : "") + atom(j.outvars[i]);
  return out + ") }";
}

std::string print_closed_jaxpr(const ClosedJaxpr& cj, const PrintOptions& o) { return print_jaxpr(*cj.jaxpr, o); }

std::string print_jaxpr_excerpt(const Jaxpr& j, size_t) { return print_jaxpr(j); }

}  // namespace jxr
