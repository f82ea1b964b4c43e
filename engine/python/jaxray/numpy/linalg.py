"""jax.numpy.linalg on the jaxray engine (norms; no decompositions)."""
from .. import jit as _jit
from .._jaxray import numpy as _C


def _norm(x, ord, axis, keepdims):
    return _C.linalg.norm(x, ord, axis, keepdims)


_norm.__name__ = "norm"  # JAX's jaxprs show jit[name=norm]
_norm = _jit(_norm, static_argnames=("ord", "axis", "keepdims"))


def norm(x, ord=None, axis=None, keepdims=False):
    return _norm(x, ord, tuple(axis) if isinstance(axis, list) else axis, keepdims)
