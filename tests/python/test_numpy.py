"""jaxray.numpy, jaxray.lax and the Array methods: values against numpy and
closed forms, jaxprs against JAX 0.10.2's, and JAX's errors."""
import math

import numpy as np
import pytest

import jaxray
import jaxray.numpy as jnp
from jaxray import grad, jit, lax, make_jaxpr

X = np.arange(6.0, dtype=np.float32).reshape(2, 3)
V = np.asarray([0.5, 1.5, 2.5, 3.5], dtype=np.float32)


def close(a, b, **kw):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=kw.get("rtol", 1e-5), atol=kw.get("atol", 1e-6))


# --- elementwise ------------------------------------------------------------------

UNARY = [
    ("exp2", np.exp2, V), ("log2", np.log2, V), ("log10", np.log10, V), ("arcsinh", np.arcsinh, V),
    ("arccosh", np.arccosh, V + 1), ("arctanh", np.arctanh, V / 4), ("asinh", np.arcsinh, V),
    ("acos", np.arccos, V / 4), ("positive", np.positive, V), ("cbrt", np.cbrt, V), ("square", np.square, V),
    ("reciprocal", np.reciprocal, V), ("sign", np.sign, V - 2), ("round", np.round, V),
]


@pytest.mark.parametrize("name,ref,x", UNARY, ids=[u[0] for u in UNARY])
def test_unary_against_numpy(name, ref, x):
    close(getattr(jnp, name)(x), ref(x))


def test_integer_and_logical_ops():
    a, b = np.asarray([0, 1, 5, 6], np.int32), np.asarray([3, 3, 3, 3], np.int32)
    np.testing.assert_array_equal(jnp.bitwise_and(a, b), a & b)
    np.testing.assert_array_equal(jnp.bitwise_or(a, b), a | b)
    np.testing.assert_array_equal(jnp.bitwise_xor(a, b), a ^ b)
    np.testing.assert_array_equal(jnp.invert(a), ~a)
    np.testing.assert_array_equal(jnp.bitwise_not(a), ~a)
    np.testing.assert_array_equal(jnp.logical_xor(a > 1, b > 2), np.logical_xor(a > 1, b > 2))
    # The reflected operators of Array.
    ja = jnp.asarray(a)
    np.testing.assert_array_equal(3 & ja, 3 & a)
    np.testing.assert_array_equal(3 | ja, 3 | a)
    np.testing.assert_array_equal(3 ^ ja, 3 ^ a)
    np.testing.assert_array_equal(True & (ja > 1), a > 1)


def test_isinf_isclose_allclose():
    x = jnp.asarray([1.0, np.inf, -np.inf, np.nan])
    np.testing.assert_array_equal(jnp.isinf(x), [False, True, True, False])
    np.testing.assert_array_equal(jnp.isinf(jnp.arange(3)), [False] * 3)
    np.testing.assert_array_equal(jnp.isclose(jnp.asarray([1.0, 2.0, np.nan]), jnp.asarray([1.0 + 1e-7, 2.1, np.nan])),
                                  [True, False, False])
    np.testing.assert_array_equal(jnp.isclose(jnp.asarray([np.nan]), np.nan, equal_nan=True), [True])
    assert bool(jnp.allclose(V, V + 1e-7)) and not bool(jnp.allclose(V, V + 1e-2))
    assert bool(jnp.allclose(jnp.arange(3), np.arange(3.0)))


# --- reductions and their Array methods --------------------------------------------

@pytest.mark.parametrize("name", ["sum", "prod", "mean", "max", "min", "var", "std"])
def test_reductions_axis_and_keepdims(name):
    ref = getattr(np, name)
    for axis in (None, 0, 1, (0, 1), -1):
        for keepdims in (False, True):
            close(getattr(jnp, name)(X, axis=axis, keepdims=keepdims), ref(X, axis=axis, keepdims=keepdims))
            close(getattr(jnp.asarray(X), name)(axis=axis, keepdims=keepdims), ref(X, axis=axis, keepdims=keepdims))


def test_reduction_options():
    close(jnp.var(X, axis=0, ddof=1), np.var(X, axis=0, ddof=1))
    close(jnp.std(X, ddof=1), np.std(X, ddof=1))
    s = jnp.sum(X, dtype=jnp.int32)
    assert s.dtype == np.int32 and int(s) == 15
    assert jnp.sum(jnp.asarray([True, True, False])).dtype == np.int32
    assert bool(jnp.any(X > 4)) and not bool(jnp.all(X > 4))
    np.testing.assert_array_equal(jnp.asarray(X).any(axis=0), (X > 0).any(axis=0))
    np.testing.assert_array_equal(jnp.asarray(X > 0).all(axis=1), (X > 0).all(axis=1))
    with pytest.raises(NotImplementedError, match="'out' argument"):
        jnp.sum(X, out=np.zeros(3))


def test_arg_and_cumulative_reductions():
    y = np.asarray([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], np.float32)
    assert int(jnp.argmax(y)) == 4 and int(jnp.asarray(y).argmin()) == 3
    np.testing.assert_array_equal(jnp.argmax(y, axis=1), [0, 1])
    np.testing.assert_array_equal(jnp.asarray(y).argmin(axis=0, keepdims=True), [[1, 0, 0]])
    close(jnp.cumsum(y), np.cumsum(y))
    close(jnp.cumprod(y, axis=1), np.cumprod(y, axis=1))
    close(jnp.asarray(y).cumsum(axis=0), np.cumsum(y, axis=0))
    close(jnp.asarray(y).cumprod(), np.cumprod(y))
    assert jnp.cumsum(jnp.asarray([1, 2]), dtype=jnp.float32).dtype == np.float32


def test_array_methods():
    a = jnp.asarray(X)
    assert a.ravel().shape == (6,) and a.flatten().shape == (6,)
    assert a[None].squeeze().shape == (2, 3) and a[:, :1].squeeze(axis=1).shape == (2,)
    close(a.clip(1.0, 4.0), np.clip(X, 1.0, 4.0))
    close(a.clip(max=2.0), np.minimum(X, 2.0))
    close((a + 0.5).round(), np.round(X + 0.5))
    assert a.swapaxes(0, 1).shape == (3, 2)
    close(a.prod(axis=1), X.prod(axis=1))
    assert a.tolist() == X.tolist()
    assert a.block_until_ready() is a


# --- creation and shapes -------------------------------------------------------------

def test_creation():
    assert jnp.arange(3).dtype == np.int32 and jnp.arange(3.0).dtype == np.float32
    np.testing.assert_array_equal(jnp.arange(1, 7, 2), [1, 3, 5])
    f = jnp.full((2,), 3)
    assert f.dtype == np.int32 and f.tolist() == [3, 3]
    assert jnp.full_like(X, 7.0).dtype == np.float32 and float(jnp.full_like(X, 7.0)[1, 2]) == 7.0
    assert jnp.full_like(X, 2, dtype=jnp.int32).dtype == np.int32
    assert jnp.zeros_like(X, dtype=jnp.int32).dtype == np.int32 and jnp.ones_like(X, shape=(4,)).shape == (4,)
    close(jnp.linspace(0.0, 1.0, 5), np.linspace(0.0, 1.0, 5))
    close(jnp.linspace(0.0, 1.0, 4, endpoint=False), np.linspace(0.0, 1.0, 4, endpoint=False))
    close(jnp.eye(3, 4, k=1), np.eye(3, 4, k=1))
    assert jnp.array([1, 2], dtype=jnp.float32).dtype == np.float32
    assert jnp.array(1.0, ndmin=2).shape == (1, 1)
    assert jnp.shape(X) == (2, 3) and jnp.ndim(X) == 2 and jnp.size(X) == 6
    assert jnp.shape(jnp.asarray(X)) == (2, 3) and jnp.size(jnp.asarray(X)) == 6
    assert jnp.result_type(jnp.arange(3), 1.0) == np.float32 and jnp.result_type(jnp.int32) == np.int32


def test_array_of_traced_values():
    @jit
    def f(a, b):
        return jnp.array([a, b * 2])
    close(f(1.0, 2.0), [1.0, 4.0])


def test_shape_functions():
    y = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    assert jnp.swapaxes(y, 0, 2).shape == (4, 3, 2)
    close(jnp.moveaxis(y, 0, -1), np.moveaxis(y, 0, -1))
    close(jnp.flip(y), np.flip(y))
    close(jnp.flip(y, axis=1), np.flip(y, axis=1))
    close(jnp.pad(V, 2), np.pad(V, 2))
    close(jnp.pad(X, ((1, 0), (0, 2)), constant_values=9.0), np.pad(X, ((1, 0), (0, 2)), constant_values=9.0))
    close(jnp.tril(X), np.tril(X))
    close(jnp.triu(X, 1), np.triu(X, 1))
    close(jnp.broadcast_to(V, (3, 4)), np.broadcast_to(V, (3, 4)))
    parts = jnp.split(jnp.arange(6.0), 3)
    assert isinstance(parts, list) and [p.tolist() for p in parts] == [[0, 1], [2, 3], [4, 5]]
    assert [p.shape for p in jnp.split(X, [1], axis=1)] == [(2, 1), (2, 2)]
    assert [p.shape[0] for p in jnp.array_split(jnp.arange(7.0), 3)] == [3, 2, 2]


def test_sort_and_argsort():
    y = np.asarray([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], np.float32)
    close(jnp.sort(y), np.sort(y))
    close(jnp.sort(y, axis=0), np.sort(y, axis=0))
    close(jnp.sort(y, axis=None), np.sort(y, axis=None))
    np.testing.assert_array_equal(jnp.argsort(y), np.argsort(y))
    np.testing.assert_array_equal(jnp.argsort(y, axis=0), np.argsort(y, axis=0))
    np.testing.assert_array_equal(jnp.argsort(jnp.asarray([1.0, 3.0, 1.0]), descending=True), [1, 0, 2])


def test_linalg_norm():
    assert abs(float(jnp.linalg.norm(jnp.asarray([3.0, 4.0]))) - 5.0) < 1e-6
    close(jnp.linalg.norm(X), np.linalg.norm(X))
    close(jnp.linalg.norm(X, axis=1), np.linalg.norm(X, axis=1))
    close(jnp.linalg.norm(V, ord=1), np.linalg.norm(V, ord=1))
    close(jnp.linalg.norm(V, ord=np.inf), np.linalg.norm(V, ord=np.inf))
    close(jnp.linalg.norm(X, ord="fro", keepdims=True), np.linalg.norm(X, ord="fro", keepdims=True))
    with pytest.raises(NotImplementedError):
        jnp.linalg.norm(X, ord="nuc")


# --- x.at[...] ------------------------------------------------------------------------

def test_at_updates():
    v = jnp.arange(5.0)
    assert v.at[1].set(9.0).tolist() == [0, 9, 2, 3, 4]
    assert v.at[-1].add(1.0).tolist() == [0, 1, 2, 3, 5]
    assert v.at[jnp.asarray([0, 0, 2])].add(1.0).tolist() == [2, 1, 3, 3, 4]
    assert v.at[jnp.asarray([1, 3])].set(jnp.asarray([7.0, 8.0])).tolist() == [0, 7, 2, 8, 4]
    assert v.at[1:3].set(0.0).tolist() == [0, 0, 0, 3, 4]
    assert v.at[1:3].add(jnp.asarray([1.0, 2.0])).tolist() == [0, 2, 4, 3, 4]
    assert v.at[2].multiply(10.0).tolist() == [0, 1, 20, 3, 4]
    assert v.at[:2].max(0.5).tolist() == [0.5, 1, 2, 3, 4]
    assert v.at[3:].min(3.5).tolist() == [0, 1, 2, 3, 3.5]
    assert float(v.at[3].get()) == 3.0
    m = jnp.zeros((2, 3))
    close(m.at[:, 1].set(1.0), [[0, 1, 0], [0, 1, 0]])
    close(m.at[1, 1:].set(jnp.asarray([2.0, 3.0])), [[0, 0, 0], [0, 2, 3]])
    close(m.at[..., 0].add(4.0), [[4, 0, 0], [4, 0, 0]])
    assert v.tolist() == [0, 1, 2, 3, 4]  # updates are functional
    with pytest.raises(NotImplementedError, match="scatter-mul"):
        v.at[jnp.asarray([0, 1])].multiply(2.0)
    with pytest.raises(IndexError):
        v.at[7].set(1.0)


def test_at_under_transformations():
    # d/dx sum(y * x) with y = x except y[1] = 0: y + x * [1, 0, 1].
    g = grad(lambda x: jnp.sum(x.at[1].set(0.0) * x))(jnp.ones(3))
    close(g, [2.0, 0.0, 2.0])
    g = grad(lambda x: jnp.sum(x.at[0:2].multiply(3.0)))(jnp.ones(3))
    close(g, [3.0, 3.0, 1.0])
    out = jit(lambda x, i: x.at[i].add(1.0))(jnp.zeros(3), jnp.asarray([2]))
    close(out, [0.0, 0.0, 1.0])


# --- lax --------------------------------------------------------------------------------

def test_lax_elementwise():
    close(lax.erf(V), [math.erf(v) for v in V])
    close(lax.erf_inv(lax.erf(V / 4)), V / 4, atol=1e-5)
    close(lax.lgamma(V), [math.lgamma(v) for v in V])
    close(lax.digamma(jnp.asarray([1.0])), [-0.5772157])
    close(lax.rem(jnp.asarray([5.0, -5.0]), 3.0), [2.0, -2.0])
    close(lax.atan2(V, V + 1), np.arctan2(V, V + 1))
    np.testing.assert_array_equal(lax.lt(V, 2.0), V < 2)
    np.testing.assert_array_equal(lax.ge(V, 1.5), V >= 1.5)
    close(lax.select_n(jnp.asarray(V > 2), V, -V), np.where(V > 2, -V, V))
    close(lax.select(jnp.asarray(V > 2), V, -V), np.where(V > 2, V, -V))
    close(lax.clamp(1.0, V, 3.0), np.clip(V, 1.0, 3.0))
    close(lax.round(jnp.asarray([0.5, 1.5, -0.5])), [1.0, 2.0, -1.0])
    close(lax.round(jnp.asarray([0.5, 1.5]), lax.RoundingMethod.TO_NEAREST_EVEN), [0.0, 2.0])
    close(lax.integer_pow(V, 3), V ** 3)
    close(lax.square(V), V ** 2)
    close(lax.reciprocal(V), 1 / V)
    c = lax.convert_element_type(V, jnp.int32)
    assert c.dtype == np.int32 and c.tolist() == [0, 1, 2, 3]


def test_lax_structural():
    close(lax.broadcast_in_dim(V, (2, 4), (1,)), np.broadcast_to(V, (2, 4)))
    close(lax.broadcast(V, (3,)), np.broadcast_to(V, (3, 4)))
    close(lax.reshape(X, (3, 2)), X.reshape(3, 2))
    close(lax.reshape(X, (3, 2), (1, 0)), X.T.reshape(3, 2))
    assert lax.squeeze(X[None], (0,)).shape == (2, 3) and lax.expand_dims(X, (0, 2)).shape == (1, 2, 1, 3)
    close(lax.transpose(X, (1, 0)), X.T)
    close(lax.rev(X, (1,)), X[:, ::-1])
    close(lax.concatenate([X, X], 1), np.concatenate([X, X], 1))
    close(lax.pad(jnp.asarray([1.0, 2.0]), 0.0, [(1, 2, 1)]), [0, 1, 0, 2, 0, 0])
    np.testing.assert_array_equal(lax.iota(jnp.int32, 4), np.arange(4))
    np.testing.assert_array_equal(lax.broadcasted_iota(jnp.int32, (2, 3), 1), np.tile(np.arange(3), (2, 1)))
    close(lax.full((2,), 3.0), [3.0, 3.0])
    close(lax.slice(X, (0, 1), (2, 3)), X[:, 1:3])
    close(lax.slice(X, (0, 0), (2, 3), (1, 2)), X[:, ::2])
    close(lax.slice_in_dim(X, 1, 3, axis=1), X[:, 1:3])
    close(lax.index_in_dim(X, 1, keepdims=False), X[1])
    a, b = lax.split(V, (1, 3))
    assert a.shape == (1,) and b.shape == (3,)
    assert lax.collapse(jnp.zeros((2, 3, 4)), 1).shape == (2, 12)


def test_lax_dynamic_slicing():
    close(lax.dynamic_slice(X, (1, 1), (1, 2)), X[1:2, 1:3])
    close(lax.dynamic_slice(X, (jnp.asarray(-1), 0), (1, 3)), X[1:2])
    close(lax.dynamic_update_slice(V, jnp.zeros(2), (1,)), [0.5, 0, 0, 3.5])
    close(lax.dynamic_update_slice(V, jnp.zeros(2), (jnp.asarray(-2),)), [0.5, 1.5, 0, 0])
    close(lax.dynamic_slice_in_dim(X, 1, 2, axis=1), X[:, 1:3])
    close(lax.dynamic_index_in_dim(X, jnp.asarray(1), 0, False), X[1])
    close(lax.dynamic_update_slice_in_dim(X, jnp.zeros((1, 3)), 1, 0), [[0, 1, 2], [0, 0, 0]])
    f = jit(lambda x, i: lax.dynamic_slice(x, (i,), (2,)))
    close(f(V, 2), V[2:4])


def test_lax_reductions_and_linalg():
    close(lax.reduce_sum(X, (0,)), X.sum(0))
    close(lax.reduce_max(X, (0, 1)), X.max())
    close(lax.reduce_min(X, (1,)), X.min(1))
    close(lax.reduce_prod(X + 1, (1,)), (X + 1).prod(1))
    np.testing.assert_array_equal(lax.argmax(X, 1, jnp.int32), [2, 2])
    np.testing.assert_array_equal(lax.argmin(X, 0, jnp.int32), [0, 0, 0])
    close(lax.cumsum(X, 1), np.cumsum(X, 1))
    close(lax.cumsum(V, reverse=True), np.cumsum(V[::-1])[::-1])
    close(lax.cumprod(V), np.cumprod(V))
    close(lax.cummax(jnp.asarray([1.0, 3.0, 2.0])), [1, 3, 3])
    close(lax.cummin(jnp.asarray([3.0, 1.0, 2.0])), [3, 1, 1])
    close(lax.dot_general(X, X, (((1,), (1,)), ((), ()))), X @ X.T)
    close(lax.dot(X, X.T), X @ X.T)
    close(lax.dot(V, V), V @ V)
    close(lax.sort(jnp.asarray([3.0, 1.0, 2.0])), [1, 2, 3])
    k, v = lax.sort_key_val(jnp.asarray([3.0, 1.0, 2.0]), jnp.asarray([0, 1, 2]))
    assert k.tolist() == [1, 2, 3] and v.tolist() == [1, 2, 0]
    assert float(grad(lambda x: lax.stop_gradient(x) * x)(3.0)) == 3.0


# --- jaxprs: the text JAX 0.10.2's make_jaxpr prints ---------------------------------

def test_jaxpr_isinf():
    # JAX 0.10.2: jax.make_jaxpr(jnp.isinf)(jnp.arange(4.0))
    assert str(make_jaxpr(jnp.isinf)(jnp.arange(4.0))) == """\
{ lambda ; a:f32[4]. let
    b:bool[4] = jit[
      name=isinf
      jaxpr={ lambda ; a:f32[4]. let
          c:f32[4] = abs a
          b:bool[4] = eq c inf:f32[]
        in (b,) }
    ] a
  in (b,) }"""


def test_jaxpr_at_set_static_index():
    # JAX 0.10.2: jax.make_jaxpr(lambda a: a.at[1].set(5.0))(jnp.arange(4.0))
    assert str(make_jaxpr(lambda a: a.at[1].set(5.0))(jnp.arange(4.0))) == """\
{ lambda ; a:f32[4]. let
    b:i32[1] = broadcast_in_dim 1:i32[]
    c:f32[4] = scatter[
      dimension_numbers=ScatterDimensionNumbers(update_window_dims=(), inserted_window_dims=(0,), \
scatter_dims_to_operand_dims=(0,), operand_batching_dims=(), scatter_indices_batching_dims=())
      indices_are_sorted=True
      mode=GatherScatterMode.FILL_OR_DROP
      unique_indices=True
      update_consts=()
      update_jaxpr=None
    ] a b 5.0:f32[]
  in (c,) }"""


def test_jaxpr_std():
    # JAX 0.10.2: jax.make_jaxpr(jnp.std)(jnp.arange(4.0))
    assert str(make_jaxpr(jnp.std)(jnp.arange(4.0))) == """\
let _var = { lambda ; a:f32[4] b:i32[]. let
    c:f32[] = reduce_sum[axes=(0,) out_sharding=None] a
    d:f32[1] = broadcast_in_dim c
    e:f32[1] = div d 4.0:f32[]
    f:f32[4] = sub a e
    g:f32[4] = square f
    h:f32[] = convert_element_type[new_dtype=float32 weak_type=False] b
    i:f32[] = sub 4.0:f32[] h
    j:f32[] = reduce_sum[axes=(0,) out_sharding=None] g
    k:f32[] = div j i
    l:bool[] = gt i 0.0:f32[]
    m:f32[] = jit[
      name=_where
      jaxpr={ lambda ; l:bool[] k:f32[] n:f32[]. let
          o:f32[] = convert_element_type[new_dtype=float32 weak_type=False] n
          m:f32[] = select_n l o k
        in (m,) }
    ] l k nan:f32[]
  in (m,) } in
{ lambda ; p:f32[4]. let
    q:f32[] = jit[
      name=_std
      jaxpr={ lambda ; p:f32[4] r:i32[]. let
          s:f32[] = jit[name=_var jaxpr=_var] p r
          q:f32[] = sqrt s
        in (q,) }
    ] p 0:i32[]
  in (q,) }"""


def test_jaxpr_array_split():
    # JAX 0.10.2: jax.make_jaxpr(lambda a: jnp.array_split(a, 3))(jnp.arange(7.0))
    assert str(make_jaxpr(lambda a: jnp.array_split(a, 3))(jnp.arange(7.0))) == """\
{ lambda ; a:f32[7]. let
    b:f32[3] c:f32[2] d:f32[2] = split[
      axis=0
      sizes=(np.int64(3), np.int64(2), np.int64(2))
    ] a
  in (b, c, d) }"""


def test_jaxpr_argsort():
    # JAX 0.10.2: jax.make_jaxpr(jnp.argsort)(jnp.arange(4.0))
    assert str(make_jaxpr(jnp.argsort)(jnp.arange(4.0))) == """\
{ lambda ; a:f32[4]. let
    b:i32[4] = jit[
      name=argsort
      jaxpr={ lambda ; a:f32[4]. let
          c:i32[4] = iota[dimension=0 dtype=int32 shape=(4,) sharding=None] 
          d:f32[4] b:i32[4] = sort[dimension=0 is_stable=True num_keys=1] a c
        in (b,) }
    ] a
  in (b,) }"""


def test_jaxpr_lax_dynamic_update_slice_traced_index():
    # JAX 0.10.2: jax.make_jaxpr(lambda a, i: lax.dynamic_update_slice(a, jnp.ones(2), (i,)))(jnp.arange(4.0), 1)
    f = lambda a, i: lax.dynamic_update_slice(a, jnp.ones(2), (i,))
    assert str(make_jaxpr(f)(jnp.arange(4.0), 1)) == """\
{ lambda ; a:f32[4] b:i32[]. let
    c:f32[2] = broadcast_in_dim 1.0:f32[]
    d:bool[] = lt b 0:i32[]
    e:i32[] = convert_element_type[new_dtype=int32 weak_type=False] b
    f:i32[] = add e 4:i32[]
    g:i32[] = select_n d b f
    h:f32[4] = dynamic_update_slice a c g
  in (h,) }"""


def test_jaxpr_norm_and_sum_dtype():
    # JAX 0.10.2: jax.make_jaxpr(jnp.linalg.norm)(jnp.arange(4.0))
    assert str(make_jaxpr(jnp.linalg.norm)(jnp.arange(4.0))) == """\
{ lambda ; a:f32[4]. let
    b:f32[] = jit[
      name=norm
      jaxpr={ lambda ; a:f32[4]. let
          c:f32[4] = mul a a
          d:f32[] = reduce_sum[axes=(0,) out_sharding=None] c
          b:f32[] = sqrt d
        in (b,) }
    ] a
  in (b,) }"""
    # JAX 0.10.2: jax.make_jaxpr(lambda a: jnp.sum(a, dtype=jnp.int32))(jnp.arange(4.0))
    assert str(make_jaxpr(lambda a: jnp.sum(a, dtype=jnp.int32))(jnp.arange(4.0))) == """\
{ lambda ; a:f32[4]. let
    b:i32[4] = convert_element_type[new_dtype=int32 weak_type=False] a
    c:i32[] = reduce_sum[axes=(0,) out_sharding=None] b
  in (c,) }"""


# --- errors: JAX's exception types, never a crash ---------------------------------------

@pytest.mark.parametrize("call,exc", [
    (lambda: jnp.reshape(X, (4, 2)), TypeError),
    (lambda: jnp.broadcast_to(V, (3, 5)), ValueError),
    (lambda: jnp.split(V, 3), ValueError),
    (lambda: jnp.swapaxes(X, 0, 5), ValueError),
    (lambda: jnp.sum(X, axis=2), ValueError),
    (lambda: jnp.concatenate([X, V]), ValueError),
    (lambda: jnp.tril(V), ValueError),
    (lambda: jnp.argmax(jnp.zeros(0)), ValueError),
    (lambda: jnp.linspace(0.0, 1.0, -1), ValueError),
    (lambda: jnp.pad(V, 1, mode="edge"), NotImplementedError),
    (lambda: lax.add(V, X), TypeError),
    (lambda: lax.add(V, jnp.arange(4)), TypeError),
    (lambda: lax.dot_general(X, V, (((1,), (0,)), ((), ()))), TypeError),
    (lambda: lax.dynamic_slice(X, (0,), (1, 1)), TypeError),
    (lambda: lax.slice(X, (0, 0), (3, 1)), TypeError),
    (lambda: lax.transpose(X, (0, 0)), TypeError),
    (lambda: lax.reshape(X, (5,)), TypeError),
    (lambda: lax.concatenate([X, V], 0), TypeError),
    (lambda: lax.erf(jnp.arange(3)), TypeError),
    (lambda: lax.split(V, (1, 2)), TypeError),
    (lambda: jnp.asarray(V).at[jnp.asarray([0.5])].set(1.0), TypeError),
    (lambda: jnp.asarray(V).at[1].set(jnp.ones(3)), ValueError),
])
def test_errors(call, exc):
    with pytest.raises(exc):
        call()


def test_pad_constant_and_clip_method_stage_as_jax():
    # JAX 0.10.2: a float constant_values travels as a Python float argument.
    text = str(jaxray.make_jaxpr(lambda x: jnp.pad(x, 1, constant_values=3.0))(jnp.ones(2)))
    assert "jaxpr={ lambda ; a:f32[2] c:f32[]. let" in text and text.endswith("    ] a 3.0:f32[]\n  in (b,) }")
    np.testing.assert_array_equal(np.asarray(jnp.pad(jnp.ones(2, jnp.int32), (1, 2), constant_values=7)),
                                  [7, 1, 1, 7, 7])
    # JAX 0.10.2 prints exactly this: the method passes (max, min) by keyword.
    assert str(jaxray.make_jaxpr(lambda x: x.clip(1.0, 2.0))(jnp.ones(2))) == (
        "{ lambda ; a:f32[2]. let\n"
        "    b:f32[2] = jit[\n"
        "      name=clip\n"
        "      jaxpr={ lambda ; a:f32[2] c:f32[] d:f32[]. let\n"
        "          e:f32[] = convert_element_type[new_dtype=float32 weak_type=False] d\n"
        "          f:f32[2] = max e a\n"
        "          g:f32[] = convert_element_type[new_dtype=float32 weak_type=False] c\n"
        "          b:f32[2] = min g f\n"
        "        in (b,) }\n"
        "    ] a 2.0:f32[] 1.0:f32[]\n"
        "  in (b,) }")
    np.testing.assert_array_equal(np.asarray(jnp.arange(5.0).clip(max=2)), [0, 1, 2, 2, 2])


def test_linspace_stages_as_jax_and_differentiates_in_its_bounds():
    # JAX 0.10.2 prints exactly this.
    assert str(jaxray.make_jaxpr(lambda a, b: jnp.linspace(a, b, 3, endpoint=False, axis=-1, retstep=True))(
        jnp.ones(2), jnp.zeros(2))) == (
        "let _linspace = { lambda ; a:f32[2] b:f32[2]. let\n"
        "    c:f32[2] = sub b a\n"
        "    d:f32[2] = div c 3.0:f32[]\n"
        "    e:f32[3] = iota[dimension=0 dtype=float32 shape=(3,) sharding=None] \n"
        "    f:f32[1,3] = reshape[dimensions=None new_sizes=(1, 3) sharding=None] e\n"
        "    g:f32[1,3] = div f 3.0:f32[]\n"
        "    h:f32[2,1] = reshape[dimensions=None new_sizes=(2, 1) sharding=None] a\n"
        "    i:f32[1,3] = sub 1.0:f32[] g\n"
        "    j:f32[2,3] = mul h i\n"
        "    k:f32[2,1] = reshape[dimensions=None new_sizes=(2, 1) sharding=None] b\n"
        "    l:f32[2,3] = mul k g\n"
        "    m:f32[2,3] = add j l\n"
        "  in (m, d) } in\n"
        "{ lambda ; n:f32[2] o:f32[2]. let\n"
        "    p:f32[2,3] q:f32[2] = jit[name=_linspace jaxpr=_linspace] n o\n"
        "  in (p, q) }")
    samples, step = jnp.linspace(jnp.zeros(2), jnp.asarray([3.0, 6.0]), 4, retstep=True, axis=1)
    np.testing.assert_allclose(np.asarray(samples), [[0, 1, 2, 3], [0, 2, 4, 6]])
    np.testing.assert_allclose(np.asarray(step), [1.0, 2.0])
    np.testing.assert_array_equal(np.asarray(jnp.linspace(1, 10, 4, dtype=jnp.int32)), [1, 4, 7, 10])
    assert jnp.linspace(0, 1, 0).shape == (0,) and float(jnp.linspace(2, 3, 1)[0]) == 2.0
    # d/da sum(a * (1 - t) + 1 * t) over t = 0, 1/4, ..., 1 is sum(1 - t) = 2.5
    assert float(grad(lambda a: jnp.linspace(a, 1.0, 5).sum())(0.5)) == 2.5


def test_boolean_mask_indexing_needs_a_concrete_mask():
    x = jnp.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(np.asarray(x[x > 2]), [3.0, 4.0, 5.0])
    np.testing.assert_array_equal(np.asarray(x[:, np.array([True, False, True])]), [[0, 2], [3, 5]])
    with pytest.raises(IndexError, match=r"Array boolean indices must be concrete; got bool\[2,3\]"):
        jit(lambda v: v[v > 2])(x)
