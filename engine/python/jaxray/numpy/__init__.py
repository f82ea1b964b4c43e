"""jax.numpy on the jaxray engine."""
import builtins as _builtins
import functools as _functools
import operator as _operator

import numpy as _np

from .. import jit as _jit
from .. import lax as _lax
from .._jaxray import numpy as _C
from .._jaxray import Array as ndarray  # noqa: F401  (jnp.ndarray is jax.Array)
from . import linalg  # noqa: F401

float16, float32, float64 = _np.float16, _np.float32, _np.float64
int32, int64, uint32 = _np.int32, _np.int64, _np.uint32
bool_ = _np.bool_
number, inexact, floating, integer = _np.number, _np.inexact, _np.floating, _np.integer
signedinteger, unsignedinteger = _np.signedinteger, _np.unsignedinteger
issubdtype, finfo, iinfo = _np.issubdtype, _np.finfo, _np.iinfo
pi, e, inf, nan = _np.pi, _np.e, _np.inf, _np.nan
newaxis = None

for _name in dir(_C):
    if not _name.startswith("_") and _name != "linalg":
        globals()[_name] = getattr(_C, _name)
del _name

# Static queries: numpy's read .shape/.ndim/.size, which tracers have.
shape, ndim, size = _np.shape, _np.ndim, _np.size


def dtype(x):
    return _np.dtype(x)


def result_type(*args):
    """The dtype JAX's promotion gives `args` (arrays, scalars or dtypes)."""
    dtype_like = (type, _np.dtype, str)
    return _C._result_type(*(_np.zeros((), a) if isinstance(a, dtype_like) else a for a in args))


def _holds_array(obj):
    return isinstance(obj, (list, tuple)) and _builtins.any(
        isinstance(o, ndarray) or _holds_array(o) for o in obj)


def array(object, dtype=None, copy=True, order=None, ndmin=0):
    """jnp.array: nested sequences may hold arrays, traced ones included."""
    if _holds_array(object):
        leaves = [array(o, dtype) for o in object]
        dt = dtype or result_type(*leaves)
        out = _lax.concatenate([_lax.expand_dims(asarray(x, dtype=dt), (0,)) for x in leaves], 0)
    else:
        out = asarray(object, dtype=dtype)
    if ndmin > out.ndim:
        out = reshape(out, (1,) * (ndmin - out.ndim) + out.shape)
    return out


def _split(op, ary, indices_or_sections, axis):
    ary = asarray(ary)
    size_ = ary.shape[axis]
    if isinstance(indices_or_sections, (tuple, list)) or (
            isinstance(indices_or_sections, (_np.ndarray, ndarray)) and indices_or_sections.ndim > 0):
        bounds = _np.asarray([0] + [_operator.index(int(i)) for i in indices_or_sections] + [size_])
        sizes = list(_np.diff(bounds))
    else:
        sections = _operator.index(indices_or_sections)
        part, rest = divmod(size_, sections)
        if rest == 0:
            sizes = [part] * sections
        elif op == "array_split":
            sizes = [part + 1] * rest + [part] * (sections - rest)
        else:
            raise ValueError(f"array split does not result in an equal division: rest is {rest}")
    # JAX passes the sizes as np.int64, and its jaxprs print them so.
    return list(_lax.split(ary, [_np.int64(s) for s in sizes], axis=axis))


def split(ary, indices_or_sections, axis=0):
    return _split("split", ary, indices_or_sections, axis)


def array_split(ary, indices_or_sections, axis=0):
    return _split("array_split", ary, indices_or_sections, axis)


@_jit
def isinf(x):
    x = asarray(x)
    if issubdtype(x.dtype, floating):
        return _lax.eq(_lax.abs(x), inf)
    return full_like(x, False, dtype=bool_)


def _promote_inexact(*xs):
    """JAX's promote_args_inexact: one inexact dtype and broadcastable ranks."""
    dt = result_type(*xs)
    if not issubdtype(dt, inexact):
        dt = asarray(0.0).dtype
    xs = [asarray(x, dtype=dt) for x in xs]
    ranks = {x.ndim for x in xs if x.ndim}
    if len(ranks) > 1:
        xs = [broadcast_to(x, _np.broadcast_shapes(*(y.shape for y in xs))) for x in xs]
    return xs


@_functools.partial(_jit, static_argnames=("equal_nan",))
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    a, b = _promote_inexact(a, b)
    rtol = _lax.convert_element_type(rtol, a.dtype)
    atol = _lax.convert_element_type(atol, a.dtype)
    both_nan = logical_and(isnan(a), isnan(b))
    check_fin = isfinite(b)
    in_range = _lax.le(_lax.abs(_lax.sub(a, b)), _lax.add(atol, _lax.mul(rtol, _lax.abs(b))))
    out = logical_or(_lax.eq(a, b), logical_and(check_fin, in_range))
    return logical_or(out, both_nan) if equal_nan else out


@_functools.partial(_jit, static_argnames=("equal_nan",))
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return all(isclose(a, b, rtol, atol, equal_nan))


@_functools.partial(_jit, static_argnames=("axis", "stable", "descending"))
def argsort(a, axis=-1, *, stable=True, descending=False):
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    if not -a.ndim <= axis < _builtins.max(a.ndim, 1):
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {a.ndim}")
    dimension = axis % a.ndim if a.ndim else 0
    iota = _lax.broadcasted_iota(int32, a.shape, dimension)
    # Reversed first, equal keys keep their original order once reversed back.
    if descending and stable:
        a, iota = _lax.rev(a, (dimension,)), _lax.rev(iota, (dimension,))
    _, indices = _lax.sort_key_val(a, iota, dimension=dimension, is_stable=stable)
    return _lax.rev(indices, (dimension,)) if descending else indices


def _clip_by_keyword(arr, *, max=None, min=None):
    if min is not None:
        arr = maximum(min, arr)
    if max is not None:
        arr = minimum(max, arr)
    return arr


# Array.clip hands its bounds to jnp.clip by keyword, so JAX's jit orders
# them by name (max, then min); the function jnp.clip passes them in place.
_clip_by_keyword.__name__ = "clip"
_clip_by_keyword = _jit(_clip_by_keyword)
ndarray.clip = lambda self, min=None, max=None: _clip_by_keyword(self, max=max, min=min)
