#!/usr/bin/env bash
# `pip install .` into a fresh virtualenv, reusing the CMake build directory
# (so nothing is compiled twice), then imports the installed package from
# outside the source and build trees and runs a transformation with it.
# Usage: check_pip_install.sh SOURCE_DIR BUILD_DIR PYTHON
set -euo pipefail
src=$1 build=$2 python=$3
venv=$build/pip-install-venv
rm -rf "$venv"
"$python" -m venv --system-site-packages "$venv"
# Offline on purpose: the build backend (setuptools, wheel) and numpy come
# from the system site packages.
JAXRAY_BUILD_DIR=$build "$venv/bin/pip" install -q --no-build-isolation --no-deps --no-index "$src"
cd "$venv"
env -u PYTHONPATH "$venv/bin/python" - <<'PY'
import jaxray
import jaxray.numpy as jnp

assert "/site-packages/jaxray/" in jaxray.__file__, jaxray.__file__
g = jaxray.grad(lambda x: x[0] + x[0] * x[1])(jnp.ones(5))
assert [float(v) for v in g] == [2.0, 1.0, 0.0, 0.0, 0.0], g
print("installed", jaxray.__version__, "at", jaxray.__file__)
PY
