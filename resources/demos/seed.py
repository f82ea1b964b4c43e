# The seed's example: f(x) = x[0] + x[0] * x[1] on five inputs.
# Pick grad(f) in the transform bar to see its gradient, jvp(f) or vjp(f)
# to step tangents forward or cotangents backward.
import jax.numpy as jnp


def f(x):
    return x[0] + x[0] * x[1]


x = jnp.arange(2.0, 7.0)

# jaxray: f(x)
