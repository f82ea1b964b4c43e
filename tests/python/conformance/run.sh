#!/bin/sh
# Runs the conformance suite with the real JAX beside jaxray.
# Usage: run.sh PYTHON VENV  (PYTHONPATH must reach the built jaxray package)
#
# jaxray's module is built for PYTHON, so the suite runs in a virtualenv of that
# Python which also sees its system packages (pytest); jax==0.10.2 is installed
# there once with pip. When the virtualenv cannot be made or pip cannot get JAX
# (no registry reachable), the suite exits 77, which CTest reports as skipped.
python=$1
venv=$2
jax_version=0.10.2
skip=77

if ! "$venv/bin/python" -c "import jax, sys; sys.exit(jax.__version__ != '$jax_version')" 2>/dev/null; then
  if ! "$python" -m venv --system-site-packages "$venv"; then
    echo "conformance: skipped, $python cannot create a virtualenv at $venv"
    exit $skip
  fi
  # Bounded retries: an unreachable registry should skip well within the test's timeout.
  if ! "$venv/bin/python" -m pip install -q --retries 1 --timeout 30 "jax==$jax_version"; then
    echo "conformance: skipped, pip could not install jax==$jax_version (no registry reachable?)"
    exit $skip
  fi
fi

export JAX_PLATFORMS=cpu  # CPU values, as jaxray computes them, and no accelerator probing
# JAX compiles every primitive it runs eagerly: kept beside the venv, the
# compiled programs make later runs about twice as fast.
export JAX_COMPILATION_CACHE_DIR="$venv/jax-cache" JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0 \
  JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES=0
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider "$(dirname "$0")/test_conformance.py"
