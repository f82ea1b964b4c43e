"""The Python frontend: JAX's API on the jaxray engine (run by CTest with
PYTHONPATH=build/python, or by hand: PYTHONPATH=build/python python3 -m pytest tests/python)."""
import collections
import os
import sys

import numpy as np
import pytest

import jaxray
import jaxray.numpy as jnp
from jaxray import grad, jit, make_jaxpr, value_and_grad, vmap

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden", "transforms")


def golden(name):
    with open(os.path.join(GOLDEN, name + ".txt")) as f:
        return f.read().strip()


def test_seed_verbatim_under_the_compat_importer():
    jaxray.compat.install()
    try:
        # The seed's code, as written for JAX.
        import jax.numpy as jnp2
        from jax import grad as jgrad, make_jaxpr as jmake_jaxpr

        f = lambda x: x[0] + x[0] * x[1]
        np.testing.assert_array_equal(np.asarray(jgrad(f)(jnp2.ones(5))), [2, 1, 0, 0, 0])
        assert str(jmake_jaxpr(jgrad(f))(jnp2.ones(5))) == golden("grad_seed")
    finally:
        jaxray.compat.uninstall()
    assert "jax" not in sys.modules or sys.modules["jax"] is not jaxray


def test_make_jaxpr_object():
    def f(x, y):
        return jnp.sin(x) * y

    cj = make_jaxpr(f)(1.0, jnp.ones(3))
    # JAX 0.10.2 prints exactly this (the Python float is a weak-typed input).
    assert str(cj) == ("{ lambda ; a:f32[] b:f32[3]. let\n"
                       "    c:f32[] = sin a\n"
                       "    d:f32[] = convert_element_type[new_dtype=float32 weak_type=False] c\n"
                       "    e:f32[3] = mul d b\n"
                       "  in (e,) }")
    eqns = cj.jaxpr.eqns
    assert [e.primitive.name for e in eqns] == ["sin", "convert_element_type", "mul"]
    assert eqns[1].params == {"new_dtype": np.dtype("float32"), "weak_type": False}
    # As JAX prints avals: ~ marks the weak type of the Python float.
    assert [str(a) for a in cj.in_avals] == ["~float32[]", "float32[3]"]
    assert repr(cj.in_avals[0]) == "ShapedArray(float32[], weak_type=True)"
    assert [a.str_short(short_dtypes=True) for a in cj.out_avals] == ["f32[3]"]
    assert cj.consts == [] and cj.jaxpr.constvars == []
    # Variables are shared objects: each equation's input is an earlier output.
    a, b = cj.jaxpr.invars
    assert eqns[0].invars == [a] and eqns[1].invars == eqns[0].outvars
    assert eqns[2].invars == [eqns[1].outvars[0], b] and cj.jaxpr.outvars == eqns[2].outvars
    assert repr(b).endswith("):float32[3]") and str(b.aval) == "float32[3]"
    lit = make_jaxpr(lambda x: x * 2.0)(1.0).jaxpr.eqns[0].invars[1]
    assert repr(lit) == "Literal(2.0)" and lit.val == np.float32(2.0) and str(lit.aval) == "~float32[]"
    # Each equation knows the user's line that produced it.
    file, line, fn = cj.jaxpr.eqns[0].source_info
    assert file == __file__ and fn == "f"
    assert line == f.__code__.co_firstlineno + 1


def test_pytrees_through_grad_vmap_and_jit():
    Point = collections.namedtuple("Point", ["x", "y"])

    def loss(p, scale):
        return scale["s"] * jnp.sum(p.x * p.y)

    p = Point(jnp.asarray([1.0, 2.0]), jnp.asarray([3.0, 4.0]))
    g = grad(loss)(p, {"s": 2.0})
    assert isinstance(g, Point)
    np.testing.assert_allclose(np.asarray(g.x), [6.0, 8.0])
    np.testing.assert_allclose(np.asarray(g.y), [2.0, 4.0])
    v, (gp, gs) = value_and_grad(loss, argnums=(0, 1))(p, {"s": 2.0})
    assert float(v) == 22.0 and float(gs["s"]) == 11.0
    batched = vmap(lambda q: q.x * q.y, in_axes=(Point(0, None),))(Point(jnp.ones((4, 2)), jnp.asarray([5.0, 6.0])))
    assert batched.shape == (4, 2)
    jf = jit(lambda d: {"sum": d["a"] + d["b"]})
    out = jf({"a": jnp.ones(2), "b": 2.0})
    np.testing.assert_allclose(np.asarray(out["sum"]), [3.0, 3.0])


def test_registered_pytree_node():
    class Pair:
        def __init__(self, a, b):
            self.a, self.b = a, b

    jaxray.tree_util.register_pytree_node(Pair, lambda p: ((p.a, p.b), None), lambda _, c: Pair(*c))
    g = grad(lambda p: p.a * p.b)(Pair(2.0, 5.0))
    assert isinstance(g, Pair) and float(g.a) == 5.0 and float(g.b) == 2.0


def test_numpy_interop():
    x = jnp.arange(6.0).reshape(2, 3)
    a = np.asarray(x)
    assert a.dtype == np.float32 and a.shape == (2, 3)
    np.testing.assert_array_equal(np.array(memoryview(x)), a)
    assert x.T.shape == (3, 2) and x.ndim == 2 and x.size == 6
    assert repr(jnp.asarray([1.0, 2.0])) == "Array([1., 2.], dtype=float32)"
    assert jnp.asarray(np.arange(3)).dtype == np.int32  # int64 canonicalizes without x64


def test_errors_are_jax_exception_types_and_leave_no_trace():
    with pytest.raises(TypeError, match="Gradient only defined for scalar-output functions"):
        grad(lambda x: x * 2.0)(jnp.ones(3))
    with pytest.raises(TypeError, match="grad requires real- or complex-valued inputs"):
        grad(lambda x: x)(jnp.asarray(1))
    with pytest.raises(ValueError, match="vmap got inconsistent sizes"):
        vmap(lambda a, b: a + b)(jnp.ones(3), jnp.ones(4))

    def boom(x):
        raise KeyError("from user code")

    with pytest.raises(KeyError, match="from user code"):
        make_jaxpr(boom)(1.0)
    with pytest.raises(KeyError):
        grad(lambda x: boom(x) * x)(1.0)
    # The engine is back at top level: this runs eagerly, not under a trace.
    y = jnp.sin(jnp.asarray(0.5))
    assert not y.is_tracer
    assert abs(float(y) - np.sin(0.5)) < 1e-6


def test_concretization_error_is_a_type_error():
    def f(x):
        if x > 0:  # Python control flow on a traced value
            return x
        return -x

    with pytest.raises(TypeError, match="ConcretizationTypeError"):
        jit(f)(1.0)


def test_transformations_compose():
    f = lambda x: jnp.sin(x) * x
    assert abs(float(grad(grad(f))(0.7)) - (2 * np.cos(0.7) - 0.7 * np.sin(0.7))) < 1e-5
    h = jaxray.hessian(lambda x: jnp.sum(x ** 3))(jnp.asarray([1.0, 2.0]))
    np.testing.assert_allclose(np.asarray(h), [[6.0, 0.0], [0.0, 12.0]])
    y, t = jaxray.jvp(f, (0.5,), (1.0,))
    assert abs(float(t) - (np.cos(0.5) * 0.5 + np.sin(0.5))) < 1e-6
    out, pullback = jaxray.vjp(lambda a, b: a * b, 2.0, 3.0)
    ga, gb = pullback(1.0)
    assert float(ga) == 3.0 and float(gb) == 2.0
    gs = vmap(grad(f))(jnp.asarray([0.1, 0.2]))
    assert gs.shape == (2,)


def test_traceback_shows_the_users_line_not_jaxrays_internals():
    import traceback

    def f(x, y):
        return jnp.dot(jnp.sin(x), y)  # contracting sizes 3 and 4

    with pytest.raises(TypeError, match="dot_general requires contracting dimensions") as info:
        jit(grad(lambda x: jnp.sum(f(x, jnp.ones(4)))))(jnp.ones(3))
    frames = traceback.extract_tb(info.value.__traceback__)
    assert (frames[-1].filename, frames[-1].lineno) == (__file__, f.__code__.co_firstlineno + 1)
    package = os.path.dirname(jaxray.__file__)
    internal = [fr.name for fr in frames if fr.filename.startswith(package)]
    assert internal == ["boundary"]  # only the frame that re-raised


def test_has_aux_for_jvp_and_jacobians():
    f = lambda x: (jnp.sin(x) * x, {"twice": x * 2.0})
    y, t, aux = jaxray.jvp(f, (1.0,), (1.0,), has_aux=True)
    assert abs(float(t) - (np.cos(1.0) + np.sin(1.0))) < 1e-6 and float(aux["twice"]) == 2.0
    g = lambda x: (jnp.sum(x ** 3), x[0])
    x = jnp.asarray([1.0, 2.0])
    for jac in (jaxray.jacfwd, jaxray.jacrev):
        j, aux = jac(g, has_aux=True)(x)
        np.testing.assert_allclose(np.asarray(j), [3.0, 12.0])
        assert float(aux) == 1.0
    h, aux = jaxray.hessian(g, has_aux=True)(x)
    np.testing.assert_allclose(np.asarray(h), [[6.0, 0.0], [0.0, 12.0]])


def test_tree_utilities():
    from jaxray import tree, tree_util

    assert tree.map(lambda a, b: a + b, {"x": 1, "y": (2, 3)}, {"x": 10, "y": (20, 30)}) == {"x": 11, "y": (22, 33)}
    # The other trees may have the first one's structure as a prefix.
    assert tree.map(lambda a, b: (a, b), [1, 2], [(1, 2), {"k": 3}]) == [(1, (1, 2)), (2, {"k": 3})]
    with pytest.raises(ValueError, match="Tree structure mismatch"):
        tree.map(lambda a, b: a + b, [1, 2], [1, 2, 3])
    assert tree.reduce(lambda a, b: a + b, [1, (2, 3)]) == 6 and not tree.all([True, (1, 0)])

    @tree_util.register_pytree_node_class
    class Scaled:
        def __init__(self, w, name):
            self.w, self.name = w, name

        def tree_flatten(self):
            return (self.w,), self.name

        @classmethod
        def tree_unflatten(cls, name, children):
            return cls(children[0], name)

    g = grad(lambda s: jnp.sum(s.w ** 2))(Scaled(jnp.asarray([1.0, 3.0]), "w"))
    assert g.name == "w" and np.asarray(g.w).tolist() == [2.0, 6.0]
    # A Partial crosses transformations with its bound arguments as leaves.
    p = tree_util.Partial(lambda a, x: a * x, jnp.asarray(3.0))
    assert float(jit(lambda pp, x: pp(x))(p, 2.0)) == 6.0
    assert float(grad(lambda pp, x: pp(x))(p, 2.0).args[0]) == 2.0


def test_eval_shape_devices_and_config():
    out = jaxray.eval_shape(lambda x, y: {"a": x @ y, "b": x.sum()},
                            jaxray.ShapeDtypeStruct((2, 3), jnp.float32), jnp.ones((3, 4)))
    assert out == {"a": jaxray.ShapeDtypeStruct((2, 4), jnp.float32), "b": jaxray.ShapeDtypeStruct((), jnp.float32)}
    assert repr(jaxray.devices()) == "[CpuDevice(id=0)]" and jaxray.device_count() == 1
    assert jaxray.default_backend() == "cpu"
    assert not jaxray.config.jax_enable_x64
    jaxray.config.update("jax_enable_x64", True)
    try:
        assert jnp.ones(2).dtype == np.float64
    finally:
        jaxray.config.update("jax_enable_x64", False)
    assert jnp.ones(2).dtype == np.float32
    with pytest.raises(AttributeError, match="no option"):
        jaxray.config.update("jax_platforms", "gpu")


def test_jit_keyword_and_static_arguments():
    traces = []

    @jit
    def f(x, y, *, s):
        traces.append(1)
        return x * y + s

    # JAX 0.10.2 prints exactly this: keyword arguments are traced, sorted by name.
    assert str(make_jaxpr(lambda x, y: f(x, y=y, s=2.0))(1.0, jnp.ones(3))) == (
        "{ lambda ; a:f32[] b:f32[3]. let\n"
        "    c:f32[3] = jit[\n"
        "      name=f\n"
        "      jaxpr={ lambda ; a:f32[] d:f32[] b:f32[3]. let\n"
        "          e:f32[] = convert_element_type[new_dtype=float32 weak_type=False] a\n"
        "          f:f32[3] = mul e b\n"
        "          g:f32[] = convert_element_type[new_dtype=float32 weak_type=False] d\n"
        "          c:f32[3] = add f g\n"
        "        in (c,) }\n"
        "    ] a 2.0:f32[] b\n"
        "  in (c,) }")

    def scale(x, n):
        traces.append(n)
        return x * n

    # static_argnames also covers the argument passed by position, as in JAX.
    g = jit(scale, static_argnames="n")
    assert float(g(1.5, 2)) == 3.0 and float(g(2.5, 2)) == 5.0 and float(g(2.0, 3)) == 6.0
    assert float(g(1.5, n=2)) == 3.0  # a new call signature: traced again, as in JAX
    assert traces.count(2) == 2 and traces.count(3) == 1
    with pytest.raises(ValueError, match="Non-hashable static arguments are not supported"):
        jit(lambda x, cfg: x * cfg["a"], static_argnums=1)(1.0, {"a": 2})


def test_compat_maps_every_public_module_once():
    jaxray.compat.install()
    try:
        import jax
        import jax.numpy.linalg
        import jax.random
        import jax.tree

        assert jax is jaxray and jax.numpy.linalg is jaxray.numpy.linalg and jax.tree is jaxray.tree
        assert jax.random is jaxray.random and "jax.compat" not in sys.modules
        with pytest.raises(ModuleNotFoundError, match="jax.experimental"):
            import jax.experimental  # noqa: F401
    finally:
        jaxray.compat.uninstall()
    assert not [name for name in sys.modules if name == "jax" or name.startswith("jax.")]


def test_non_numeric_values_get_jaxs_error():
    with pytest.raises(TypeError, match=r"Value \['a'\] with dtype <U1 is not a valid JAX array type"):
        jnp.asarray(["a"])
    with pytest.raises(TypeError, match="with dtype object is not a valid JAX array type"):
        jit(lambda x: object())(1.0)
    with pytest.raises(TypeError, match="arrays of dtype uint8 are not supported"):
        jnp.asarray(np.zeros(2, np.uint8))


def test_python_float_operands_print_as_jax_prints_them():
    g = jit(lambda x, s: x * s)
    # JAX 0.10.2 prints exactly this: the Python float handed to jit keeps
    # its value, the one converted by mul is a float32 constant.
    assert str(make_jaxpr(lambda x: g(x, 1e-05) + x * 1e-05)(jnp.ones(2))) == (
        "{ lambda ; a:f32[2]. let\n"
        "    b:f32[2] = jit[\n"
        "      name=<lambda>\n"
        "      jaxpr={ lambda ; a:f32[2] c:f32[]. let\n"
        "          d:f32[] = convert_element_type[new_dtype=float32 weak_type=False] c\n"
        "          b:f32[2] = mul a d\n"
        "        in (b,) }\n"
        "    ] a 1e-05:f32[]\n"
        "    e:f32[2] = mul a 9.999999747378752e-06:f32[]\n"
        "    f:f32[2] = add b e\n"
        "  in (f,) }")
    # numpy's float64 scalar is an array, not a weakly typed Python scalar.
    assert not make_jaxpr(lambda x: x)(np.float64(1.0)).in_avals[0].weak_type
    assert make_jaxpr(lambda x: x)(1.0).in_avals[0].weak_type


def test_array_python_protocols():
    import copy
    import pickle

    x = jnp.asarray(3.14159)
    assert f"{x:.2f}" == "3.14" and [1, 2, 3][jnp.asarray(2)] == 3 and float(round(x)) == 3.0
    with pytest.raises(TypeError, match="Only integer scalar arrays"):
        [1][jnp.asarray(0.5)]
    params = {"w": jnp.arange(3.0)}
    assert copy.deepcopy(params)["w"] is params["w"]  # immutable: shared
    back = pickle.loads(pickle.dumps(params))
    assert back["w"].dtype == np.float32 and np.asarray(back["w"]).tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(TypeError, match="cannot pickle a traced array"):
        jit(lambda v: pickle.dumps(v))(1.0)
    # Operators defer to the other operand for what is not array-like.
    assert (jnp.arange(3) == None) is False  # noqa: E711
    with pytest.raises(TypeError, match="unsupported operand"):
        jnp.arange(3) + [1]
    assert isinstance(np.ones(3) + jnp.arange(3), jaxray.Array)
