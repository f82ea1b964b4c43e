// The `scan` primitive (jax.lax.scan, jax.lax.map): a loop of a closed body
// jaxpr over the leading axis of its extensive inputs, with JAX 0.10.2's
// params (jaxpr, length, num_carry, num_consts, reverse, unroll). The body
// takes (consts, carry, xs slices) and returns (carry, y slices); closed-over
// constants of the traced body are passed as leading operands (num_consts),
// as JAX's separate_consts does.
#include <algorithm>
#include <cstring>

#include "engine/control_flow/scan.h"
#include "engine/jaxpr/staging.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

ShapedArray unmapped_leading(int64_t length, const ShapedArray& a) {
  ShapedArray r = a;
  r.shape.insert(r.shape.begin(), length);
  return r;
}

ShapedArray mapped_leading(const ShapedArray& a) {
  ShapedArray r = a;
  r.shape.erase(r.shape.begin());
  return r;
}

std::string avals_short(std::span<const ShapedArray> avals) {
  std::string s;
  for (size_t i = 0; i < avals.size(); ++i) s += (i ? " " : "") + avals[i].str_short();
  return s;
}

struct ScanParams {
  const ClosedJaxprPtr& jaxpr;
  int64_t length, num_consts, num_carry;
  bool reverse;
};

ScanParams read_params(const Params& p) {
  return {p.get("jaxpr").as_jaxpr(), p.get_int("length"), p.get_int("num_consts"), p.get_int("num_carry"),
          p.get_bool("reverse")};
}

bool all_match(std::span<const ShapedArray> a, std::span<const ShapedArray> b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!a[i].same_type(b[i])) return false;
  return true;
}

// JAX's _scan_typecheck and _scan_abstract_eval.
std::vector<ShapedArray> scan_abstract_eval(std::span<const ShapedArray> in, const Params& params) {
  ScanParams sp = read_params(params);
  std::vector<ShapedArray> jin = sp.jaxpr->in_avals(), jout = sp.jaxpr->out_avals();
  if (in.size() != jin.size())
    throw_value_error("scan number of arguments doesn't match the number of jaxpr arguments: " +
                      std::to_string(in.size()) + " vs " + std::to_string(jin.size()));
  if (sp.length < 0) throw_type_error("scan param length must be a non-negative int");
  if (sp.num_consts < 0 || sp.num_carry < 0 || sp.num_consts + sp.num_carry > static_cast<int64_t>(in.size()) ||
      sp.num_carry > static_cast<int64_t>(jout.size()))
    throw_type_error("scan params num_consts and num_carry do not fit the jaxpr");
  auto nc = static_cast<size_t>(sp.num_consts), nk = static_cast<size_t>(sp.num_carry);
  std::span<const ShapedArray> jin_s(jin), jout_s(jout);
  std::vector<ShapedArray> x_mapped;
  for (size_t i = nc + nk; i < in.size(); ++i) {
    if (in[i].ndim() == 0 || in[i].shape[0] != sp.length)
      throw_type_error("scan got an extensive operand of type " + in[i].str_short() + " for length " +
                       std::to_string(sp.length));
    x_mapped.push_back(mapped_leading(in[i]));
  }
  if (!all_match(jin_s.subspan(nc, nk), jout_s.subspan(0, nk)))
    throw_type_error("scan input carry input and output types mismatch: \n" + avals_short(jin_s.subspan(nc, nk)) +
                     "\nvs\n" + avals_short(jout_s.subspan(0, nk)));
  if (!all_match(jin_s.subspan(0, nc), in.subspan(0, nc)))
    throw_type_error("scan jaxpr takes input const types\n" + avals_short(jin_s.subspan(0, nc)) +
                     ",\ncalled with consts of type\n" + avals_short(in.subspan(0, nc)));
  if (!all_match(jin_s.subspan(nc, nk), in.subspan(nc, nk)))
    throw_type_error("scan jaxpr takes input carry types\n" + avals_short(jin_s.subspan(nc, nk)) +
                     ",\ncalled with initial carry of type\n" + avals_short(in.subspan(nc, nk)));
  if (!all_match(jin_s.subspan(nc + nk), x_mapped))
    throw_type_error("scan jaxpr takes input sequence types\n" + avals_short(jin_s.subspan(nc + nk)) +
                     ",\ncalled with sequence whose items have type\n" + avals_short(x_mapped));
  std::vector<ShapedArray> out(jout.begin(), jout.begin() + static_cast<std::ptrdiff_t>(nk));
  for (size_t j = nk; j < jout.size(); ++j) out.push_back(unmapped_leading(sp.length, jout[j]));
  return out;
}

// Eager loop: slice each x at the iteration's index, run the body, write each
// y into its row of the stacked output.
std::vector<Array> scan_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> out) {
  ScanParams sp = read_params(params);
  auto nc = static_cast<size_t>(sp.num_consts), nk = static_cast<size_t>(sp.num_carry);
  std::vector<Value> args(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(nc + nk));
  size_t nx = in.size() - nc - nk;
  std::vector<Array> ys;
  for (size_t j = nk; j < out.size(); ++j) ys.push_back(Array::allocate(out[j]));
  for (int64_t it = 0; it < sp.length; ++it) {
    int64_t i = sp.reverse ? sp.length - 1 - it : it;
    args.resize(nc + nk);
    for (size_t k = 0; k < nx; ++k) {
      const Array& x = in[nc + nk + k];
      Array slice = Array::allocate(mapped_leading(x.aval()));
      std::memcpy(slice.mutable_raw(), static_cast<const char*>(x.raw()) + static_cast<size_t>(i) * slice.nbytes(),
                  slice.nbytes());
      args.emplace_back(std::move(slice));
    }
    std::vector<Value> res = eval_closed_jaxpr(*sp.jaxpr, args);
    for (size_t k = 0; k < nk; ++k) args[nc + k] = res[k];
    for (size_t j = 0; j < ys.size(); ++j) {
      const Array& y = res[nk + j].array();
      std::memcpy(static_cast<char*>(ys[j].mutable_raw()) + static_cast<size_t>(i) * y.nbytes(), y.raw(), y.nbytes());
    }
  }
  std::vector<Array> result;
  for (size_t k = 0; k < nk; ++k) result.push_back(args[nc + k].array());
  for (Array& y : ys) result.push_back(std::move(y));
  return result;
}

// Python's rendering of a pytree of avals, for "scan body output must be a
// pair, got ...".
std::string tree_avals_str(const Tree& t) {
  auto join = [](const std::vector<Tree>& ch, const char* open, const char* close, bool one_comma) {
    std::string s = open;
    for (size_t i = 0; i < ch.size(); ++i) s += (i ? ", " : "") + tree_avals_str(ch[i]);
    if (one_comma && ch.size() == 1) s += ",";
    return s + close;
  };
  switch (t.kind()) {
    case Tree::Kind::Leaf: return t.leaf().aval().str();
    case Tree::Kind::None: return "None";
    case Tree::Kind::Tuple: return join(t.children(), "(", ")", true);
    case Tree::Kind::List: return join(t.children(), "[", "]", false);
    case Tree::Kind::Dict: {
      std::string s = "{";
      for (size_t i = 0; i < t.keys().size(); ++i)
        s += (i ? ", '" : "'") + t.keys()[i] + "': " + tree_avals_str(t.children()[i]);
      return s + "}";
    }
    case Tree::Kind::Static: return t.static_param().str();
  }
  return "";
}

// JAX's keystr of each leaf's path: "[0]['a']".
void leaf_paths(const TreeDef& def, const std::string& prefix, std::vector<std::string>& out) {
  switch (def.kind) {
    case Tree::Kind::Leaf: out.push_back(prefix); return;
    case Tree::Kind::Tuple:
    case Tree::Kind::List:
      for (size_t i = 0; i < def.children.size(); ++i)
        leaf_paths(def.children[i], prefix + "[" + std::to_string(i) + "]", out);
      return;
    case Tree::Kind::Dict:
      for (size_t i = 0; i < def.children.size(); ++i)
        leaf_paths(def.children[i], prefix + "['" + def.keys[i] + "']", out);
      return;
    default: return;
  }
}

// JAX's tree_util.equality_errors over two tree structures: where they
// first differ on each path, described as JAX describes the Python objects.
struct Difference {
  std::string path, thing1, thing2, explanation;
};

std::string python_type(const TreeDef& d) {
  switch (d.kind) {
    case Tree::Kind::Leaf: return "<class 'jax._src.core.ShapedArray'>";
    case Tree::Kind::None: return "<class 'NoneType'>";
    case Tree::Kind::Tuple: return "<class 'tuple'>";
    case Tree::Kind::List: return "<class 'list'>";
    case Tree::Kind::Dict: return "<class 'dict'>";
    case Tree::Kind::Static: return "<class '" + d.static_value.str() + "'>";
  }
  return "";
}

void structure_differences(const TreeDef& a, const TreeDef& b, const std::string& path, std::vector<Difference>& out) {
  if (a.kind == Tree::Kind::Leaf && b.kind == Tree::Kind::Leaf) return;
  if (a.kind != b.kind) {
    out.push_back({path, python_type(a), python_type(b), "their Python types differ"});
    return;
  }
  const char* seq = a.kind == Tree::Kind::Tuple ? "tuple" : "list";
  bool is_seq = a.kind == Tree::Kind::Tuple || a.kind == Tree::Kind::List;
  if (is_seq && a.children.size() != b.children.size()) {
    out.push_back({path, std::string(seq) + " of length " + std::to_string(a.children.size()),
                   std::string(seq) + " of length " + std::to_string(b.children.size()), "the lengths do not match"});
    return;
  }
  if (a.kind == Tree::Kind::Dict) {
    auto children = [](size_t n) { return " with " + std::to_string(n) + (n > 1 ? " children" : " child"); };
    if (a.children.size() != b.children.size()) {
      std::vector<std::string> diff;
      for (const std::string& k : a.keys)
        if (std::find(b.keys.begin(), b.keys.end(), k) == b.keys.end()) diff.push_back(k);
      for (const std::string& k : b.keys)
        if (std::find(a.keys.begin(), a.keys.end(), k) == a.keys.end()) diff.push_back(k);
      std::sort(diff.begin(), diff.end());
      std::string keys;
      for (const std::string& k : diff) keys += (keys.empty() ? "'" : " '") + k + "'";
      out.push_back({path, python_type(a) + children(a.children.size()), python_type(b) + children(b.children.size()),
                     "the numbers of children do not match" +
                         (keys.empty() ? std::string() : ", with the symmetric difference of key sets: {" + keys + "}")});
      return;
    }
    if (a.keys != b.keys) {
      auto meta = [](const std::vector<std::string>& ks) {
        std::string m = "(";
        for (size_t i = 0; i < ks.size(); ++i) m += (i ? ", '" : "'") + ks[i] + "'";
        return m + (ks.size() == 1 ? ",)" : ")");
      };
      out.push_back({path, python_type(a) + " with pytree metadata " + meta(a.keys),
                     python_type(b) + " with pytree metadata " + meta(b.keys), "the pytree node metadata does not match"});
      return;
    }
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    std::string key = a.kind == Tree::Kind::Dict ? "['" + a.keys[i] + "']" : "[" + std::to_string(i) + "]";
    structure_differences(a.children[i], b.children[i], path + key, out);
  }
}

// JAX's layout of one or several differences in a carry error.
std::string join_differences(const std::vector<std::string>& diffs) {
  auto cap = [](std::string s) {
    s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
  };
  if (diffs.size() == 1) return cap(diffs[0]) + ".\n";
  // As Python's '\n'.join over all but the last item, then the last.
  std::string out;
  for (size_t i = 0; i + 1 < diffs.size(); ++i) out += (i ? "\n  * " : "  * ") + diffs[i] + ";\n";
  return out + "  * " + diffs.back() + ".\n";
}

constexpr const char* kRevise = "Revise the function so that all output types match the corresponding input types.";

// JAX's _check_carry_type; the carry is named after f's first parameter when
// the frontend knows it.
void check_carry_type(const TreeDef& in_def, const TreeDef& out_def, std::span<const ShapedArray> in,
                      std::span<const ShapedArray> out, const std::string& carry_name) {
  auto component = [&carry_name](const std::string& path) {
    if (!carry_name.empty())
      return path.empty() ? "the input carry " + carry_name : "the input carry component " + carry_name + path;
    return path.empty() ? std::string("the input carry") : "the input carry at path " + path;
  };
  if (!(in_def == out_def)) {
    std::vector<Difference> found;
    structure_differences(in_def, out_def, "", found);
    std::vector<std::string> diffs;
    for (const Difference& d : found)
      diffs.push_back(component(d.path) + " is a " + d.thing1 + " but the corresponding component of the carry output is a " +
                      d.thing2 + ", so " + d.explanation);
    std::string differences = diffs.empty() ? "the input tree structure is:\n" + in_def.str() +
                                                  "\nthe output tree structure is:\n" + out_def.str() + "\n"
                                            : join_differences(diffs);
    throw_type_error(
        "scan body function carry input and carry output must have the same pytree structure, but they "
        "differ:\n\n" +
        differences + "\nRevise the function so that the carry output has the same pytree structure as the carry input.");
  }
  std::vector<std::string> diffs, paths;
  leaf_paths(in_def, "", paths);
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i].same_type(out[i])) continue;
    std::string path = component(paths[i]);
    std::vector<std::string> why;
    if (in[i].dtype != out[i].dtype) why.push_back("the dtypes do not match");
    if (in[i].shape != out[i].shape) why.push_back("the shapes do not match");
    std::string extra = why.size() == 1 ? ", so " + why[0] : ", so " + why[0] + " and " + why[1];
    diffs.push_back(path + " has type " + in[i].type_str() + " but the corresponding output carry component has type " +
                    out[i].type_str() + extra);
  }
  if (diffs.empty()) return;
  std::string differences = join_differences(diffs);
  throw_type_error("scan body function carry input and carry output must have equal types, but they differ:\n\n" +
                   differences + "\n" + kRevise);
}

// JAX's _infer_scan_length.
int64_t infer_length(std::span<const Value> xs, std::optional<int64_t> length) {
  std::vector<int64_t> lengths;
  for (const Value& x : xs) {
    if (x.aval().ndim() == 0)
      throw_value_error("scan got value with no leading axis to scan over: " + x.aval().str_short() + ".");
    lengths.push_back(x.aval().shape[0]);
  }
  auto list = [&](const char* sep) {
    std::string s;
    for (size_t i = 0; i < lengths.size(); ++i) s += (i ? sep : "") + std::to_string(lengths[i]);
    return s;
  };
  if (length) {
    for (int64_t l : lengths)
      if (l != *length)
        throw_value_error("scan got `length` argument of " + std::to_string(*length) +
                          " which disagrees with leading axis sizes [" + list(", ") + "].");
    return *length;
  }
  if (lengths.empty()) throw_value_error("scan got no values to scan over and `length` not provided.");
  for (int64_t l : lengths)
    if (l != lengths[0]) throw_value_error("scan got values with different leading axis sizes: " + list(", ") + ".");
  return lengths[0];
}

struct TracedBody {
  ClosedJaxpr jaxpr;
  TreeDef carry_def, y_def;
};

TracedBody trace_body(const TreeFn& f, const TreeDef& init_def, const TreeDef& xs_def,
                      std::span<const ShapedArray> carry_avals, std::span<const ShapedArray> x_avals) {
  TracedBody tb;
  std::vector<ShapedArray> avals(carry_avals.begin(), carry_avals.end());
  avals.insert(avals.end(), x_avals.begin(), x_avals.end());
  size_t nk = carry_avals.size();
  tb.jaxpr = trace_to_jaxpr(
      [&](std::span<const Value> args) {
        Tree carry = tree_unflatten(init_def, args.subspan(0, nk));
        Tree x = tree_unflatten(xs_def, args.subspan(nk));
        Tree r = f({carry, x});
        if ((r.kind() != Tree::Kind::Tuple && r.kind() != Tree::Kind::List) || r.children().size() != 2)
          throw_type_error("scan body output must be a pair, got " + tree_avals_str(r) + ".");
        auto [c, cdef] = tree_flatten(r[0]);
        auto [y, ydef] = tree_flatten(r[1]);
        tb.carry_def = cdef;
        tb.y_def = ydef;
        c.insert(c.end(), y.begin(), y.end());
        return c;
      },
      avals);
  return tb;
}

}  // namespace

std::vector<Value> bind_scan(const ClosedJaxprPtr& body, std::span<const Value> args, int64_t length,
                             int64_t num_consts, int64_t num_carry, bool reverse, int64_t unroll) {
  static const Primitive& scan_p = get_primitive("scan");
  Params params{{"jaxpr", Param::jaxpr(body)},           {"length", Param::integer(length)},
                {"num_carry", Param::integer(num_carry)}, {"num_consts", Param::integer(num_consts)},
                {"reverse", Param::boolean(reverse)},     {"unroll", Param::integer(unroll)}};
  return jxr::bind(scan_p, args, params);
}

namespace lax {

namespace {

std::shared_ptr<const PreparedScan> prepare_scan(const TreeFn& f, const TreeDef& init_def, const TreeDef& xs_def,
                                                 std::vector<ShapedArray> init_avals,
                                                 std::span<const ShapedArray> x_avals, const std::string& carry_name) {
  auto ps = std::make_shared<PreparedScan>();
  TracedBody tb = trace_body(f, init_def, xs_def, init_avals, x_avals);
  std::vector<ShapedArray> outs = tb.jaxpr.out_avals();
  size_t nk = init_avals.size();
  if (tb.carry_def.num_leaves != static_cast<int>(nk) || !(tb.carry_def == init_def))
    check_carry_type(init_def, tb.carry_def, init_avals, outs, carry_name);
  // A weakly typed init (a Python scalar) takes the type the body gives its
  // carry, as JAX's _promote_weak_typed_input; the body is traced again.
  ps->promote.resize(nk);
  bool changed = false;
  for (size_t i = 0; i < nk; ++i)
    if (init_avals[i].weak_type && !init_avals[i].same_type(outs[i])) {
      DType d = promote_types(init_avals[i].kind(), outs[i].kind()).dtype;
      ps->promote[i] = d;
      init_avals[i] = ShapedArray{init_avals[i].shape, d, false};
      changed = true;
    }
  if (changed) {
    tb = trace_body(f, init_def, xs_def, init_avals, x_avals);
    outs = tb.jaxpr.out_avals();
  }
  check_carry_type(init_def, tb.carry_def, init_avals, std::span<const ShapedArray>(outs).subspan(0, nk), carry_name);
  ps->y_def = tb.y_def;

  // Closed-over constants become leading operands, as JAX's separate_consts.
  const Jaxpr& traced = *tb.jaxpr.jaxpr;
  ps->consts = tb.jaxpr.consts;
  size_t nc = ps->consts.size();
  std::vector<VarPtr> invars = traced.constvars;
  invars.insert(invars.end(), traced.invars.begin(), traced.invars.end());

  // Carries the body returns unchanged are loop invariant: JAX moves them to
  // the consts. Ys that are xs slices unchanged are the xs themselves.
  ps->moved.assign(nk, false);
  ps->y_from_xs.assign(outs.size() - nk, -1);
  for (size_t i = 0; i < nk; ++i)
    ps->moved[i] = traced.outvars[i].is_var() && traced.outvars[i].var() == invars[nc + i];
  for (size_t j = nk; j < outs.size(); ++j)
    if (traced.outvars[j].is_var())
      for (size_t k = nc + nk; k < invars.size(); ++k)
        if (traced.outvars[j].var() == invars[k]) ps->y_from_xs[j - nk] = static_cast<int>(k - nc - nk);

  auto body = std::make_shared<Jaxpr>();
  body->invars.assign(invars.begin(), invars.begin() + static_cast<std::ptrdiff_t>(nc));
  for (bool want_moved : {true, false})
    for (size_t i = 0; i < nk; ++i)
      if (ps->moved[i] == want_moved) body->invars.push_back(invars[nc + i]);
  body->invars.insert(body->invars.end(), invars.begin() + static_cast<std::ptrdiff_t>(nc + nk), invars.end());
  body->eqns = traced.eqns;
  for (size_t i = 0; i < nk; ++i)
    if (!ps->moved[i]) body->outvars.push_back(traced.outvars[i]);
  for (size_t j = nk; j < outs.size(); ++j)
    if (ps->y_from_xs[j - nk] < 0) body->outvars.push_back(traced.outvars[j]);
  auto closed = std::make_shared<ClosedJaxpr>();
  closed->jaxpr = std::move(body);
  ps->body = std::move(closed);
  return ps;
}

}  // namespace

std::pair<Tree, Tree> scan(const TreeFn& f, const Tree& init, const Tree& xs, std::optional<int64_t> length,
                           bool reverse, int64_t unroll, const std::string& carry_name, const ScanPreparer& preparer) {
  auto [init_flat, init_def] = tree_flatten(init);
  auto [xs_flat, xs_def] = tree_flatten(xs);
  int64_t n = infer_length(xs_flat, length);
  if (unroll < 0) throw_value_error("`unroll` must be a `bool` or a non-negative `int`.");
  std::vector<ShapedArray> init_avals, x_avals;
  for (const Value& v : init_flat) init_avals.push_back(abstractify(v));
  for (const Value& v : xs_flat) x_avals.push_back(mapped_leading(abstractify(v)));
  auto trace = [&] { return prepare_scan(f, init_def, xs_def, init_avals, x_avals, carry_name); };
  std::shared_ptr<const PreparedScan> ps =
      preparer ? preparer(init_def, xs_def, init_avals, x_avals, trace) : trace();

  size_t nk = init_flat.size();
  for (size_t i = 0; i < nk; ++i)
    if (ps->promote[i]) init_flat[i] = convert_element_type(init_flat[i], *ps->promote[i]);
  std::vector<Value> operands(ps->consts);
  for (bool want_moved : {true, false})
    for (size_t i = 0; i < nk; ++i)
      if (ps->moved[i] == want_moved) operands.push_back(init_flat[i]);
  auto num_carry = static_cast<int64_t>(std::count(ps->moved.begin(), ps->moved.end(), false));
  auto num_consts = static_cast<int64_t>(operands.size()) - num_carry;
  operands.insert(operands.end(), xs_flat.begin(), xs_flat.end());

  std::vector<Value> res = bind_scan(ps->body, operands, n, num_consts, num_carry, reverse, unroll);
  std::vector<Value> carry_out, ys;
  size_t k = 0;
  for (size_t i = 0; i < nk; ++i) carry_out.push_back(ps->moved[i] ? init_flat[i] : res[k++]);
  for (int x : ps->y_from_xs) ys.push_back(x >= 0 ? xs_flat[static_cast<size_t>(x)] : res[k++]);
  return {tree_unflatten(init_def, carry_out), tree_unflatten(ps->y_def, ys)};
}

Tree map(const TreeFn& f, const Tree& xs) {
  TreeFn g = [&f](const std::vector<Tree>& a) { return Tree::tuple({Tree::none(), f({a[1]})}); };
  return scan(g, Tree::none(), xs).second;
}

}  // namespace lax

void register_scan_primitives() {
  Primitive& p = define_primitive("scan");
  p.synopsis = "loop a body jaxpr over the leading axis of its inputs, carrying state (lax.scan)";
  p.abstract_eval = scan_abstract_eval;
  p.impl = scan_impl;
}

}  // namespace jxr
