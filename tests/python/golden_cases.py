"""The cases of a golden generator (tests/golden/<family>/gen_<family>.py) as
jaxray runs them. Under jaxray.compat the generator's `import jax` is
jaxray, so one definition of each case serves both sides: the real JAX
prints the goldens from it, and the tests check jaxray against them."""
import os
import runpy
import types

import jaxray.compat

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden")


def run_jax_script(path):
    """The namespace of a JAX-style script (`import jax`) run on jaxray."""
    jaxray.compat.install()
    try:
        return runpy.run_path(path, run_name="jax_script")
    finally:
        jaxray.compat.uninstall()


def load(family):
    """The generator's case functions, constants and CASES, without its
    imports and its own paths: for a test module's globals()."""
    scope = run_jax_script(os.path.join(GOLDEN, family, "gen_%s.py" % family))
    return {k: v for k, v in scope.items()
            if not k.startswith("_") and k != "HERE" and not isinstance(v, types.ModuleType)}


def golden(family, name):
    with open(os.path.join(GOLDEN, family, name + ".txt")) as f:
        return f.read().rstrip("\n")
