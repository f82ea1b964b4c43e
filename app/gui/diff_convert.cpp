// Renders jxr::diff_jaxprs for the compare view. The layout is the one
// `jaxray-cli diff` prints (app/cli/diff.cpp: header, equations four deeper,
// a matched equation's sub-jaxprs compared below its head, `in (...)`),
// carried as data: each line keeps its kind, changed fields and where they
// are in the text, its top-level equations and the scope its names live in.
#include "app/gui/diff_convert.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

#include "app/cli/json_values.h"
#include "engine/core/error.h"
#include "engine/debug/eqn_text.h"
#include "engine/debug/jaxpr_diff.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"

namespace jxr::gui {

namespace {

using views::DiffKind;
using views::TextSpan;

QString qs(const std::string& s) { return QString::fromStdString(s); }

DiffKind to_view(DiffRow::Kind k) {
  switch (k) {
    case DiffRow::Kind::Same: return DiffKind::Same;
    case DiffRow::Kind::Changed: return DiffKind::Changed;
    case DiffRow::Kind::OnlyLeft: return DiffKind::OnlyLeft;
    case DiffRow::Kind::OnlyRight: return DiffKind::OnlyRight;
  }
  return DiffKind::Same;
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The first occurrence of `needle` at or after `from` that is no part of a
// longer word.
std::optional<TextSpan> find_token(const std::string& text, const std::string& needle, size_t from = 0) {
  if (needle.empty()) return std::nullopt;
  for (size_t p = text.find(needle, from); p != std::string::npos; p = text.find(needle, p + 1)) {
    bool before = p > 0 && ident_char(text[p - 1]) && ident_char(needle.front());
    size_t end = p + needle.size();
    bool after = end < text.size() && ident_char(text[end]) && ident_char(needle.back());
    if (!before && !after) return TextSpan{static_cast<int>(p), static_cast<int>(needle.size())};
  }
  return std::nullopt;
}

// Where a field change shows in one side's line. `value` is that side's
// text of the field; `eqn` is the equation the line prints, if any.
std::optional<TextSpan> locate(const std::string& field, const std::string& value, const std::string& line,
                               const Eqn* eqn) {
  if (value.empty() || value.find('\n') != std::string::npos) return std::nullopt;
  if (field.rfind("params.", 0) == 0) return find_token(line, field.substr(7) + "=" + value);
  const std::string name = value.substr(0, value.find(':'));
  if (eqn && field.rfind("operands[", 0) == 0) {
    // The k-th operand: the k-th word after the label (names repeat: `mul a a`).
    size_t k = std::stoul(field.substr(9));
    size_t p = line.find(" = " + eqn_label(*eqn));
    p = p == std::string::npos ? line.find(eqn_label(*eqn)) : p + 3;
    if (p == std::string::npos) return std::nullopt;
    p += eqn_label(*eqn).size();
    for (size_t i = 0; p < line.size() && line[p] == ' '; ++i) {
      size_t end = line.find(' ', p + 1);
      if (end == std::string::npos) end = line.size();
      if (i == k) return TextSpan{static_cast<int>(p + 1), static_cast<int>(end - p - 1)};
      p = end;
    }
    return std::nullopt;
  }
  if (auto s = find_token(line, value)) return s;  // a binder, `b:f32[3]`
  // An output in `in (c, d) }` shows as its name only.
  size_t in = line.find("in (");
  return find_token(line, name, in == std::string::npos ? 0 : in);
}

QString change_text(const FieldChange& c) {
  auto side = [](const std::string& s) { return s.empty() ? QStringLiteral("—") : qs(s); };
  return qs(c.field) + QStringLiteral(": ") + side(c.left) + QStringLiteral(" → ") + side(c.right);
}

class Renderer {
 public:
  Renderer(const Jaxpr& l, const Jaxpr& r) : lnames_(l), rnames_(r) {}

  // The lines of one compared pair of jaxprs at `indent`; `prefix` goes
  // before `{ lambda` (`jaxpr=` for a sub-jaxpr). `top_l`/`top_r`: the
  // top-level equations holding them, -1 at the top.
  void jaxpr(const JaxprDiff& d, const std::string& indent, const std::string& prefix, int top_l, int top_r) {
    const int scope = static_cast<int>(data.scopes.size());
    data.scopes.push_back({});
    add_vars(*d.left, scope, lnames_, lscope_, data.scopes.back().left_vars);
    add_vars(*d.right, scope, rnames_, rscope_, data.scopes.back().right_vars);
    boundary(d.input_changes, indent + prefix + jaxpr_header(lnames_, *d.left),
             indent + prefix + jaxpr_header(rnames_, *d.right), scope, top_l, top_r);
    for (const DiffRow& row : d.rows) equation(d, row, indent + "    ", scope, top_l, top_r);
    boundary(d.output_changes, indent + "  " + jaxpr_footer(lnames_, *d.left),
             indent + "  " + jaxpr_footer(rnames_, *d.right), scope, top_l, top_r);
  }

  // The correspondence of variables, by the scope each left variable was seen in.
  void link(const std::vector<VarPair>& renames) {
    for (const VarPair& p : renames) {
      // An unused result prints as `_`: nothing to point at.
      if (p.left_name == "_" || p.right_name == "_") continue;
      auto it = lscope_.find(p.left);
      if (it != lscope_.end()) data.scopes[it->second].left_to_right.insert(qs(p.left_name), qs(p.right_name));
    }
  }

  views::DiffData data;

 private:

  static void add_vars(const Jaxpr& j, int scope, JaxprNames& names, std::unordered_map<const Var*, int>& where,
                       QStringList& list) {
    auto add = [&](const VarPtr& v) {
      if (v->is_drop) return;
      where.emplace(v.get(), scope);
      const std::string name = names.atom(v);
      if (name != "_") list << qs(name);
    };
    for (const VarPtr& v : j.constvars) add(v);
    for (const VarPtr& v : j.invars) add(v);
    for (const Eqn& e : j.eqns)
      for (const VarPtr& v : e.outputs) add(v);
  }

  void boundary(const std::vector<FieldChange>& changes, const std::string& l, const std::string& r, int scope,
                int top_l, int top_r) {
    views::DiffLine line;
    line.kind = changes.empty() ? DiffKind::Header : DiffKind::Changed;
    line.left = qs(l);
    line.right = qs(r);
    line.scope = scope;
    line.left_equation = top_l;
    line.right_equation = top_r;
    mark(line, changes, l, r, nullptr, nullptr);
    data.lines.push_back(std::move(line));
  }

  static void mark(views::DiffLine& line, const std::vector<FieldChange>& changes, const std::string& l,
                   const std::string& r, const Eqn* le, const Eqn* re) {
    for (const FieldChange& c : changes) {
      line.changes << change_text(c);
      if (auto s = locate(c.field, c.left, l, le)) line.left_marks << *s;
      if (auto s = locate(c.field, c.right, r, re)) line.right_marks << *s;
    }
  }

  void equation(const JaxprDiff& d, const DiffRow& row, const std::string& indent, int scope, int top_l, int top_r) {
    const Eqn* le = row.left ? &d.left->eqns[*row.left] : nullptr;
    const Eqn* re = row.right ? &d.right->eqns[*row.right] : nullptr;
    // At the top, the equations are the rows' own; inside a body, the holder's.
    const int eq_l = top_l >= 0 ? top_l : row.left ? static_cast<int>(*row.left) : -1;
    const int eq_r = top_r >= 0 ? top_r : row.right ? static_cast<int>(*row.right) : -1;
    std::vector<std::string> l, r;
    if (!row.subs.empty()) {
      // Both hold sub-jaxprs at the same params: the head, then each pair compared.
      l = {indent + eqn_head(lnames_, *le)};
      r = {indent + eqn_head(rnames_, *re)};
    } else {
      if (le) l = eqn_lines(lnames_, *d.left, *row.left, indent);
      if (re) r = eqn_lines(rnames_, *d.right, *row.right, indent);
    }
    for (size_t k = 0; k < std::max(l.size(), r.size()); ++k) {
      views::DiffLine line;
      line.kind = to_view(row.kind);
      line.continuation = k > 0;
      const std::string lt = k < l.size() ? l[k] : "", rt = k < r.size() ? r[k] : "";
      line.left = qs(lt);
      line.right = qs(rt);
      line.left_equation = le ? eq_l : -1;
      line.right_equation = re ? eq_r : -1;
      line.scope = scope;
      if (k == 0) mark(line, row.changes, lt, rt, le, re);
      data.lines.push_back(std::move(line));
    }
    for (const SubDiff& s : row.subs) jaxpr(s.diff, indent + "  ", s.path + "=", eq_l, eq_r);
  }

  JaxprNames lnames_, rnames_;
  std::unordered_map<const Var*, int> lscope_, rscope_;
};

constexpr qsizetype kPreviewChars = 120;
constexpr int64_t kPreviewElements = 4096;

QString preview(const Array& a) {
  if (a.size() > kPreviewElements) {
    // Printing every element of a huge array only to cut it is too slow.
    QString s = qs(a.aval().str_short()) + QStringLiteral(" [");
    for (int64_t i = 0; i < 8; ++i) s += QString::number(a.item(i)) + QStringLiteral(", ");
    return s + QStringLiteral("…]");
  }
  QString s = qs(cli::array_to_json(a));
  return s.size() > kPreviewChars ? s.left(kPreviewChars) + QStringLiteral("…") : s;
}

bool any_non_finite(const std::vector<double>& v) {
  for (double d : v)
    if (!std::isfinite(d)) return true;
  return false;
}

// An undefined array (a symbolic zero tangent) shows as `none` and equals
// only another one.
views::ValueDiffRow compare(const std::string* lname, const Array* l, const std::string* rname, const Array* r) {
  views::ValueDiffRow row;
  std::vector<double> lv, rv;
  auto side = [](const std::string& name, const Array& a, QString& out_name, QString& type, QString& text,
                 std::vector<double>& values, bool& non_finite) {
    out_name = qs(name);
    if (!a.defined()) {
      text = QStringLiteral("none");
      return;
    }
    type = qs(a.aval().str_short());
    text = preview(a);
    values = a.to_doubles();
    non_finite = any_non_finite(values);
  };
  if (l) side(*lname, *l, row.left_name, row.left_type, row.left, lv, row.left_non_finite);
  if (r) side(*rname, *r, row.right_name, row.right_type, row.right, rv, row.right_non_finite);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  row.comparable = l && r && l->defined() == r->defined() && (!l->defined() || l->shape() == r->shape());
  if (!row.comparable) {
    row.max_abs = row.max_rel = kInf;
    row.differs = true;
    return row;
  }
  for (size_t i = 0; i < lv.size(); ++i) {
    const double a = lv[i], b = rv[i];
    if ((std::isnan(a) && std::isnan(b)) || a == b) continue;  // NaN opposite NaN is the same result
    double abs = kInf, rel = kInf;
    if (std::isfinite(a) && std::isfinite(b)) {
      abs = std::fabs(a - b);
      rel = abs / std::max(std::fabs(a), std::fabs(b));
    }
    row.max_abs = std::max(row.max_abs, abs);
    row.max_rel = std::max(row.max_rel, rel);
    row.differs = true;
  }
  return row;
}

QString parse_error(const QString& title, const Error& e) {
  if (const auto* p = dynamic_cast<const ParseError*>(&e)) {
    // what() starts with `line:column: `; say it in words.
    std::string msg = p->what();
    msg = msg.substr(std::min(msg.size(), msg.find(": ") + 2));
    return QStringLiteral("%1 jaxpr, line %2, column %3: %4")
        .arg(title)
        .arg(p->line())
        .arg(p->column())
        .arg(qs(msg));
  }
  return QStringLiteral("%1 jaxpr: %2").arg(title, qs(e.what()));
}

}  // namespace

views::DiffData diff_data(const Jaxpr& left, const Jaxpr& right, const QString& left_title,
                          const QString& right_title) {
  JaxprDiffResult d = diff_jaxprs(left, right);
  Renderer r(left, right);
  r.jaxpr(d.top, "", "", -1, -1);
  r.link(d.renames);
  r.data.left_title = left_title;
  r.data.right_title = right_title;
  r.data.identical = d.top.identical();
  return std::move(r.data);
}

TextDiff diff_texts(const QString& left, const QString& right, const QString& left_title,
                    const QString& right_title) {
  TextDiff out;
  ClosedJaxpr parsed[2];
  const QString* texts[2] = {&left, &right};
  const QString* titles[2] = {&left_title, &right_title};
  for (int side = 0; side < 2; ++side) {
    if (texts[side]->trimmed().isEmpty()) {
      out.error = QStringLiteral("%1 jaxpr: the text is empty").arg(*titles[side]);
      return out;
    }
    try {
      parsed[side] = parse_jaxpr(texts[side]->toStdString(), titles[side]->toStdString());
    } catch (const Error& e) {
      out.error = parse_error(*titles[side], e);
      return out;
    } catch (const std::exception& e) {
      out.error = QStringLiteral("%1 jaxpr: %2").arg(*titles[side], qs(e.what()));
      return out;
    }
  }
  out.data = diff_data(*parsed[0].jaxpr, *parsed[1].jaxpr, left_title, right_title);
  return out;
}

QVector<views::ValueDiffRow> value_diff_rows(const NamedArrays& left, const NamedArrays& right,
                                             const QHash<QString, QString>& left_to_right) {
  QVector<views::ValueDiffRow> rows;
  std::vector<bool> used(right.size(), false);
  auto find_right = [&](const std::string& name) -> int {
    for (size_t k = 0; k < right.size(); ++k)
      if (!used[k] && right[k].first == name) return static_cast<int>(k);
    return -1;
  };
  for (const auto& [name, array] : left) {
    const QString mapped = left_to_right.value(qs(name), qs(name));
    const int k = find_right(mapped.toStdString());
    if (k < 0) {
      rows << compare(&name, &array, nullptr, nullptr);
      continue;
    }
    used[k] = true;
    rows << compare(&name, &array, &right[k].first, &right[k].second);
  }
  for (size_t k = 0; k < right.size(); ++k)
    if (!used[k]) rows << compare(nullptr, nullptr, &right[k].first, &right[k].second);
  return rows;
}

}  // namespace jxr::gui
