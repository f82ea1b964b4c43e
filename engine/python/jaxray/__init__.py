"""jaxray: JAX's API on the jaxray engine.

The transformations take and return pytrees; they flatten them here and hand
the engine (jaxray._jaxray) functions of tuples of leaves, so that any pytree
node type registered with jaxray.tree_util works.
"""
import functools
import inspect
import os as _os

import numpy as _np

from . import _jaxray as _C
from . import tree_util
from ._traceback import api_boundary
from .tree_util import tree_flatten, tree_unflatten

__version__ = "0.1.0"

Array = _C.Array
UnexpectedTracerError = _C.UnexpectedTracerError
ConcretizationTypeError = _C.ConcretizationTypeError


def _array_repr(self):
    if self.is_tracer:
        return f"Traced<{self.aval_str}>"
    body = _np.array2string(_np.asarray(self), separator=", ", prefix="Array(")
    return f"Array({body}, dtype={self.dtype})"


Array.__repr__ = _array_repr
Array.__str__ = lambda self: (repr(self) if self.is_tracer else str(_np.asarray(self)))
Array.__iter__ = lambda self: (self[i] for i in range(len(self)))


def _array_format(self, spec):
    value = _np.asarray(self)
    return format(value[()] if value.ndim == 0 else value, spec)


def _array_index(self):
    if self.ndim != 0 or not _np.issubdtype(self.dtype, _np.integer):
        raise TypeError("Only integer scalar arrays can be converted to a scalar index.")
    return int(self)


def _array_reduce(self):
    if self.is_tracer:
        raise TypeError(f"cannot pickle a traced array ({self.aval_str}): pickle its concrete value instead")
    return (_unpickle_array, (_np.asarray(self),))


def _unpickle_array(value):
    return numpy.asarray(value)


Array.__format__ = _array_format
Array.__index__ = _array_index
Array.__round__ = lambda self, ndigits=None: numpy.round(self)
# Arrays are immutable: copies may share them.
Array.__copy__ = lambda self: self
Array.__deepcopy__ = lambda self, memo: self
Array.__reduce__ = _array_reduce


# --- flattening helpers -----------------------------------------------------

def _flatten_args(args):
    """Each positional argument as a tuple of its leaves, and its treedefs."""
    flat, defs = [], []
    for a in args:
        leaves, td = tree_flatten(a)
        flat.append(tuple(leaves))
        defs.append(td)
    return flat, defs


class _Out:
    """The output structure of a flattened function, known once it ran."""
    treedef = None
    aux_treedef = None


def _engine_out(tree, out):
    leaves, td = tree_flatten(tree)
    out.treedef = td
    return leaves[0] if td.kind == "leaf" else tuple(leaves)


def _from_engine(out_tree, treedef):
    leaves = [out_tree] if treedef.kind == "leaf" else list(out_tree)
    return treedef.unflatten(leaves)


def _flat_fun(fun, defs, out, has_aux=False):
    def flat(*arg_leaves):
        args = [td.unflatten(leaves) for td, leaves in zip(defs, arg_leaves)]
        result = fun(*args)
        if not has_aux:
            return _engine_out(result, out)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            raise TypeError("expected function with aux output to return a two-element tuple, but got type "
                            f"{type(result)} with value {result!r}")
        main, aux = result
        aux_leaves, out.aux_treedef = tree_flatten(aux)
        return (_engine_out(main, out), tuple(aux_leaves))
    return flat


def _argnums(argnums, nargs):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for a in nums:
        if not -nargs <= a < nargs:
            raise ValueError(f"argnums {a} is out of bounds for a function of {nargs} positional arguments")
    return [a % nargs for a in nums]


# --- transformations ----------------------------------------------------------

def make_jaxpr(fun, static_argnums=()):
    static = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    @api_boundary
    @functools.wraps(fun)
    def wrapped(*args):
        dyn = [a for i, a in enumerate(args) if i not in static]
        call = (lambda *d: fun(*_merge(args, static, d))) if static else fun
        flat, defs = _flatten_args(dyn)
        return _C.make_jaxpr(_flat_fun(call, defs, _Out()), *flat)
    return wrapped


def _merge(args, static, dyn):
    it = iter(dyn)
    return [args[i] if i in static else next(it) for i in range(len(args))]


def _static_args(fun, static_argnums, static_argnames):
    """Static positions and names, each completed from the other through fun's signature, as JAX does."""
    nums = {static_argnums} if isinstance(static_argnums, int) else set(static_argnums)
    names = {static_argnames} if isinstance(static_argnames, str) else set(static_argnames)
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        return nums, names
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    nums |= {i for i, n in enumerate(positional) if n in names}
    names |= {positional[i] for i in nums if i < len(positional) and params[i].kind != params[i].POSITIONAL_ONLY}
    return nums, names


def jit(fun, static_argnums=(), static_argnames=(), donate_argnums=(), donate_argnames=(), keep_unused=False,
        inline=False):
    """jax.jit. The donate_* and keep_unused options are accepted and have no effect: the engine never reuses an
    argument's buffer, and the jaxpr keeps every input."""
    static, names = _static_args(fun, static_argnums, static_argnames)
    name = getattr(fun, "__name__", "<lambda>")
    cache = {}

    @api_boundary
    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        static_kw = {k: v for k, v in kwargs.items() if k in names}
        dyn_kw = {k: v for k, v in kwargs.items() if k not in names}
        key = (tuple((i, args[i]) for i in sorted(static) if i < len(args)), tuple(sorted(static_kw.items())))
        try:
            hash(key)
        except TypeError as e:
            raise ValueError("Non-hashable static arguments are not supported. An error occurred while trying to "
                             f"hash an object of a static argument. The error was:\nTypeError: {e}") from None
        # Traced keyword arguments travel as one trailing dict argument.
        dyn = [a for i, a in enumerate(args) if i not in static] + [dyn_kw]
        flat, defs = _flatten_args(dyn)
        entry = cache.get((key, tuple(defs)))
        if entry is None:
            out = _Out()
            call = lambda *d: fun(*_merge(args, static, d[:-1]), **d[-1], **static_kw)
            entry = (_C.jit(_flat_fun(call, defs, out), name), out)
            cache[(key, tuple(defs))] = entry
        jitted, out = entry
        return _from_engine(jitted(*flat), out.treedef)
    return wrapped


def value_and_grad(fun, argnums=0, has_aux=False, allow_int=False):
    return _grad(fun, argnums, has_aux, allow_int, True)


def grad(fun, argnums=0, has_aux=False, allow_int=False):
    return _grad(fun, argnums, has_aux, allow_int, False)


def _grad(fun, argnums, has_aux, allow_int, with_value):
    @api_boundary
    @functools.wraps(fun)
    def wrapped(*args):
        c = _ByLeaf(fun, argnums, args, has_aux)
        res = _C.value_and_grad(c.fun, c.leaf_nums, True, has_aux, allow_int, with_value)(*c.leaves)
        grads_flat = res[1] if with_value else (res[0] if has_aux else res)
        g = c.regroup(grads_flat)
        aux = res[-1] if has_aux else None
        if with_value:
            value = res[0][0] if has_aux else res[0]
            value = _from_engine(value, c.out.treedef)
            if has_aux:
                return (value, c.out.aux_treedef.unflatten(list(res[0][1]))), g
            return value, g
        if has_aux:
            return g, c.out.aux_treedef.unflatten(list(aux))
        return g
    return wrapped


class _ByLeaf:
    """fun as an engine function of every leaf of its arguments (for grad and
    the jacobians): the engine differentiates with respect to the leaves of
    the `argnums` arguments, and regroup() puts per-leaf results back into
    those arguments' trees."""

    def __init__(self, fun, argnums, args, has_aux):
        self.argnums = argnums
        self.nums = _argnums(argnums, len(args))
        self.flat, self.defs = _flatten_args(args)
        self.out = _Out()
        flat_fun = _flat_fun(fun, self.defs, self.out, has_aux)
        sizes = [len(a) for a in self.flat]

        def leaf_fun(*leaves):
            grouped, k = [], 0
            for n in sizes:
                grouped.append(tuple(leaves[k:k + n]))
                k += n
            return flat_fun(*grouped)
        self.fun = leaf_fun
        self.leaves = [l for arg in self.flat for l in arg]
        offsets = [0]
        for n in sizes:
            offsets.append(offsets[-1] + n)
        self.leaf_nums = [k for i in self.nums for k in range(offsets[i], offsets[i + 1])]

    def regroup(self, leaf_values):
        """One tree per differentiated argument (just the tree when argnums is an int)."""
        trees, k = [], 0
        for i in self.nums:
            n = len(self.flat[i])
            trees.append(self.defs[i].unflatten(list(leaf_values[k:k + n])))
            k += n
        return trees[0] if isinstance(self.argnums, int) else tuple(trees)


@api_boundary
def jvp(fun, primals, tangents, has_aux=False):
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("primal and tangent arguments to jax.jvp must be tuples or lists; found "
                        f"{type(primals).__name__} and {type(tangents).__name__}.")
    pflat, pdefs = _flatten_args(primals)
    tflat, tdefs = _flatten_args(tangents)
    if pdefs != tdefs:
        raise TypeError("primal and tangent arguments to jax.jvp must have the same tree structure; primals have "
                        f"tree structure {tree_util.PyTreeDef('tuple', None, tuple(pdefs))} whereas tangents have "
                        f"tree structure {tree_util.PyTreeDef('tuple', None, tuple(tdefs))}.")
    out = _Out()
    p, t = _C.jvp(_flat_fun(fun, pdefs, out, has_aux), tuple(pflat), tuple(tflat))
    if has_aux:
        # The aux leaves went through as outputs; their tangents are dropped.
        (p, aux), t = p, t[0]
        return _from_engine(p, out.treedef), _from_engine(t, out.treedef), out.aux_treedef.unflatten(list(aux))
    return _from_engine(p, out.treedef), _from_engine(t, out.treedef)


@api_boundary
def vjp(fun, *primals, has_aux=False):
    flat, defs = _flatten_args(primals)
    out = _Out()
    res, pull, aux = _C.vjp(_flat_fun(fun, defs, out, has_aux), tuple(flat), has_aux)

    @api_boundary
    def vjp_fun(ct):
        leaves, td = tree_flatten(ct)
        if td != out.treedef:
            raise TypeError(f"Tree structure of cotangent input {td}, does not match structure of primal output "
                            f"{out.treedef}.")
        cts = pull(leaves[0] if td.kind == "leaf" else tuple(leaves))
        return tuple(d.unflatten(list(c)) for d, c in zip(defs, cts))

    result = _from_engine(res, out.treedef)
    if has_aux:
        return result, vjp_fun, out.aux_treedef.unflatten(list(aux))
    return result, vjp_fun


@api_boundary
def linearize(fun, *primals):
    flat, defs = _flatten_args(primals)
    out = _Out()
    res, f_jvp = _C.linearize(_flat_fun(fun, defs, out), tuple(flat))

    @api_boundary
    def lin(*tangents):
        tflat, _ = _flatten_args(tangents)
        return _from_engine(f_jvp(*tflat), out.treedef)
    return _from_engine(res, out.treedef), lin


def _jac(which, fun, argnums, has_aux):
    @api_boundary
    @functools.wraps(fun)
    def wrapped(*args):
        c = _ByLeaf(fun, argnums, args, has_aux)
        jac = which(c.fun, c.leaf_nums, True, has_aux)(*c.leaves)
        if has_aux:
            jac, aux = jac
        per_out = [jac] if c.out.treedef.kind == "leaf" else list(jac)
        blocks = []
        for block in per_out:
            if which is _C.hessian:
                # One row per leaf j, each a tuple over leaves i: arg(arg).
                block = [c.regroup(row) for row in block]
            blocks.append(c.regroup(block))
        if has_aux:
            return c.out.treedef.unflatten(blocks), c.out.aux_treedef.unflatten(list(aux))
        return c.out.treedef.unflatten(blocks)
    return wrapped


def jacfwd(fun, argnums=0, has_aux=False):
    return _jac(_C.jacfwd, fun, argnums, has_aux)


def jacrev(fun, argnums=0, has_aux=False):
    return _jac(_C.jacrev, fun, argnums, has_aux)


def hessian(fun, argnums=0, has_aux=False):
    return _jac(_C.hessian, fun, argnums, has_aux)


def vmap(fun, in_axes=0, out_axes=0, axis_size=None):
    if isinstance(in_axes, list):
        raise TypeError("vmap in_axes must be an int, None, or a tuple of entries corresponding to the positional "
                        "arguments passed to the function, but got a list.")

    @api_boundary
    @functools.wraps(fun)
    def wrapped(*args):
        flat, defs = _flatten_args(args)
        if isinstance(in_axes, tuple):
            if len(in_axes) != len(args):
                raise ValueError("vmap in_axes must be an int, None, or a tuple of entries corresponding to the "
                                 f"positional arguments passed to the function, but got len(in_axes)={len(in_axes)}, "
                                 f"len(args)={len(args)}")
            specs = [_broadcast_prefix(s, a) for s, a in zip(in_axes, args)]
        else:
            specs = [_broadcast_prefix(in_axes, a) for a in args]
        out = _Out()

        def out_thunk():
            per_leaf = _broadcast_prefix(out_axes, out.treedef.unflatten([0] * out.treedef.num_leaves))
            return per_leaf[0] if out.treedef.kind == "leaf" else tuple(per_leaf)

        res = _C.vmap(_flat_fun(fun, defs, out), tuple(tuple(s) for s in specs), out_thunk, axis_size)(*flat)
        return _from_engine(res, out.treedef)
    return wrapped


def _broadcast_prefix(spec, tree):
    """One axis (int or None) per leaf of `tree`, from a prefix spec."""
    if spec is None or isinstance(spec, int):
        return [spec] * tree_util.tree_structure(tree).num_leaves
    if isinstance(spec, dict):
        return [a for k in sorted(spec) for a in _broadcast_prefix(spec[k], tree[k])]
    if isinstance(spec, (tuple, list)):
        children = list(tree) if not isinstance(tree, dict) else [tree[k] for k in sorted(tree)]
        if len(spec) != len(children):
            raise ValueError(f"axis specification {spec!r} must be a tree prefix of the corresponding value")
        return [a for s, c in zip(spec, children) for a in _broadcast_prefix(s, c)]
    raise TypeError(f"vmap axis specifications must be ints, None, or tuples, lists or dicts of them; got {spec!r}")


def checkpoint(fun):
    @api_boundary
    @functools.wraps(fun)
    def wrapped(*args):
        flat, defs = _flatten_args(args)
        out = _Out()
        return _from_engine(_C.checkpoint(_flat_fun(fun, defs, out))(*flat), out.treedef)
    return wrapped


remat = checkpoint


def device_get(x):
    return tree_util.tree_map(lambda l: _np.asarray(l) if isinstance(l, Array) else l, x)


def block_until_ready(x):
    """Every engine computation has finished when it returns, so there is nothing to wait for."""
    return x


class ShapeDtypeStruct:
    """A shape and a dtype standing for an array (what eval_shape returns and accepts)."""
    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape, self.dtype = tuple(shape), _np.dtype(dtype)

    def __eq__(self, other):
        return isinstance(other, ShapeDtypeStruct) and (self.shape, self.dtype) == (other.shape, other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype))

    def __repr__(self):
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name})"


@api_boundary
def eval_shape(fun, *args):
    """The output's shapes and dtypes, found by tracing (nothing is computed)."""
    def example(leaf):
        if isinstance(leaf, ShapeDtypeStruct) or (hasattr(leaf, "shape") and hasattr(leaf, "dtype")):
            return numpy.zeros(leaf.shape, leaf.dtype)
        return leaf
    flat, defs = _flatten_args(tree_util.tree_map(example, args))
    out = _Out()
    cj = _C.make_jaxpr(_flat_fun(fun, defs, out), *flat)
    return out.treedef.unflatten([ShapeDtypeStruct(a.shape, a.dtype) for a in cj.out_avals])


class Device:
    """The one device of the engine: the host CPU."""
    platform = "cpu"
    device_kind = "cpu"
    id = 0
    process_index = 0

    def __repr__(self):
        return "CpuDevice(id=0)"


_CPU = Device()


def devices(backend=None):
    if backend not in (None, "cpu"):
        raise RuntimeError(f"Unknown backend {backend}: jaxray runs on the host CPU ('cpu')")
    return [_CPU]


local_devices = devices


def device_count(backend=None):
    return len(devices(backend))


local_device_count = device_count


def default_backend():
    return "cpu"


class _Config:
    """jax.config: update("jax_enable_x64", True) switches 64-bit types on, as in JAX."""

    def update(self, name, value):
        if name != "jax_enable_x64":
            raise AttributeError(f"jaxray.config has no option {name!r} (only jax_enable_x64)")
        _C.set_x64_enabled(bool(value))

    @property
    def jax_enable_x64(self):
        return _C.x64_enabled()


config = _Config()
# JAX reads the same variable when it starts.
if _os.environ.get("JAX_ENABLE_X64", "").lower() in ("1", "true", "yes", "on"):
    config.update("jax_enable_x64", True)


from . import numpy, nn, lax, tree, compat  # noqa: E402  (submodules use the names above)
from . import random  # noqa: E402
from ._custom import custom_jvp, custom_vjp  # noqa: E402
