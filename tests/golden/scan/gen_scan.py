"""Golden jaxprs of lax.scan, printed by the real JAX (tests/golden/JAX_VERSION).

Run with the real JAX: `python3 tests/golden/scan/gen_scan.py`. Each case
writes <name>.txt next to this script; tests/engine/tst_scan.cpp traces the
same functions with the C++ API and tests/python/test_scan.py with jaxray,
and both compare their text exactly with these files.
"""
import os

import jax
import jax.numpy as jnp
from jax import lax

HERE = os.path.dirname(os.path.abspath(__file__))
W = jnp.array([1.0, 2.0, 3.0])


def basic(c, xs):
    return lax.scan(lambda c, x: (c + x, c * x), c, xs)


def consts_reverse(c, xs):
    return lax.scan(lambda c, x: (c * W + x, jnp.sin(c)), c, xs, reverse=True)


def pytree_carry(c, xs):
    return lax.scan(lambda c, x: ((c[0] + x, c[1] * 2.0), c[0]), c, xs, unroll=2)


def map_double(xs):
    return lax.map(lambda x: x * 2.0, xs)


def no_xs(c):
    return lax.scan(lambda c, _: (c + 1.0, c), c, None, length=5)


def forwarded(c, xs):
    # The carry comes back unchanged and y is x: JAX moves the carry to the
    # consts and drops the y output.
    return lax.scan(lambda c, x: (c, (x, x * c)), c, xs)


def cumsum_sin(xs):
    return lax.scan(lambda c, x: (c + jnp.sin(x), c * x), 0.0, xs)[1].sum()


def jvp_basic(c, xs, tc, txs):
    return jax.jvp(basic, (c, xs), (tc, txs))


def jvp_xs_only(c, xs, txs):
    # Only the xs have tangents: the fixpoint makes the carry's tangent nonzero.
    return jax.jvp(lambda xs: basic(c, xs), (xs,), (txs,))


def vmap_xs(c, xs):
    return jax.vmap(basic, in_axes=(None, 0))(c, xs)


def vmap_carry(c, xs):
    return jax.vmap(basic, in_axes=(0, None))(c, xs)


def grad_cumsum_sin(xs):
    return jax.grad(cumsum_sin)(xs)


def rnn_loss(w, xs):
    c, ys = lax.scan(lambda c, x: (jnp.tanh(c * jnp.sin(w) + x), c), jnp.zeros(2), xs)
    return c.sum() + ys.sum()


def grad_hoisted(w, xs):
    # sin(w) and cos(w) do not change from one iteration to the next: JAX
    # computes them once, before the loop.
    return jax.grad(rnn_loss)(w, xs)


def lstm_loss(w, xs):
    # The seed's use case: an LSTM-like cell over a sequence, differentiated
    # with respect to its weights.
    def cell(carry, x):
        h, c = carry
        z = jnp.dot(w, h) + x
        c = c * (1 / (1 + jnp.exp(-z))) + jnp.tanh(z)
        h = jnp.tanh(c) * 0.5
        return (h, c), h.sum()
    (h, c), ys = lax.scan(cell, (jnp.zeros(2), jnp.ones(2)), xs)
    return (h * c).sum() + (ys ** 2).sum()


def grad_lstm(w, xs):
    return jax.grad(lstm_loss)(w, xs)


def grad_forwarded(c, xs):
    # c[0] comes back unchanged (a const of the scan): its tangent is never
    # read by the tangent scan, which JAX's scan DCE rule drops.
    def f(c, xs):
        (_, s), ys = lax.scan(lambda c, x: ((c[0], c[1] + x), x), c, xs)
        return s.sum() + ys.sum()
    return jax.grad(f, argnums=(0, 1))(c, xs)


def grad_const_reverse(w, xs):
    # A closed-over weight's cotangent is accumulated across the iterations
    # of the transposed scan, which runs forward.
    def f(w, xs):
        _, ys = lax.scan(lambda c, x: (jnp.sin(c * w) + x, c * w), jnp.ones(2), xs, reverse=True, unroll=2)
        return ys.sum()
    return jax.grad(f, argnums=(0, 1))(w, xs)


def step(c, x):
    return c + x, c * x


def twice(xs):
    # One function scanned twice at the same types: one body jaxpr, printed
    # once as `let jaxpr = ... in` (JAX's trace cache).
    return lax.scan(step, 0.0, xs)[0] + lax.scan(step, 0.0, xs)[0]


def grad_twice(xs):
    return jax.grad(twice)(xs)


F = jnp.float32
CASES = {
    "basic": (basic, (0.0, jnp.arange(3.0))),
    "consts_reverse": (consts_reverse, (jnp.zeros(3), jnp.ones((4, 3)))),
    "pytree_carry": (pytree_carry, ((0.0, jnp.ones(2)), jnp.arange(3.0))),
    "map_double": (map_double, (jnp.arange(3.0),)),
    "no_xs": (no_xs, (0.0,)),
    "forwarded": (forwarded, (jnp.ones(2), jnp.ones((3, 2)))),
    "jvp_basic": (jvp_basic, (F(0.0), jnp.arange(3.0), F(1.0), jnp.ones(3))),
    "jvp_xs_only": (jvp_xs_only, (F(0.0), jnp.arange(3.0), jnp.ones(3))),
    "vmap_xs": (vmap_xs, (F(0.0), jnp.ones((2, 3)))),
    "vmap_carry": (vmap_carry, (jnp.ones(2), jnp.arange(3.0))),
    "grad_cumsum_sin": (grad_cumsum_sin, (jnp.arange(4.0),)),
    "grad_hoisted": (grad_hoisted, (jnp.ones(2), jnp.ones((3, 2)))),
    "grad_lstm": (grad_lstm, (jnp.ones((2, 2)), jnp.ones((3, 2)))),
    "grad_forwarded": (grad_forwarded, ((jnp.ones(2), jnp.ones(2)), jnp.ones((3, 2)))),
    "grad_const_reverse": (grad_const_reverse, (jnp.array([0.5, -0.2]), jnp.arange(6.0).reshape(3, 2))),
    "twice": (twice, (jnp.arange(3.0),)),
    "grad_twice": (grad_twice, (jnp.arange(3.0),)),
}

if __name__ == "__main__":
    for name, (fn, args) in CASES.items():
        text = str(jax.make_jaxpr(fn)(*args))
        with open(os.path.join(HERE, name + ".txt"), "w") as f:
            f.write(text + "\n")
        print(name)
