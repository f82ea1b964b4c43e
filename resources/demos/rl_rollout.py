# REINFORCE on a cart-pole: a linear policy's action logits, an action drawn
# with jax.random.categorical from a key split at every step, the standard
# cart-pole equations (dt = 0.02), all one lax.scan over the episode. The
# loss weights each step's log-probability by its return to go, held fixed
# by stop_gradient, so its gradient is the policy gradient.
import jax
import jax.numpy as jnp

GRAVITY, M_CART, M_POLE, HALF_LENGTH, FORCE, DT = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
THETA_LIMIT, X_LIMIT, EPISODE = 0.2094, 2.4, 8


def physics(state, action):
    x, x_dot, theta, theta_dot = state[0], state[1], state[2], state[3]
    force = jnp.where(action == 1, FORCE, -FORCE)
    cos, sin = jnp.cos(theta), jnp.sin(theta)
    total = M_CART + M_POLE
    temp = (force + M_POLE * HALF_LENGTH * theta_dot ** 2 * sin) / total
    theta_acc = (GRAVITY * sin - cos * temp) / (HALF_LENGTH * (4.0 / 3.0 - M_POLE * cos ** 2 / total))
    x_acc = temp - M_POLE * HALF_LENGTH * theta_acc * cos / total
    return jnp.stack([x + DT * x_dot, x_dot + DT * x_acc, theta + DT * theta_dot, theta_dot + DT * theta_acc])


def step(params, carry, _):
    state, alive, key = carry
    key, sub = jax.random.split(key)
    w, b = params
    logits = state @ w + b
    action = jax.random.categorical(sub, logits)
    log_prob = jnp.sum(jnp.where(jnp.arange(2) == action, jax.nn.log_softmax(logits), 0.0))
    state = physics(state, action)
    alive = alive * ((jnp.abs(state[2]) < THETA_LIMIT) & (jnp.abs(state[0]) < X_LIMIT))
    return (state, alive, key), (alive, log_prob)


def loss(params, key):
    key, k0 = jax.random.split(key)
    start = jax.random.uniform(k0, (4,), minval=-0.05, maxval=0.05)
    _, (rewards, log_probs) = jax.lax.scan(lambda c, x: step(params, c, x), (start, jnp.ones(()), key), None,
                                           length=EPISODE)
    returns = jax.lax.stop_gradient(jnp.sum(rewards) - jnp.cumsum(rewards) + rewards)
    return -jnp.sum(log_probs * returns)


params = (jax.random.normal(jax.random.PRNGKey(1), (4, 2)) * 0.5, jnp.zeros(2))
key = jax.random.PRNGKey(0)

grad_loss = jax.grad(loss)

# jaxray: grad_loss(params, key)
