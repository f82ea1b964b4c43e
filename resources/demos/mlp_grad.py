# The gradient of a small MLP's loss with respect to its parameters: the
# forward pass, then the backward pass through the transposed equations.
import jax
import jax.numpy as jnp


def mlp(params, x):
    for w, b in params[:-1]:
        x = jnp.tanh(x @ w + b)
    w, b = params[-1]
    return x @ w + b


def loss(params, x, y):
    return jnp.mean((mlp(params, x) - y) ** 2)


key = jax.random.PRNGKey(0)
k1, k2, k3 = jax.random.split(key, 3)
params = [
    (jax.random.normal(k1, (3, 8)) * 0.5, jnp.zeros(8)),
    (jax.random.normal(k2, (8, 1)) * 0.5, jnp.zeros(1)),
]
x = jax.random.normal(k3, (16, 3))
y = jnp.sin(x[:, :1])

grad_loss = jax.grad(loss)

# jaxray: grad_loss(params, x, y)
