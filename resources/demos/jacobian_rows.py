# Reverse mode builds a Jacobian a row at a time: the pullback of a one-hot
# cotangent e_i gives e_i^T J, the i-th row. jacrev is vmap of this over the
# rows of the identity.
import jax
import jax.numpy as jnp


def f(x):
    return jnp.sin(x) * x[0] + jnp.cumsum(x)


def row(x, i):
    y, pullback = jax.vjp(f, x)
    cotangent = jnp.zeros_like(y).at[i].set(1.0)
    return pullback(cotangent)[0]


x = jnp.array([0.5, 1.0, 2.0])

# jaxray: row(x, 1)
