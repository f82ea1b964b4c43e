# A script for `jaxray-cli record --fn`: written against JAX's API, run with
# jaxray standing in for it.
import jax.numpy as jnp

SCALE = jnp.array([1.0, 2.0, 3.0])


def scaled_sin(x, y):
    s = jnp.sin(x) * SCALE
    return jnp.sum(s * y)


if __name__ == "__main__":
    raise SystemExit("record must not run the script's main block")
