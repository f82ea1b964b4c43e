# A NaN appears: the log of a negative number. Turn on Debug > Break on
# NaN/Inf and press F5: the stepper stops at the equation that made it.
import jax.numpy as jnp


def f(x):
    shifted = x - 2.0
    return jnp.sum(jnp.sqrt(jnp.log(shifted) + 1.0))


# jaxray: f(jnp.arange(1.0, 6.0))
