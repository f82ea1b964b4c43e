// Pytree-level transformations, after jax/_src/api.py.
#include "engine/transforms.h"

#include <limits>

#include "engine/ad/rules.h"
#include "engine/core/error.h"
#include "engine/lax.h"

namespace jxr {

namespace {

// Python's repr of a shape tuple: (), (3,), (2, 3).
std::string shape_tuple(const Shape& s) {
  std::string r = "(";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + (s.size() == 1 ? ",)" : ")");
}

// JAX's key path of each leaf of a tree: "", "[1]", "['a']", "[0]['b']".
void leaf_paths(const TreeDef& d, const std::string& prefix, std::vector<std::string>& out) {
  if (d.kind == Tree::Kind::Leaf) {
    out.push_back(prefix);
    return;
  }
  for (size_t i = 0; i < d.children.size(); ++i)
    leaf_paths(d.children[i], prefix + (d.kind == Tree::Kind::Dict ? "['" + d.keys[i] + "']" : "[" + std::to_string(i) + "]"),
               out);
}

// A type as JAX's errors print it: float32[3].
std::string long_type(const ShapedArray& a) {
  std::string r(dtype_name(a.dtype));
  r += "[";
  for (size_t i = 0; i < a.shape.size(); ++i) r += (i ? "," : "") + std::to_string(a.shape[i]);
  return r + "]";
}

// f on flat leaves, for arguments of the given structure; records the output
// structure in *out_def.
FlatFn flat_fn(const TreeFn& f, const TreeDef& args_def, TreeDef* out_def) {
  return [f, args_def, out_def](std::span<const Value> leaves) {
    Tree args = tree_unflatten(args_def, leaves);
    auto [outs, def] = tree_flatten(f(args.children()));
    *out_def = std::move(def);
    return outs;
  };
}

int normalize_argnum(int a, size_t nargs, std::string_view who) {
  int n = static_cast<int>(nargs);
  if (a >= n || a < -n)
    throw_value_error(std::string(who) + ": argnums " + std::to_string(a) + " is out of bounds for a function of " +
                      std::to_string(n) + " positional arguments");
  return a < 0 ? a + n : a;
}

// The arguments at argnums, and a function of just those (the others fixed),
// as JAX's argnums_partial.
struct Partial {
  std::vector<Tree> dyn;
  TreeFn f;
};

Partial argnums_partial(const TreeFn& f, const std::vector<Tree>& args, const std::vector<int>& argnums,
                        std::string_view who) {
  std::vector<int> idx;
  for (int a : argnums) idx.push_back(normalize_argnum(a, args.size(), who));
  Partial p;
  for (int i : idx) p.dyn.push_back(args[i]);
  p.f = [f, args, idx](const std::vector<Tree>& dyn) {
    std::vector<Tree> full = args;
    for (size_t k = 0; k < idx.size(); ++k) full[idx[k]] = dyn[k];
    return f(full);
  };
  return p;
}

void check_grad_input(const Value& x, std::string_view name, bool allow_int) {
  DType d = x.dtype();
  if (is_floating(d)) return;
  if (!allow_int)
    throw_type_error(std::string(name) + std::string(
                     " requires real- or complex-valued inputs (input dtype that is a sub-dtype of np.inexact), "
                     "but got ") + std::string(dtype_name(d)) +
                     ". If you want to use Boolean- or integer-valued inputs, use vjp or set allow_int to True.");
}

void check_real_output(const Value& y, std::string_view name) {
  if (!is_floating(y.dtype()))
    throw_type_error(std::string(name) +
                     " requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got " +
                     std::string(dtype_name(y.dtype())) +
                     ". For holomorphic differentiation, pass holomorphic=True. For differentiation of "
                     "non-holomorphic functions involving complex outputs, use jax.vjp directly.");
}

void check_scalar_output(const Tree& out, std::string_view name) {
  if (!out.is_leaf()) throw_type_error("Gradient only defined for scalar-output functions. Output was " +
                                       tree_flatten(out).second.str() + ".");
  const Value& v = out.leaf();
  if (v.ndim() != 0)
    throw_type_error("Gradient only defined for scalar-output functions. Output had shape: " +
                     shape_tuple(v.shape()) + ".");
  check_real_output(v, name);
}

std::pair<Tree, Tree> split_aux(const Tree& out, bool has_aux) {
  if (!has_aux) return {out, Tree::none()};
  if (out.kind() != Tree::Kind::Tuple && out.kind() != Tree::Kind::List)
    throw_type_error("expected function with aux output to return a two-element tuple");
  if (out.children().size() != 2)
    throw_type_error("expected function with aux output to return a two-element tuple, but got a tuple of " +
                     std::to_string(out.children().size()) + " elements");
  return {out[0], out[1]};
}

// jnp.eye(n, dtype) as JAX builds it (iota, iota, add, eq, convert).
Value eye(int64_t n, DType dtype) {
  Value r = lax::iota(DType::I32, {n, n}, 0);
  Value c = lax::iota(DType::I32, {n, n}, 1);
  Value shifted = lax::add(r, Array::scalar(0, DType::I32));
  return lax::convert_element_type(lax::eq(shifted, c), dtype, false);
}

// JAX's _unravel_array_into_pytree: splits `arr` along `axis` into one piece
// per leaf of `like`, each reshaped to arr's shape with `axis` replaced by the
// leaf's shape, and converted to the dtype of `example` (or the leaf's).
// JAX converts the standard basis pieces always (their sharding spec
// differs), Jacobian pieces only when the dtype or weak type changes.
std::vector<Value> unravel(const std::vector<Value>& like, int axis, const Value* example, const Value& arr,
                           bool always_convert = false) {
  // The sizes come from numpy (np.cumsum) in JAX, and print as np.int64.
  std::vector<Param> sizes;
  for (const Value& l : like) sizes.push_back(Param::numpy_integer(l.size(), "np.int64"));
  std::vector<Value> parts = lax::split(arr, sizes, axis);
  std::vector<Value> out;
  for (size_t i = 0; i < like.size(); ++i) {
    Shape shape(arr.shape().begin(), arr.shape().begin() + axis);
    shape.insert(shape.end(), like[i].shape().begin(), like[i].shape().end());
    shape.insert(shape.end(), arr.shape().begin() + axis + 1, arr.shape().end());
    Value part = parts[i].shape() == shape ? parts[i] : lax::reshape(parts[i], shape);
    const Value& ex = example ? *example : like[i];
    bool same = part.dtype() == ex.dtype() && part.weak_type() == ex.weak_type();
    out.push_back(same && !always_convert ? part : lax::convert_element_type(part, ex.dtype(), ex.weak_type()));
  }
  return out;
}

// JAX's _std_basis: the identity of size (total size of the leaves), split
// into one [n, *leaf.shape] piece per leaf.
std::vector<Value> std_basis(const std::vector<Value>& leaves) {
  int64_t n = 0;
  DType dtype = leaves.empty() ? DType::F32 : leaves[0].dtype();
  for (const Value& l : leaves) {
    n += l.size();
    dtype = promote_types({dtype, false}, {l.dtype(), l.weak_type()}).dtype;
  }
  return unravel(leaves, 1, nullptr, eye(n, dtype), true);
}

// The structure `def` with the subtree per_leaf[k] in place of its k-th leaf
// (a Jacobian has the output's structure of the inputs' structure).
Tree graft(const TreeDef& def, const std::vector<Tree>& per_leaf, size_t& k) {
  switch (def.kind) {
    case Tree::Kind::Leaf: return per_leaf.at(k++);
    case Tree::Kind::None: return Tree::none();
    case Tree::Kind::Static: return Tree::static_value(def.static_value);
    case Tree::Kind::Tuple:
    case Tree::Kind::List: {
      std::vector<Tree> c;
      for (const TreeDef& cd : def.children) c.push_back(graft(cd, per_leaf, k));
      return def.kind == Tree::Kind::Tuple ? Tree::tuple(std::move(c)) : Tree::list(std::move(c));
    }
    case Tree::Kind::Dict: {
      std::vector<std::pair<std::string, Tree>> c;
      for (size_t i = 0; i < def.children.size(); ++i) c.emplace_back(def.keys[i], graft(def.children[i], per_leaf, k));
      return Tree::dict(std::move(c));
    }
  }
  return Tree::none();
}

Tree graft(const TreeDef& def, const std::vector<Tree>& per_leaf) {
  size_t k = 0;
  return graft(def, per_leaf, k);
}

// A None axis spec; kNotMapped (-1) is a valid axis in a spec.
constexpr int kNoneAxis = std::numeric_limits<int>::min();

void flatten_axes(const Tree& spec, const Tree& tree, std::vector<int>& out, std::string_view what) {
  if (spec.kind() == Tree::Kind::Static || spec.kind() == Tree::Kind::None) {
    int d = spec.kind() == Tree::Kind::None ? kNoneAxis : static_cast<int>(spec.static_param().as_int());
    size_t n = tree_flatten(tree).first.size();
    out.insert(out.end(), n, d);
    return;
  }
  if (spec.kind() == Tree::Kind::Leaf)
    throw_value_error(std::string(what) + " must be ints, None, or pytrees of them; got an array");
  if (spec.kind() != tree.kind() || spec.children().size() != tree.children().size() || spec.keys() != tree.keys())
    throw_value_error(std::string(what) + " specification must be a tree prefix of the corresponding value, got " +
                      "specification " + tree_flatten(spec).second.str() + " for value tree " +
                      tree_flatten(tree).second.str() + ".");
  for (size_t i = 0; i < spec.children().size(); ++i) flatten_axes(spec[i], tree[i], out, what);
}

std::vector<int> prefix_axes(const Tree& spec, const Tree& tree, std::string_view what) {
  std::vector<int> out;
  flatten_axes(spec, tree, out, what);
  return out;
}

}  // namespace

Tree axis(int i) { return Tree::static_value(Param::integer(i)); }

TreeFn tree_fn(const Fn1& f) {
  return [f](const std::vector<Tree>& a) { return Tree(f(a.at(0).leaf())); };
}

Fn1 value_fn(const TreeFn& f) {
  return [f](const Value& x) { return f({Tree(x)}).leaf(); };
}

// --- forward mode ---------------------------------------------------------

std::pair<Tree, Tree> jvp(const TreeFn& f, const std::vector<Tree>& primals, const std::vector<Tree>& tangents) {
  auto [pl, pdef] = tree_flatten(Tree::tuple(primals));
  auto [tl, tdef] = tree_flatten(Tree::tuple(tangents));
  if (!(pdef == tdef))
    throw_type_error("primal and tangent arguments to jax.jvp must have the same tree structure; primals have "
                     "tree structure " + pdef.str() + " whereas tangents have tree structure " + tdef.str() + ".");
  for (size_t i = 0; i < pl.size(); ++i) {
    if (pl[i].shape() != tl[i].shape())
      throw_value_error("jvp called with different primal and tangent shapes;Got primal shape " +
                        shape_tuple(pl[i].shape()) + " and tangent shape as " + shape_tuple(tl[i].shape()));
    if (is_floating(pl[i].dtype()) && pl[i].dtype() != tl[i].dtype())
      throw_type_error("primal and tangent arguments to jax.jvp do not match; dtypes must be equal, or in case of "
                       "int/bool primal dtype the tangent dtype must be float0.Got primal dtype " +
                       std::string(dtype_name(pl[i].dtype())) + " and so expected tangent dtype " + std::string(dtype_name(pl[i].dtype())) +
                       ", but got tangent dtype " + std::string(dtype_name(tl[i].dtype())) + " instead.");
    if (!is_floating(pl[i].dtype())) tl[i] = Value();
  }
  TreeDef out_def;
  JvpResult r = jvp_flat(flat_fn(f, pdef, &out_def), pl, tl);
  for (size_t i = 0; i < r.tangents.size(); ++i)
    r.tangents[i] = ad::instantiate_zeros(r.tangents[i], r.primals[i].aval());
  return {tree_unflatten(out_def, r.primals), tree_unflatten(out_def, r.tangents)};
}

std::pair<Value, Value> jvp(const Fn1& f, const Value& primal, const Value& tangent) {
  auto [p, t] = jvp(tree_fn(f), {Tree(primal)}, {Tree(tangent)});
  return {p.leaf(), t.leaf()};
}

// --- reverse mode -----------------------------------------------------------

LinearizeResult linearize(const TreeFn& f, const std::vector<Tree>& primals) {
  auto [pl, pdef] = tree_flatten(Tree::tuple(primals));
  auto out_def = std::make_shared<TreeDef>();
  auto lin = std::make_shared<Linearized>(linearize_flat(flat_fn(f, pdef, out_def.get()), pl));
  LinearizeResult r;
  r.out = tree_unflatten(*out_def, lin->primals_out);
  r.linear_jaxpr = lin->linear;
  r.f_jvp = [lin, pdef, out_def](const std::vector<Tree>& tangents) {
    auto [tl, tdef] = tree_flatten(Tree::tuple(tangents));
    if (!(tdef == pdef))
      throw_value_error("linearized function called on tangents of structure " + tdef.str() + ", expected " +
                        pdef.str());
    std::vector<Value> outs = apply_linearized(*lin, tl);
    for (size_t i = 0; i < outs.size(); ++i) outs[i] = ad::instantiate_zeros(outs[i], lin->out_avals[i]);
    return tree_unflatten(*out_def, outs);
  };
  return r;
}

VjpResult vjp(const TreeFn& f, const std::vector<Tree>& primals, bool has_aux) {
  auto [pl, pdef] = tree_flatten(Tree::tuple(primals));
  auto out_def = std::make_shared<TreeDef>();
  TreeDef aux_def;
  size_t num_aux = 0;
  FlatFn flat = [&](std::span<const Value> leaves) {
    Tree args = tree_unflatten(pdef, leaves);
    auto [out, aux] = split_aux(f(args.children()), has_aux);
    auto [outs, def] = tree_flatten(out);
    *out_def = std::move(def);
    auto [auxl, adef] = tree_flatten(aux);
    aux_def = std::move(adef);
    num_aux = auxl.size();
    outs.insert(outs.end(), auxl.begin(), auxl.end());
    return outs;
  };
  Linearized full = linearize_flat(flat, pl, &num_aux);
  auto lin = std::make_shared<Linearized>(std::move(full));
  VjpResult r;
  r.out = tree_unflatten(*out_def, lin->primals_out);
  if (has_aux) r.aux = tree_unflatten(aux_def, lin->aux);
  r.pullback = [lin, pdef, out_def](const Tree& ct) {
    auto [cl, cdef] = tree_flatten(ct);
    if (!(cdef == *out_def))
      throw_type_error("Tree structure of cotangent input " + cdef.str() +
                       ", does not match structure of primal output " + out_def->str() + ".");
    for (size_t i = 0; i < cl.size(); ++i)
      if (cl[i].shape() != lin->out_avals[i].shape)
        throw_value_error("unexpected JAX type (e.g. shape/dtype) for argument to vjp function: got " +
                          cl[i].aval().str_short() + ", but expected " +
                          ad::tangent_aval(lin->out_avals[i]).str_short() +
                          " because the corresponding output of the function had type " +
                          lin->out_avals[i].str_short());
    std::vector<Value> cts = pullback(*lin, cl);
    for (size_t i = 0; i < cts.size(); ++i) cts[i] = ad::instantiate_zeros(cts[i], lin->in_avals[i]);
    Tree tuple = tree_unflatten(pdef, cts);
    return tuple.children();
  };
  return r;
}

namespace {

// Shared by grad and value_and_grad: ((value, aux), grads).
std::pair<Tree, Tree> value_aux_and_grad(const TreeFn& f, const GradOptions& o, const std::vector<Tree>& args,
                                         std::string_view who, Tree* aux) {
  Partial p = argnums_partial(f, args, o.argnums, who);
  for (const Tree& t : p.dyn)
    for (const Value& v : tree_flatten(t).first) check_grad_input(v, who, o.allow_int);
  VjpResult r = vjp(p.f, p.dyn, o.has_aux);
  check_scalar_output(r.out, who);
  // JAX seeds with one like the output, weak type included: a weak output
  // (a function of Python scalars) has weak gradients.
  const Value& out = r.out.leaf();
  std::vector<Tree> g = r.pullback(Tree(Array::scalar(1.0, out.dtype(), out.weak_type())));
  if (aux) *aux = r.aux;
  return {r.out, o.argnums_tuple ? Tree::tuple(g) : g.at(0)};
}

}  // namespace

TreeFn grad(TreeFn f, GradOptions o) {
  return [f = std::move(f), o](const std::vector<Tree>& args) {
    Tree aux;
    auto [value, g] = value_aux_and_grad(f, o, args, "grad", &aux);
    return o.has_aux ? Tree::tuple({g, aux}) : g;
  };
}

TreeFn value_and_grad(TreeFn f, GradOptions o) {
  return [f = std::move(f), o](const std::vector<Tree>& args) {
    Tree aux;
    auto [value, g] = value_aux_and_grad(f, o, args, "value_and_grad", &aux);
    return o.has_aux ? Tree::tuple({Tree::tuple({value, aux}), g}) : Tree::tuple({value, g});
  };
}

Fn1 grad(const Fn1& f) { return value_fn(grad(tree_fn(f))); }

// --- Jacobians -------------------------------------------------------------

TreeFn jacfwd(TreeFn f, JacOptions o) {
  return [f = std::move(f), o](const std::vector<Tree>& args) {
    Partial p = argnums_partial(f, args, o.argnums, "jacfwd");
    auto [dyn_leaves, dyn_def] = tree_flatten(Tree::tuple(p.dyn));
    for (const Value& v : dyn_leaves)
      if (!is_floating(v.dtype()))
        throw_type_error("jacfwd requires real-valued inputs (input dtype that is a sub-dtype of np.floating), "
                         "but got " + std::string(dtype_name(v.dtype())) +
                         ". For holomorphic differentiation, pass holomorphic=True. For differentiation of "
                         "non-holomorphic functions involving complex inputs or integer inputs, use jax.jvp "
                         "directly.");
    std::vector<Value> basis = std_basis(dyn_leaves);
    // pushfwd(basis) = jvp(f, dyn, basis), mapped over the basis with
    // out_axes (None, -1).
    TreeDef y_def, aux_def;
    size_t ny = 0;
    FlatFn pushfwd = [&](std::span<const Value> tangents) {
      JvpResult r = jvp_flat(
          [&](std::span<const Value> leaves) {
            Tree dyn = tree_unflatten(dyn_def, leaves);
            auto [y, aux] = split_aux(p.f(dyn.children()), o.has_aux);
            auto [yl, yd] = tree_flatten(y);
            auto [al, ad_] = tree_flatten(aux);
            y_def = yd;
            aux_def = ad_;
            ny = yl.size();
            yl.insert(yl.end(), al.begin(), al.end());
            return yl;
          },
          dyn_leaves, std::vector<Value>(tangents.begin(), tangents.end()));
      std::vector<Value> outs = r.primals;
      for (size_t i = 0; i < ny; ++i) outs.push_back(ad::instantiate_zeros(r.tangents[i], r.primals[i].aval()));
      return outs;
    };
    int64_t n = basis.empty() ? 0 : basis[0].shape()[0];
    std::vector<int> in_dims(basis.size(), 0);
    BatchResult br = batch_flat(pushfwd, basis, in_dims, n);
    // Outputs: ny primals, the aux leaves, ny tangents (batched on -1).
    size_t naux = br.outs.size() - 2 * ny;
    std::vector<Value> auxs(br.outs.begin() + ny, br.outs.begin() + ny + naux);
    std::vector<Tree> per_y;
    for (size_t j = 0; j < ny; ++j) {
      const Value& y = br.outs[j];
      size_t t = ny + naux + j;
      int rank = br.outs[t].ndim() + (br.dims[t] == kNotMapped ? 1 : 0);
      Value jac = ad::matchaxis(br.outs[t], br.dims[t], rank - 1, n);
      Tree parts = tree_unflatten(dyn_def, unravel(dyn_leaves, rank - 1, &y, jac));
      per_y.push_back(o.argnums_tuple ? parts : parts[0]);
    }
    Tree result = graft(y_def, per_y);
    return o.has_aux ? Tree::tuple({result, tree_unflatten(aux_def, auxs)}) : result;
  };
}

TreeFn jacrev(TreeFn f, JacOptions o) {
  return [f = std::move(f), o](const std::vector<Tree>& args) {
    Partial p = argnums_partial(f, args, o.argnums, "jacrev");
    auto [dyn_leaves, dyn_def] = tree_flatten(Tree::tuple(p.dyn));
    for (const Value& v : dyn_leaves) check_grad_input(v, "jacrev", false);
    VjpResult r = vjp(p.f, p.dyn, o.has_aux);
    auto [yl, ydef] = tree_flatten(r.out);
    for (const Value& y : yl) check_real_output(y, "jacrev");
    std::vector<Value> basis = std_basis(yl);
    int64_t n = basis.empty() ? 0 : basis[0].shape()[0];
    FlatFn pull = [&, ydef = ydef](std::span<const Value> cts) {
      std::vector<Tree> g = r.pullback(tree_unflatten(ydef, cts));
      return tree_flatten(Tree::tuple(g)).first;
    };
    std::vector<int> in_dims(basis.size(), 0);
    std::vector<int> out_dims(dyn_leaves.size(), 0);
    std::vector<Value> jac = vmap_flat(pull, basis, in_dims, out_dims, n);
    // jac[i]: [n, *x_i.shape]; unravel along 0 into one piece per y leaf.
    std::vector<std::vector<Value>> by_x;  // [x leaf][y leaf]
    for (size_t i = 0; i < jac.size(); ++i) by_x.push_back(unravel(yl, 0, &dyn_leaves[i], jac[i]));
    std::vector<Tree> per_y;
    for (size_t j = 0; j < yl.size(); ++j) {
      std::vector<Value> row;
      for (size_t i = 0; i < by_x.size(); ++i) row.push_back(by_x[i][j]);
      Tree t = tree_unflatten(dyn_def, row);
      per_y.push_back(o.argnums_tuple ? t : t[0]);
    }
    Tree result = graft(ydef, per_y);
    return o.has_aux ? Tree::tuple({result, r.aux}) : result;
  };
}

TreeFn hessian(TreeFn f, JacOptions o) { return jacfwd(jacrev(std::move(f), o), o); }

Fn1 jacfwd(const Fn1& f) { return value_fn(jacfwd(tree_fn(f))); }
Fn1 jacrev(const Fn1& f) { return value_fn(jacrev(tree_fn(f))); }
Fn1 hessian(const Fn1& f) { return value_fn(hessian(tree_fn(f))); }

// --- vmap -------------------------------------------------------------------

TreeFn vmap(TreeFn f, VmapOptions o) {
  return [f = std::move(f), o](const std::vector<Tree>& args) {
    Tree args_tree = Tree::tuple(args);
    Tree spec = o.in_axes;
    if (spec.kind() == Tree::Kind::List)
      throw_type_error("vmap in_axes must be an int, None, or a tuple of entries corresponding to the positional "
                       "arguments passed to the function, but got a list.");
    if (spec.kind() == Tree::Kind::Tuple && spec.children().size() != args.size())
      throw_value_error("vmap in_axes must be an int, None, or a tuple of entries corresponding to the positional "
                        "arguments passed to the function, but got len(in_axes)=" +
                        std::to_string(spec.children().size()) + ", len(args)=" + std::to_string(args.size()));
    std::vector<int> dims = prefix_axes(spec, args_tree, "vmap in_axes");
    auto [leaves, def] = tree_flatten(args_tree);
    std::vector<std::string> arg_paths;
    for (size_t a = 0; a < def.children.size(); ++a) {
      std::vector<std::string> ps;
      leaf_paths(def.children[a], "", ps);
      for (const std::string& p : ps) arg_paths.push_back(std::to_string(a) + p);
    }
    std::optional<int64_t> size = o.axis_size;
    std::vector<std::string> sizes_seen;
    bool mismatch = false;
    for (size_t i = 0; i < leaves.size(); ++i) {
      if (dims[i] == kNoneAxis) {
        dims[i] = kNotMapped;
        continue;
      }
      int nd = leaves[i].ndim();
      int d = dims[i] < 0 ? dims[i] + nd : dims[i];
      if (d < 0 || d >= nd)
        throw_value_error("vmap was requested to map its argument along axis " + std::to_string(dims[i]) +
                          ", which implies that its rank should be at least " +
                          std::to_string((dims[i] < 0 ? -dims[i] : dims[i] + 1)) + ", but is only " +
                          std::to_string(nd) + " (its shape is " + shape_tuple(leaves[i].shape()) + ")");
      dims[i] = d;
      int64_t s = leaves[i].shape()[d];
      sizes_seen.push_back("  * one axis had size " + std::to_string(s) + ": axis " + std::to_string(d) +
                           " of argument " + arg_paths[i] + " of type " + long_type(leaves[i].aval()));
      if (size && *size != s) mismatch = true;
      if (!size) size = s;
    }
    if (mismatch) {
      std::string msg = "vmap got inconsistent sizes for array axes to be mapped:\n";
      if (o.axis_size) msg += "  * the axis_size argument was " + std::to_string(*o.axis_size) + ";\n";
      for (size_t i = 0; i < sizes_seen.size(); ++i)
        msg += sizes_seen[i] + (i + 1 < sizes_seen.size() ? ";\n" : "");
      throw_value_error(msg);
    }
    if (!size)
      throw_value_error("vmap must have at least one non-None value in in_axes");
    TreeDef out_def;
    BatchResult r = batch_flat(flat_fn(f, def, &out_def), leaves, dims, *size);
    Tree out_tree = tree_unflatten(out_def, r.outs);
    std::vector<int> out_dims =
        prefix_axes(o.out_axes_thunk ? o.out_axes_thunk() : o.out_axes, out_tree, "vmap out_axes");
    std::vector<std::string> out_paths;
    leaf_paths(out_def, "", out_paths);
    std::vector<Value> outs;
    for (size_t i = 0; i < r.outs.size(); ++i) {
      int dst = out_dims[i];
      int rank = r.outs[i].ndim() + (r.dims[i] == kNotMapped ? 1 : 0);
      if (dst == kNoneAxis)
        dst = kNotMapped;
      else if (dst < 0)
        dst += rank;
      if (dst == kNotMapped && r.dims[i] != kNotMapped)
        throw_value_error("at vmap out_axes" + out_paths[i] + ", got axis spec None but output was batched on axis " +
                          std::to_string(r.dims[i]));
      outs.push_back(ad::matchaxis(r.outs[i], r.dims[i], dst, *size));
    }
    return tree_unflatten(out_def, outs);
  };
}

Fn1 vmap(const Fn1& f, int in_axis, int out_axis) {
  VmapOptions o;
  o.in_axes = axis(in_axis);
  o.out_axes = axis(out_axis);
  return value_fn(vmap(tree_fn(f), o));
}

}  // namespace jxr
