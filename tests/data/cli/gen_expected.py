#!/usr/bin/env python3
"""Writes the jaxpr inputs of tst_cli's `jaxpr transform` tests and, for each
case, what JAX prints for the same transformation (JAX 0.10.2):
`python3 tests/data/cli/gen_expected.py` from the repository root."""
import os

import jax
import jax.numpy as jnp

HERE = os.path.dirname(os.path.abspath(__file__))
f32 = jnp.float32


def write(name, text):
    with open(os.path.join(HERE, name), "w") as fh:
        fh.write(str(text) + "\n")


def sin_mul(x):
    return jnp.sin(x) * x


def two_args(x, y):
    return jnp.sin(x) * y - x


def two_outputs(x):
    return jnp.sin(x), x * x


def f(x):
    # `jaxray-cli jaxpr transform --jit` names the program f, as jax.jit names a def.
    return sin_mul(x)


def jvp_of(g, n):
    return lambda *a: jax.jvp(g, a[:n], a[n:])


def vjp_of(g, n, nout=1):
    return lambda *a: jax.vjp(g, *a[:n])[1](a[n] if nout == 1 else tuple(a[n:]))


s = f32(0)
v2 = jnp.zeros(2, f32)
inputs = {
    "sin_mul": (sin_mul, [s]),
    "sin_mul3": (sin_mul, [jnp.zeros(3, f32)]),
    "two_args": (two_args, [s, s]),
    "two_outputs": (two_outputs, [s]),
    "int_square": (lambda x: x * x, [jnp.int32(0)]),
}
for name, (fn, args) in inputs.items():
    write(name + ".jaxpr", jax.make_jaxpr(fn)(*args))

# name: (the CLI's flags, JAX's function, its example arguments)
cases = {
    "sin_mul.grad": (jax.grad(sin_mul), [s]),
    "sin_mul.jvp": (jvp_of(sin_mul, 1), [s, s]),
    "sin_mul.vjp": (vjp_of(sin_mul, 1), [s, s]),
    "sin_mul.vmap": (jax.vmap(sin_mul), [v2]),
    "sin_mul.grad.vmap": (jax.vmap(jax.grad(sin_mul)), [v2]),
    "sin_mul.vjp.vmap": (jax.vmap(vjp_of(sin_mul, 1), in_axes=(0, None)), [v2, s]),
    "sin_mul.vmap.vjp": (vjp_of(jax.vmap(sin_mul), 1), [v2, v2]),
    "two_args.grad01": (jax.grad(two_args, (0, 1)), [s, s]),
    "two_args.grad1": (jax.grad(two_args, 1), [s, s]),
    "two_args.jvp": (jvp_of(two_args, 2), [s, s, s, s]),
    "two_args.vmap3": (jax.vmap(two_args, in_axes=(None, 0)), [s, jnp.zeros(3, f32)]),
    "two_outputs.vjp": (vjp_of(two_outputs, 1, 2), [s, s, s]),
    "sin_mul.jit": (jax.jit(f), [s]),
    "sin_mul.jit.grad": (jax.grad(jax.jit(f)), [s]),
    "sin_mul.grad.jit": (jax.jit(jax.grad(f)), [s]),
}
for name, (fn, args) in cases.items():
    write(name + ".expected", jax.make_jaxpr(fn)(*args))
