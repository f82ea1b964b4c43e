"""jax.lax on the jaxray engine: the primitives' direct wrappers, and the
public compositions of them that JAX writes in Python."""
import enum as _enum
import functools as _functools

import numpy as _np

from . import jit as _jit
from ._jaxray import lax as _C

for _name in dir(_C):
    if not _name.startswith("_"):
        globals()[_name] = getattr(_C, _name)
del _name


class RoundingMethod(_enum.IntEnum):
    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def iota(dtype, size):
    return broadcasted_iota(dtype, (size,), 0)


def select(pred, on_true, on_false):
    return select_n(pred, on_false, on_true)


def reciprocal(x):
    return integer_pow(x, -1)


def full(shape, fill_value, dtype=None):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if _np.ndim(fill_value) != 0:
        raise TypeError(f"full must be called with scalar fill_value, got fill_value.shape {_np.shape(fill_value)}.")
    if dtype is not None:
        fill_value = convert_element_type(fill_value, dtype)
    return broadcast(fill_value, shape)


def full_like(x, fill_value, dtype=None, shape=None):
    return full(_np.shape(x) if shape is None else shape, fill_value, dtype or x.dtype)


def broadcast(operand, sizes):
    """Adds leading dimensions of `sizes` to the operand."""
    sizes = tuple(sizes)
    n = _np.ndim(operand)
    return broadcast_in_dim(operand, sizes + _np.shape(operand), tuple(range(len(sizes), len(sizes) + n)))


def dot(lhs, rhs, *, dimension_numbers=None, precision=None, preferred_element_type=None):
    if dimension_numbers is None:
        ls, rs = _np.shape(lhs), _np.shape(rhs)
        if not (1 <= len(ls) <= 2 and 1 <= len(rs) <= 2 and ls[-1] == rs[0]):
            raise TypeError(f"Incompatible shapes for dot: got {ls} and {rs}.")
        dimension_numbers = (([len(ls) - 1], [0]), ([], []))
    return dot_general(lhs, rhs, dimension_numbers, precision, preferred_element_type)


def sort_key_val(keys, values, dimension=-1, is_stable=True):
    return sort((keys, values), dimension=dimension, is_stable=is_stable, num_keys=1)


def _axis(axis, ndim):
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def slice_in_dim(operand, start_index, limit_index, stride=1, axis=0):
    shape = _np.shape(operand)
    axis = _axis(axis, len(shape))
    n = shape[axis]
    start = 0 if start_index is None else start_index + n if start_index < 0 else start_index
    limit = n if limit_index is None else limit_index + n if limit_index < 0 else limit_index
    starts, limits, strides = [0] * len(shape), list(shape), [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = start, limit, stride
    return slice(operand, starts, limits, strides)


def index_in_dim(operand, index, axis=0, keepdims=True):
    shape = _np.shape(operand)
    axis = _axis(axis, len(shape))
    index = index + shape[axis] if index < 0 else index
    result = slice_in_dim(operand, index, index + 1, 1, axis)
    return result if keepdims else squeeze(result, (axis,))


def dynamic_slice_in_dim(operand, start_index, slice_size, axis=0):
    shape = _np.shape(operand)
    axis = _axis(axis, len(shape))
    starts, sizes = [0] * len(shape), list(shape)
    starts[axis], sizes[axis] = start_index, slice_size
    return dynamic_slice(operand, starts, sizes)


@_functools.partial(_jit, static_argnames=("axis", "keepdims"))
def dynamic_index_in_dim(operand, index, axis=0, keepdims=True):
    result = dynamic_slice_in_dim(operand, index, 1, axis)
    return result if keepdims else squeeze(result, (_axis(axis, _np.ndim(operand)),))


def dynamic_update_slice_in_dim(operand, update, start_index, axis):
    ndim = _np.ndim(operand)
    starts = [0] * ndim
    starts[_axis(axis, ndim)] = start_index
    return dynamic_update_slice(operand, update, starts)


def collapse(operand, start_dimension, stop_dimension=None):
    shape = _np.shape(operand)
    stop = len(shape) if stop_dimension is None else stop_dimension
    new_shape = shape[:start_dimension] + (int(_np.prod(shape[start_dimension:stop])),) + shape[stop:]
    return reshape(operand, new_shape)


def _normalize_index(index, size):
    """Negative start indices count from the end, as JAX's allow_negative_indices."""
    if isinstance(index, (int, _np.integer)):
        return index + size if index < 0 else index
    if issubclass(_np.dtype(index.dtype).type, _np.unsignedinteger):
        return index
    negative = lt(index, 0)
    # lax.add makes a weak-typed index strong first, as in JAX.
    wrapped = add(convert_element_type(index, index.dtype), _np.asarray(size, index.dtype))
    return select(negative, wrapped, index)


def dynamic_slice(operand, start_indices, slice_sizes):
    starts = [_normalize_index(i, n) for i, n in zip(start_indices, _np.shape(operand))]
    return _C.dynamic_slice(operand, starts, slice_sizes)


def dynamic_update_slice(operand, update, start_indices):
    starts = [_normalize_index(i, n) for i, n in zip(start_indices, _np.shape(operand))]
    return _C.dynamic_update_slice(operand, update, starts)
