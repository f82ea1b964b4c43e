"""Makes `import jax` and its submodules resolve to jaxray in this interpreter.

Nothing shadows a real JAX until install() is called (the desktop app calls
it before running a user's script); uninstall() restores what was there.
"""
import sys

_NAMES = ("jax", "jax.numpy", "jax.lax", "jax.tree_util", "jax.nn", "jax.random")
_saved = {}


def install():
    import jaxray
    modules = {"jax": jaxray, "jax.numpy": jaxray.numpy, "jax.lax": jaxray.lax, "jax.tree_util": jaxray.tree_util,
               "jax.nn": jaxray.nn, "jax.random": jaxray.random}
    for name in _NAMES:
        if name not in _saved:
            _saved[name] = sys.modules.get(name)
        sys.modules[name] = modules[name]


def uninstall():
    for name, module in _saved.items():
        if module is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = module
    _saved.clear()
