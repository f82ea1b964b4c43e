"""jax.nn's common activations on the jaxray engine."""
from . import numpy as jnp
from ._jaxray import numpy as _C


def relu(x):
    return jnp.maximum(x, 0.0)


def sigmoid(x):
    return _C._sigmoid(x)


def softplus(x):
    return jnp.log1p(jnp.exp(-jnp.abs(x))) + jnp.maximum(x, 0.0)


def silu(x):
    return x * sigmoid(x)


swish = silu


def logsumexp(a, axis=None, keepdims=False):
    return _C._logsumexp(a, axis, keepdims)


def log_softmax(x, axis=-1):
    shifted = x - jnp.max(x, axis, True)
    return shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis, True))


def softmax(x, axis=-1):
    unnormalized = jnp.exp(x - jnp.max(x, axis, True))
    return unnormalized / jnp.sum(unnormalized, axis, True)


def one_hot(x, num_classes, dtype=jnp.float32, axis=-1):
    x = jnp.asarray(x)
    classes = jnp.arange(num_classes)
    return jnp.equal(jnp.expand_dims(x, axis), classes).astype(dtype)
