"""jax.nn on the jaxray engine.

Each function is written as JAX 0.10.2 writes it, so that its jaxpr prints
alike: relu and relu6 are custom_jvp functions of jitted bodies, most others
are jitted under their own names, and sigmoid, gelu, softmax and logsumexp
stage inline (softmax is JAX's default, non-custom_jvp version).
"""
import functools

import numpy as _np

from . import jit, lax
from . import numpy as jnp
from ._custom import custom_jvp
from ._jaxray import numpy as _C

__all__ = ["relu", "relu6", "sigmoid", "log_sigmoid", "softplus", "silu", "swish", "gelu", "elu", "leaky_relu",
           "celu", "selu", "tanh", "hard_tanh", "hard_sigmoid", "hard_silu", "hard_swish", "soft_sign", "mish",
           "softmax", "log_softmax", "logsumexp", "one_hot", "standardize"]


def _inexact(x):
    """x as an array of a floating dtype (JAX's promote_args_inexact of one argument)."""
    x = jnp.asarray(x)
    return x if _np.issubdtype(x.dtype, _np.inexact) else x.astype(jnp.float32)


def _axes(axis, ndim):
    axes = range(ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    return tuple(a % ndim for a in axes)


# --- rectifiers -------------------------------------------------------------

@custom_jvp
@jit
def relu(x):
    return jnp.maximum(x, 0)


# relu'(0) = 0, as JAX: a select rather than the derivative of max.
relu.defjvps(lambda g, ans, x: lax.select_n(x > 0, jnp.full_like(g, 0), g))


@custom_jvp
@jit
def relu6(x):
    return jnp.minimum(jnp.maximum(x, 0), 6.0)


relu6.defjvps(lambda g, ans, x: lax.select_n((x > 0) & (x < 6), jnp.full_like(g, 0), g))


@jit
def leaky_relu(x, negative_slope=0.01):
    return jnp.where(x >= 0, x, negative_slope * x)


@jit
def elu(x, alpha=1.0):
    # The inner where keeps expm1 away from large positive x.
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, 0.0, x)))


@jit
def celu(x, alpha=1.0):
    return jnp.maximum(x, 0.0) + alpha * jnp.expm1(jnp.minimum(x, 0.0) / alpha)


@jit
def selu(x):
    alpha = 1.6732632423543772
    scale = 1.0507009873554805
    return scale * elu(x, alpha)


@jit
def hard_tanh(x):
    return jnp.where(x > 1, 1, jnp.where(x < -1, -1, x))


# --- sigmoids and smooth rectifiers -----------------------------------------

def sigmoid(x):
    return lax.logistic(x)


tanh = jnp.tanh


def _logaddexp_impl(x1, x2):
    # JAX's lax logaddexp, which jnp.logaddexp calls.
    amax = lax.max(x1, x2)
    delta = lax.sub(x1, x2)
    is_nan = lax.ne(delta, delta)
    same_infinities = lax.add(x1, x2)
    return lax.select_n(is_nan, lax.add(amax, lax.log1p(lax.exp(lax.neg(lax.abs(delta))))), same_infinities)


_logaddexp_impl.__name__ = "logaddexp"  # the name its equations print
_logaddexp = custom_jvp(_logaddexp_impl)


def _replace_inf(x):
    return lax.select_n(lax.eq(x, float("inf")), x, jnp.full_like(x, 0))


@_logaddexp.defjvp
def _logaddexp_jvp(primals, tangents):
    x1, x2 = primals
    t1, t2 = tangents
    primal_out = _logaddexp(x1, x2)
    tangent_out = lax.add(lax.mul(t1, lax.exp(lax.sub(_replace_inf(x1), _replace_inf(primal_out)))),
                          lax.mul(t2, lax.exp(lax.sub(_replace_inf(x2), _replace_inf(primal_out)))))
    return primal_out, tangent_out


@jit
def softplus(x):
    # jnp.logaddexp(x, 0): the 0 a weak scalar of x's floating dtype.
    return _logaddexp(_inexact(x), 0.0)


@jit
def log_sigmoid(x):
    return -softplus(-x)


@jit
def silu(x):
    return x * sigmoid(x)


swish = silu


@jit
def mish(x):
    return x * jnp.tanh(softplus(x))


@jit
def soft_sign(x):
    return x / (jnp.abs(x) + 1)


@jit
def hard_sigmoid(x):
    return relu6(x + 3.0) / 6.0


@jit
def hard_silu(x):
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def gelu(x, approximate=True):
    """x * Phi(x); approximate=True is the tanh formula. The exact form uses
    1 - erf where JAX uses erfc (the engine has no erfc), so it loses relative
    precision where gelu is tiny (x below about -4)."""
    x = _inexact(x)
    if approximate:
        # Rounded to x's dtype, as JAX's numpy constant; a weak Python float
        # then stages as the same literal.
        sqrt_2_over_pi = float(_np.sqrt(2 / _np.pi).astype(x.dtype))
        cdf = 0.5 * (1.0 + jnp.tanh(sqrt_2_over_pi * (x + 0.044715 * x ** 3)))
        return x * cdf
    sqrt_half = float(_np.sqrt(0.5).astype(x.dtype))
    return 0.5 * x * (1.0 - lax.erf(-x * sqrt_half))


# --- normalizations -----------------------------------------------------------

def _max_keepdims(x, axis):
    # jnp.max(x, axis, initial=-inf, keepdims=True) as JAX stages it.
    axes = _axes(axis, x.ndim)
    return lax.expand_dims(lax.max(-jnp.inf, lax.reduce_max(x, axes)), axes)


def softmax(x, axis=-1, where=None):
    if where is not None:
        raise NotImplementedError("jaxray.nn.softmax: where= is not supported")
    x = jnp.asarray(x)
    unnormalized = jnp.exp(x - lax.stop_gradient(_max_keepdims(x, axis)))
    return unnormalized / jnp.sum(unnormalized, axis, keepdims=True)


@functools.partial(jit, static_argnames=("axis",))
def log_softmax(x, axis=-1, where=None):
    if where is not None:
        raise NotImplementedError("jaxray.nn.log_softmax: where= is not supported")
    shifted = x - lax.stop_gradient(_max_keepdims(x, axis))
    return shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis, keepdims=True))


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False, where=None):
    if b is not None or return_sign or where is not None:
        raise NotImplementedError("jaxray.nn.logsumexp: b, return_sign and where are not supported")
    return _C._logsumexp(a, axis, keepdims)


@functools.partial(jit, static_argnames=("axis",))
def standardize(x, axis=-1, mean=None, variance=None, epsilon=1e-5):
    if mean is None:
        mean = jnp.mean(x, axis, keepdims=True)
    if variance is None:
        # JAX's default "fast" algorithm: E[x^2] - E[x]^2, clipped at 0.
        variance = jnp.clip(jnp.mean(jnp.square(x), axis, keepdims=True) - jnp.square(mean), 0)
    return jnp.subtract(x, mean) * lax.rsqrt(variance + epsilon)


# --- encodings ------------------------------------------------------------------

@functools.partial(jit, static_argnames=("num_classes", "dtype", "axis"))
def _one_hot(x, num_classes, *, dtype, axis):
    out_axis = axis % (x.ndim + 1)
    lhs = lax.expand_dims(x, (axis,))
    rhs_shape = [1] * x.ndim
    rhs_shape.insert(out_axis, num_classes)
    return (lhs == lax.broadcasted_iota(x.dtype, rhs_shape, out_axis)).astype(dtype)


def one_hot(x, num_classes, *, dtype=None, axis=-1):
    """x's integers as one-hot vectors of length num_classes along axis; out-of-range ones all zeros."""
    return _one_hot(jnp.asarray(x), int(num_classes), dtype=jnp.float32 if dtype is None else dtype, axis=axis)
