"""Makes `import jax` and its submodules resolve to jaxray in this interpreter.

Nothing shadows a real JAX until install() is called (the desktop app calls
it before running a user's script); uninstall() restores what was there.
Every public jaxray module is mapped (jaxray.numpy.linalg is jax.numpy.linalg,
and so on), so the same module object answers both names; a JAX module that
jaxray does not have fails to import with ModuleNotFoundError.
"""
import importlib
import sys

# Submodules imported on install so that each gets its jax.* alias.
_SUBMODULES = ("numpy", "numpy.linalg", "lax", "nn", "random", "tree", "tree_util")
_saved = {}


def _public_modules():
    import jaxray
    for sub in _SUBMODULES:
        importlib.import_module("jaxray." + sub)
    yield "jax", jaxray
    for name, module in list(sys.modules.items()):
        parts = name.split(".")
        public = len(parts) > 1 and parts[1] != "compat" and not any(p.startswith("_") for p in parts)
        if parts[0] == "jaxray" and public:
            yield "jax." + ".".join(parts[1:]), module


def install():
    for name, module in _public_modules():
        if name not in _saved:
            _saved[name] = sys.modules.get(name)
        sys.modules[name] = module


def uninstall():
    for name, module in _saved.items():
        if module is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = module
    _saved.clear()
