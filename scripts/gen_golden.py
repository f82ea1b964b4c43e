#!/usr/bin/env python3
"""Generates the golden jaxpr texts in tests/golden/jaxpr/ (plain functions)
and tests/golden/transforms/ (transformed functions) with the real JAX.

Each case is (name, function, example arguments). The C++ suites trace the
same functions written with jaxray's C++ API (tests/engine/tst_jnp_golden.cpp)
and compare with these files exactly (transformed ones in
tests/engine/tst_transform_golden.cpp); the parser suite reads every file back
and prints it again. Run: python3 scripts/gen_golden.py  (needs
`scripts/install-deps --dev`). The JAX version used is written to
tests/golden/JAX_VERSION.
"""
import json
import os
import sys

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "golden", "jaxpr")
TRANSFORM_OUT = os.path.join(HERE, "..", "tests", "golden", "transforms")

f32 = lambda *shape: jnp.ones(shape, jnp.float32)
i32 = lambda *shape: jnp.ones(shape, jnp.int32)
CONST3 = np.arange(3.0, dtype=np.float32)


def long_chain(x):
    for _ in range(30):
        x = x + x * 2.0
    return x


def nested_jit(x):
    inner = jax.jit(lambda y: jnp.sin(y) * 2.0)
    return jax.jit(lambda z: inner(z) + 1.0)(x)


CASES = [
    # The seed example.
    ("seed", lambda x: x[0] + x[0] * x[1], (f32(5),)),
    # Elementwise with literals of each kind.
    ("literal_f32", lambda x: x * 0.1 + 1 / 3, (f32(3),)),
    ("literal_int", lambda x: x + 1, (i32(3),)),
    ("literal_bool", lambda x: x & True, (jnp.ones(3, bool),)),
    ("literal_special", lambda x: x + jnp.inf + jnp.nan + 1e20 + 1e-5, (f32(),)),
    ("unary_chain", lambda x: jnp.tanh(jnp.exp(jnp.sin(x)) + jnp.log1p(x)), (f32(4),)),
    ("trig", lambda x: (jnp.cos(x), jnp.tan(x), jnp.arcsin(x), jnp.arctan2(x, x)), (f32(2),)),
    ("sqrt_rsqrt", lambda x: lax.rsqrt(x) + jnp.sqrt(x) + jnp.cbrt(x), (f32(2),)),
    ("integer_pow", lambda x: x ** 3 + x ** -2 + x ** 2.5, (f32(3),)),
    ("square_abs_sign", lambda x: jnp.square(x) + jnp.abs(x) * jnp.sign(x), (f32(3),)),
    ("logistic_erf", lambda x: jax.nn.sigmoid(x) + lax.erf(x) + lax.erf_inv(x), (f32(3),)),
    ("max_min", lambda x, y: jnp.maximum(x, y) - jnp.minimum(x, y), (f32(3), f32(3))),
    ("compare", lambda x, y: (x < y, x == y, x >= y), (f32(3), f32(3))),
    ("logic", lambda x, y: (x & y) | ~(x ^ y), (jnp.ones(3, bool), jnp.ones(3, bool))),
    ("broadcast_add", lambda x, y: x + y, (f32(3, 1), f32(4))),
    ("promote_int_float", lambda x, y: x + y, (i32(3), f32(3))),
    ("convert", lambda x: (x.astype(jnp.int32), x.astype(jnp.bfloat16), x.astype(jnp.float16), x.astype(bool)), (f32(2),)),
    ("where", lambda x: jnp.where(x > 0, x, 0.0), (f32(3),)),
    ("clip", lambda x: jnp.clip(x, -1.0, 1.0), (f32(3),)),
    # Structural.
    ("reshape", lambda x: x.reshape(4, 3) + 1.0, (f32(3, 4),)),
    ("transpose", lambda x: x.T, (f32(3, 4),)),
    ("expand_dims", lambda x: jnp.expand_dims(x, 0), (f32(3, 4),)),
    ("concatenate", lambda x, y: jnp.concatenate([x, y], axis=1), (f32(2, 3), f32(2, 2))),
    ("stack", lambda x, y: jnp.stack([x, y]), (f32(3), f32(3))),
    ("pad", lambda x: jnp.pad(x, ((1, 2),)), (f32(3),)),
    ("arange", lambda x: x * jnp.arange(3.0), (f32(3),)),
    ("zeros_like_plus", lambda x: x + jnp.zeros_like(x) + jnp.ones((3,)), (f32(3),)),
    ("flip", lambda x: jnp.flip(x, 0), (f32(3, 2),)),
    # Indexing.
    ("index_int", lambda x: x[1], (f32(3, 4),)),
    ("index_negative", lambda x: x[-1, 2], (f32(3, 4),)),
    ("index_slice_step", lambda x: x[::2, 1:3], (f32(5, 4),)),
    ("index_none_ellipsis", lambda x: x[None, ..., 0], (f32(3, 4),)),
    ("index_array", lambda x: x[jnp.array([0, 2])], (f32(3, 4),)),
    ("dynamic_index", lambda x, i: x[i], (f32(3, 4), jnp.int32(1))),
    ("dynamic_slice", lambda x, i: lax.dynamic_slice(x, (i, 0), (1, 2)), (f32(3, 4), jnp.int32(1))),
    ("dynamic_update_slice", lambda x, u: lax.dynamic_update_slice(x, u, (1, 1)), (f32(3, 4), f32(1, 2))),
    ("at_add", lambda x, u: x.at[jnp.array([0, 2])].add(u), (f32(3, 4), f32(2, 4))),
    # Reductions.
    ("sum_axis", lambda x: jnp.sum(x, axis=0), (f32(3, 4),)),
    ("sum_all", lambda x: jnp.sum(x), (f32(3, 4),)),
    ("mean_keepdims", lambda x: jnp.mean(x, axis=1, keepdims=True), (f32(3, 4),)),
    ("max_min_reduce", lambda x: (jnp.max(x, axis=1), jnp.min(x), jnp.prod(x, axis=0)), (f32(3, 4),)),
    ("argmax", lambda x: jnp.argmax(x, axis=1), (f32(3, 4),)),
    ("cumsum", lambda x: jnp.cumsum(x, axis=0), (f32(3, 4),)),
    ("logsumexp_like", lambda x: jnp.log(jnp.sum(jnp.exp(x - jnp.max(x)))), (f32(5),)),
    # Linear algebra.
    ("dot_vv", lambda x, y: jnp.dot(x, y), (f32(3), f32(3))),
    ("matmul", lambda x, y: x @ y, (f32(4, 3), f32(3, 2))),
    ("matmul_batched", lambda x, y: jnp.matmul(x, y), (f32(2, 4, 3), f32(2, 3, 5))),
    ("mlp_layer", lambda w, b, x: jnp.tanh(x @ w + b), (f32(3, 2), f32(2), f32(4, 3))),
    ("sort", lambda x: jnp.sort(x), (f32(5),)),
    # Constants and calls.
    ("const_capture", lambda x: x * CONST3, (f32(3),)),
    ("const_output", lambda x: (x, 1.0, CONST3), (f32(),)),
    ("jit_simple", jax.jit(lambda x: x * 2.0 + 1.0), (f32(3),)),
    ("jit_const", jax.jit(lambda x: x * CONST3), (f32(3),)),
    ("jit_nested", nested_jit, (f32(3),)),
    ("jit_closure_tracer", lambda x: jax.jit(lambda y: y * x)(x), (f32(3),)),
    ("jit_twice", lambda x: jax.jit(jnp.sin)(x) + jax.jit(jnp.sin)(x), (f32(3),)),
    ("stop_gradient", lambda x: lax.stop_gradient(x) * x, (f32(3),)),
    # Layout: many variables (names past z) and lines past 80 columns.
    ("long_chain", long_chain, (f32(),)),
    ("many_outputs", lambda x: tuple(x + i for i in range(30)), (f32(),)),
    ("no_eqns", lambda x: x, (f32(3),)),
    ("multiple_inputs_long", lambda a, b, c, d, e, f: a + b + c + d + e + f,
     (f32(10, 20), f32(10, 20), f32(10, 20), f32(10, 20), f32(10, 20), f32(10, 20))),
    # Printer layout: a jit body of more than 10 equations is hoisted as
    # `let NAME = ... in`; results nothing reads print as `_`.
    ("jit_large", jax.jit(lambda x: long_chain(x)[None] * 3.0), (f32(),)),
    ("unused_result", lambda x: (jnp.sin(x), x * 2.0)[1], (f32(3),)),
]


def sin_x(x):
    return jnp.sin(x) * x

def softmax(x):
    e = jnp.exp(x - jnp.max(x))
    return e / jnp.sum(e)

def logsumexp(x):
    m = jnp.max(x)
    return jnp.log(jnp.sum(jnp.exp(x - m))) + m

def mlp_loss(w, b, x):
    return jnp.sum(jnp.tanh(x @ w + b))

# Transformed functions (tests/golden/transforms, compared by
# tests/engine/tst_transform_golden.cpp). jvp, vjp and linearize are traced
# through a function that calls them, as make_jaxpr cannot take them directly.
TRANSFORM_CASES = [
    # The seed example.
    ("grad_seed", jax.grad(lambda x: x[0] + x[0] * x[1]), (f32(5),)),
    # jvp: make_jaxpr of a function calling jax.jvp.
    ("jvp_sin", lambda x, t: jax.jvp(jnp.sin, (x,), (t,)), (f32(3), f32(3))),
    ("jvp_exp_log", lambda x, t: jax.jvp(lambda y: jnp.log(y) * jnp.exp(y), (x,), (t,)), (f32(3), f32(3))),
    ("jvp_two_args", lambda x, y, tx, ty: jax.jvp(lambda a, b: jnp.cos(a) * b, (x, y), (tx, ty)),
     (f32(3), f32(3), f32(3), f32(3))),
    ("jvp_matmul", lambda x, t: jax.jvp(lambda a: jnp.tanh(a @ a.T), (x,), (t,)), (f32(2, 3), f32(2, 3))),
    # grad.
    ("grad_sin_cos", jax.grad(lambda x: jnp.sin(x) * jnp.cos(x)), (f32(),)),
    ("grad_exp_log", jax.grad(lambda x: jnp.sum(jnp.log(jnp.exp(x) + 1.0))), (f32(3),)),
    ("grad_integer_pow", jax.grad(lambda x: jnp.sum(x ** 3 + x ** -2)), (f32(3),)),
    ("grad_mlp_loss", jax.grad(mlp_loss, argnums=(0, 1)), (f32(3, 2), f32(2), f32(4, 3))),
    ("grad_softmax", jax.grad(lambda x: softmax(x)[0]), (f32(5),)),
    ("grad_logsumexp", jax.grad(logsumexp), (f32(5),)),
    ("grad_where", jax.grad(lambda x: jnp.sum(jnp.where(x > 0, x * x, 0.0))), (f32(3),)),
    ("grad_max", jax.grad(lambda x: jnp.max(x)), (f32(4),)),
    ("grad_maximum", jax.grad(lambda x, y: jnp.sum(jnp.maximum(x, y)), argnums=(0, 1)), (f32(3), f32(3))),
    ("grad_sum_axis", jax.grad(lambda x: jnp.sum(jnp.sum(x, axis=0) ** 2)), (f32(3, 4),)),
    ("grad_mean", jax.grad(lambda x: jnp.mean(x * x)), (f32(3, 4),)),
    ("grad_broadcast", jax.grad(lambda x, y: jnp.sum(x * y), argnums=(0, 1)), (f32(3, 1), f32(4))),
    ("grad_reshape_transpose", jax.grad(lambda x: jnp.sum(jnp.sin(x.reshape(4, 3).T))), (f32(3, 4),)),
    ("grad_index", jax.grad(lambda x: x[1, 2] * x[0, 3]), (f32(3, 4),)),
    ("grad_index_array", jax.grad(lambda x: jnp.sum(x[jnp.array([0, 2])] ** 2)), (f32(3, 4),)),
    ("grad_slice", jax.grad(lambda x: jnp.sum(x[::2, 1:3])), (f32(5, 4),)),
    ("grad_cumsum", jax.grad(lambda x: jnp.sum(jnp.cumsum(x) * x)), (f32(3),)),
    ("grad_concatenate", jax.grad(lambda x, y: jnp.sum(jnp.concatenate([x, y]) ** 2), argnums=(0, 1)),
     (f32(2), f32(3))),
    ("value_and_grad", jax.value_and_grad(lambda x: jnp.sum(jnp.sin(x) ** 2)), (f32(3),)),
    ("value_and_grad_aux", jax.value_and_grad(lambda x: (jnp.sum(x * x), jnp.cos(x)), has_aux=True), (f32(3),)),
    # vjp: make_jaxpr of the pullback applied to a cotangent.
    ("vjp_sin_mul", lambda x, ct: jax.vjp(sin_x, x)[1](ct), (f32(3), f32(3))),
    ("vjp_matmul", lambda x, y, ct: jax.vjp(jnp.matmul, x, y)[1](ct), (f32(4, 3), f32(3, 2), f32(4, 2))),
    # vmap.
    ("vmap_sin", jax.vmap(lambda x: jnp.sin(x) + 1.0), (f32(4, 3),)),
    ("vmap_in_axes_none", jax.vmap(lambda x, y: x * y, in_axes=(0, None)), (f32(4, 3), f32(3))),
    ("vmap_in_axes_1", jax.vmap(lambda x, y: x + y, in_axes=(1, 0)), (f32(3, 4), f32(4, 3))),
    ("vmap_out_axes", jax.vmap(lambda x: jnp.cos(x) * 2.0, out_axes=1), (f32(4, 3),)),
    ("vmap_dot", jax.vmap(jnp.dot), (f32(4, 3), f32(4, 3))),
    ("vmap_matmul_none", jax.vmap(lambda x, w: x @ w, in_axes=(0, None)), (f32(4, 3), f32(3, 2))),
    ("vmap_nested", jax.vmap(jax.vmap(lambda x, y: x * y + 1.0, in_axes=(0, None)), in_axes=(None, 0)),
     (f32(3), f32(4))),
    ("vmap_softmax", jax.vmap(softmax), (f32(2, 5),)),
    ("vmap_index", jax.vmap(lambda x: x[1] + x[0]), (f32(4, 3),)),
    ("vmap_where_sum", jax.vmap(lambda x: jnp.sum(jnp.where(x > 0, x, 0.0))), (f32(4, 3),)),
    ("vmap_reshape_transpose", jax.vmap(lambda x: x.reshape(3, 2).T), (f32(4, 6),)),
    ("vmap_where_unbatched", jax.vmap(lambda x, y: jnp.where(x > y, x, y), in_axes=(0, None)), (f32(4, 3), f32(3))),
    ("vmap_dynamic_index", jax.vmap(lambda x, i: x[i]), (f32(4, 3), jnp.zeros(4, jnp.int32))),
    ("vmap_concatenate", jax.vmap(lambda x, y: jnp.concatenate([x, y]), in_axes=(0, None)), (f32(4, 2), f32(3))),
    ("vmap_sum_in_axis1", jax.vmap(lambda x: jnp.sum(x, axis=0), in_axes=1), (f32(3, 4),)),
    # Jacobians.
    ("jacfwd_sin", jax.jacfwd(sin_x), (f32(3),)),
    ("jacrev_sin", jax.jacrev(sin_x), (f32(3),)),
    ("jacrev_slice_mul", jax.jacrev(lambda x: x[:2] * x[1:]), (f32(3),)),
    ("hessian_cube", jax.hessian(lambda x: jnp.sum(x ** 3)), (f32(3),)),
    ("hessian_scalar", jax.hessian(sin_x), (f32(),)),
    # Compositions.
    ("grad_jit", jax.grad(jax.jit(sin_x)), (f32(),)),
    ("jit_grad", jax.jit(jax.grad(sin_x)), (f32(),)),
    ("jvp_jit", lambda x, t: jax.jvp(jax.jit(sin_x), (x,), (t,)), (f32(3), f32(3))),
    ("vmap_jit", jax.vmap(jax.jit(sin_x)), (f32(4),)),
    ("grad_grad", jax.grad(jax.grad(sin_x)), (f32(),)),
    ("vmap_grad", jax.vmap(jax.grad(sin_x)), (f32(4),)),
    ("grad_of_vmap_sum", jax.grad(lambda x: jnp.sum(jax.vmap(jnp.sin)(x))), (f32(3),)),
    # linearize: make_jaxpr of the linear map applied to a tangent.
    ("linearize_sin_mul", lambda x, t: jax.linearize(sin_x, x)[1](t), (f32(3), f32(3))),
    ("linearize_exp_sum", lambda x, t: jax.linearize(lambda y: jnp.sum(jnp.exp(y) * y), x)[1](t), (f32(3), f32(3))),
]


# jaxray-cli `jaxpr transform` of every core golden file, against JAX's
# transformation of the same Python function: one JSON object mapping
# "NAME FLAG" to the expected text (tests/app/tst_cli.cpp runs them).
CLI_TRANSFORMS = [
    ("--vmap=0", lambda f, avals: jax.vmap(f, axis_size=2),
     lambda avals: [jnp.zeros((2,) + a.shape, a.dtype) for a in avals]),
    ("--grad", lambda f, avals: jax.grad(f), lambda avals: avals),
    ("--jacfwd", lambda f, avals: jax.jacfwd(f), lambda avals: avals),
    ("--jacrev", lambda f, avals: jax.jacrev(f), lambda avals: avals),
]


def cli_transform_goldens():
    expected = {}
    for name, fn, args in CASES:
        avals = [jnp.zeros(np.shape(a), jnp.result_type(a)) for a in args]
        out = jax.eval_shape(fn, *avals)
        float_in = all(jnp.issubdtype(a.dtype, jnp.floating) for a in avals)
        float_out = hasattr(out, "shape") and jnp.issubdtype(out.dtype, jnp.floating)
        for flag, transform, example in CLI_TRANSFORMS:
            if flag != "--vmap=0" and not (float_in and float_out):
                continue
            if flag == "--grad" and out.shape != ():
                continue
            expected[f"{name} {flag}"] = str(jax.make_jaxpr(transform(fn, avals))(*example(avals)))
    return expected


def main():
    only = set(sys.argv[1:])
    for out, cases in ((OUT, CASES), (TRANSFORM_OUT, TRANSFORM_CASES)):
        os.makedirs(out, exist_ok=True)
        for name, fn, args in cases:
            if only and name not in only:
                continue
            text = str(jax.make_jaxpr(fn)(*args))
            with open(os.path.join(out, name + ".txt"), "w") as f:
                f.write(text + "\n")
    if not only:
        with open(os.path.join(OUT, "..", "cli_transforms.json"), "w") as f:
            json.dump(cli_transform_goldens(), f, indent=1, sort_keys=True)
            f.write("\n")
    with open(os.path.join(OUT, "..", "JAX_VERSION"), "w") as f:
        f.write(f"jax {jax.__version__}, jaxlib {jax.lib.__version__}, numpy {np.__version__}\n")
    print(f"wrote {len(CASES)} + {len(TRANSFORM_CASES)} goldens with jax {jax.__version__}")

if __name__ == "__main__":
    main()
