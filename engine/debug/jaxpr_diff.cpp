// The structural jaxpr diff: per-equation keys that do not depend on
// variable names, a Needleman-Wunsch alignment scored by them, then an exact
// comparison of each matched pair through the variable renaming that the
// matches before it established.
#include "engine/debug/jaxpr_diff.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "engine/debug/eqn_text.h"
#include "engine/jaxpr/print.h"

namespace jxr {

namespace {

uint64_t mix(uint64_t h, uint64_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }
uint64_t hash_text(std::string_view s) { return std::hash<std::string_view>{}(s); }

// What an equation computes, without names. Two equations with equal `deep`
// keys compute the same thing from the same inputs.
struct EqnKeys {
  uint64_t local = 0;             // primitive and params (sub-jaxprs by structure)
  uint64_t avals = 0;             // operand and result types
  std::vector<uint64_t> origins;  // per operand: input position, literal, or producer's local key
  uint64_t deep = 0;              // local, avals, and the deep keys of the operands' producers
};

class Keys {
 public:
  const std::vector<EqnKeys>& of(const Jaxpr& j) {
    if (auto it = eqn_keys_.find(&j); it != eqn_keys_.end()) return it->second;
    std::unordered_map<const Var*, std::pair<uint64_t, uint64_t>> origin;  // var -> (shallow, deep)
    for (size_t k = 0; k < j.constvars.size(); ++k) origin[j.constvars[k].get()] = {mix(1, k), mix(1, k)};
    for (size_t k = 0; k < j.invars.size(); ++k) origin[j.invars[k].get()] = {mix(2, k), mix(2, k)};
    auto atom_origin = [&](const Atom& a) -> std::pair<uint64_t, uint64_t> {
      if (a.is_literal()) return {hash_text(print_literal(a.literal())), hash_text(print_literal(a.literal()))};
      auto it = origin.find(a.var().get());
      return it == origin.end() ? std::pair<uint64_t, uint64_t>{0, 0} : it->second;
    };
    std::vector<EqnKeys> keys;
    uint64_t whole = 3;
    for (const VarPtr& v : j.invars) whole = mix(whole, hash_text(v->aval.str_short()));
    for (const Eqn& e : j.eqns) {
      EqnKeys k;
      k.local = hash_text(e.prim->name());
      for (const auto& [name, p] : e.params.items()) k.local = mix(mix(k.local, hash_text(name)), param(p));
      for (const Atom& a : e.inputs) k.avals = mix(k.avals, hash_text(a.aval().str_short()));
      k.avals = mix(k.avals, 4);
      for (const VarPtr& v : e.outputs) k.avals = mix(k.avals, hash_text(v->aval.str_short()));
      k.deep = mix(k.local, k.avals);
      for (const Atom& a : e.inputs) {
        auto [shallow, deep] = atom_origin(a);
        k.origins.push_back(shallow);
        k.deep = mix(k.deep, deep);
      }
      for (size_t o = 0; o < e.outputs.size(); ++o) origin[e.outputs[o].get()] = {mix(k.local, o), mix(k.deep, o)};
      whole = mix(whole, k.deep);
      keys.push_back(std::move(k));
    }
    for (const Atom& a : j.outvars) whole = mix(whole, atom_origin(a).second);
    jaxpr_keys_[&j] = whole;
    return eqn_keys_[&j] = std::move(keys);
  }

 private:
  uint64_t jaxpr(const Jaxpr& j) {
    of(j);
    return jaxpr_keys_.at(&j);
  }
  uint64_t param(const Param& p) {
    uint64_t h = static_cast<uint64_t>(p.kind());
    if (p.kind() == Param::Kind::Jaxpr) return mix(h, jaxpr(*p.as_jaxpr()->jaxpr));
    if (p.kind() == Param::Kind::Tuple || p.kind() == Param::Kind::List) {
      for (const Param& q : p.items()) h = mix(h, param(q));
      return h;
    }
    return mix(h, hash_text(p.str()));
  }

  std::unordered_map<const Jaxpr*, std::vector<EqnKeys>> eqn_keys_;
  std::unordered_map<const Jaxpr*, uint64_t> jaxpr_keys_;
};

// How alike two equations look; negative: never matched (other primitive).
// An exact structural match outweighs any number of partial ones around it.
int similarity(const Eqn& l, const Eqn& r, const EqnKeys& kl, const EqnKeys& kr) {
  if (l.prim != r.prim) return -1;
  int s = 10;
  if (kl.local == kr.local) s += 4;
  if (kl.avals == kr.avals) s += 2;
  for (size_t k = 0; k < std::min(kl.origins.size(), kr.origins.size()); ++k) s += kl.origins[k] == kr.origins[k];
  if (kl.deep == kr.deep) s += 20;
  return s;
}

using Alignment = std::vector<std::pair<std::optional<size_t>, std::optional<size_t>>>;

// Needleman-Wunsch with free gaps: the order-preserving matching of the
// largest total similarity. Ties go to matches, then to left-only rows
// before right-only ones (as a text diff lists deletions first).
Alignment align(const Jaxpr& l, const Jaxpr& r, const std::vector<EqnKeys>& kl, const std::vector<EqnKeys>& kr) {
  size_t n = l.eqns.size(), m = r.eqns.size();
  auto score = [&](size_t i, size_t j) { return similarity(l.eqns[i], r.eqns[j], kl[i], kr[j]); };
  std::vector<int64_t> best((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> int64_t& { return best[i * (m + 1) + j]; };
  for (size_t i = 1; i <= n; ++i)
    for (size_t j = 1; j <= m; ++j) {
      int64_t b = std::max(at(i - 1, j), at(i, j - 1));
      if (int s = score(i - 1, j - 1); s >= 0) b = std::max(b, at(i - 1, j - 1) + s);
      at(i, j) = b;
    }
  Alignment out;
  size_t i = n, j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0) {
      int s = score(i - 1, j - 1);
      if (s >= 0 && at(i, j) == at(i - 1, j - 1) + s) {
        out.emplace_back(--i, --j);
        continue;
      }
    }
    if (j > 0 && (i == 0 || at(i, j) == at(i, j - 1))) out.emplace_back(std::nullopt, --j);
    else out.emplace_back(--i, std::nullopt);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

class Differ {
 public:
  Differ(const Jaxpr& left, const Jaxpr& right) : lnames_(left), rnames_(right) {}

  JaxprDiff diff(const Jaxpr& l, const Jaxpr& r) {
    JaxprDiff d{&l, &r, {}, {}, {}};
    match_binders("constvars", l.constvars, r.constvars, d.input_changes);
    match_binders("inputs", l.invars, r.invars, d.input_changes);
    for (const auto& [li, ri] : align(l, r, keys_.of(l), keys_.of(r))) {
      DiffRow row;
      row.left = li;
      row.right = ri;
      if (li && ri) compare(l.eqns[*li], r.eqns[*ri], row);
      else row.kind = li ? DiffRow::Kind::OnlyLeft : DiffRow::Kind::OnlyRight;
      d.rows.push_back(std::move(row));
    }
    for (size_t k = 0; k < std::max(l.outvars.size(), r.outvars.size()); ++k) {
      const Atom* la = k < l.outvars.size() ? &l.outvars[k] : nullptr;
      const Atom* ra = k < r.outvars.size() ? &r.outvars[k] : nullptr;
      if (!la || !ra || !corresponds(*la, *ra))
        d.output_changes.push_back({"outputs[" + std::to_string(k) + "]", text(lnames_, la), text(rnames_, ra)});
    }
    return d;
  }

  std::vector<VarPair> renames;

 private:
  // `b:f32[3]` or a literal's text; empty for a missing one.
  static std::string text(JaxprNames& names, const Atom* a) {
    if (!a) return "";
    std::string s = names.atom(*a);
    return a->is_var() ? s + ":" + a->aval().str_short() : s;
  }
  static std::string text(JaxprNames& names, const VarPtr* v) {
    if (!v) return "";
    Atom a(*v);
    return text(names, &a);
  }

  void pair(const VarPtr& l, const VarPtr& r) {
    to_right_[l.get()] = r.get();
    if (!l->is_drop && !r->is_drop) renames.push_back({l.get(), r.get(), lnames_.atom(l), rnames_.atom(r)});
  }

  bool corresponds(const Atom& l, const Atom& r) const {
    if (l.aval() != r.aval()) return false;
    if (l.is_literal() || r.is_literal())
      return l.is_literal() && r.is_literal() && print_literal(l.literal()) == print_literal(r.literal());
    auto it = to_right_.find(l.var().get());
    return it != to_right_.end() && it->second == r.var().get();
  }

  // Binders at the same position correspond; types that differ are changes.
  void match_binders(const std::string& what, const std::vector<VarPtr>& l, const std::vector<VarPtr>& r,
                     std::vector<FieldChange>& changes) {
    for (size_t k = 0; k < std::max(l.size(), r.size()); ++k) {
      const VarPtr* lv = k < l.size() ? &l[k] : nullptr;
      const VarPtr* rv = k < r.size() ? &r[k] : nullptr;
      if (lv && rv) pair(*lv, *rv);
      if (!lv || !rv || (*lv)->aval != (*rv)->aval)
        changes.push_back({what + "[" + std::to_string(k) + "]", text(lnames_, lv), text(rnames_, rv)});
    }
  }

  void compare(const Eqn& l, const Eqn& r, DiffRow& row) {
    auto is_sub = [](const Param& p) {
      return p.kind() == Param::Kind::Jaxpr ||
             (p.kind() == Param::Kind::Tuple && !p.items().empty() && p.items()[0].kind() == Param::Kind::Jaxpr);
    };
    for (const auto& [key, lp] : l.params.items()) {
      const Param* rp = r.params.find(key);
      if (is_sub(lp) && rp && is_sub(*rp)) continue;
      if (!rp || !(lp == *rp)) row.changes.push_back({"params." + key, lp.str(), rp ? rp->str() : ""});
    }
    for (const auto& [key, rp] : r.params.items())
      if (!l.params.find(key)) row.changes.push_back({"params." + key, "", rp.str()});
    if (l.inputs.size() != r.inputs.size())
      row.changes.push_back({"operand count", std::to_string(l.inputs.size()), std::to_string(r.inputs.size())});
    for (size_t k = 0; k < std::min(l.inputs.size(), r.inputs.size()); ++k)
      if (!corresponds(l.inputs[k], r.inputs[k]))
        row.changes.push_back({"operands[" + std::to_string(k) + "]", text(lnames_, &l.inputs[k]),
                               text(rnames_, &r.inputs[k])});
    if (l.outputs.size() != r.outputs.size())
      row.changes.push_back({"output count", std::to_string(l.outputs.size()), std::to_string(r.outputs.size())});
    for (size_t k = 0; k < std::min(l.outputs.size(), r.outputs.size()); ++k) {
      pair(l.outputs[k], r.outputs[k]);
      if (l.outputs[k]->aval != r.outputs[k]->aval)
        row.changes.push_back(
            {"outputs[" + std::to_string(k) + "]", text(lnames_, &l.outputs[k]), text(rnames_, &r.outputs[k])});
    }
    auto ls = sub_jaxprs(l), rs = sub_jaxprs(r);
    bool same_paths = ls.size() == rs.size() &&
                      std::equal(ls.begin(), ls.end(), rs.begin(), [](const auto& a, const auto& b) { return a.first == b.first; });
    if (same_paths) {
      for (size_t k = 0; k < ls.size(); ++k) row.subs.push_back({ls[k].first, diff(*ls[k].second, *rs[k].second)});
    } else {
      auto paths = [](const auto& subs) {
        std::string s;
        for (const auto& [path, j] : subs) s += (s.empty() ? "" : " ") + path;
        return s;
      };
      row.changes.push_back({"sub-jaxprs", paths(ls), paths(rs)});
    }
    bool subs_same = std::all_of(row.subs.begin(), row.subs.end(), [](const SubDiff& s) { return s.diff.identical(); });
    row.kind = row.changes.empty() && subs_same ? DiffRow::Kind::Same : DiffRow::Kind::Changed;
  }

  JaxprNames lnames_, rnames_;
  Keys keys_;
  std::unordered_map<const Var*, const Var*> to_right_;
};

}  // namespace

bool JaxprDiff::identical() const {
  return input_changes.empty() && output_changes.empty() &&
         std::all_of(rows.begin(), rows.end(), [](const DiffRow& r) { return r.kind == DiffRow::Kind::Same; });
}

const char* diff_kind_marker(DiffRow::Kind kind) {
  switch (kind) {
    case DiffRow::Kind::Same: return "=";
    case DiffRow::Kind::Changed: return "~";
    case DiffRow::Kind::OnlyLeft: return "<";
    case DiffRow::Kind::OnlyRight: return ">";
  }
  return "?";
}

JaxprDiffResult diff_jaxprs(const Jaxpr& left, const Jaxpr& right) {
  Differ d(left, right);
  JaxprDiff top = d.diff(left, right);
  return {std::move(top), std::move(d.renames)};
}

}  // namespace jxr
