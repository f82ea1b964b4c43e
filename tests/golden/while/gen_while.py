#!/usr/bin/env python3
"""Generates the golden jaxpr texts of lax.while_loop and lax.fori_loop in
this directory with the real JAX (tests/engine/tst_while.cpp traces the same
functions with jaxray's C++ API, tests/python/test_while.py with jaxray's
Python API, and both compare exactly). JAX_VERSION here records the version.
Run: python3 tests/golden/while/gen_while.py
"""
import os

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

HERE = os.path.dirname(os.path.abspath(__file__))
CONST3 = np.arange(3.0, dtype=np.float32)


def doubling(x):
    return lax.while_loop(lambda c: c < 10.0, lambda c: c * 2.0, x)


def closure(x, y):
    return lax.while_loop(lambda c: c[0] < y, lambda c: (c[0] * 2.0, c[1] + y), (x, x))


def invariant(x, y):
    # y passes through unchanged and cond does not read it: a body const.
    return lax.while_loop(lambda c: c[0] < 10.0, lambda c: (c[0] + c[1], c[1]), (x, y))


def dict_carry(x):
    return lax.while_loop(lambda c: c["a"] < 10.0, lambda c: {"a": c["a"] + 1.0, "b": c["b"] * 2.0},
                          {"a": x, "b": x})


def weak_init(x):
    return lax.while_loop(lambda c: c[0] < 10.0, lambda c: (c[0] + x, c[1] + 1), (0.0, 0))


def array_const(x):
    return lax.while_loop(lambda v: v[0] < 10.0, lambda v: v * CONST3 + 1.0, x)


def fori_traced(x, n):
    return lax.fori_loop(0, n, lambda i, c: c * 2.0, x)


def fori_index(x, n):
    return lax.fori_loop(0, n, lambda i, c: c + i.astype(jnp.float32) * x, x)


def fori_static(x):
    return lax.fori_loop(0, 3, lambda i, c: c * 2.0, x)


def scaled(x, y):
    return lax.while_loop(lambda c: c < 10.0, lambda c: c * y, x)


def counter(y):
    return lax.while_loop(lambda c: c[0] < 5, lambda c: (c[0] + 1, c[1] * y), (0, 1.0))


CASES = [
    ("doubling", doubling, (1.0,)),
    ("closure", closure, (1.0, 3.0)),
    ("invariant", invariant, (1.0, 2.0)),
    ("dict_carry", dict_carry, (1.0,)),
    ("weak_init", weak_init, (jnp.float32(1.0),)),
    ("array_const", array_const, (jnp.ones(3),)),
    ("fori_traced", fori_traced, (1.0, 3)),
    ("fori_index", fori_index, (1.0, 3)),
    # Concrete bounds: a scan.
    ("fori_static", fori_static, (1.0,)),
    # Forward mode: tangents of the carry, of a body const, of both.
    ("jvp_doubling", lambda x: jax.jvp(doubling, (x,), (1.0,)), (1.0,)),
    ("jvp_const", lambda x, y: jax.jvp(lambda y: scaled(x, y), (y,), (1.0,)), (1.0, 2.0)),
    ("jvp_both", lambda x, y: jax.jvp(scaled, (x, y), (1.0, 1.0)), (1.0, 2.0)),
    # vmap: a batched predicate, an unbatched one with a batched carry, and a
    # batched const only.
    ("vmap_pred", jax.vmap(doubling), (jnp.ones(3),)),
    ("vmap_counter", jax.vmap(counter), (jnp.ones(3),)),
    ("vmap_closure_y", jax.vmap(closure, in_axes=(None, 0)), (1.0, jnp.ones(3))),
    ("vmap_vmap", jax.vmap(jax.vmap(doubling)), (jnp.ones((2, 3)),)),
    ("vmap_fori_bound", jax.vmap(fori_index), (jnp.ones(3), jnp.arange(3))),
    ("jvp_fori_index", lambda x, n: jax.jvp(lambda y: fori_index(y, n), (x,), (1.0,)), (1.0, 3)),
    ("vmap_in_axes_1", jax.vmap(lambda x: lax.while_loop(lambda c: c.sum() < 50.0, lambda c: c * 2.0, x),
                                in_axes=1), (jnp.ones((2, 3)),)),
    ("jvp_vmap", lambda x: jax.jvp(jax.vmap(doubling), (x,), (jnp.ones(3),)), (jnp.ones(3),)),
]


def main():
    for name, fn, args in CASES:
        with open(os.path.join(HERE, name + ".txt"), "w") as f:
            f.write(str(jax.make_jaxpr(fn)(*args)) + "\n")
    with open(os.path.join(HERE, "JAX_VERSION"), "w") as f:
        f.write(f"jax {jax.__version__}, jaxlib {jax.lib.__version__}, numpy {np.__version__}\n")
    print(f"wrote {len(CASES)} goldens with jax {jax.__version__}")


if __name__ == "__main__":
    main()
