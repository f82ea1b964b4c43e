"""jax.custom_jvp and jax.custom_vjp on the engine's custom_jvp_call and
custom_vjp_call primitives.

Pytrees are flattened here: the engine sees functions of leaves returning
tuples of leaves. Arguments in nondiff_argnums never reach the engine: as in
JAX they are closed over by the function and handed to the rules as they are.
"""
import functools
import inspect

import numpy as _np

from . import _jaxray as _C
from .tree_util import tree_flatten, tree_map, tree_unflatten

__all__ = ["custom_jvp", "custom_vjp"]


def _fun_name(fun):
    name = getattr(fun, "__name__", None)
    if name is not None:
        return name
    if isinstance(fun, functools.partial):
        return _fun_name(fun.func)
    return "<unnamed function>"


def _nondiff_argnums(fun, nondiff_argnums, nondiff_argnames):
    nums = set((nondiff_argnums,) if isinstance(nondiff_argnums, int) else nondiff_argnums)
    if nondiff_argnames:
        names = (nondiff_argnames,) if isinstance(nondiff_argnames, str) else tuple(nondiff_argnames)
        params = list(inspect.signature(fun).parameters)
        nums.update(params.index(n) for n in names if n in params)
    return tuple(sorted(nums))


def _resolve_kwargs(fun, args, kwargs, kind, name):
    """All arguments as positional ones, defaults included, as JAX binds them."""
    try:
        bound = inspect.signature(fun).bind(*args, **kwargs)
    except (TypeError, ValueError) as e:
        raise TypeError(f"The input arguments to the {kind}-decorated function {name} could not be resolved to "
                        f"positional-only arguments. Binding failed with the error:\n{e}") from e
    bound.apply_defaults()
    if bound.kwargs:
        raise TypeError(f"The input arguments to the {kind}-decorated function {name} could not be resolved to "
                        "positional-only arguments: keyword-only arguments are not supported.")
    return bound.args


def _aval(x):
    a = _C.numpy.asarray(x)
    return a.shape, a.dtype, a.aval_str


def _typed_tree(treedef, aval_strs):
    return str(tree_unflatten(treedef, list(aval_strs))).replace("'", "")


class _Outputs:
    """What f's flat version learned when it ran: its output structure and types."""
    treedef = None
    leaves = None


def _flat_fun(fun, in_tree, out):
    def flat(*leaves):
        result, out.treedef = tree_flatten(fun(*tree_unflatten(in_tree, leaves)))
        out.leaves = [_aval(x) for x in result]
        return tuple(result)
    return flat


def _check_primal_out(rule, kind, primal_name, out, treedef, leaves):
    """The rule's primal output has f's structure and leaf types (once f ran)."""
    if out.treedef is None:
        return
    if treedef != out.treedef:
        what = "container/pytree structure"
    elif [a[:2] for a in map(_aval, leaves)] != [a[:2] for a in out.leaves]:
        what = "shapes/dtypes"
    else:
        return
    raise TypeError(f"{rule} for function {primal_name} must produce a pair (list or tuple of length two) where the "
                    f"first element represents the primal output (equal to the output of the {kind}-decorated "
                    f"function {primal_name}), but instead the rule output's first element had {what}:\n"
                    f"    {_typed_tree(treedef, (_aval(x)[2] for x in leaves))}\nwhile the {kind}-decorated function "
                    f"{primal_name} had output {what}:\n    {_typed_tree(out.treedef, (a[2] for a in out.leaves))}.")


def _stop_gradient(x):
    return tree_map(lambda l: _C.lax.stop_gradient(l) if isinstance(l, _C.Array) and l.is_tracer else l, x)


def _split_nondiff(args, nondiff):
    static = [args[i] for i in nondiff]
    dyn = tuple(a for i, a in enumerate(args) if i not in nondiff)

    def merge(dyn_args):
        it = iter(dyn_args)
        return [args[i] if i in nondiff else next(it) for i in range(len(args))]
    return static, dyn, merge


class custom_jvp:
    """A function with a custom JVP rule (jax.custom_jvp): a decorator, with
    defjvp (or defjvps) to give the rule."""

    def __init__(self, fun, nondiff_argnums=(), nondiff_argnames=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff_argnums(fun, nondiff_argnums, nondiff_argnames)
        self.jvp = None
        self.symbolic_zeros = False

    def __getattr__(self, name):
        # As JAX's forward_attr: a decorator stacked on another (custom_jvp of
        # a custom_vjp ...) reaches the inner one's def* methods.
        if name.startswith("def"):
            return getattr(self.fun, name)
        raise AttributeError(name)

    def defjvp(self, jvp, symbolic_zeros=False):
        """jvp(*nondiff_args, primals, tangents) -> (primal_out, tangent_out); returns jvp."""
        if symbolic_zeros:
            raise NotImplementedError("jaxray: custom_jvp rules with symbolic_zeros=True are not supported")
        self.jvp = jvp
        return jvp

    def defjvps(self, *jvps):
        """One rule per argument, jvp_i(tangent_i, primal_out, *primals), summed; None for no dependence."""
        if self.nondiff_argnums:
            raise TypeError("Can't use ``defjvps`` with ``nondiff_argnums``.")

        def jvp(primals, tangents):
            primal_out = self(*primals)
            parts = [rule(t, primal_out, *primals) for t, rule in zip(tangents, jvps) if rule is not None]
            if not parts:
                return primal_out, tree_map(_C.numpy.zeros_like, primal_out)
            return primal_out, tree_map(lambda *ts: functools.reduce(_C.numpy.add, ts), *parts)
        self.defjvp(jvp)

    def __call__(self, *args, **kwargs):
        name = _fun_name(self.fun)
        if not self.jvp:
            raise AttributeError(f"No JVP defined for custom_jvp function {name} using defjvp.")
        args = _resolve_kwargs(self.fun, args, kwargs, "custom_jvp", name)
        fun, jvp, dyn = self.fun, self.jvp, args
        if self.nondiff_argnums:
            args = tuple(_stop_gradient(a) if i in self.nondiff_argnums else a for i, a in enumerate(args))
            static, dyn, merge = _split_nondiff(args, self.nondiff_argnums)
            fun = lambda *d: self.fun(*merge(d))
            jvp = lambda primals, tangents: self.jvp(*static, primals, tangents)
        jvp_name = _fun_name(self.jvp)
        leaves, in_tree = tree_flatten(dyn)
        out = _Outputs()

        def flat_jvp(primals, tangents):
            pair = jvp(tree_unflatten(in_tree, primals), tree_unflatten(in_tree, tangents))
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise TypeError(f"Custom JVP rule {jvp_name} for function {name} must produce a pair (list or tuple "
                                f"of length two) representing primal and tangent outputs, but got {pair}.")
            p_out, p_tree = tree_flatten(pair[0])
            t_out, t_tree = tree_flatten(pair[1])
            if p_tree != t_tree:
                raise TypeError(f"Custom JVP rule {jvp_name} for function {name} must produce primal and tangent "
                                "outputs with equal container (pytree) structures, but got "
                                f"{p_tree} and {t_tree} respectively.")
            _check_primal_out(f"Custom JVP rule {jvp_name}", "custom_jvp", name, out, p_tree, p_out)
            _check_tangents(p_out, t_out)
            return tuple(p_out), tuple(t_out)

        res = _C.custom_jvp_call(_flat_fun(fun, in_tree, out), flat_jvp, tuple(leaves), name, jvp_name)
        return tree_unflatten(out.treedef, res)


def _check_tangents(primals, tangents):
    bad = [(p, t) for p, t in zip(map(_aval, primals), map(_aval, tangents)) if p[:2] != t[:2]]
    if not bad:
        return
    if len(primals) == 1:
        (p, t), = bad
        raise TypeError("Custom JVP rule must produce primal and tangent outputs with corresponding shapes and "
                        f"dtypes. Expected {p[2]} (tangent type of {p[2]}) but got {t[2]}.")
    raise TypeError("Custom JVP rule must produce primal and tangent outputs with corresponding shapes and dtypes, "
                    "but got:\n" + "\n".join(f"  primal {p[2]} with tangent {t[2]}, expecting tangent {p[2]}"
                                             for p, t in bad))


class custom_vjp:
    """A function with a custom VJP rule (jax.custom_vjp): a decorator, with
    defvjp(fwd, bwd) to give the rule."""

    def __init__(self, fun, nondiff_argnums=(), nondiff_argnames=()):
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff_argnums(fun, nondiff_argnums, nondiff_argnames)
        self.fwd = None
        self.bwd = None
        self.symbolic_zeros = False

    __getattr__ = custom_jvp.__getattr__

    def defvjp(self, fwd, bwd, symbolic_zeros=False, optimize_remat=False):
        """fwd(*args) -> (out, residuals); bwd(*nondiff_args, residuals, ct) -> one cotangent (or None) per
        differentiable argument."""
        if symbolic_zeros or optimize_remat:
            raise NotImplementedError("jaxray: custom_vjp with symbolic_zeros or optimize_remat is not supported")
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args, **kwargs):
        name = _fun_name(self.fun)
        if not self.fwd or not self.bwd:
            raise AttributeError(f"No VJP defined for custom_vjp function {name} using defvjp.")
        args = _resolve_kwargs(self.fun, args, kwargs, "custom_vjp", name)
        fun, fwd, bwd, dyn = self.fun, self.fwd, self.bwd, args
        if self.nondiff_argnums:
            for i in self.nondiff_argnums:
                if any(isinstance(l, _C.Array) and l.is_tracer for l in tree_flatten(args[i])[0]):
                    raise _C.UnexpectedTracerError(
                        "Found a JAX Tracer object passed as an argument to a custom_vjp function in a position "
                        "indicated by nondiff_argnums as non-differentiable. Tracers cannot be passed as "
                        "non-differentiable arguments to custom_vjp functions; instead, nondiff_argnums should only "
                        "be used for arguments that can't be or contain JAX tracers, e.g. function-valued arguments. "
                        "In particular, array-valued arguments should typically not be indicated as nondiff_argnums.")
            static, dyn, merge = _split_nondiff(args, self.nondiff_argnums)
            fun = lambda *d: self.fun(*merge(d))
            fwd = lambda *d: self.fwd(*merge(d))
            bwd = lambda res, ct: self.bwd(*static, res, ct)
        fwd_name, bwd_name = _fun_name(self.fwd), _fun_name(self.bwd)
        leaves, in_tree = tree_flatten(dyn)
        in_avals = [_aval(x) for x in leaves]
        out = _Outputs()
        res_tree = []

        def flat_fwd(*primals):
            pair = fwd(*tree_unflatten(in_tree, primals))
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise TypeError(f"Custom VJP fwd rule {fwd_name} for function {name} must produce a pair (list or "
                                "tuple of length two) where the first element represents the primal output (equal "
                                f"to those of the custom_vjp-decorated function {name}) and the second element "
                                "represents residuals (i.e. values stored from the forward pass for use on the "
                                f"backward pass), but instead of a pair the fwd rule {fwd_name} produced {pair}.")
            p_out, p_tree = tree_flatten(pair[0])
            _check_primal_out(f"Custom VJP fwd rule {fwd_name}", "custom_vjp", name, out, p_tree, p_out)
            res, tree = tree_flatten(pair[1])
            res_tree[:] = [tree]
            return tuple(p_out), tuple(res)

        def flat_bwd(res, cts):
            cts_in = bwd(tree_unflatten(res_tree[0], res), tree_unflatten(out.treedef, cts))
            return tuple(_flat_cotangents(cts_in, in_tree, in_avals, bwd_name))

        res = _C.custom_vjp_call(_flat_fun(fun, in_tree, out), flat_fwd, flat_bwd, tuple(leaves), name, fwd_name,
                                 bwd_name)
        return tree_unflatten(out.treedef, res)


def _flat_cotangents(cts_in, in_tree, in_avals, bwd_name):
    """The bwd rule's cotangents as one leaf per argument leaf; None subtrees are zeros."""
    if isinstance(cts_in, list) and len(cts_in) == len(in_tree.children):
        cts_in = tuple(cts_in)
    if not isinstance(cts_in, tuple) or len(cts_in) != len(in_tree.children):
        raise TypeError("Custom VJP bwd rule must produce an output with the same container (pytree) structure as "
                        "the args tuple of the primal function, and in particular must produce a tuple of length "
                        "equal to the number of arguments to the primal function, but got bwd output structure "
                        f"{tree_flatten(cts_in)[1]} for primal input structure {in_tree}.")
    flat = []
    for ct, arg_tree in zip(cts_in, in_tree.children):
        if ct is None:
            flat.extend([None] * arg_tree.num_leaves)
            continue
        leaves = tree_flatten(ct, is_leaf=lambda x: x is None)[0]
        if len(leaves) != arg_tree.num_leaves:
            raise TypeError("Custom VJP bwd rule must produce an output with the same container (pytree) structure "
                            "as the args tuple of the primal function, but got bwd output structure "
                            f"{tree_flatten(cts_in)[1]} for primal input structure {in_tree}.")
        flat.extend(leaves)
    out = []
    for k, (ct, (shape, dtype, aval_str)) in enumerate(zip(flat, in_avals)):
        if ct is None:
            out.append(_C.numpy.zeros(shape, dtype))
            continue
        ct_shape, ct_dtype, ct_str = _aval(ct)
        # Integer inputs have no cotangent: the engine drops what bwd gave.
        if _np.issubdtype(dtype, _np.inexact) and (ct_shape != shape or ct_dtype != dtype):
            raise ValueError("Custom VJP bwd rule must produce an output with the same type as the args tuple of the "
                             f"primal function, but at output leaf {k} the bwd rule {bwd_name} produced an output of "
                             f"type {ct_str} corresponding to an input of type {aval_str}")
        out.append(ct)
    return out
