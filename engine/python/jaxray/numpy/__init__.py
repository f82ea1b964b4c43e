"""jax.numpy on the jaxray engine."""
import numpy as _np

from .._jaxray import numpy as _C
from .._jaxray import Array as ndarray  # noqa: F401  (jnp.ndarray is jax.Array)

float16, float32, float64 = _np.float16, _np.float32, _np.float64
int32, int64, uint32 = _np.int32, _np.int64, _np.uint32
bool_ = _np.bool_
pi, e, inf, nan = _np.pi, _np.e, _np.inf, _np.nan
newaxis = None

array = asarray = _C.asarray
for _name in dir(_C):
    if not _name.startswith("_"):
        globals()[_name] = getattr(_C, _name)
del _name


def dtype(x):
    return _np.dtype(x)
