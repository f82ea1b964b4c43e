"""jaxray.random, custom_jvp / custom_vjp and jaxray.nn against JAX 0.10.2.

Every literal value and jaxpr text below is what JAX 0.10.2 (CPU) printed
for the same call."""
import functools
import sys

import numpy as np
import pytest

import jaxray
import jaxray.numpy as jnp
import jaxray.random as jr
from jaxray import nn

KEY = jr.PRNGKey(42)


def values(x):
    return np.asarray(x).tolist()


# --- random ---------------------------------------------------------------------

def test_keys_split_fold_in_bits_are_jax_bits():
    # JAX 0.10.2 outputs.
    assert KEY.dtype == np.uint32 and values(KEY) == [0, 42]
    assert values(jr.PRNGKey(0)) == [0, 0] and values(jr.PRNGKey(-1)) == [0, 4294967295]
    assert values(jr.key(42)) == [0, 42]
    assert values(jr.split(KEY)) == [[1832780943, 270669613], [64467757, 2916123636]]
    assert values(jr.split(KEY, 3)) == [[1832780943, 270669613], [64467757, 2916123636], [2465931498, 255383827]]
    assert jr.split(KEY, (2, 3)).shape == (2, 3, 2)
    assert values(jr.split(jr.PRNGKey(0))) == [[1797259609, 2579123966], [928981903, 3453687069]]
    assert values(jr.fold_in(KEY, 7)) == [2547012911, 1371500959]
    assert values(jr.bits(KEY, (4,))) == [2098992034, 2919706841, 2646866425, 2409546199]


def test_float_samplers_match_jax():
    # JAX 0.10.2 outputs.
    np.testing.assert_allclose(values(jr.uniform(KEY, (4,))),
                               [0.48870956897735596, 0.6797971725463867, 0.6162714958190918, 0.5610160827636719],
                               rtol=0, atol=1e-6)
    np.testing.assert_allclose(values(jr.uniform(KEY, (3,), minval=-2.0, maxval=5.0)),
                               [1.4209669828414917, 2.758580207824707, 2.3139004707336426], rtol=0, atol=1e-6)
    np.testing.assert_allclose(values(jr.normal(KEY, (2, 2))),
                               [[-0.02830461598932743, 0.4671318531036377], [0.2957029640674591, 0.15354591608047485]],
                               rtol=0, atol=1e-5)
    np.testing.assert_allclose(values(jr.normal(jr.PRNGKey(0), (3,))),
                               [1.622642159461975, 2.0252647399902344, -0.4335944354534149], rtol=0, atol=1e-5)
    np.testing.assert_allclose(values(jr.gumbel(KEY, (3,))),
                               [0.3340933918952942, 0.952019453048706, 0.7255305647850037], rtol=0, atol=1e-5)
    np.testing.assert_allclose(values(jr.truncated_normal(KEY, -1.0, 2.0, (4,))),
                               [0.14770005643367767, 0.5684449076652527, 0.42102551460266113, 0.29997000098228455],
                               rtol=0, atol=1e-5)
    u = jr.uniform(KEY, (1000,), minval=3.0, maxval=4.0)
    assert u.dtype == np.float32 and 3.0 <= float(jnp.min(u)) and float(jnp.max(u)) < 4.0


def test_discrete_samplers_match_jax():
    # JAX 0.10.2 outputs.
    assert values(jr.bernoulli(KEY, 0.3, (6,))) == [False] * 6
    assert values(jr.bernoulli(KEY)) is True
    assert values(jr.bernoulli(KEY, jnp.asarray([0.1, 0.9, 0.5, 0.7]))) == values(jr.uniform(KEY, (4,)) <
                                                                                 jnp.asarray([0.1, 0.9, 0.5, 0.7]))
    assert values(jr.randint(KEY, (6,), 0, 10)) == [4, 4, 1, 9, 9, 9]
    assert values(jr.randint(KEY, (4,), -5, 5)) == [-1, -1, -4, 4]
    assert values(jr.randint(jr.PRNGKey(1), (2, 3), 3, 100)) == [[34, 34, 59], [22, 94, 66]]
    assert values(jr.permutation(KEY, 8)) == [7, 4, 2, 5, 3, 6, 0, 1]
    rows = jnp.asarray(np.arange(12, dtype=np.int32).reshape(4, 3))
    assert values(jr.permutation(KEY, rows)) == [[6, 7, 8], [9, 10, 11], [0, 1, 2], [3, 4, 5]]
    assert values(jr.choice(KEY, 10, (4,))) == [4, 4, 1, 9]
    assert values(jr.choice(KEY, 10, (4,), replace=False)) == [7, 4, 2, 5]
    assert values(jr.choice(KEY, 5, (6,), p=jnp.asarray([0.1, 0.2, 0.3, 0.2, 0.2]))) == [2] * 6
    assert values(jr.categorical(KEY, jnp.asarray([0.1, 1.0, -0.5, 2.0]), shape=(6,))) == [3] * 6
    probs = jnp.asarray([[0.1, 0.9], [0.8, 0.2], [0.5, 0.5]])
    assert values(jr.categorical(KEY, jnp.log(probs))) == [1, 0, 1]


def test_samplers_under_vmap_and_jit():
    # JAX 0.10.2: vmap(lambda k: uniform(k, (2,)))(split(key, 3)).
    batched = jaxray.vmap(lambda k: jr.uniform(k, (2,)))(jr.split(KEY, 3))
    np.testing.assert_allclose(values(batched), [[0.5302608013153076, 0.31336212158203125],
                                                 [0.7276642322540283, 0.787867546081543],
                                                 [0.6672406196594238, 0.7214866876602173]], rtol=0, atol=1e-6)
    jitted = jaxray.jit(lambda k: jr.normal(k, (4,)))(KEY)
    np.testing.assert_array_equal(np.asarray(jitted), np.asarray(jr.normal(KEY, (4,))))


def test_random_errors():
    with pytest.raises(ValueError, match="dtype argument to `uniform` must be a float dtype, got int32"):
        jr.uniform(KEY, (2,), dtype=jnp.int32)
    with pytest.raises(TypeError, match="randint only accepts integer dtypes"):
        jr.randint(KEY, (2,), 0, 3, dtype=jnp.float32)
    with pytest.raises(TypeError, match="expected a raw threefry key of type uint32\\[2\\]"):
        jr.uniform(jnp.ones(2), (2,))
    with pytest.raises(TypeError, match="Shapes must be 1D sequences"):
        jr.normal(KEY, 3)
    with pytest.raises(ValueError, match="Cannot take a larger sample"):
        jr.choice(KEY, 3, (4,), replace=False)


def test_compat_importer_resolves_jax_random():
    jaxray.compat.install()
    try:
        import jax
        import jax.random

        assert jax.random is jaxray.random and sys.modules["jax.random"] is jaxray.random
        assert values(jax.random.randint(jax.random.PRNGKey(42), (3,), 0, 10)) == [4, 4, 1]
        assert jax.custom_jvp is jaxray.custom_jvp and jax.nn.relu is nn.relu
    finally:
        jaxray.compat.uninstall()


# --- custom_jvp / custom_vjp ------------------------------------------------------

@jaxray.custom_jvp
def f(x, y):
    return jnp.sin(x) * y


@f.defjvp
def f_jvp(primals, tangents):
    x, y = primals
    tx, ty = tangents
    # Deliberately not the true derivative, so that its use is visible.
    return f(x, y), 2.0 * tx + ty


@jaxray.custom_vjp
def g(x, y):
    return jnp.sin(x) * y


def g_fwd(x, y):
    return g(x, y), (jnp.cos(x), y)


def g_bwd(res, ct):
    return (3.0 * ct, ct)


g.defvjp(g_fwd, g_bwd)


def test_custom_jvp_rule_drives_jvp_grad_and_vmap():
    assert f.__name__ == "f" and f.fun.__name__ == "f"
    assert float(f(1.0, 2.0)) == pytest.approx(2 * np.sin(1.0), rel=1e-6)
    y, t = jaxray.jvp(f, (1.0, 2.0), (1.0, 10.0))
    assert float(t) == 12.0
    assert float(jaxray.grad(f)(1.0, 2.0)) == 2.0
    assert float(jaxray.grad(f, argnums=1)(1.0, 2.0)) == 1.0
    np.testing.assert_array_equal(np.asarray(jaxray.vmap(jaxray.grad(f))(jnp.ones(3), jnp.ones(3))), [2.0] * 3)
    np.testing.assert_array_equal(np.asarray(jaxray.jit(jaxray.grad(f))(1.0, 2.0)), 2.0)


def test_custom_jvp_jaxprs_print_as_jax():
    # JAX 0.10.2's text.
    assert str(jaxray.make_jaxpr(f)(1.0, 2.0)) == """\
{ lambda ; a:f32[] b:f32[]. let
    c:f32[] = custom_jvp_call[
      name=f
      call_jaxpr={ lambda ; d:f32[] e:f32[]. let
          f:f32[] = sin d
          g:f32[] = mul f e
        in (g,) }
      jvp=f_jvp
      symbolic_zeros=False
    ] a b
  in (c,) }"""
    assert str(jaxray.make_jaxpr(jaxray.grad(f))(1.0, 2.0)) == """\
{ lambda ; a:f32[] b:f32[]. let
    _:f32[] = custom_jvp_call[
      name=f
      call_jaxpr={ lambda ; c:f32[] d:f32[]. let
          e:f32[] = sin c
          f:f32[] = mul e d
        in (f,) }
      jvp=f_jvp
      symbolic_zeros=False
    ] a b
    g:f32[] = mul 2.0:f32[] 1.0:f32[]
  in (g,) }"""


def test_custom_vjp_rule_drives_grad_and_prints_as_jax():
    assert float(jaxray.grad(g)(1.0, 2.0)) == 3.0
    _, pullback = jaxray.vjp(g, 1.0, 2.0)
    assert [float(c) for c in pullback(5.0)] == [15.0, 5.0]
    np.testing.assert_array_equal(np.asarray(jaxray.vmap(jaxray.grad(g))(jnp.ones(2), jnp.ones(2))), [3.0, 3.0])
    # JAX 0.10.2's text.
    assert str(jaxray.make_jaxpr(g)(1.0, 2.0)) == """\
{ lambda ; a:f32[] b:f32[]. let
    c:f32[] = custom_vjp_call[
      name=g
      bwd=g_bwd
      call_jaxpr={ lambda ; d:f32[] e:f32[]. let
          f:f32[] = sin d
          g:f32[] = mul f e
        in (g,) }
      fwd=g_fwd
      symbolic_zeros=False
    ] a b
  in (c,) }"""
    assert str(jaxray.make_jaxpr(jaxray.grad(g))(1.0, 2.0)) == """\
{ lambda ; a:f32[] b:f32[]. let
    _:f32[] = custom_vjp_call[
      name=g
      bwd=g_bwd
      call_jaxpr={ lambda ; c:f32[] d:f32[]. let
          e:f32[] = sin c
          f:f32[] = mul e d
        in (f,) }
      fwd=g_fwd
      symbolic_zeros=False
    ] a b
    _:f32[] = cos a
    g:f32[] = mul 3.0:f32[] 1.0:f32[]
  in (g,) }"""


def test_nondiff_argnums():
    @functools.partial(jaxray.custom_jvp, nondiff_argnums=(0,))
    def app(fn, x):
        return fn(x)

    @app.defjvp
    def app_jvp(fn, primals, tangents):
        (x,), (t,) = primals, tangents
        return app(fn, x), 10.0 * t

    assert float(jaxray.grad(lambda x: app(jnp.sin, x))(1.0)) == 10.0
    assert str(jaxray.make_jaxpr(lambda x: app(jnp.sin, x))(1.0)) == """\
{ lambda ; a:f32[]. let
    b:f32[] = custom_jvp_call[
      name=app
      call_jaxpr={ lambda ; c:f32[]. let d:f32[] = sin c in (d,) }
      jvp=app_jvp
      symbolic_zeros=False
    ] a
  in (b,) }"""

    @functools.partial(jaxray.custom_vjp, nondiff_argnums=(0,))
    def apply(fn, x):
        return fn(x)

    apply.defvjp(lambda fn, x: (fn(x), x), lambda fn, x, ct: (fn(x) * ct * 100.0,))
    # JAX 0.10.2: 47.942554.
    assert float(jaxray.grad(lambda x: apply(jnp.sin, x))(0.5)) == pytest.approx(47.942554, rel=1e-6)
    with pytest.raises(jaxray.UnexpectedTracerError, match="nondiff_argnums"):
        jaxray.grad(lambda x: apply(x, x))(1.0)


def test_pytrees_in_and_out():
    @jaxray.custom_jvp
    def pt(d):
        return {"a": d["x"] * 2.0, "b": (d["y"],)}

    @pt.defjvp
    def pt_jvp(p, t):
        return pt(*p), {"a": t[0]["x"] * 5.0, "b": (t[0]["y"],)}

    arg = {"x": 1.0, "y": jnp.ones(2)}
    out, tan = jaxray.jvp(pt, (arg,), (arg,))
    assert float(out["a"]) == 2.0 and float(tan["a"]) == 5.0 and isinstance(tan["b"], tuple)
    assert str(jaxray.make_jaxpr(pt)(arg)) == """\
{ lambda ; a:f32[] b:f32[2]. let
    c:f32[] d:f32[2] = custom_jvp_call[
      name=pt
      call_jaxpr={ lambda ; e:f32[] f:f32[2]. let
          g:f32[] = mul e 2.0:f32[]
        in (g, f) }
      jvp=pt_jvp
      symbolic_zeros=False
    ] a b
  in (c, d) }"""

    @jaxray.custom_vjp
    def tree_f(p):
        return {"out": p["w"] * p["b"]}

    # A None cotangent is a zero one, as in JAX.
    tree_f.defvjp(lambda p: (tree_f(p), (p["w"], p["b"])), lambda res, ct: ({"w": ct["out"] * 7.0, "b": None},))
    grads = jaxray.grad(lambda p: jnp.sum(tree_f(p)["out"]))({"w": jnp.ones(2), "b": jnp.asarray([2.0, 3.0])})
    assert values(grads["w"]) == [7.0, 7.0] and values(grads["b"]) == [0.0, 0.0]


def test_defjvps_sums_per_argument_rules():
    @jaxray.custom_jvp
    def h(x, y):
        return x * y

    h.defjvps(lambda tx, ans, x, y: 10.0 * tx, None)
    assert float(jaxray.grad(h)(3.0, 4.0)) == 10.0
    assert float(jaxray.grad(h, argnums=1)(3.0, 4.0)) == 0.0
    with pytest.raises(TypeError, match="Can't use ``defjvps`` with ``nondiff_argnums``"):
        jaxray.custom_jvp(lambda a, b: a, nondiff_argnums=(1,)).defjvps(None)


def test_custom_derivative_errors_are_jaxs():
    @jaxray.custom_jvp
    def nojvp(x):
        return x

    with pytest.raises(AttributeError, match="No JVP defined for custom_jvp function nojvp using defjvp."):
        nojvp(1.0)

    @jaxray.custom_vjp
    def novjp(x):
        return x

    with pytest.raises(AttributeError, match="No VJP defined for custom_vjp function novjp using defvjp."):
        novjp(1.0)
    with pytest.raises(TypeError, match="can't apply forward-mode autodiff \\(jvp\\) to a custom_vjp function."):
        jaxray.jvp(g, (1.0, 2.0), (1.0, 1.0))

    @jaxray.custom_jvp
    def bad(x):
        return x

    bad.defjvp(lambda p, t: (p[0], (t[0], t[0])))
    with pytest.raises(TypeError, match=r"must produce primal and tangent outputs with equal container \(pytree\) "
                                        r"structures, but got PyTreeDef\(\*\) and PyTreeDef\(\(\*, \*\)\)"):
        jaxray.jvp(bad, (1.0,), (1.0,))
    bad.defjvp(lambda p, t: ((p[0], p[0]), (t[0], t[0])))
    with pytest.raises(TypeError, match="first element had container/pytree structure:\n    \\(f32\\[\\], f32\\[\\]\\)"):
        jaxray.grad(bad)(1.0)
    bad.defjvp(lambda p, t: (p[0], jnp.ones(2)))
    with pytest.raises(TypeError, match="corresponding shapes and dtypes. Expected f32\\[\\]"):
        jaxray.jvp(bad, (1.0,), (1.0,))

    @jaxray.custom_vjp
    def badv(x):
        return x

    badv.defvjp(lambda x: (x, None), lambda r, ct: (ct, ct))
    with pytest.raises(TypeError, match="bwd output structure PyTreeDef\\(\\(\\*, \\*\\)\\) for primal input "
                                        "structure PyTreeDef\\(\\(\\*,\\)\\)"):
        jaxray.grad(badv)(1.0)


# --- nn ---------------------------------------------------------------------------

X = np.array([-3.0, -1.5, -0.2, 0.0, 0.3, 1.0, 2.5, 7.0], np.float32)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(x))


def _erf(x):
    return np.vectorize(lambda v: __import__("math").erf(v))(x)


CLOSED_FORMS = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.minimum(np.maximum(x, 0), 6),
    "sigmoid": _sigmoid,
    "log_sigmoid": lambda x: -_softplus(-x),
    "softplus": _softplus,
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.01 * x),
    "celu": lambda x: np.maximum(x, 0) + np.expm1(np.minimum(x, 0)),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    "tanh": np.tanh,
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "hard_sigmoid": lambda x: np.minimum(np.maximum(x + 3, 0), 6) / 6,
    "soft_sign": lambda x: x / (np.abs(x) + 1),
    "mish": lambda x: x * np.tanh(_softplus(x)),
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORMS))
def test_activation_values_and_gradients(name):
    fn = getattr(nn, name)
    np.testing.assert_allclose(np.asarray(fn(jnp.asarray(X))), CLOSED_FORMS[name](X.astype(np.float64)),
                               rtol=1e-5, atol=1e-6)
    # Gradients against central differences of the closed form, away from kinks.
    for x in (-2.3, -0.7, 0.4, 1.6, 3.3):
        eps = 1e-4
        fd = (CLOSED_FORMS[name](np.float64(x + eps)) - CLOSED_FORMS[name](np.float64(x - eps))) / (2 * eps)
        assert float(jaxray.grad(fn)(x)) == pytest.approx(fd, rel=1e-4, abs=1e-5), (name, x)


def test_gelu_both_forms():
    x = X.astype(np.float64)
    tanh_form = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
    exact = 0.5 * x * (1 + _erf(x / np.sqrt(2)))
    np.testing.assert_allclose(np.asarray(nn.gelu(jnp.asarray(X))), tanh_form, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(nn.gelu(jnp.asarray(X), approximate=False)), exact, rtol=1e-5, atol=1e-6)
    for approximate in (True, False):
        for x0 in (-1.2, 0.5, 2.0):
            eps = 1e-3
            fd = (float(nn.gelu(x0 + eps, approximate)) - float(nn.gelu(x0 - eps, approximate))) / (2 * eps)
            assert float(jaxray.grad(lambda v: nn.gelu(v, approximate))(x0)) == pytest.approx(fd, rel=2e-3)


def test_relu_derivative_at_zero_is_jaxs():
    assert float(jaxray.grad(nn.relu)(0.0)) == 0.0 and float(jaxray.grad(nn.relu6)(6.0)) == 0.0
    np.testing.assert_array_equal(np.asarray(jaxray.vmap(jaxray.grad(nn.relu))(jnp.asarray([-1.0, 0.0, 2.0]))),
                                  [0.0, 0.0, 1.0])


def test_normalizations():
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]], np.float32)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(np.asarray(nn.softmax(jnp.asarray(x))), e / e.sum(1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(nn.log_softmax(jnp.asarray(x), axis=0)),
                               x - np.log(np.exp(x).sum(0, keepdims=True)), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.asarray(nn.logsumexp(jnp.asarray(x), axis=1)), np.log(np.exp(x).sum(1)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(nn.logsumexp(jnp.asarray(x), keepdims=True)),
                               [[np.log(np.exp(x).sum())]], rtol=1e-6)
    z = np.asarray(nn.standardize(jnp.asarray(x)))
    np.testing.assert_allclose(z.mean(1), 0, atol=1e-6)
    np.testing.assert_allclose(z.var(1), 1, atol=1e-4)
    # d softmax(x)_0 / dx = s_0 (e_0 - s), and log_softmax's rows of 1 - s.
    v = jnp.asarray([0.3, -1.2, 2.0])
    s = np.asarray(nn.softmax(v))
    np.testing.assert_allclose(np.asarray(jaxray.grad(lambda a: nn.softmax(a)[0])(v)), s[0] * (np.eye(3)[0] - s),
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np.asarray(jaxray.grad(lambda a: nn.log_softmax(a)[1])(v)), np.eye(3)[1] - s,
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np.asarray(jaxray.grad(nn.logsumexp)(v)), s, rtol=1e-5)


def test_one_hot():
    np.testing.assert_array_equal(np.asarray(nn.one_hot(jnp.asarray([0, 2, -1, 3]), 3)),
                                  [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    out = nn.one_hot(jnp.asarray([1, 0]), 3, axis=0, dtype=jnp.int32)
    assert out.dtype == np.int32 and values(out) == [[0, 1], [1, 0], [0, 0]]


# JAX 0.10.2's text for each.
NN_JAXPRS = {
    "relu": (nn.relu, (jnp.ones(3),), """\
{ lambda ; a:f32[3]. let
    b:f32[3] = custom_jvp_call[
      name=relu
      call_jaxpr={ lambda ; c:f32[3]. let
          d:f32[3] = jit[
            name=relu
            jaxpr={ lambda ; c:f32[3]. let d:f32[3] = max c 0.0:f32[] in (d,) }
          ] c
        in (d,) }
      jvp=jvp
      symbolic_zeros=False
    ] a
  in (b,) }"""),
    "grad_relu": (jaxray.grad(nn.relu), (1.0,), """\
{ lambda ; a:f32[]. let
    _:f32[] = custom_jvp_call[
      name=relu
      call_jaxpr={ lambda ; b:f32[]. let
          c:f32[] = jit[
            name=relu
            jaxpr={ lambda ; b:f32[]. let c:f32[] = max b 0.0:f32[] in (c,) }
          ] b
        in (c,) }
      jvp=jvp
      symbolic_zeros=False
    ] a
    d:bool[] = gt a 0.0:f32[]
    e:f32[] = select_n d 0.0:f32[] 1.0:f32[]
  in (e,) }"""),
    "softmax": (nn.softmax, (jnp.ones((2, 3)),), """\
{ lambda ; a:f32[2,3]. let
    b:f32[2] = reduce_max[axes=(1,)] a
    c:f32[2] = max -inf:f32[] b
    d:f32[2,1] = broadcast_in_dim[broadcast_dimensions=(0,)] c
    e:f32[2,1] = stop_gradient d
    f:f32[2,3] = sub a e
    g:f32[2,3] = exp f
    h:f32[2] = reduce_sum[axes=(1,) out_sharding=None] g
    i:f32[2,1] = broadcast_in_dim[broadcast_dimensions=(0,)] h
    j:f32[2,3] = div g i
  in (j,) }"""),
    "log_softmax": (nn.log_softmax, (jnp.ones(3),), """\
{ lambda ; a:f32[3]. let
    b:f32[3] = jit[
      name=log_softmax
      jaxpr={ lambda ; a:f32[3]. let
          c:f32[] = reduce_max[axes=(0,)] a
          d:f32[] = max -inf:f32[] c
          e:f32[1] = broadcast_in_dim d
          f:f32[1] = stop_gradient e
          g:f32[3] = sub a f
          h:f32[3] = exp g
          i:f32[] = reduce_sum[axes=(0,) out_sharding=None] h
          j:f32[1] = broadcast_in_dim i
          k:f32[1] = log j
          b:f32[3] = sub g k
        in (b,) }
    ] a
  in (b,) }"""),
    "sigmoid": (nn.sigmoid, (jnp.ones(3),), "{ lambda ; a:f32[3]. let b:f32[3] = logistic a in (b,) }"),
    "softplus": (nn.softplus, (jnp.ones(3),), """\
{ lambda ; a:f32[3]. let
    b:f32[3] = jit[
      name=softplus
      jaxpr={ lambda ; a:f32[3]. let
          b:f32[3] = custom_jvp_call[
            name=logaddexp
            call_jaxpr={ lambda ; c:f32[3] d:f32[]. let
                e:f32[3] = max c d
                f:f32[3] = sub c d
                g:bool[3] = ne f f
                h:f32[3] = add c d
                i:f32[3] = abs f
                j:f32[3] = neg i
                k:f32[3] = exp j
                l:f32[3] = log1p k
                m:f32[3] = add e l
                n:f32[3] = select_n g m h
              in (n,) }
            jvp=_logaddexp_jvp
            symbolic_zeros=False
          ] a 0.0:f32[]
        in (b,) }
    ] a
  in (b,) }"""),
    "gelu": (nn.gelu, (jnp.ones(3),), """\
{ lambda ; a:f32[3]. let
    b:f32[3] = integer_pow[y=3] a
    c:f32[3] = mul 0.044714998453855515:f32[] b
    d:f32[3] = add a c
    e:f32[3] = mul 0.7978845834732056:f32[] d
    f:f32[3] = tanh e
    g:f32[3] = add 1.0:f32[] f
    h:f32[3] = mul 0.5:f32[] g
    i:f32[3] = mul a h
  in (i,) }"""),
    "logsumexp": (lambda a: nn.logsumexp(a, axis=1, keepdims=True), (jnp.ones((2, 3)),), """\
{ lambda ; a:f32[2,3]. let
    b:f32[2] = reduce_max[axes=(1,)] a
    c:f32[2] = max -inf:f32[] b
    d:f32[2,1] = broadcast_in_dim[broadcast_dimensions=(0,)] c
    e:bool[2,1] = is_finite d
    f:f32[2,1] = broadcast_in_dim 0.0:f32[]
    g:f32[2,1] = select_n e f d
    h:f32[2,1] = stop_gradient g
    i:f32[2,3] = sub a h
    j:f32[2,3] = exp i
    k:f32[2] = reduce_sum[axes=(1,) out_sharding=None] j
    l:f32[2,1] = broadcast_in_dim[broadcast_dimensions=(0,)] k
    _:f32[2,1] = sign l
    m:f32[2,1] = abs l
    n:f32[2,1] = log m
    o:f32[2,1] = add n h
  in (o,) }"""),
    "one_hot": (lambda i: nn.one_hot(i, 4), (jnp.asarray([0, 2, 1]),), """\
{ lambda ; a:i32[3]. let
    b:f32[3,4] = jit[
      name=_one_hot
      jaxpr={ lambda ; a:i32[3]. let
          c:i32[3,1] = broadcast_in_dim[broadcast_dimensions=(0,)] a
          d:i32[1,4] = iota[dimension=1 dtype=int32 shape=(1, 4) sharding=None] 
          e:bool[3,4] = eq c d
          b:f32[3,4] = convert_element_type[new_dtype=float32 weak_type=False] e
        in (b,) }
    ] a
  in (b,) }"""),
}


@pytest.mark.parametrize("name", sorted(NN_JAXPRS))
def test_nn_jaxprs_print_as_jax(name):
    fn, args, text = NN_JAXPRS[name]
    assert str(jaxray.make_jaxpr(fn)(*args)) == text
