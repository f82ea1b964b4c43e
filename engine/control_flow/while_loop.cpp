// lax.while_loop and lax.fori_loop, after jax/_src/lax/control_flow/loops.py:
// trace cond and body on the carry's types, retrace once when a weakly typed
// initial value must take the body's dtype, check the carry, turn closed-over
// values into explicit consts, move carries the body passes through unchanged
// and cond never reads to body consts, and bind `while`.
#include "engine/control_flow/while_loop.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <set>

#include "engine/control_flow/scan.h"
#include "engine/core/error.h"
#include "engine/jaxpr/staging.h"
#include "engine/lax.h"
#include "engine/numpy/numpy.h"

namespace jxr::lax {

namespace {

// A closed jaxpr whose consts become leading inputs (JAX's
// pe.separate_consts), and those consts.
std::pair<ClosedJaxprPtr, std::vector<Value>> separate_consts(const ClosedJaxpr& cj) {
  auto j = std::make_shared<Jaxpr>(*cj.jaxpr);
  j->invars.insert(j->invars.begin(), j->constvars.begin(), j->constvars.end());
  j->constvars.clear();
  return {std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::move(j), {}}), cj.consts};
}

// --- carry checks, with the texts of JAX's _check_carry_type ---------------

std::string python_type(const Tree& t) {
  switch (t.kind()) {
    case Tree::Kind::Tuple: return "<class 'tuple'>";
    case Tree::Kind::List: return "<class 'list'>";
    case Tree::Kind::Dict: return "<class 'dict'>";
    case Tree::Kind::None: return "<class 'NoneType'>";
    case Tree::Kind::Static: return "<class '" + t.static_param().str() + "'>";
    case Tree::Kind::Leaf: break;
  }
  return "<class 'jax.Array'>";
}

std::string quoted_key(const std::string& k) { return "'" + k + "'"; }

struct Diff {
  std::string path, thing1, thing2, why;
};

// tree_util.equality_errors: where two carries' structures differ.
void equality_errors(const std::string& path, const Tree& a, const Tree& b, std::vector<Diff>& out) {
  bool leaf_a = a.kind() == Tree::Kind::Leaf, leaf_b = b.kind() == Tree::Kind::Leaf;
  if (leaf_a && leaf_b) return;
  if (a.kind() != b.kind()) {
    out.push_back({path, python_type(a), python_type(b), "their Python types differ"});
    return;
  }
  if (a.kind() == Tree::Kind::Tuple || a.kind() == Tree::Kind::List) {
    std::string name = a.kind() == Tree::Kind::Tuple ? "tuple" : "list";
    if (a.children().size() != b.children().size()) {
      out.push_back({path, name + " of length " + std::to_string(a.children().size()),
                     name + " of length " + std::to_string(b.children().size()), "the lengths do not match"});
      return;
    }
    for (size_t i = 0; i < a.children().size(); ++i)
      equality_errors(path + "[" + std::to_string(i) + "]", a.children()[i], b.children()[i], out);
    return;
  }
  if (a.kind() == Tree::Kind::Dict) {
    auto children = [](size_t n) { return " with " + std::to_string(n) + (n > 1 ? " children" : " child"); };
    std::set<std::string> ka(a.keys().begin(), a.keys().end()), kb(b.keys().begin(), b.keys().end());
    if (ka.size() != kb.size()) {
      std::vector<std::string> sym;
      std::set_symmetric_difference(ka.begin(), ka.end(), kb.begin(), kb.end(), std::back_inserter(sym));
      std::string diff;
      for (const std::string& k : sym) diff += (diff.empty() ? "" : " ") + quoted_key(k);
      out.push_back({path, python_type(a) + children(ka.size()), python_type(b) + children(kb.size()),
                     "the numbers of children do not match, with the symmetric difference of key sets: {" + diff +
                         "}"});
      return;
    }
    if (ka != kb) {
      auto meta = [](const std::vector<std::string>& keys) {
        std::string s = "[";
        for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + quoted_key(keys[i]);
        return s + "]";
      };
      out.push_back({path, python_type(a) + " with pytree metadata " + meta(a.keys()),
                     python_type(b) + " with pytree metadata " + meta(b.keys()),
                     "the pytree node metadata does not match"});
      return;
    }
    for (size_t i = 0; i < a.keys().size(); ++i)
      equality_errors(path + "[" + quoted_key(a.keys()[i]) + "]", a.children()[i], b.children()[i], out);
  }
}

// The key path of every leaf, in flattening order ("[0]", "['a']" ...).
void leaf_paths(const Tree& t, const std::string& path, std::vector<std::string>& out) {
  switch (t.kind()) {
    case Tree::Kind::Leaf: out.push_back(path); return;
    case Tree::Kind::Tuple:
    case Tree::Kind::List:
      for (size_t i = 0; i < t.children().size(); ++i)
        leaf_paths(t.children()[i], path + "[" + std::to_string(i) + "]", out);
      return;
    case Tree::Kind::Dict:
      for (size_t i = 0; i < t.keys().size(); ++i)
        leaf_paths(t.children()[i], path + "[" + quoted_key(t.keys()[i]) + "]", out);
      return;
    case Tree::Kind::None:
    case Tree::Kind::Static: return;
  }
}

std::string capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string list_differences(const std::vector<std::string>& diffs) {
  if (diffs.size() == 1) return capitalize(diffs[0]) + ".\n";
  // As JAX's '\n'.join over all but the last, each ending in ';\n'.
  std::string s;
  for (size_t i = 0; i + 1 < diffs.size(); ++i) s += (i ? "\n" : "") + ("  * " + diffs[i] + ";\n");
  return s + "  * " + diffs.back() + ".\n";
}

struct CarryChecker {
  std::string name;  // the function, as in "while_loop body"
  std::string carry_name;

  std::string component(const std::string& path) const {
    if (!carry_name.empty())
      return path.empty() ? "the input carry " + carry_name : "the input carry component " + carry_name + path;
    return path.empty() ? "the input carry" : "the input carry at path " + path;
  }

  void check_structure(const TreeDef& in_def, const TreeDef& out_def, std::span<const Value> in_leaves,
                       const std::vector<ShapedArray>& out_avals) const {
    if (in_def == out_def) return;
    // Placeholder leaves of the body's output types rebuild its tree.
    std::vector<Value> out_leaves;
    for (const ShapedArray& a : out_avals) out_leaves.push_back(Array::zeros(a));
    std::vector<Diff> diffs;
    equality_errors("", tree_unflatten(in_def, in_leaves), tree_unflatten(out_def, out_leaves), diffs);
    std::vector<std::string> texts;
    for (const Diff& d : diffs)
      texts.push_back(component(d.path) + " is a " + d.thing1 + " but the corresponding component of the carry " +
                      "output is a " + d.thing2 + ", so " + d.why);
    // Trees that differ only in what JAX's equality_errors ignores pass.
    if (texts.empty()) return;
    throw_type_error(name + " function carry input and carry output must have the same pytree structure, but " +
                     "they differ:\n\n" + list_differences(texts) +
                     "\nRevise the function so that the carry output has the same pytree structure as the carry "
                     "input.");
  }

  void check_types(const Tree& in_tree, const std::vector<ShapedArray>& in,
                   const std::vector<ShapedArray>& out) const {
    std::vector<std::string> paths, diffs;
    leaf_paths(in_tree, "", paths);
    for (size_t i = 0; i < in.size(); ++i) {
      if (in[i].same_type(out[i])) continue;
      std::vector<std::string> why;
      if (in[i].dtype != out[i].dtype) why.push_back("the dtypes do not match");
      if (in[i].shape != out[i].shape) why.push_back("the shapes do not match");
      std::string extra = why.empty() ? "" : ", so " + (why.size() == 1 ? why[0] : why[0] + ", and " + why[1]);
      diffs.push_back(component(paths[i]) + " has type " + in[i].type_str() +
                      " but the corresponding output carry component has type " + out[i].type_str() + extra);
    }
    if (diffs.empty()) return;
    throw_type_error(name + " function carry input and carry output must have equal types, but they differ:\n\n" +
                     list_differences(diffs) +
                     "\nRevise the function so that all output types match the corresponding input types.");
  }
};

// --- tracing -----------------------------------------------------------------

struct Traced {
  ClosedJaxpr cond, body;
  TreeDef body_out_def;
};

Traced trace_cond_and_body(const TreeFn& cond_fun, const TreeFn& body_fun, const TreeDef& def,
                           const std::vector<ShapedArray>& avals) {
  auto carry_of = [&](std::span<const Value> leaves) { return std::vector<Tree>{tree_unflatten(def, leaves)}; };
  TreeDef cond_def;
  ClosedJaxpr cond = trace_to_jaxpr(
      [&](std::span<const Value> leaves) {
        auto [outs, d] = tree_flatten(cond_fun(carry_of(leaves)));
        cond_def = std::move(d);
        return outs;
      },
      avals);
  if (cond_def.kind != Tree::Kind::Leaf)
    throw_type_error("cond_fun must return a boolean scalar, but got pytree " + cond_def.str() + ".");
  ShapedArray pred = cond.out_avals()[0];
  if (pred.dtype != DType::Bool || pred.ndim() != 0)
    throw_type_error("cond_fun must return a boolean scalar, but got output type(s) [" + pred.str() + "].");
  Traced t{std::move(cond), {}, {}};
  t.body = trace_to_jaxpr(
      [&](std::span<const Value> leaves) {
        auto [outs, d] = tree_flatten(body_fun(carry_of(leaves)));
        t.body_out_def = std::move(d);
        return outs;
      },
      avals);
  return t;
}

// Which inputs of a jaxpr its outputs need (jaxpr equations have no effects).
std::set<const Var*> live_vars(const Jaxpr& j, std::vector<bool>* keep_eqn) {
  std::set<const Var*> live;
  for (const Atom& a : j.outvars)
    if (a.is_var()) live.insert(a.var().get());
  keep_eqn->assign(j.eqns.size(), false);
  for (size_t k = j.eqns.size(); k-- > 0;) {
    const Eqn& e = j.eqns[k];
    bool used = std::any_of(e.outputs.begin(), e.outputs.end(), [&](const VarPtr& v) { return live.count(v.get()); });
    if (!used) continue;
    (*keep_eqn)[k] = true;
    for (const Atom& a : e.inputs)
      if (a.is_var()) live.insert(a.var().get());
  }
  return live;
}

}  // namespace

Tree while_loop(const TreeFn& cond_fun, const TreeFn& body_fun, const Tree& init_val, const std::string& carry_name) {
  auto [init, def] = tree_flatten(init_val);
  std::vector<ShapedArray> avals;
  for (const Value& v : init) avals.push_back(abstractify(v));
  CarryChecker checker{"while_loop body", carry_name};

  Traced t = trace_cond_and_body(cond_fun, body_fun, def, avals);
  std::vector<ShapedArray> out_avals = t.body.out_avals();
  if (out_avals.size() != avals.size()) checker.check_structure(def, t.body_out_def, init, out_avals);
  // A weakly typed initial value (a Python scalar) takes the dtype the body
  // gives it, and both functions are traced again on the new types.
  bool changed = false;
  for (size_t i = 0; i < init.size(); ++i) {
    if (!avals[i].weak_type || avals[i].same_type(out_avals[i])) continue;
    TypedKind to = promote_types(avals[i].kind(), out_avals[i].kind());
    init[i] = convert_element_type(init[i], to.dtype);
    changed = true;
  }
  if (changed) {
    avals.clear();
    for (const Value& v : init) avals.push_back(abstractify(v));
    t = trace_cond_and_body(cond_fun, body_fun, def, avals);
    out_avals = t.body.out_avals();
  }
  auto [cond, cond_consts] = separate_consts(t.cond);
  auto [body, body_consts] = separate_consts(t.body);
  checker.check_structure(def, t.body_out_def, init, out_avals);
  checker.check_types(init_val, avals, out_avals);

  // A carry the body passes through unchanged and cond does not read is a
  // loop invariant: it becomes a body const, so that vmap with a batched
  // predicate need not batch it.
  size_t nc = init.size(), nbc = body_consts.size(), ncc = cond_consts.size();
  std::vector<bool> keep_eqn;
  std::set<const Var*> cond_live = live_vars(*cond->jaxpr, &keep_eqn);
  std::vector<bool> move(nc, false);
  for (size_t i = 0; i < nc; ++i) {
    const Atom& o = body->jaxpr->outvars[i];
    bool forwarded = o.is_var() && o.var() == body->jaxpr->invars[nbc + i];
    move[i] = forwarded && !cond_live.count(cond->jaxpr->invars[ncc + i].get());
  }
  std::vector<Value> carry = init, moved;
  if (std::any_of(move.begin(), move.end(), [](bool m) { return m; })) {
    auto c = std::make_shared<Jaxpr>();
    c->invars.assign(cond->jaxpr->invars.begin(), cond->jaxpr->invars.begin() + ncc);
    for (size_t i = 0; i < nc; ++i)
      if (!move[i]) c->invars.push_back(cond->jaxpr->invars[ncc + i]);
    for (size_t k = 0; k < keep_eqn.size(); ++k)
      if (keep_eqn[k]) c->eqns.push_back(cond->jaxpr->eqns[k]);
    c->outvars = cond->jaxpr->outvars;
    cond = std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::move(c), {}});

    auto b = std::make_shared<Jaxpr>(*body->jaxpr);
    b->invars.clear();
    b->outvars.clear();
    carry.clear();
    for (size_t i = 0; i < nc; ++i)
      if (move[i]) {
        b->invars.push_back(body->jaxpr->invars[nbc + i]);
        moved.push_back(init[i]);
      }
    b->invars.insert(b->invars.end(), body->jaxpr->invars.begin(), body->jaxpr->invars.begin() + nbc);
    for (size_t i = 0; i < nc; ++i)
      if (!move[i]) {
        b->invars.push_back(body->jaxpr->invars[nbc + i]);
        b->outvars.push_back(body->jaxpr->outvars[i]);
        carry.push_back(init[i]);
      }
    body = std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::move(b), {}});
    body_consts.insert(body_consts.begin(), moved.begin(), moved.end());
  }

  std::vector<Value> args = cond_consts;
  args.insert(args.end(), body_consts.begin(), body_consts.end());
  args.insert(args.end(), carry.begin(), carry.end());
  Params params{{"body_jaxpr", Param::jaxpr(body)},
                {"body_nconsts", Param::integer(static_cast<int64_t>(body_consts.size()))},
                {"cond_jaxpr", Param::jaxpr(cond)},
                {"cond_nconsts", Param::integer(static_cast<int64_t>(ncc))}};
  static const Primitive& while_p = get_primitive("while");
  std::vector<Value> outs = jxr::bind(while_p, args, params);
  std::vector<Value> leaves;
  for (size_t i = 0, k = 0, m = 0; i < nc; ++i) leaves.push_back(move[i] ? moved[m++] : outs[k++]);
  return tree_unflatten(t.body_out_def, leaves);
}

Tree fori_loop(const Value& lower, const Value& upper, const TreeFn& body_fun, const Tree& init_val,
               std::optional<int64_t> unroll) {
  DType dtype = lower.dtype();
  if (lower.dtype() != upper.dtype()) {
    // Integer bounds of which one is a Python scalar take the other's type.
    bool ints = is_signed_int(lower.dtype()) && is_signed_int(upper.dtype());
    if (ints && lower.weak_type() && !upper.weak_type()) dtype = upper.dtype();
    else if (ints && !lower.weak_type() && upper.weak_type()) dtype = lower.dtype();
    else
      throw_type_error("lower and upper arguments to fori_loop must have equal types, got " +
                       std::string(dtype_name(lower.dtype())) + " and " + std::string(dtype_name(upper.dtype())));
  }
  // Concrete bounds fix the trip count: a scan, which reverse mode can
  // differentiate. The index starts as a Python int would, weakly typed.
  if (!lower.is_tracer() && !upper.is_tracer()) {
    auto lo = static_cast<int64_t>(lower.array().item(0)), hi = static_cast<int64_t>(upper.array().item(0));
    TreeFn step = [&body_fun](const std::vector<Tree>& a) {
      const Value& i = a[0][0].leaf();
      Value next = i + jnp::weak(1);
      Tree x = body_fun({Tree(i), a[0][1]});
      return Tree::tuple({Tree::tuple({Tree(next), std::move(x)}), Tree::none()});
    };
    Tree init = Tree::tuple({Tree(Array::scalar(static_cast<double>(lo), DType::I32, true)), init_val});
    int64_t length = std::max<int64_t>(hi - lo, 0);
    int64_t u = unroll.value_or(1);
    if (u == 0) u = std::max<int64_t>(length, 1);
    return scan(step, init, Tree::none(), length, false, u, "loop_carry").first[1];
  }
  // Python's True == 1, so JAX lets unroll=True through here too.
  if (unroll && *unroll != 1 && *unroll != 0)
    throw_value_error("Can only use `unroll` in `fori_loop` if the loop bounds are statically known.");
  Value lo = lower.dtype() == dtype ? lower : convert_element_type(lower, dtype);
  Value hi = upper.dtype() == dtype ? upper : convert_element_type(upper, dtype);
  TreeFn cond = [](const std::vector<Tree>& c) { return Tree(lt(c[0][0].leaf(), c[0][1].leaf())); };
  TreeFn body = [&body_fun](const std::vector<Tree>& c) {
    const Value& i = c[0][0].leaf();
    // JAX's tuple evaluates i + 1 first: the equations come in that order.
    Value next = add(i, Array::scalar(1, i.dtype()));
    Tree x = body_fun({Tree(i), c[0][2]});
    return Tree::tuple({Tree(next), c[0][1], std::move(x)});
  };
  // JAX's error texts name the carry of the while it builds, `loop_carry`.
  Tree out = while_loop(cond, body, Tree::tuple({Tree(lo), Tree(hi), init_val}), "loop_carry");
  return out[2];
}

}  // namespace jxr::lax
