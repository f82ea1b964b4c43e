// The transformations of jax/_src/api.py over pytree functions: jvp,
// linearize, vjp, grad, value_and_grad, jacfwd, jacrev, hessian and vmap.
// Each returns or takes TreeFn so that they nest: grad(grad(f)),
// vmap(grad(f)), jacfwd(jacrev(f)), jit(grad(f)) ...
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "engine/ad/ad.h"
#include "engine/api.h"

namespace jxr {

using Fn1 = std::function<Value(const Value&)>;

// jax.jvp(f, primals, tangents): (f(*primals), the tangent of the output).
// `tangents` has the structure of `primals`.
std::pair<Tree, Tree> jvp(const TreeFn& f, const std::vector<Tree>& primals, const std::vector<Tree>& tangents);
std::pair<Value, Value> jvp(const Fn1& f, const Value& primal, const Value& tangent);

// jax.linearize: f's output and its linear map of input tangents.
struct LinearizeResult {
  Tree out;
  std::function<Tree(const std::vector<Tree>& tangents)> f_jvp;
  ClosedJaxpr linear_jaxpr;  // what f_jvp evaluates (residuals as consts)
};
LinearizeResult linearize(const TreeFn& f, const std::vector<Tree>& primals);

// jax.vjp: f's output, the pullback from an output cotangent to one
// cotangent per primal, and the aux output when has_aux.
struct VjpResult {
  Tree out;
  std::function<std::vector<Tree>(const Tree& ct)> pullback;
  Tree aux;
};
VjpResult vjp(const TreeFn& f, const std::vector<Tree>& primals, bool has_aux = false);

struct GradOptions {
  std::vector<int> argnums = {0};
  bool argnums_tuple = false;  // argnums given as a tuple: grads come back as a tuple
  bool has_aux = false;
  bool allow_int = false;
};
// jax.grad / jax.value_and_grad. The gradient of a scalar-output f with
// respect to argnums; with has_aux f returns (output, aux) and the result is
// (grads, aux) / ((value, aux), grads).
TreeFn grad(TreeFn f, GradOptions opts = {});
TreeFn value_and_grad(TreeFn f, GradOptions opts = {});
Fn1 grad(const Fn1& f);

// jax.jacfwd (vmap of jvp over the standard basis), jax.jacrev (vmap of the
// pullback), jax.hessian (jacfwd of jacrev).
struct JacOptions {
  std::vector<int> argnums = {0};
  bool argnums_tuple = false;
  bool has_aux = false;
};
TreeFn jacfwd(TreeFn f, JacOptions opts = {});
TreeFn jacrev(TreeFn f, JacOptions opts = {});
TreeFn hessian(TreeFn f, JacOptions opts = {});
Fn1 jacfwd(const Fn1& f);
Fn1 jacrev(const Fn1& f);
Fn1 hessian(const Fn1& f);

// Axis specifications for vmap: a pytree prefix of the arguments (or of the
// output) whose leaves are `axis(i)` or `Tree::none()` (not mapped).
Tree axis(int i);
struct VmapOptions {
  Tree in_axes = axis(0);  // one spec for all args, or a tuple with one per arg
  Tree out_axes = axis(0);
  std::optional<int64_t> axis_size;  // required when no input is mapped
  // When set, gives out_axes after f has run (JAX's out_axes_thunk): a
  // frontend that flattens outputs itself learns their structure then.
  std::function<Tree()> out_axes_thunk;
};
TreeFn vmap(TreeFn f, VmapOptions opts = {});
Fn1 vmap(const Fn1& f, int in_axis = 0, int out_axis = 0);

// Adapters between single-value and tree functions.
TreeFn tree_fn(const Fn1& f);
Fn1 value_fn(const TreeFn& f);

}  // namespace jxr
