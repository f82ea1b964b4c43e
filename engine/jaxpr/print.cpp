// The jaxpr printer. It builds a pretty-printer document the way JAX's
// core.pp_toplevel_jaxpr does, because the layout (which groups break, where
// operand lists wrap) falls out of the document's shape; names are assigned
// in the order the document is built, which is what makes them match JAX.
#include "engine/jaxpr/print.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "engine/core/format.h"
#include "engine/jaxpr/pretty.h"

namespace jxr {

namespace {

// JAX's _encode_digits_alphabetic: a..z, ba..bz, ca.. (bijective base 26
// would give aa; JAX's scheme has no `aa`).
std::string alphabetic(int n) {
  std::string s;
  do {
    s.insert(s.begin(), char('a' + n % 26));
    n /= 26;
  } while (n > 0);
  return s;
}

std::string summarize(const SourceInfo& s) {
  if (s.empty()) return "unknown";
  std::string out = s.file + ":" + std::to_string(s.line);
  if (!s.function.empty()) out += " (" + s.function + ")";
  return out;
}

// Sub-jaxprs of an equation's params, as JAX's jaxprs_in_params: a jaxpr
// param, or jaxprs inside a tuple param.
std::vector<const Jaxpr*> jaxprs_in_params(const Params& params) {
  std::vector<const Jaxpr*> out;
  for (const auto& [k, p] : params.items()) {
    if (p.kind() == Param::Kind::Jaxpr) {
      out.push_back(p.as_jaxpr()->jaxpr.get());
    } else if (p.kind() == Param::Kind::Tuple) {
      for (const Param& q : p.items())
        if (q.kind() == Param::Kind::Jaxpr) out.push_back(q.as_jaxpr()->jaxpr.get());
    }
  }
  return out;
}

class Printer {
 public:
  explicit Printer(const PrintOptions& opts) : opts_(opts) {}

  // JAX names outputs of top-level equations that nothing reads `_`.
  void name_unused_as_drop(const Jaxpr& j) {
    std::unordered_set<const Var*> used;
    for (const Atom& a : j.outvars)
      if (a.is_var()) used.insert(a.var().get());
    for (auto e = j.eqns.rbegin(); e != j.eqns.rend(); ++e) {
      for (const VarPtr& v : e->outputs)
        if (!used.count(v.get())) names_[v.get()] = "_";
      for (const Atom& a : e->inputs)
        if (a.is_var()) used.insert(a.var().get());
    }
  }

  // Jaxprs used more than once, or nested ones with more than 10 equations,
  // are printed once as `let NAME = {...} in` before the top-level jaxpr.
  std::vector<std::pair<std::string, const Jaxpr*>> hoist_shared(const Jaxpr& top) {
    std::vector<const Jaxpr*> order;
    std::unordered_map<const Jaxpr*, int> counts;
    std::unordered_map<const Jaxpr*, std::string> suggested;
    std::deque<const Jaxpr*> queue{&top};
    while (!queue.empty()) {
      const Jaxpr* j = queue.front();
      queue.pop_front();
      if (!counts.count(j)) order.push_back(j);
      counts[j] += (j != &top && j->eqns.size() > 10) ? 2 : 1;
      for (const Eqn& e : j->eqns) {
        const Param* name = e.params.find("name");
        std::vector<const Jaxpr*> subs = jaxprs_in_params(e.params);
        for (const Jaxpr* s : subs) queue.push_back(s);
        if (!name || name->is_none()) continue;
        std::string n = name->kind() == Param::Kind::Str ? name->as_str() : name->str();
        size_t b = n.find_first_not_of("<>"), last = n.find_last_not_of("<>");
        n = b == std::string::npos ? "" : n.substr(b, last - b + 1);
        for (const Jaxpr* s : subs) suggested.emplace(s, n);
      }
    }
    std::unordered_map<std::string, int> name_counts;
    std::vector<std::pair<std::string, const Jaxpr*>> shared;
    for (const Jaxpr* j : order) {
      if (counts[j] == 1) continue;
      auto it = suggested.find(j);
      std::string name = it == suggested.end() ? "jaxpr" : it->second;
      if (int c = name_counts[name]; c > 0) {
        name_counts[name] += 1;
        name += std::to_string(c);
      }
      name_counts[name] += 1;
      shared_names_.insert(name);
      shared_[j] = name;
      shared.emplace_back(name, j);
    }
    return shared;
  }

  pp::Doc toplevel(const Jaxpr& top) {
    name_unused_as_drop(top);
    std::vector<pp::Doc> docs;
    for (const auto& [name, j] : hoist_shared(top)) {
      pp::Doc skeleton = jaxpr_skeleton(*j, [&] { return eqns(*j, 0, j->eqns.size()); });
      docs.push_back(pp::concat({pp::text("let "), pp::text(name), pp::text(" = "), skeleton, pp::text(" in"), pp::brk()}));
    }
    docs.push_back(jaxpr(top));
    return pp::concat(std::move(docs));
  }

  // Equations [lo, hi) of `j` with `...` for the rest, equation `mark`
  // annotated; for checker messages.
  pp::Doc excerpt(const Jaxpr& j, size_t lo, size_t hi, size_t mark) {
    mark_ = mark;
    marked_jaxpr_ = &j;
    return jaxpr_skeleton(j, [&] {
      std::vector<pp::Doc> docs;
      if (lo > 0) docs.push_back(pp::text("..."));
      for (size_t i = lo; i < hi; ++i) docs.push_back(eqn(j, i));
      if (hi < j.eqns.size()) docs.push_back(pp::text("..."));
      return pp::join(pp::brk("; "), docs);
    });
  }

  std::string atom_text(const Atom& a) { return atom(a); }
  pp::Doc equation(const Jaxpr& j, size_t index) { return eqn(j, index); }

  pp::Doc jaxpr(const Jaxpr& j) {
    if (auto it = shared_.find(&j); it != shared_.end()) return pp::text(it->second);
    return jaxpr_skeleton(j, [&] { return eqns(j, 0, j.eqns.size()); });
  }

 private:
  const std::string& name(const Var* v) {
    auto it = names_.find(v);
    if (it != names_.end()) return it->second;
    std::string n;
    do n = alphabetic(next_++);
    while (shared_names_.count(n));
    return names_[v] = n;
  }

  std::string atom(const Atom& a) {
    if (a.is_literal()) return print_literal(a.literal());
    if (a.var()->is_drop) return "_";
    return name(a.var().get());
  }

  pp::Doc vars(const std::vector<Atom>& atoms, const std::string& separator, bool shapes) {
    std::vector<pp::Doc> items;
    for (const Atom& a : atoms) {
      std::string s = atom(a);
      if (shapes) s += ":" + a.aval().str_short();
      items.push_back(pp::text(std::move(s)));
    }
    return pp::nest(2, pp::group(pp::join(pp::text(separator) + pp::group(pp::brk()), items)));
  }
  pp::Doc binders(const std::vector<VarPtr>& vs) {
    return vars(std::vector<Atom>(vs.begin(), vs.end()), "", true);
  }

  template <class EqnsFn>
  pp::Doc jaxpr_skeleton(const Jaxpr& j, EqnsFn eqns_fn) {
    pp::Doc constvars = binders(j.constvars);
    pp::Doc invars = binders(j.invars);
    pp::Doc body = eqns_fn();
    pp::Doc outvars = pp::concat(
        {pp::text("("), vars(j.outvars, ",", false), pp::text(j.outvars.size() == 1 ? ",)" : ")")});
    // The closing brace is inside the group (it counts when deciding whether
    // the jaxpr fits on one line) but outside the nest.
    return pp::group(pp::nest(2, pp::concat({pp::text("{ "), pp::text("lambda "), constvars, pp::text("; "), invars,
                                             pp::text(". "), pp::text("let"), pp::nest(2, pp::brk() + body),
                                             pp::brk(), pp::text("in "), outvars})) +
                     pp::text(" }"));
  }

  pp::Doc eqns(const Jaxpr& j, size_t lo, size_t hi) {
    std::vector<pp::Doc> docs;
    for (size_t i = lo; i < hi; ++i) docs.push_back(eqn(j, i));
    return pp::join(pp::brk("; "), docs);
  }

  // JAX's pjit print rule names a jit body's inputs and outputs like the
  // equation's operands and results (each operand lends its name once).
  void suggest_names(const std::vector<Atom>& for_vars, const std::vector<Atom>& like) {
    if (for_vars.size() != like.size()) return;
    std::unordered_set<const Var*> used;
    for (size_t i = 0; i < like.size(); ++i) {
      if (!like[i].is_var() || used.count(like[i].var().get()) || !for_vars[i].is_var() ||
          names_.count(for_vars[i].var().get()))
        continue;
      used.insert(like[i].var().get());
      names_[for_vars[i].var().get()] = atom(like[i]);
    }
  }

  pp::Doc param_value(const Param& p) {
    if (p.kind() == Param::Kind::Jaxpr) return jaxpr(*p.as_jaxpr()->jaxpr);
    if (p.kind() == Param::Kind::Tuple &&
        std::all_of(p.items().begin(), p.items().end(), [](const Param& q) { return q.kind() == Param::Kind::Jaxpr; })) {
      std::vector<pp::Doc> docs;
      for (const Param& q : p.items()) docs.push_back(jaxpr(*q.as_jaxpr()->jaxpr));
      return pp::group(pp::concat({pp::nest(2, pp::concat({pp::text("("), pp::brk(""), pp::join(pp::brk(), docs)})),
                                   pp::brk(""), pp::text(")")}));
    }
    return pp::text(p.str());
  }

  pp::Doc params(const std::vector<std::pair<std::string, Param>>& kvs) {
    if (kvs.empty()) return pp::nil();
    std::vector<pp::Doc> docs;
    for (const auto& [k, v] : kvs) docs.push_back(pp::text(k + "=") + param_value(v));
    return pp::group(pp::concat({pp::nest(2, pp::concat({pp::text("["), pp::brk(""), pp::join(pp::brk(), docs)})),
                                 pp::brk(""), pp::text("]")}));
  }

  pp::Doc eqn(const Jaxpr& j, size_t index) {
    const Eqn& e = j.eqns[index];
    if (e.prim->name() == "jit") {
      if (const Param* p = e.params.find("jaxpr"); p && p->kind() == Param::Kind::Jaxpr) {
        const Jaxpr& body = *p->as_jaxpr()->jaxpr;
        if (!shared_.count(&body)) {
          suggest_names(std::vector<Atom>(body.invars.begin(), body.invars.end()), e.inputs);
          suggest_names(body.outvars, std::vector<Atom>(e.outputs.begin(), e.outputs.end()));
        }
      }
    }
    std::optional<std::string> annotation;
    if (opts_.source_info) annotation = summarize(e.source);
    if (marked_jaxpr_ == &j && mark_ == index) annotation = "<-- here";
    pp::Doc lhs = binders(e.outputs);
    pp::Doc ps = params(e.prim->printed_params(e.params));
    pp::Doc ins = pp::text(" ") + vars(e.inputs, "", false);
    pp::Doc rhs = pp::concat({pp::text(e.prim->name()), ps, ins});
    if (e.outputs.empty()) return rhs;
    return pp::concat({lhs, pp::text(" = ", annotation), rhs});
  }

  const PrintOptions& opts_;
  std::unordered_map<const Var*, std::string> names_;
  std::unordered_map<const Jaxpr*, std::string> shared_;
  std::unordered_set<std::string> shared_names_;
  int next_ = 0;
  const Jaxpr* marked_jaxpr_ = nullptr;
  size_t mark_ = 0;
};

}  // namespace

std::string print_literal(const Array& v) {
  std::string s;
  if (v.ndim() != 0) s = "[...]";
  else if (v.dtype() == DType::Bool) s = v.item() != 0 ? "True" : "False";
  else if (v.dtype() == DType::I64) s = std::to_string(v.data<int64_t>()[0]);
  else if (is_integer(v.dtype())) s = std::to_string(static_cast<int64_t>(v.item()));
  else s = py_float_repr(v.python_float_value().value_or(v.item()));
  return s + ":" + v.aval().str_short();
}

std::string print_jaxpr(const Jaxpr& jaxpr, const PrintOptions& opts) {
  Printer p(opts);
  return pp::format(p.toplevel(jaxpr), opts.width);
}

std::string print_closed_jaxpr(const ClosedJaxpr& cj, const PrintOptions& opts) { return print_jaxpr(*cj.jaxpr, opts); }

std::string print_jaxpr_excerpt(const Jaxpr& jaxpr, size_t eqn_index) {
  PrintOptions opts;
  Printer p(opts);
  // Name every variable as the whole jaxpr would, so that the excerpt's
  // names agree with a full print of the same jaxpr.
  (void)p.jaxpr(jaxpr);
  size_t n = jaxpr.eqns.size();
  size_t lo = eqn_index >= 3 ? eqn_index - 3 : 0;
  size_t hi = std::min(n, eqn_index + 4);
  lo = std::min(lo, hi);
  return pp::format(p.excerpt(jaxpr, lo, hi, eqn_index), opts.width);
}

class JaxprNames::Impl {
 public:
  Impl() : printer(opts) {}
  PrintOptions opts;
  Printer printer;
};

JaxprNames::JaxprNames(const Jaxpr& top) : impl_(std::make_unique<Impl>()) {
  // Building the whole document assigns every name in print order.
  (void)impl_->printer.toplevel(top);
}
JaxprNames::~JaxprNames() = default;

std::string JaxprNames::atom(const Atom& a) { return impl_->printer.atom_text(a); }

std::string JaxprNames::equation(const Jaxpr& j, size_t index) {
  return pp::format(impl_->printer.equation(j, index), impl_->opts.width);
}

}  // namespace jxr
