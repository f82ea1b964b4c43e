"""jaxray.lax.scan and jaxray.lax.map against JAX 0.10.2.

The jaxpr texts are tests/golden/scan/*.txt, printed by JAX 0.10.2 from the
same functions (tests/golden/scan/gen_scan.py); the values are closed forms,
finite differences and loops."""
import numpy as np
import pytest

import golden_cases
import jaxray
import jaxray.numpy as jnp
from jaxray import lax

# The functions, constants and cases of gen_scan.py, run on jaxray.
globals().update(golden_cases.load("scan"))


def golden(name):
    return golden_cases.golden("scan", name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_make_jaxpr_is_jax_text(name):
    fn, args = CASES[name]
    assert str(jaxray.make_jaxpr(fn)(*args)) == golden(name)


def values(x):
    return np.asarray(x).tolist()


def test_values():
    c, ys = basic(0.0, jnp.arange(3.0))
    assert values(c) == 3.0 and values(ys) == [0.0, 0.0, 2.0]
    (c0, c1), ys = pytree_carry((0.0, jnp.ones(2)), jnp.arange(3.0))
    assert values(c0) == 3.0 and values(c1) == [8.0, 8.0] and values(ys) == [0.0, 0.0, 1.0]
    assert values(map_double(jnp.arange(3.0))) == [0.0, 2.0, 4.0]
    c, ys = no_xs(0.0)
    assert values(c) == 5.0 and values(ys) == [0.0, 1.0, 2.0, 3.0, 4.0]
    # Reverse: the rows are visited last to first, each y stored at its row.
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, jnp.array([1.0, 2.0, 3.0]), reverse=True)
    assert values(c) == 6.0 and values(ys) == [5.0, 3.0, 0.0]
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, jnp.arange(5.0), unroll=True)
    assert values(c) == 10.0 and values(ys) == [0.0, 0.0, 1.0, 3.0, 6.0]


def test_dict_pytrees():
    def f(c, x):
        return {"s": c["s"] + x["a"] * x["b"]}, {"p": c["s"]}
    c, ys = lax.scan(f, {"s": 0.0}, {"a": jnp.arange(3.0), "b": jnp.ones(3)})
    assert values(c["s"]) == 3.0 and values(ys["p"]) == [0.0, 0.0, 1.0]
    assert values(lax.map(lambda x: x[0] + x[1], (jnp.arange(2.0), jnp.ones(2)))) == [1.0, 2.0]


def test_jvp_matches_finite_differences():
    def f(xs):
        c, ys = lax.scan(lambda c, x: (jnp.sin(c) * x + c, c * c), 0.5, xs)
        return c + ys.sum()
    xs = np.array([0.3, -0.7, 1.1], np.float64)
    t = np.array([1.0, -2.0, 0.5])
    _, tan = jaxray.jvp(f, (jnp.array(xs, dtype=jnp.float32),), (jnp.array(t, dtype=jnp.float32),))

    def ref(xs):
        c, s = 0.5, 0.0
        for x in xs:
            s += c * c
            c = np.sin(c) * x + c
        return c + s
    eps = 1e-4
    fd = (ref(xs + eps * t) - ref(xs - eps * t)) / (2 * eps)
    assert abs(float(tan) - fd) < 1e-3


def test_vmap_matches_a_loop():
    xs = jnp.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    c, ys = jaxray.vmap(basic, in_axes=(None, 0))(0.0, xs)
    for i in range(2):
        ci, yi = basic(0.0, xs[i])
        assert values(c[i]) == values(ci) and values(ys[i]) == values(yi)


STRUCTURE = ("scan body function carry input and carry output must have the same pytree structure, but they "
             "differ:\n\n{}\nRevise the function so that the carry output has the same pytree structure as the "
             "carry input.")
TYPES = ("scan body function carry input and carry output must have equal types, but they differ:\n\n{}\n"
         "Revise the function so that all output types match the corresponding input types.")


@pytest.mark.parametrize("f, init, want", [
    (lambda c, x: ([c[0], c[1]], x), (0.0, 1.0),
     STRUCTURE.format("The input carry c is a <class 'tuple'> but the corresponding component of the carry output "
                      "is a <class 'list'>, so their Python types differ.\n")),
    (lambda c, x: ((c[0],), x), (0.0, 1.0),
     STRUCTURE.format("The input carry c is a tuple of length 2 but the corresponding component of the carry "
                      "output is a tuple of length 1, so the lengths do not match.\n")),
    (lambda c, x: ((c, c), x), 0.0,
     STRUCTURE.format("The input carry c is a <class 'jax._src.core.ShapedArray'> but the corresponding component "
                      "of the carry output is a <class 'tuple'>, so their Python types differ.\n")),
    (lambda c, x: ({"b": c["a"]}, x), {"a": 0.0},
     STRUCTURE.format("The input carry c is a <class 'dict'> with pytree metadata ('a',) but the corresponding "
                      "component of the carry output is a <class 'dict'> with pytree metadata ('b',), so the pytree "
                      "node metadata does not match.\n")),
    (lambda c, x: ((jnp.stack([c[0], c[0]]), c[1] > 0, jnp.stack([c[2], c[2]])), x), (0.0, 1.0, 2.0),
     TYPES.format("  * the input carry component c[0] has type float32[] but the corresponding output carry "
                  "component has type float32[2], so the shapes do not match;\n\n"
                  "  * the input carry component c[1] has type float32[] but the corresponding output carry "
                  "component has type bool[], so the dtypes do not match;\n"
                  "  * the input carry component c[2] has type float32[] but the corresponding output carry "
                  "component has type float32[2], so the shapes do not match.\n")),
])
def test_carry_errors_are_jax_text(f, init, want):
    # JAX 0.10.2's text for the same calls.
    with pytest.raises(TypeError) as e:
        lax.scan(f, init, jnp.arange(3.0))
    assert str(e.value) == want


def test_errors_are_jax_messages():
    with pytest.raises(TypeError, match="lax.scan: f argument should be a callable."):
        lax.scan(3, 0.0, jnp.arange(3.0))
    # JAX 0.10.2's text.
    with pytest.raises(TypeError) as e:
        lax.scan(lambda c, x: ((c[0], jnp.stack([c[1], c[1]])), x), (0.0, 1.0), jnp.arange(3.0))
    assert str(e.value) == (
        "scan body function carry input and carry output must have equal types, but they differ:\n\n"
        "The input carry component c[1] has type float32[] but the corresponding output carry component "
        "has type float32[2], so the shapes do not match.\n\n"
        "Revise the function so that all output types match the corresponding input types.")
    with pytest.raises(TypeError, match="scan body function carry input and carry output must have equal types"):
        lax.scan(lambda c, x: (jnp.stack([c, c]), x), 0.0, jnp.arange(3.0))
    with pytest.raises(ValueError, match="scan got values with different leading axis sizes: 2, 3."):
        lax.scan(lambda c, x: (c, x), 0.0, (jnp.ones(2), jnp.ones(3)))
    with pytest.raises(ValueError, match="scan got no values to scan over and `length` not provided."):
        lax.scan(lambda c, x: (c, x), 0.0, None)


def test_grad_is_jax_values():
    # JAX 0.10.2: jax.grad(cumsum_sin)(jnp.arange(4.0)).
    def cumsum_sin(xs):
        return lax.scan(lambda c, x: (c + jnp.sin(x), c * x), 0.0, xs)[1].sum()
    np.testing.assert_allclose(values(jaxray.grad(cumsum_sin)(jnp.arange(4.0))),
                               [6.0, 2.7015114, -0.40696955, 1.7507684], rtol=1e-6)


def test_grad_of_an_rnn_matches_finite_differences():
    # The LSTM-style use: weights closed over, a (h, loss) carry, grad with
    # respect to the weights and the inputs.
    def loss(w, xs):
        def cell(carry, x):
            h, acc = carry
            h = jnp.tanh(h * w[0] + x * w[1])
            return (h, acc + jnp.sum(h * h)), h
        (h, acc), hs = lax.scan(cell, (jnp.zeros(2), 0.0), xs)
        return acc.sum() + hs.sum()
    w = np.array([[0.5, -0.3], [1.2, 0.7]], np.float32)
    xs = np.array([[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6]], np.float32)
    gw, gx = jaxray.grad(loss, argnums=(0, 1))(jnp.array(w), jnp.array(xs))
    eps = 1e-3
    for arg, g in ((0, gw), (1, gx)):
        base = [w, xs][arg].astype(np.float64)
        fd = np.zeros_like(base)
        for i in np.ndindex(base.shape):
            up, down = base.copy(), base.copy()
            up[i] += eps
            down[i] -= eps
            a_up, a_down = [jnp.array(w), jnp.array(xs)], [jnp.array(w), jnp.array(xs)]
            a_up[arg], a_down[arg] = jnp.array(up, dtype=jnp.float32), jnp.array(down, dtype=jnp.float32)
            fd[i] = (float(loss(*a_up)) - float(loss(*a_down))) / (2 * eps)
        np.testing.assert_allclose(np.asarray(g), fd, rtol=2e-2, atol=2e-3)


def test_transformations_compose_as_jax():
    # Every number is JAX 0.10.2's for the same call (rounded to 5 places), on
    # gen_scan.py's lstm_loss.
    xs = jnp.arange(1.0, 7.0).reshape(3, 2)
    w = jnp.array([[0.5, -0.2], [0.3, 0.8]])

    def close(got, want):
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-4, atol=1e-5)

    close(lstm_loss(w, xs), 6.44569)
    close(jaxray.jit(jaxray.grad(lstm_loss))(w, xs), [[0.01995, 0.02084], [0.00574, 0.006]])
    close(jaxray.vmap(jaxray.grad(lstm_loss), in_axes=(None, 0))(w, jnp.stack([xs, xs * 0.5])),
          [[[0.01995, 0.02084], [0.00574, 0.006]], [[0.1054, 0.11634], [0.04502, 0.04949]]])

    def count(xs):
        # An integer carry beside a float one: only the float one has tangents.
        (i, s), ys = lax.scan(lambda c, x: ((c[0] + 1, c[1] + x * c[0]), x * 2.0), (0, 0.0), xs)
        return s + ys.sum() + i
    close(count(jnp.arange(4.0)), 30.0)
    close(jaxray.grad(count)(jnp.arange(4.0)), [2.0, 3.0, 4.0, 5.0])

    def nested(xs):
        def outer(c, row):
            c2, ys = lax.scan(lambda a, x: (a * x + 1.0, a), c, row)
            return c2, ys.sum()
        c, ys = lax.scan(outer, 1.0, xs)
        return c + ys.sum()
    close(jaxray.grad(nested)(xs * 0.1), [[1.3032, 1.6676], [2.0984, 2.4588], [2.47424, 1.7732]])
    close(jaxray.hessian(lambda x: nested(x.reshape(3, 2)))(xs.reshape(-1) * 0.1)[1],
          [1.516, 0.0, 1.892, 0.594, 0.2112, 0.066])

    def fix(w, xs):
        # The carry starts without a tangent and gets one from w.
        c, _ = lax.scan(lambda c, x: (c + w * x, None), jnp.zeros(2), xs)
        return c.sum()
    close(jaxray.grad(fix)(w[0], xs), [9.0, 12.0])
    close(jaxray.jacfwd(fix)(w[0], xs), [9.0, 12.0])
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, jnp.zeros((0,)))
    assert values(c) == 0.0 and ys.shape == (0,)
