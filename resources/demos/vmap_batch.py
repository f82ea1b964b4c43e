# vmap turns a function of one example into one of a batch: the batch axis
# moves through every equation instead of a Python loop.
import jax
import jax.numpy as jnp


def predict(w, b, x):
    return jnp.tanh(jnp.dot(w, x) + b)


w = jnp.array([[0.5, -1.0, 0.25], [1.5, 0.5, -0.5]])
b = jnp.array([0.1, -0.2])
xs = jnp.arange(12.0).reshape(4, 3) / 10

batched = jax.vmap(predict, in_axes=(None, None, 0))

# jaxray: batched(w, b, xs)
