# An LSTM cell scanned over a short sequence with lax.scan, and the gradient
# of the final hidden state's squared norm with respect to the weights: the
# forward scan stacks each step's residuals, the backward scan runs the
# transposed cell from the last step to the first.
import jax
import jax.numpy as jnp

N_IN, N_HID, STEPS = 3, 4, 5


def cell(params, carry, x):
    wx, wh, b = params
    h, c = carry
    z = x @ wx + h @ wh + b
    i = jax.nn.sigmoid(z[:N_HID])
    f = jax.nn.sigmoid(z[N_HID:2 * N_HID])
    g = jnp.tanh(z[2 * N_HID:3 * N_HID])
    o = jax.nn.sigmoid(z[3 * N_HID:])
    c = f * c + i * g
    h = o * jnp.tanh(c)
    return (h, c), h


def loss(params, xs):
    zeros = jnp.zeros(N_HID)
    (h, _), _ = jax.lax.scan(lambda carry, x: cell(params, carry, x), (zeros, zeros), xs)
    return jnp.sum(h ** 2)


k1, k2, k3 = jax.random.split(jax.random.PRNGKey(0), 3)
params = (
    jax.random.normal(k1, (N_IN, 4 * N_HID)) * 0.5,
    jax.random.normal(k2, (N_HID, 4 * N_HID)) * 0.5,
    jnp.zeros(4 * N_HID),
)
xs = jnp.sin(jax.random.normal(k3, (STEPS, N_IN)))

grad_loss = jax.grad(loss)

# jaxray: grad_loss(params, xs)
