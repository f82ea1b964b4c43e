"""jaxray.lax.while_loop and jaxray.lax.fori_loop: values, pytree carries,
the jaxprs JAX 0.10.2 prints for the functions of
tests/golden/while/gen_while.py (run on jaxray), forward mode
against finite differences, vmap against a loop, and JAX's error texts."""
import os

import numpy as np
import pytest

import golden_cases
import jaxray
import jaxray.numpy as jnp
from jaxray import lax

# The functions, constants and cases of gen_while.py, run on jaxray.
globals().update(golden_cases.load("while"))


def golden(name):
    return golden_cases.golden("while", name)


def fori_power(x):
    return lax.fori_loop(0, 3, lambda i, c: c * x, x)


@pytest.mark.parametrize("name,fn,args", CASES, ids=[c[0] for c in CASES])
def test_jaxpr_is_jax_text(name, fn, args):
    assert str(jaxray.make_jaxpr(fn)(*args)) == golden(name)


def test_every_golden_has_a_case():
    names = {c[0] for c in CASES}
    for f in os.listdir(os.path.join(golden_cases.GOLDEN, "while")):
        if f.endswith(".txt"):
            assert f[:-4] in names, f


def test_values():
    assert float(doubling(1.0)) == 16.0
    assert float(doubling(10.0)) == 10.0
    a, b = closure(1.0, 3.0)
    assert (float(a), float(b)) == (4.0, 7.0)
    d = dict_carry(1.0)
    assert sorted(d) == ["a", "b"] and float(d["a"]) == 10.0 and float(d["b"]) == 512.0
    s, n = weak_init(jnp.float32(2.5))
    assert (float(s), int(n)) == (10.0, 4) and s.dtype == np.float32 and n.dtype == np.int32
    x, y = invariant(1.0, 2.0)
    assert (float(x), float(y)) == (11.0, 2.0)
    lst = lax.while_loop(lambda c: c[0] < 3, lambda c: [c[0] + 1, c[1] * 2.0], [0, 1.0])
    assert isinstance(lst, list) and int(lst[0]) == 3 and float(lst[1]) == 8.0


def test_fori_loop_values():
    assert int(lax.fori_loop(2, 7, lambda i, c: c + i, 0)) == 20
    assert float(lax.fori_loop(5, 2, lambda i, c: c * 2.0, 3.0)) == 3.0
    assert float(fori_index(1.0, 4)) == 7.0
    out = lax.fori_loop(0, 3, lambda i, c: (c[0] + 1.0, c[1] * 2.0), (0.0, jnp.ones(2)))
    assert float(out[0]) == 3.0 and np.allclose(np.asarray(out[1]), [8.0, 8.0])
    assert float(jaxray.jit(fori_traced)(1.0, 4)) == 16.0


def test_jvp_matches_finite_differences():
    out, t = jaxray.jvp(scaled, (1.0, 2.0), (1.0, 0.0))
    assert (float(out), float(t)) == (16.0, 16.0)
    _, t = jaxray.jvp(scaled, (1.0, 2.0), (0.0, 1.0))
    assert float(t) == 32.0

    def f(x):
        return lax.fori_loop(0, 5, lambda i, c: jnp.sin(c) + 0.5 * c, x)

    x0, h = 0.7, 1e-3
    _, t = jaxray.jvp(f, (jnp.float32(x0),), (jnp.float32(1.0),))
    fd = (float(f(jnp.float32(x0 + h))) - float(f(jnp.float32(x0 - h)))) / (2 * h)
    assert abs(float(t) - fd) < 2e-3


def test_vmap_matches_a_loop():
    xs = np.array([1.0, 3.0, 0.5, 20.0], np.float32)
    got = np.asarray(jaxray.vmap(doubling)(xs))
    assert got.tolist() == [float(doubling(float(x))) for x in xs]
    ys = np.array([2.0, 3.0, 0.5], np.float32)
    _, p = jaxray.vmap(counter)(ys)
    assert np.allclose(np.asarray(p), ys ** 5)
    a, b = jaxray.vmap(closure, in_axes=(None, 0))(1.0, np.array([3.0, 9.0, 0.5], np.float32))
    want = [closure(1.0, y) for y in [3.0, 9.0, 0.5]]
    assert np.asarray(a).tolist() == [float(w[0]) for w in want]
    assert np.asarray(b).tolist() == [float(w[1]) for w in want]
    # A batched bound: a batched predicate over an integer carry.
    ns = np.array([0, 2, 5], np.int32)
    got = jaxray.vmap(fori_index)(np.ones(3, np.float32), ns)
    assert np.asarray(got).tolist() == [float(fori_index(1.0, int(n))) for n in ns]
    # The batch axis of the carry moved to the front of the loop.
    m = np.arange(6, dtype=np.float32).reshape(2, 3) + 1
    g = lambda x: lax.while_loop(lambda c: c.sum() < 50.0, lambda c: c * 2.0, x)
    got = np.asarray(jaxray.vmap(g, in_axes=1)(m))
    assert got.tolist() == [np.asarray(g(m[:, j])).tolist() for j in range(3)]


def test_errors():
    with pytest.raises(TypeError, match=r"^lax.while_loop: body_fun and cond_fun arguments should be callable.$"):
        lax.while_loop(1, lambda c: c, 1.0)
    with pytest.raises(TypeError) as e:
        lax.while_loop(lambda c: c, lambda c: c, 1.0)
    assert str(e.value) == ("cond_fun must return a boolean scalar, but got output type(s) "
                            "[ShapedArray(float32[], weak_type=True)].")
    with pytest.raises(TypeError) as e:
        lax.while_loop(lambda c: c[0] < 1, lambda c: (c[0],), (1.0, 2.0))
    assert str(e.value) == (
        "while_loop body function carry input and carry output must have the same pytree structure, but they "
        "differ:\n\nThe input carry c is a tuple of length 2 but the corresponding component of the carry output "
        "is a tuple of length 1, so the lengths do not match.\n\nRevise the function so that the carry output has "
        "the same pytree structure as the carry input.")
    with pytest.raises(TypeError) as e:
        lax.while_loop(lambda c: c["a"] < 1, lambda c: {"a": c["a"], "b": c["a"].astype(int)}, {"a": 1.0, "b": 2.0})
    assert str(e.value) == (
        "while_loop body function carry input and carry output must have equal types, but they differ:\n\nThe input "
        "carry component c['b'] has type float32[] but the corresponding output carry component has type int32[], "
        "so the dtypes do not match.\n\nRevise the function so that all output types match the corresponding input "
        "types.")
    with pytest.raises(TypeError, match="^lower and upper arguments to fori_loop must have equal types, got int32 "
                                        "and float32$"):
        lax.fori_loop(0, 3.0, lambda i, c: c, 1.0)


def test_grad_raises_jax_error():
    with pytest.raises(ValueError) as e:
        jaxray.grad(doubling)(1.0)
    assert str(e.value) == (
        "Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with dynamic start/stop "
        "values. Try using lax.scan, or using fori_loop with static start/stop.")


def test_fori_loop_unroll():
    def lines(unroll):
        text = str(jaxray.make_jaxpr(lambda x: lax.fori_loop(0, 3, lambda i, c: c * 2.0, x, unroll=unroll))(1.0))
        return [l.strip() for l in text.splitlines() if "unroll" in l]
    # JAX 0.10.2 prints these.
    assert [lines(u) for u in (True, 2, False, None)] == [["unroll=3"], ["unroll=2"], ["unroll=1"], ["unroll=1"]]
    assert float(lax.fori_loop(0, 3, lambda i, c: c * 2.0, 1.0, unroll=True)) == 8.0
    with pytest.raises(ValueError, match="^Can only use `unroll` in `fori_loop` if the loop bounds are statically "
                                         "known.$"):
        jaxray.jit(lambda n: lax.fori_loop(0, n, lambda i, c: c, 1.0, unroll=2))(3)
    assert float(jaxray.jit(lambda n: lax.fori_loop(0, n, lambda i, c: c * 2.0, 1.0, unroll=True))(3)) == 8.0


def test_grad_of_static_fori_loop():
    # d/dx x^4 at 2 (JAX 0.10.2 gives 32.0); traced bounds make a while instead.
    assert float(jaxray.grad(fori_power)(2.0)) == 32.0
    with pytest.raises(ValueError, match="^Reverse-mode differentiation does not work for lax.while_loop"):
        jaxray.jit(lambda x, n: jaxray.grad(lambda y: lax.fori_loop(0, n, lambda i, c: c * y, y))(x))(2.0, 3)
