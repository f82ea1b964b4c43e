"""The cases of a golden generator (tests/golden/<family>/gen_<family>.py) as
jaxray runs them. Under jaxray.compat the generator's `import jax` is
jaxray, so one definition of each case serves both sides: the real JAX
prints the goldens from it, and the tests check jaxray against them."""
import os
import runpy
import types

import jaxray.compat

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden")


def load(family):
    """The generator's case functions, constants and CASES, without its
    imports and its own paths: for a test module's globals()."""
    jaxray.compat.install()
    try:
        scope = runpy.run_path(os.path.join(GOLDEN, family, "gen_%s.py" % family), run_name="golden_cases")
    finally:
        jaxray.compat.uninstall()
    return {k: v for k, v in scope.items()
            if not k.startswith("_") and k != "HERE" and not isinstance(v, types.ModuleType)}


def golden(family, name):
    with open(os.path.join(GOLDEN, family, name + ".txt")) as f:
        return f.read().rstrip("\n")
