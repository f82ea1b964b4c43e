// jax.lax.cond and jax.lax.switch over TreeFn branches, after
// jax/_src/lax/control_flow/conditionals.py: trace every branch, pass their
// constants as shared leading operands, drop outputs that every branch
// forwards from the same input, and bind one `cond`.
#include "engine/control_flow/cond.h"

#include <algorithm>

#include "engine/core/error.h"
#include "engine/core/trace.h"
#include "engine/jaxpr/staging.h"
#include "engine/lax.h"

namespace jxr {

namespace {

// A constant's identity: a tracer, or a buffer seen under one aval (as the
// staging trace keys its constvars).
struct ConstKey {
  const void* ptr;
  ShapedArray aval;
  bool operator==(const ConstKey& o) const { return ptr == o.ptr && aval == o.aval; }
};

ConstKey key_of(const Value& v) {
  if (v.is_tracer()) return {v.tracer(), v.aval()};
  return {v.array().raw(), v.aval()};
}

struct MergedBranches {
  std::vector<ClosedJaxprPtr> branches;  // no consts; inputs (consts..., operands...)
  std::vector<Value> consts;
};

// Every branch takes every branch's constants, each distinct one once, in
// order of first appearance (JAX's _merge_common_consts).
MergedBranches merge_consts(const std::vector<ClosedJaxprPtr>& branches) {
  MergedBranches m;
  std::vector<ConstKey> keys;
  for (const ClosedJaxprPtr& b : branches)
    for (const Value& c : b->consts) {
      ConstKey k = key_of(c);
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        keys.push_back(k);
        m.consts.push_back(c);
      }
    }
  for (const ClosedJaxprPtr& b : branches) {
    if (keys.empty()) {
      m.branches.push_back(b);
      continue;
    }
    auto j = std::make_shared<Jaxpr>(*b->jaxpr);
    std::vector<VarPtr> invars;
    for (const ConstKey& k : keys) {
      VarPtr v;
      for (size_t i = 0; i < b->consts.size() && !v; ++i)
        if (key_of(b->consts[i]) == k) v = b->jaxpr->constvars[i];
      invars.push_back(v ? v : new_var(k.aval));
    }
    invars.insert(invars.end(), b->jaxpr->invars.begin(), b->jaxpr->invars.end());
    j->constvars.clear();
    j->invars = std::move(invars);
    m.branches.push_back(std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::move(j), {}}));
  }
  return m;
}

// Per output: the input it is in every branch, or -1.
std::vector<int> common_forwards(const std::vector<ClosedJaxprPtr>& branches) {
  std::vector<int> fwd;
  for (size_t b = 0; b < branches.size(); ++b) {
    const Jaxpr& j = *branches[b]->jaxpr;
    for (size_t o = 0; o < j.outvars.size(); ++o) {
      int idx = -1;
      if (j.outvars[o].is_var())
        for (size_t i = 0; i < j.invars.size(); ++i)
          if (j.invars[i] == j.outvars[o].var()) idx = static_cast<int>(i);
      if (b == 0)
        fwd.push_back(idx);
      else if (fwd[o] != idx)
        fwd[o] = -1;
    }
  }
  return fwd;
}

ClosedJaxprPtr prune_outputs(const ClosedJaxprPtr& b, const std::vector<int>& fwd) {
  if (std::all_of(fwd.begin(), fwd.end(), [](int f) { return f < 0; })) return b;
  auto j = std::make_shared<Jaxpr>(*b->jaxpr);
  j->outvars.clear();
  for (size_t o = 0; o < fwd.size(); ++o)
    if (fwd[o] < 0) j->outvars.push_back(b->jaxpr->outvars[o]);
  return std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::move(j), b->consts});
}

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// What JAX's equality_errors_pytreedef says of a node ("a <class 'tuple'>").
std::string node_kind(const TreeDef& d) {
  switch (d.kind) {
    case Tree::Kind::Leaf: return "pytree leaf";
    case Tree::Kind::None: return "<class 'NoneType'>";
    case Tree::Kind::Tuple: return "<class 'tuple'>";
    case Tree::Kind::List: return "<class 'list'>";
    case Tree::Kind::Dict: return "<class 'dict'>";
    case Tree::Kind::Static: return "<class 'object'>";
  }
  return "";
}

// JAX's _check_branch_outputs: the same pytree structure, then the same
// types (weak types aside), with its messages.
void check_branch_outputs(const std::string& api, const std::string& name1, const std::string& name2,
                          const std::string& info1, const std::string& info2, const lax::TracedBranch& b1,
                          const lax::TracedBranch& b2) {
  std::string header = name1 + " is " + info1 + "\n" + name2 + " is " + info2 + "\n\n";
  if (!(b1.out_def == b2.out_def)) {
    const TreeDef& d1 = b1.out_def;
    const TreeDef& d2 = b2.out_def;
    std::string diff;
    if (d1.kind != d2.kind)
      diff = name1 + " output is a " + node_kind(d1) + " but " + name2 + " output is a " + node_kind(d2) +
             ", so their Python types differ";
    else if (d1.children.size() != d2.children.size())
      diff = name1 + " output is a " + node_kind(d1).substr(8, node_kind(d1).size() - 10) + " of length " +
             std::to_string(d1.children.size()) + " but " + name2 + " output is a " +
             node_kind(d2).substr(8, node_kind(d2).size() - 10) + " of length " +
             std::to_string(d2.children.size()) + ", so the lengths do not match";
    else
      diff = name1 + " output has pytree structure " + d1.str() + " but " + name2 +
             " output has pytree structure " + d2.str();
    throw_type_error(api + " branch outputs must have the same pytree structure, but they differ:\n\n" + header +
                     diff + ".\n\nRevise " + name1 + " and/or " + name2 +
                     " so that they have the same pytree structure.");
  }
  std::vector<std::string> diffs;
  std::vector<ShapedArray> avals1 = b1.jaxpr->out_avals(), avals2 = b2.jaxpr->out_avals();
  for (size_t i = 0; i < avals1.size(); ++i) {
    const ShapedArray& a1 = avals1[i];
    const ShapedArray& a2 = avals2[i];
    if (a1.same_type(a2)) continue;
    std::vector<std::string> why;
    if (a1.dtype != a2.dtype) why.push_back("the dtypes do not match");
    if (a1.shape != a2.shape) why.push_back("the shapes do not match");
    std::string extra = why.size() == 1 ? ", so " + why[0] : ", so " + why[0] + ", and " + why[1];
    diffs.push_back("the output of " + name1 + " has type " + a1.type_str() +
                    " but the corresponding output of " + name2 + " has type " + a2.type_str() + extra);
  }
  if (diffs.empty()) return;
  std::string differences;
  if (diffs.size() == 1) {
    differences = capitalized(diffs[0]) + ".\n";
  } else {
    for (size_t i = 0; i + 1 < diffs.size(); ++i) differences += "  * " + diffs[i] + ";\n";
    differences += "  * " + diffs.back() + ".\n";
  }
  throw_type_error(api + " branches must have equal output types but they differ.\n\n" + header + differences +
                   "\nRevise " + name1 + " and/or " + name2 + " so that all output types match.");
}

std::string describe(const Value& v) {
  if (v.is_tracer()) return "Traced<" + v.aval().str_short() + ">";
  return v.array().str();
}

// Traces the branches over the operands and binds `cond`; `labels` name the
// branches in errors as JAX does ("true_fun", "branch 0" ...), `order` is
// the order of the branches in the equation.
Tree cond_internal(const std::string& api, const Value& index, const std::vector<TreeFn>& fns,
                   const std::vector<std::string>& labels, const std::vector<size_t>& order,
                   const lax::CondOptions& names, const std::vector<Tree>& operands) {
  auto [leaves, in_def] = tree_flatten(Tree::tuple(operands));
  std::vector<ShapedArray> avals;
  for (const Value& v : leaves) avals.push_back(abstractify(v));
  std::vector<lax::TracedBranch> traced;
  for (size_t i = 0; i < fns.size(); ++i)
    traced.push_back(names.tracer ? names.tracer(i, fns[i], in_def, avals) : lax::trace_branch(fns[i], in_def, avals));
  auto info = [&](size_t i) { return i < names.branches.size() ? names.branches[i] : std::string("<function>"); };
  for (size_t i = 1; i < traced.size(); ++i)
    check_branch_outputs(api, labels[0], labels[i], info(0), info(i), traced[0], traced[i]);

  std::vector<ClosedJaxprPtr> in_trace_order;
  for (const lax::TracedBranch& t : traced) in_trace_order.push_back(t.jaxpr);
  MergedBranches merged = merge_consts(in_trace_order);
  std::vector<int> fwd = common_forwards(merged.branches);
  std::vector<ClosedJaxprPtr> branches;
  for (size_t i : order) branches.push_back(prune_outputs(merged.branches[i], fwd));

  std::vector<Value> all_inputs = merged.consts;
  all_inputs.insert(all_inputs.end(), leaves.begin(), leaves.end());
  std::vector<Value> outs = bind_cond(index, std::move(branches), all_inputs);
  std::vector<Value> result;
  size_t k = 0;
  for (int f : fwd) result.push_back(f >= 0 ? all_inputs[f] : outs[k++]);
  return tree_unflatten(traced[0].out_def, result);
}

}  // namespace

std::vector<Value> bind_cond(const Value& index, std::vector<ClosedJaxprPtr> branches, std::span<const Value> args) {
  MergedBranches merged = merge_consts(branches);
  std::vector<Param> items;
  for (ClosedJaxprPtr& b : merged.branches) items.push_back(Param::jaxpr(std::move(b)));
  std::vector<Value> full{index};
  full.insert(full.end(), merged.consts.begin(), merged.consts.end());
  full.insert(full.end(), args.begin(), args.end());
  static const Primitive& cond_p = get_primitive("cond");
  return jxr::bind(cond_p, full, Params{{"branches", Param::tuple(std::move(items))}});
}

}  // namespace jxr

namespace jxr::lax {

TracedBranch trace_branch(const TreeFn& f, const TreeDef& in_def, std::span<const ShapedArray> in_avals) {
  TracedBranch t;
  t.jaxpr = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
      [&](std::span<const Value> xs) {
        Tree args = tree_unflatten(in_def, xs);
        auto [outs, def] = tree_flatten(f(args.children()));
        t.out_def = std::move(def);
        return outs;
      },
      in_avals));
  return t;
}

Tree cond(const Value& pred, const TreeFn& true_fun, const TreeFn& false_fun, const std::vector<Tree>& operands,
          const CondOptions& names) {
  if (pred.ndim() != 0)
    throw_type_error("Pred must be a scalar, got " + describe(pred) + " of shape " + shape_str(pred.shape()) + ".");
  // A concrete predicate is converted here, as JAX converts Python and
  // NumPy scalars with NumPy: the cond's index is then a literal.
  Value index;
  if (!pred.is_tracer()) {
    index = Array::scalar(pred.array().item() != 0 ? 1 : 0, DType::I32);
  } else {
    Value p = pred;
    if (p.dtype() != DType::Bool) p = ne(p, Array::scalar(0, p.dtype(), true));
    index = convert_element_type(p, DType::I32, false);
  }
  // Traced true first, as JAX, but bound as (false, true): index 1 is true.
  return cond_internal("cond", index, {true_fun, false_fun}, {"true_fun", "false_fun"}, {1, 0}, names, operands);
}

Tree switch_(const Value& index, const std::vector<TreeFn>& branches, const std::vector<Tree>& operands,
             const CondOptions& names) {
  if (index.ndim() != 0)
    throw_type_error("Branch index must be scalar, got " + describe(index) + " of shape " +
                     shape_str(index.shape()) + ".");
  if (!is_integer(index.dtype()))
    throw_type_error("Index type must be an integer, got " + describe(index) + " as " +
                     std::string(dtype_name(index.dtype())));
  if (branches.empty()) throw_value_error("Empty branch sequence");
  if (branches.size() == 1) return branches[0](operands);
  int64_t hi = static_cast<int64_t>(branches.size()) - 1;
  // As JAX's convert_element_type: nothing to do for an int32 that is not
  // weakly typed, and a concrete index converted here rather than staged.
  Value i = index;
  if (!index.is_tracer())
    i = index.array().astype(DType::I32);
  else if (index.dtype() != DType::I32 || index.weak_type())
    i = convert_element_type(index, DType::I32, false);
  i = clamp(Array::scalar(0, DType::I32), i, Array::scalar(static_cast<double>(hi), DType::I32));
  std::vector<std::string> labels{"branch 0"};
  std::vector<size_t> order{0};
  // JAX names the others "branch1", "branch2" ... without the space.
  for (int64_t b = 1; b <= hi; ++b) {
    labels.push_back("branch" + std::to_string(b));
    order.push_back(static_cast<size_t>(b));
  }
  return cond_internal("switch", i, branches, labels, order, names, operands);
}

}  // namespace jxr::lax
