"""jax.lax on the jaxray engine (the primitives' direct wrappers)."""
from ._jaxray import lax as _C

for _name in dir(_C):
    if not _name.startswith("_"):
        globals()[_name] = getattr(_C, _name)
del _name
