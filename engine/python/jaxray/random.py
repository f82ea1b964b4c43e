"""jax.random on the jaxray engine: threefry keys and samplers whose values
equal JAX 0.10.2's for the same key.

Keys are raw uint32[2] arrays, what jax.random.PRNGKey returns. JAX's typed
keys (jax.random.key) are not modelled: key() is PRNGKey, and key_data /
wrap_key_data are identities on raw keys.
"""
import math

import numpy as _np

from . import numpy as jnp
from ._jaxray import random as _C

__all__ = ["PRNGKey", "key", "key_data", "wrap_key_data", "split", "fold_in", "bits", "uniform", "normal",
           "bernoulli", "randint", "permutation", "choice", "gumbel", "categorical", "truncated_normal"]

_F32_TINY = float(_np.finfo(_np.float32).tiny)


def _shape(shape, name):
    if isinstance(shape, (int, _np.integer)) or not hasattr(shape, "__iter__"):
        raise TypeError(f"Shapes must be 1D sequences of concrete values of integer type, got {shape!r}.")
    shape = tuple(int(d) for d in shape)
    if any(d < 0 for d in shape):
        raise ValueError(f"{name}: negative dimensions are not allowed in shape {shape}")
    return shape


def _float_dtype(dtype, name):
    """The sampler's dtype: float32, the one float dtype the engine samples."""
    dt = _np.dtype(_np.float32 if dtype is None else dtype)
    if not _np.issubdtype(dt, _np.floating):
        raise ValueError(f"dtype argument to `{name}` must be a float dtype, got {dt}")
    if dt != _np.float32:
        raise NotImplementedError(f"jaxray.random.{name}: only float32 samples are supported, got {dt}")
    return dt


def _scalar(x):
    """x as a Python number when it is a concrete scalar, else None."""
    if isinstance(x, (int, float, _np.number)):
        return x
    if isinstance(x, jnp.ndarray) and not x.is_tracer and x.ndim == 0:
        return x.item()
    if isinstance(x, _np.ndarray) and x.ndim == 0:
        return x.item()
    return None


def PRNGKey(seed):
    """A raw uint32[2] key from an integer seed."""
    s = _scalar(seed)
    if s is None or not float(s).is_integer():
        raise TypeError(f"PRNGKey accepts a scalar integer seed, got {seed!r}")
    return _C.PRNGKey(int(s))


key = PRNGKey


def key_data(keys):
    return keys


def wrap_key_data(key_bits_array):
    return jnp.asarray(key_bits_array, dtype=jnp.uint32)


def split(key, num=2):
    """num new keys, shape (num, 2); num may be a shape."""
    if isinstance(num, (tuple, list)):
        shape = _shape(num, "split")
        return _C.split(key, math.prod(shape)).reshape(shape + (2,))
    return _C.split(key, int(num))


def fold_in(key, data):
    if _np.ndim(data):
        raise TypeError("fold_in accepts a scalar, but was given an array of"
                        f"shape {_np.shape(data)} != (). Use jax.vmap for batching.")
    d = _scalar(data)
    if d is None:
        raise NotImplementedError("jaxray.random.fold_in: data must be a concrete integer")
    return _C.fold_in(key, int(d) % 2 ** 32)


def bits(key, shape=(), dtype=None):
    dt = _np.dtype(_np.uint32 if dtype is None else dtype)
    if dt != _np.uint32:
        raise NotImplementedError(f"jaxray.random.bits: only uint32 bits are supported, got {dt}")
    return _C.bits(key, _shape(shape, "bits"))


def uniform(key, shape=(), dtype=None, minval=0.0, maxval=1.0):
    """Samples in [minval, maxval)."""
    _float_dtype(dtype, "uniform")
    shape = _shape(shape, "uniform")
    lo, hi = _scalar(minval), _scalar(maxval)
    if lo is not None and hi is not None:
        return _C.uniform(key, shape, float(lo), float(hi))
    # Array bounds: JAX's own scaling of the [0, 1) samples, which the engine
    # applies for scalar bounds (u * 1 + 0 leaves them exact).
    lo = jnp.asarray(minval, dtype=jnp.float32)
    hi = jnp.asarray(maxval, dtype=jnp.float32)
    return jnp.maximum(lo, _C.uniform(key, shape, 0.0, 1.0) * (hi - lo) + lo)


def normal(key, shape=(), dtype=None):
    _float_dtype(dtype, "normal")
    return _C.normal(key, _shape(shape, "normal"))


def bernoulli(key, p=0.5, shape=None):
    """Booleans that are True with probability p (shape defaults to p's)."""
    if not _np.issubdtype(jnp.asarray(p).dtype, _np.floating):
        raise TypeError(f"bernoulli probability `p` must have a floating dtype, got {jnp.asarray(p).dtype}.")
    shape = _np.shape(p) if shape is None else _shape(shape, "bernoulli")
    q = _scalar(p)
    if q is not None:
        return _C.bernoulli(key, float(q), shape)
    return uniform(key, shape) < p


def randint(key, shape, minval, maxval, dtype=jnp.int32):
    """int32 samples in [minval, maxval)."""
    dt = _np.dtype(dtype)
    if not _np.issubdtype(dt, _np.integer):
        raise TypeError(f"randint only accepts integer dtypes, got {dt}")
    if dt not in (_np.int32, _np.int64):
        raise NotImplementedError(f"jaxray.random.randint: only int32 samples are supported, got {dt}")
    lo, hi = _scalar(minval), _scalar(maxval)
    if lo is None or hi is None:
        raise NotImplementedError("jaxray.random.randint: minval and maxval must be concrete scalars")
    return _C.randint(key, _shape(shape, "randint"), int(lo), int(hi))


def permutation(key, x, axis=0, independent=False):
    """A shuffled arange(x) for an integer x, else x shuffled along axis 0."""
    if axis != 0 or independent:
        raise NotImplementedError("jaxray.random.permutation: only axis=0 and independent=False are supported")
    n = _scalar(x)
    if n is not None and _np.issubdtype(_np.asarray(n).dtype, _np.integer):
        return _C.permutation(key, int(n))
    return _C.permutation(key, jnp.asarray(x))


def choice(key, a, shape=(), replace=True, p=None, axis=0):
    """Samples of a (or of arange(a)) along axis 0, as JAX draws them."""
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape argument of jax.random.choice must be a sequence, got {shape}")
    if axis != 0:
        raise NotImplementedError("jaxray.random.choice: only axis=0 is supported")
    shape = _shape(shape, "choice")
    arr = jnp.asarray(a)
    n_inputs = int(a) if arr.ndim == 0 else arr.shape[0]
    n_draws = math.prod(shape)
    if n_draws == 0:
        return jnp.zeros(shape, dtype=arr.dtype)
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(f"Cannot take a larger sample (size {n_draws}) than population (size {n_inputs}) when "
                         "'replace=False'")
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n_inputs)
            result = ind if arr.ndim == 0 else arr[ind]
        else:
            result = permutation(key, n_inputs if arr.ndim == 0 else arr)[:n_draws]
    else:
        if not replace:
            raise NotImplementedError("jaxray.random.choice: p with replace=False needs top_k, which jaxray lacks")
        p_arr = jnp.asarray(p)
        if p_arr.shape != (n_inputs,):
            raise ValueError("p must be None or a 1D vector with the same size as a.shape[axis]. "
                             f"p has shape {p_arr.shape} and a.shape[axis] is {n_inputs}.")
        p_cuml = jnp.cumsum(p_arr)
        r = p_cuml[-1] * (1 - uniform(key, shape))
        # searchsorted(p_cuml, r), side left: how many cumulative sums lie below r.
        ind = jnp.sum(jnp.expand_dims(r, -1) > p_cuml, axis=-1)
        result = ind if arr.ndim == 0 else arr[ind]
    return result.reshape(shape if arr.ndim == 0 else shape + arr.shape[1:])


def gumbel(key, shape=(), dtype=None, mode=None):
    """Standard Gumbel samples (JAX's default "low" mode)."""
    _float_dtype(dtype, "gumbel")
    if mode not in (None, "low"):
        raise NotImplementedError(f"jaxray.random.gumbel: only mode='low' is supported, got {mode!r}")
    return -jnp.log(-jnp.log(uniform(key, shape, minval=_F32_TINY, maxval=1.0)))


def categorical(key, logits, axis=-1, shape=None, replace=True, mode=None):
    """Samples of categories with log-probabilities logits (the Gumbel-max trick)."""
    if not replace:
        raise NotImplementedError("jaxray.random.categorical: replace=False needs top_k, which jaxray lacks")
    logits = jnp.asarray(logits)
    ndim = logits.ndim
    axis = axis - ndim if axis >= 0 else axis
    batch_shape = tuple(d for i, d in enumerate(logits.shape) if i != axis % ndim)
    if shape is None:
        shape = batch_shape
    else:
        shape = _shape(shape, "categorical")
        if shape[len(shape) - len(batch_shape):] != batch_shape:
            raise ValueError("categorical parameter shapes must be broadcast-compatible with shape argument, and "
                             "the result of broadcasting the shapes must equal the shape argument, but got result "
                             f"{batch_shape} for shape argument {shape}.")
    prefix = shape[:len(shape) - len(batch_shape)]
    logits_shape = list(shape[len(shape) - len(batch_shape):])
    logits_shape.insert(axis % ndim, logits.shape[axis])
    noise = gumbel(key, (*prefix, *logits_shape), mode=mode)
    return jnp.argmax(noise + jnp.expand_dims(logits, tuple(range(len(prefix)))), axis=axis)


def truncated_normal(key, lower, upper, shape=None, dtype=None):
    """Normal samples conditioned on lower < x < upper (scalar bounds)."""
    _float_dtype(dtype, "truncated_normal")
    lo, hi = _scalar(lower), _scalar(upper)
    if lo is None or hi is None:
        raise NotImplementedError("jaxray.random.truncated_normal: lower and upper must be concrete scalars")
    return _C.truncated_normal(key, () if shape is None else _shape(shape, "truncated_normal"), float(lo), float(hi))
