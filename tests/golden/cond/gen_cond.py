"""Golden jaxprs of lax.cond and lax.switch, printed by the real JAX
(tests/golden/JAX_VERSION).

Run with the real JAX: `python3 tests/golden/cond/gen_cond.py`. Each case
writes <name>.txt next to this script; tests/engine/tst_cond.cpp traces the
same functions with the C++ API and tests/python/test_cond.py with jaxray,
and both compare their text exactly with these files.
"""
import os

import jax
import jax.numpy as jnp
from jax import lax

HERE = os.path.dirname(os.path.abspath(__file__))
W = jnp.array([1.0, 2.0, 3.0])


def sin_cos(p, x):
    return lax.cond(p, jnp.sin, jnp.cos, x)


def switch3(i, x):
    return lax.switch(i, [jnp.sin, jnp.cos, lambda x: x * 2.0], x)


def consts(p, x):
    # W is closed over by the true branch only: both branches take it.
    return lax.cond(p, lambda x: x * W, lambda x: x + 1.0, x)


def two_operands(p, x):
    return lax.cond(p, lambda a, b: (a, b * 2.0), lambda a, b: (b, a), x, 2.0)


def forwarded(p, x, y):
    # Both branches return y unchanged: JAX drops that output of the cond.
    return lax.cond(p, lambda x, y: (x * y, y), lambda x, y: (x + y, y), x, y)


def float_pred(p, x):
    return lax.cond(p, lambda x: x * x, lambda x: x + 1.0, x)


def pytree(p, x):
    return lax.cond(p, lambda d: {"a": d["a"] * 2.0, "b": d["b"]},
                    lambda d: {"a": d["b"], "b": d["a"]}, {"a": x, "b": x + 1.0})


def jvp_sin_cos(p, x, t):
    return jax.jvp(lambda x: sin_cos(p, x), (x,), (t,))


def jvp_two(p, x, y, tx):
    # y's tangent is zero: only the outputs that depend on x get tangents,
    # the same ones in both branches.
    return jax.jvp(lambda x: lax.cond(p, lambda x, y: (x * y, y), lambda x, y: (y, x), x, y), (x,), (tx,))


def vmap_pred(p, x):
    return jax.vmap(sin_cos)(p, x)


def vmap_operand(p, x):
    return jax.vmap(sin_cos, in_axes=(None, 0))(p, x)


def vmap_switch(i, x):
    return jax.vmap(switch3)(i, x)


def closure(p, x, y):
    # y, an input of the traced function, is closed over: it becomes an
    # operand of the cond.
    return lax.cond(p, lambda x: x * y, lambda x: x - y, x)


def shared(p, x):
    # One constant closed over by both branches is passed once.
    w = jnp.array([1.0, 2.0])
    return lax.cond(p, lambda x: x * w, lambda x: x + w, x)


def nested(p, q, x):
    return lax.cond(p, lambda x: lax.cond(q, jnp.sin, jnp.cos, x), lambda x: x * 2.0, x)


def jvp_closure(p, x, y):
    return jax.jvp(lambda y: closure(p, x, y), (y,), (1.0,))


def jit_cond(p, x):
    return jax.jit(lambda p, x: lax.cond(p, jnp.sin, jnp.cos, x))(p, x)


def int_out(p, x):
    return lax.cond(p, lambda x: (x * 2.0, 1), lambda x: (x, 2), x)


def grad_int_out(p, x):
    return jax.grad(lambda x: int_out(p, x)[0])(x)


def grad_sin_cos(p, x):
    return jax.grad(lambda x: sin_cos(p, x))(x)


def grad_two(p, x, y):
    # Each branch keeps its residuals in shared slots; the false branch fills
    # them with empty2.
    return jax.grad(lambda x, y: lax.cond(p, lambda x, y: x * y, lambda x, y: x + 1.0, x, y), argnums=(0, 1))(x, y)


def grad_switch(i, x):
    return jax.grad(switch3, argnums=1)(i, x)


def grad_consts(p, x):
    return jax.grad(lambda x: lax.cond(p, lambda x: (x * W).sum(), lambda x: (x * x).sum(), x))(x)


def vmap_grad(p, x):
    return jax.vmap(jax.grad(lambda p, x: lax.cond(p, lambda x: jnp.sin(x) * x, jnp.cos, x), argnums=1))(p, x)


def concrete_switch(x):
    # A Python int index is converted by NumPy: only the clamp is staged.
    return lax.switch(1, [jnp.sin, jnp.cos], x)


def concrete_pred(x):
    return lax.cond(2.0, jnp.sin, jnp.cos, x)


def grad_concrete(x):
    return jax.grad(lambda x: lax.cond(True, jnp.sin, jnp.cos, x))(x)


def double_sin(x):
    return jnp.sin(x) * 2.0


def twice(p, x):
    # The same functions at the same types: JAX's trace cache gives one
    # jaxpr per branch, printed once and named by both conds.
    y = lax.cond(p, double_sin, jnp.cos, x)
    return lax.cond(p, double_sin, jnp.cos, y)


def jvp_twice(p, x, t):
    # Transformed branches are cached per branch too: both conds share them.
    return jax.jvp(lambda x: twice(p, x), (x,), (t,))


def vmap_twice(p, x):
    return jax.vmap(twice, in_axes=(None, 0))(p, x)


def grad_twice(p, x):
    # Linearized branches are made afresh per cond: nothing is shared.
    return jax.grad(twice, argnums=1)(p, x)


F = jnp.float32
CASES = {
    "sin_cos": (sin_cos, (True, 1.0)),
    "switch3": (switch3, (1, 1.0)),
    "consts": (consts, (True, jnp.ones(3))),
    "two_operands": (two_operands, (True, 1.0)),
    "forwarded": (forwarded, (True, 1.0, 2.0)),
    "float_pred": (float_pred, (3.0, 1.0)),
    "pytree": (pytree, (True, jnp.ones(2))),
    "jvp_sin_cos": (jvp_sin_cos, (True, F(1.0), F(1.0))),
    "jvp_two": (jvp_two, (True, F(1.0), F(2.0), F(1.0))),
    "vmap_pred": (vmap_pred, (jnp.array([True, False]), jnp.ones(2))),
    "vmap_operand": (vmap_operand, (True, jnp.ones(2))),
    "vmap_switch": (vmap_switch, (jnp.array([0, 2, 1]), jnp.ones((3, 2)))),
    "closure": (closure, (True, 1.0, 2.0)),
    "shared": (shared, (True, jnp.ones(2))),
    "nested": (nested, (True, False, 1.0)),
    "jvp_closure": (jvp_closure, (True, 1.0, 2.0)),
    "jit_cond": (jit_cond, (True, 1.0)),
    "int_out": (int_out, (True, 1.0)),
    "grad_int_out": (grad_int_out, (True, 1.0)),
    "grad_sin_cos": (grad_sin_cos, (True, 1.0)),
    "grad_two": (grad_two, (True, 1.0, 2.0)),
    "grad_switch": (grad_switch, (1, 1.0)),
    "grad_consts": (grad_consts, (True, jnp.ones(3))),
    "vmap_grad": (vmap_grad, (jnp.array([True, False]), jnp.array([1.0, 2.0]))),
    "concrete_switch": (concrete_switch, (1.0,)),
    "concrete_pred": (concrete_pred, (1.0,)),
    "grad_concrete": (grad_concrete, (1.0,)),
    "twice": (twice, (True, 1.0)),
    "jvp_twice": (jvp_twice, (True, 1.0, 1.0)),
    "vmap_twice": (vmap_twice, (True, jnp.ones(2))),
    "grad_twice": (grad_twice, (True, 1.0)),
}

if __name__ == "__main__":
    for name, (fn, args) in CASES.items():
        text = str(jax.make_jaxpr(fn)(*args))
        with open(os.path.join(HERE, name + ".txt"), "w") as f:
            f.write(text + "\n")
        print(name)
