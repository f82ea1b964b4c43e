"""jaxray.lax.cond and jaxray.lax.switch against JAX 0.10.2.

The jaxpr texts are tests/golden/cond/*.txt, printed by JAX 0.10.2 from the
same functions (tests/golden/cond/gen_cond.py); the values are closed forms,
finite differences and loops."""
import math

import numpy as np
import pytest

import golden_cases
import jaxray
import jaxray.numpy as jnp
from jaxray import lax

# The functions, constants and cases of gen_cond.py, run on jaxray.
globals().update(golden_cases.load("cond"))


def golden(name):
    return golden_cases.golden("cond", name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_jaxpr(name):
    fn, args = CASES[name]
    assert str(jaxray.make_jaxpr(fn)(*args)) == golden(name)


def test_values():
    assert float(sin_cos(True, 1.0)) == pytest.approx(math.sin(1.0))
    assert float(sin_cos(False, 1.0)) == pytest.approx(math.cos(1.0))
    assert float(float_pred(-2.0, 3.0)) == 9.0
    assert float(float_pred(0, 3.0)) == 4.0
    np.testing.assert_allclose(consts(True, jnp.array([2.0, 2.0, 2.0])), [2.0, 4.0, 6.0])
    d = pytree(True, jnp.array([1.0, 2.0]))
    np.testing.assert_allclose(d["a"], [2.0, 4.0])
    np.testing.assert_allclose(d["b"], [2.0, 3.0])
    a, b = two_operands(False, 1.0)
    assert (float(a), float(b)) == (2.0, 1.0)
    assert float(lax.cond(True, lambda x: x + 1.0, lambda x: x, operand=1.0)) == 2.0
    # The old form: cond(pred, true_operand, true_fun, false_operand, false_fun).
    assert float(lax.cond(False, 1.0, jnp.sin, 2.0, jnp.cos)) == pytest.approx(math.cos(2.0))
    # The result has the equation's type: weak, as the branch's output.
    assert lax.cond(True, lambda x: x * 2.0, lambda x: x, 1.0).weak_type
    assert float(nested(True, False, 1.0)) == pytest.approx(math.cos(1.0))
    assert float(nested(False, False, 1.0)) == 2.0
    y, t = jvp_closure(False, 1.0, 2.0)
    assert (float(y), float(t)) == (-1.0, -1.0)


def test_switch_clamps_index():
    got = [float(switch3(i, 1.0)) for i in (-3, 0, 1, 2, 7)]
    want = [math.sin(1.0), math.sin(1.0), math.cos(1.0), 2.0, 2.0]
    np.testing.assert_allclose(got, want, rtol=1e-6)
    # A single branch is called directly, as JAX does.
    assert "cond" not in str(jaxray.make_jaxpr(lambda i, x: lax.switch(i, [lambda x: x * 3.0], x))(0, 1.0))


def test_jit_of_cond():
    f = jaxray.jit(lambda p, x: lax.cond(p, lambda x: x * 2.0, lambda x: x - 1.0, x))
    assert float(f(True, 3.0)) == 6.0
    assert float(f(False, 3.0)) == 2.0


def test_jvp_matches_finite_differences():
    h = 1e-3
    for i in range(3):
        f = lambda x: switch3(i, x)
        y, t = jaxray.jvp(f, (F(0.7),), (F(1.0),))
        fd = (float(f(F(0.7 + h))) - float(f(F(0.7 - h)))) / (2 * h)
        assert float(t) == pytest.approx(fd, abs=1e-3)
        assert float(y) == float(f(F(0.7)))


def test_vmap_matches_loop():
    idx = jnp.array([0, 2, 1, 5])
    xs = jnp.array([0.5, 1.0, 1.5, 2.0])
    got = jaxray.vmap(switch3)(idx, xs)
    want = [float(switch3(int(i), float(x))) for i, x in zip(np.asarray(idx), np.asarray(xs))]
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(jaxray.vmap(sin_cos, in_axes=(None, 0))(False, xs), np.cos(np.asarray(xs)),
                               rtol=1e-6)


def test_errors():
    t = lambda x: x * W
    f = lambda x: x + 1.0
    where = lambda fn: f"<lambda> at {__file__}:{fn.__code__.co_firstlineno}"
    with pytest.raises(TypeError) as e:
        lax.cond(True, t, f, 1.0)
    assert str(e.value) == (
        "cond branches must have equal output types but they differ.\n\n"
        f"true_fun is {where(t)}\nfalse_fun is {where(f)}\n\n"
        "The output of true_fun has type float32[3] but the corresponding output of false_fun has type "
        "float32[], so the shapes do not match.\n\n"
        "Revise true_fun and/or false_fun so that all output types match.")
    with pytest.raises(TypeError, match="lax.cond: true_fun and false_fun arguments should be callable."):
        lax.cond(True, 1.0, f, 1.0)
    with pytest.raises(TypeError, match="cond predicate is None"):
        lax.cond(None, t, f, 1.0)
    with pytest.raises(TypeError, match="Index type must be an integer"):
        lax.switch(1.0, [t, f], 1.0)
    with pytest.raises(ValueError, match="Empty branch sequence"):
        lax.switch(0, [], 1.0)


def test_grad_matches_jax():
    # Printed by JAX 0.10.2 for the same functions.
    g = lambda p, x, y: lax.cond(p, lambda x, y: x * jnp.sin(y), lambda x, y: x * x + y, x, y)
    gt = jaxray.grad(g, argnums=(1, 2))(True, 1.5, 2.0)
    gf = jaxray.grad(g, argnums=(1, 2))(False, 1.5, 2.0)
    np.testing.assert_allclose([float(v) for v in gt], [0.9092974, -0.62422025], rtol=1e-6)
    np.testing.assert_allclose([float(v) for v in gf], [3.0, 1.0], rtol=1e-6)
    s = lambda i, x: lax.switch(i, [jnp.sin, jnp.cos, lambda x: x * x * x], x)
    got = [float(jaxray.grad(s, argnums=1)(i, 0.7)) for i in range(3)]
    np.testing.assert_allclose(got, [0.7648422122001648, -0.6442176699638367, 1.46999990940094], rtol=1e-6)
    np.testing.assert_allclose(jaxray.vmap(jaxray.grad(s, argnums=1))(jnp.array([0, 1, 2]), jnp.array([0.7, 0.7, 0.7])),
                               [0.7648422, -0.64421767, 1.4699999], rtol=1e-6)
    # Reverse mode through the select_n of a batched index.
    np.testing.assert_allclose(
        jaxray.grad(lambda xs: jaxray.vmap(s)(jnp.array([2, 0, 1]), xs).sum())(jnp.array([0.5, 0.6, 0.7])),
        [0.75, 0.8253356, -0.64421767], rtol=1e-6)

