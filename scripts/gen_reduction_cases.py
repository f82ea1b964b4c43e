#!/usr/bin/env python3
"""Prints the expected values embedded in tests/engine/tst_reductions.cpp.

Run with numpy and JAX 0.10.2 installed; the C++ tests never need them.
"""
import numpy as np
import jax
import jax.numpy as jnp
from jax import lax


def fmt(a):
    a = np.asarray(a)
    return "{" + ", ".join(repr(float(v)) if a.dtype.kind == "f" else str(int(v)) for v in a.ravel()) + "}"


def base():
    # The (2, 3, 4) operand of the reduction rows: halves in [-2.5, 2.5].
    return (((np.arange(24) * 7) % 11) - 5).reshape(2, 3, 4) * 0.5


x = base()
print("x =", fmt(x))
for name, fn in [("sum", np.sum), ("prod", np.prod), ("max", np.max), ("min", np.min)]:
    for axes in [(0,), (1,), (2,), (0, 2), (), (0, 1, 2)]:
        r = fn(x, axis=axes)
        print(name, axes, np.shape(r), fmt(r))
xi = (x * 2).astype(np.int32)
print("xi =", fmt(xi))
for name, fn in [("sum", np.sum), ("prod", np.prod), ("max", np.max), ("min", np.min)]:
    print("int", name, (1,), fmt(fn(xi, axis=1)))
print("bitwise and/or over axis 2 of xi:", fmt(np.bitwise_and.reduce(xi, axis=2)), fmt(np.bitwise_or.reduce(xi, axis=2)))

a = np.array([[3, 1, 3, 2], [0, 5, 5, -1], [np.nan, 2, np.nan, 9]], np.float32)
print("argmax axis1", fmt(jnp.argmax(a, axis=1)), "argmin axis1", fmt(jnp.argmin(a, axis=1)))
print("argmax axis0", fmt(jnp.argmax(a, axis=0)), "argmin axis0", fmt(jnp.argmin(a, axis=0)))

c = np.array([[1, -2, 3], [4, 0.5, -6]], np.float64)
for name, fn in [("cumsum", lax.cumsum), ("cumprod", lax.cumprod), ("cummax", lax.cummax), ("cummin", lax.cummin)]:
    for axis in (0, 1):
        for rev in (False, True):
            print(name, axis, rev, fmt(np.asarray(fn(jnp.asarray(c, jnp.float32), axis=axis, reverse=rev))))
print("cummax nan", fmt(lax.cummax(jnp.array([1.0, np.nan, 3.0]), axis=0)))

print("f16 sum", fmt(jnp.sum(jnp.full(1000, 0.1, jnp.float16))))
print("bf16 sum", fmt(jnp.sum(jnp.full(1000, 0.1, jnp.bfloat16))))
print("f32 long sum", repr(float(np.sum(np.full(1 << 20, 0.1, np.float32)))))
print("i32 wrap sum", fmt(jnp.sum(jnp.array([2**31 - 1, 1], jnp.int32))))
