# Forward mode builds a Jacobian a column at a time: jvp with a one-hot
# tangent e_i gives J e_i, the i-th column. jacfwd is vmap of this over the
# columns of the identity.
import jax
import jax.numpy as jnp


def f(x):
    return jnp.sin(x) * x[0] + jnp.cumsum(x)


def column(x, i):
    tangent = jnp.zeros_like(x).at[i].set(1.0)
    return jax.jvp(f, (x,), (tangent,))[1]


x = jnp.array([0.5, 1.0, 2.0])

# jaxray: column(x, 1)
