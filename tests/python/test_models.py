"""Showcase models on jaxray's control flow: an LSTM scanned over a sequence
and a REINFORCE roll-out of a cart-pole, each a lax.scan, checked through
grad (against central finite differences), vmap (against a Python loop) and
jit."""
import os

import numpy as np
import pytest

import golden_cases
import jaxray
import jaxray.numpy as jnp
from jaxray import lax


@pytest.fixture
def x64():
    jaxray.config.update("jax_enable_x64", True)
    yield
    jaxray.config.update("jax_enable_x64", False)


def values(x):
    return np.asarray(x)


def central_differences(f, params, eps=1e-6):
    """d f / d params, one coordinate at a time, params a tuple of arrays."""
    flat = [np.array(p, np.float64) for p in params]
    grads = []
    for i, p in enumerate(flat):
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            plus = [q.copy() for q in flat]
            minus = [q.copy() for q in flat]
            plus[i][idx] += eps
            minus[i][idx] -= eps
            g[idx] = (float(f(tuple(map(jnp.asarray, plus)))) - float(f(tuple(map(jnp.asarray, minus))))) / (2 * eps)
        grads.append(g)
    return grads


# --- An LSTM cell (input 3, hidden 4) scanned over 50 steps ---------------

N_IN, N_HID, STEPS = 3, 4, 50


def lstm_params(dtype):
    rng = np.random.default_rng(0)
    wx = rng.normal(0.0, 0.5, (N_IN, 4 * N_HID)).astype(dtype)
    wh = rng.normal(0.0, 0.5, (N_HID, 4 * N_HID)).astype(dtype)
    b = rng.normal(0.0, 0.1, (4 * N_HID,)).astype(dtype)
    return tuple(map(jnp.asarray, (wx, wh, b)))


def sequence(dtype, seed=1):
    return jnp.asarray(np.sin(np.arange(STEPS * N_IN).reshape(STEPS, N_IN) * 0.1 * seed).astype(dtype))


def lstm_cell(params, carry, x):
    wx, wh, b = params
    h, c = carry
    z = jnp.dot(x, wx) + jnp.dot(h, wh) + b
    i = jaxray.nn.sigmoid(z[0:N_HID])
    f = jaxray.nn.sigmoid(z[N_HID:2 * N_HID])
    g = jnp.tanh(z[2 * N_HID:3 * N_HID])
    o = 1.0 / (1.0 + jnp.exp(-z[3 * N_HID:]))
    c = f * c + i * g
    h = o * jnp.tanh(c)
    return (h, c), h


def lstm_loss(params, xs):
    zeros = jnp.zeros(N_HID, xs.dtype)
    (h, _), _ = lax.scan(lambda carry, x: lstm_cell(params, carry, x), (zeros, zeros), xs)
    return jnp.sum(h * h)


def lstm_loss_unrolled(params, xs):
    carry = (np.zeros(N_HID), np.zeros(N_HID))
    for t in range(xs.shape[0]):
        carry, _ = lstm_cell(params, carry, xs[t])
    return jnp.sum(carry[0] * carry[0])


def test_lstm_scan_equals_the_unrolled_loop(x64):
    params, xs = lstm_params(np.float64), sequence(np.float64)
    np.testing.assert_allclose(values(lstm_loss(params, xs)), values(lstm_loss_unrolled(params, xs)), rtol=1e-12)


def test_lstm_grad_matches_finite_differences(x64):
    params, xs = lstm_params(np.float64), sequence(np.float64)
    grads = jaxray.grad(lstm_loss)(params, xs)
    fd = central_differences(lambda p: lstm_loss(p, xs), params)
    assert float(lstm_loss(params, xs)) > 1e-3  # not a trivially flat loss
    for g, d in zip(grads, fd):
        assert g.shape == d.shape
        np.testing.assert_allclose(values(g), d, rtol=1e-5, atol=1e-8)


def test_lstm_vmap_over_sequences_equals_a_loop(x64):
    params = lstm_params(np.float64)
    batch = jnp.stack([sequence(np.float64, seed) for seed in range(1, 6)])
    batched = jaxray.vmap(lstm_loss, in_axes=(None, 0))(params, batch)
    looped = [float(lstm_loss(params, batch[i])) for i in range(5)]
    assert batched.shape == (5,)
    np.testing.assert_allclose(values(batched), looped, rtol=1e-12)
    # The per-sequence gradients too.
    gb = jaxray.vmap(jaxray.grad(lstm_loss), in_axes=(None, 0))(params, batch)
    for i in range(5):
        gi = jaxray.grad(lstm_loss)(params, batch[i])
        for a, b in zip(gb, gi):
            np.testing.assert_allclose(values(a)[i], values(b), rtol=1e-10, atol=1e-14)


def test_lstm_jit_of_grad_equals_grad():
    params, xs = lstm_params(np.float32), sequence(np.float32)
    eager = jaxray.grad(lstm_loss)(params, xs)
    jitted = jaxray.jit(jaxray.grad(lstm_loss))(params, xs)
    for a, b in zip(jitted, eager):
        assert a.dtype == np.float32
        np.testing.assert_allclose(values(a), values(b), rtol=1e-5, atol=1e-6)


# --- REINFORCE on a cart-pole (the standard equations, dt = 0.02) ----------

# The demo's cart-pole equations (resources/demos/rl_rollout.py), with this
# test's own episode length and limits.
cartpole_step = golden_cases.run_jax_script(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "demos", "rl_rollout.py"))["physics"]
THETA_LIMIT, X_LIMIT, EPISODE = 12 * 2 * np.pi / 360, 2.4, 50


def upright(state):
    return (jnp.abs(state[2]) < THETA_LIMIT) & (jnp.abs(state[0]) < X_LIMIT)


def log_prob(params, state, action):
    w, b = params
    logp = jaxray.nn.log_softmax(jnp.dot(state, w) + b)
    return jnp.sum(jnp.where(jnp.arange(2) == action, logp, 0.0))


def start_state(key):
    return jaxray.random.uniform(key, (4,), minval=-0.05, maxval=0.05)


def rollout(params, key):
    """One episode: (actions, rewards, log-probabilities), a reward of 1 for
    every step the pole has stayed up so far."""
    key, k0 = jaxray.random.split(key)

    def step(carry, _):
        state, alive, key = carry
        key, sub = jaxray.random.split(key)
        w, b = params
        action = jaxray.random.categorical(sub, jnp.dot(state, w) + b)
        lp = log_prob(params, state, action)
        state = cartpole_step(state, action)
        alive = alive * upright(state).astype(alive.dtype)
        return (state, alive, key), (action, alive, lp)

    _, (actions, rewards, lps) = lax.scan(step, (start_state(k0), jnp.ones(()), key), None, length=EPISODE)
    return actions, rewards, lps


def returns_to_go(rewards):
    return jnp.sum(rewards) - jnp.cumsum(rewards) + rewards


def reinforce_loss(params, key):
    _, rewards, lps = rollout(params, key)
    return -jnp.sum(lps * lax.stop_gradient(returns_to_go(rewards)))


def surrogate(params, key, actions):
    """The REINFORCE loss with the episode's actions given: the states then
    depend on the actions only, so it is a smooth function of the policy."""
    _, k0 = jaxray.random.split(key)

    def step(carry, action):
        state, alive = carry
        lp = log_prob(params, state, action)
        state = cartpole_step(state, action)
        alive = alive * upright(state).astype(alive.dtype)
        return (state, alive), (alive, lp)

    _, (rewards, lps) = lax.scan(step, (start_state(k0), jnp.ones(())), actions)
    return -jnp.sum(lps * lax.stop_gradient(returns_to_go(rewards)))


def policy(scale=0.0):
    rng = np.random.default_rng(3)
    return (jnp.asarray(rng.normal(0.0, scale, (4, 2)).astype(np.float32) if scale else np.zeros((4, 2), np.float32)),
            jnp.zeros(2))


def test_rollout_is_a_functional_episode():
    params, key = policy(0.5), jaxray.random.PRNGKey(7)
    actions, rewards, lps = rollout(params, key)
    assert actions.shape == (EPISODE,) and rewards.shape == (EPISODE,) and lps.shape == (EPISODE,)
    a2, r2, _ = rollout(params, key)  # the same key, the same episode
    assert values(actions).tolist() == values(a2).tolist() and values(rewards).tolist() == values(r2).tolist()
    a3, _, _ = rollout(params, jaxray.random.PRNGKey(8))
    assert values(actions).tolist() != values(a3).tolist()
    assert set(values(actions).tolist()) == {0, 1}
    r = values(rewards)
    assert np.all(np.diff(r) <= 0) and set(r.tolist()) <= {0.0, 1.0}  # alive, then down for good
    assert np.all(values(lps) < 0)


def test_reinforce_grad_matches_finite_differences_of_the_surrogate(x64):
    params = tuple(jnp.asarray(np.asarray(p, np.float64)) for p in policy(0.5))
    key = jaxray.random.PRNGKey(11)
    actions, _, _ = rollout(params, key)
    np.testing.assert_allclose(values(reinforce_loss(params, key)), values(surrogate(params, key, actions)), rtol=1e-12)
    g = jaxray.grad(reinforce_loss)(params, key)
    gs = jaxray.grad(surrogate)(params, key, actions)
    fd = central_differences(lambda p: surrogate(p, key, actions), params)
    for a, b, d in zip(g, gs, fd):
        np.testing.assert_allclose(values(a), values(b), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(values(a), d, rtol=1e-6, atol=1e-8)
    assert np.abs(values(g[0])).max() > 1e-2


def test_rollout_vmap_over_keys_equals_a_loop():
    params = policy(0.5)
    keys = jaxray.random.split(jaxray.random.PRNGKey(5), 8)
    actions, rewards, lps = jaxray.vmap(rollout, in_axes=(None, 0))(params, keys)
    assert actions.shape == (8, EPISODE)
    for i in range(8):
        a, r, lp = rollout(params, keys[i])
        assert values(actions)[i].tolist() == values(a).tolist()
        assert values(rewards)[i].tolist() == values(r).tolist()
        np.testing.assert_allclose(values(lps)[i], values(lp), rtol=1e-6)
    losses = jaxray.vmap(reinforce_loss, in_axes=(None, 0))(params, keys)
    np.testing.assert_allclose(values(losses), [float(reinforce_loss(params, keys[i])) for i in range(8)], rtol=1e-6)


def average_return(params, keys):
    _, rewards, _ = jaxray.vmap(rollout, in_axes=(None, 0))(params, keys)
    return float(jnp.mean(jnp.sum(rewards, axis=1)))


# Ten steps of 16 episodes each take the zero (uniformly random) policy's
# average return over the 32 evaluation episodes from 19.75 to 38.94 steps up.
STEPS_OF_ASCENT, LEARNING_RATE, RETURN_MARGIN = 10, 0.01, 10.0


def test_gradient_ascent_increases_the_average_return():
    batch_grad = jaxray.jit(jaxray.vmap(jaxray.grad(reinforce_loss), in_axes=(None, 0)))
    eval_keys = jaxray.random.split(jaxray.random.PRNGKey(1000), 32)
    params = policy()
    before = average_return(params, eval_keys)
    key = jaxray.random.PRNGKey(0)
    for _ in range(STEPS_OF_ASCENT):
        key, sub = jaxray.random.split(key)
        grads = batch_grad(params, jaxray.random.split(sub, 16))
        params = tuple(p - LEARNING_RATE * jnp.mean(g, axis=0) for p, g in zip(params, grads))
    after = average_return(params, eval_keys)
    assert after >= before + RETURN_MARGIN, (before, after)

