#!/usr/bin/env python3
"""Python frontend benchmarks against the real JAX, in one process:
make_jaxpr of a 10,000-equation function, and eager dispatch of small ops.

Run: PYTHONPATH=build/python python3 bench/bench_python.py  (needs jax
installed in that interpreter: scripts/install-deps --dev). Prints the best
of several repeats for each and the ratio JAX / jaxray.
"""
import sys
import time

try:
    import jax
    import jax.numpy as jnp
except ImportError:
    print("bench_python: skipped, jax is not installed in this interpreter")
    sys.exit(0)

import jaxray
import jaxray.numpy as xnp


def chain(np_):
    def f(x):
        for _ in range(5000):  # two equations each: sin, mul
            x = np_.sin(x) * 2.0
        return x
    return f


def best(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


# Small eager operations, each on both libraries' own arrays.
EAGER_OPS = [
    ("x + x, f32[]", lambda np_: np_.asarray(1.0), lambda np_, x: x + x),
    ("x * 2.0 (weak scalar), f32[]", lambda np_: np_.asarray(1.0), lambda np_, x: x * 2.0),
    ("jnp.sin(x), f32[]", lambda np_: np_.asarray(1.0), lambda np_, x: np_.sin(x)),
    ("x + x, f32[1000]", lambda np_: np_.ones(1000), lambda np_, x: x + x),
    ("jnp.sum(x), f32[1000]", lambda np_: np_.ones(1000), lambda np_, x: np_.sum(x)),
    ("x[3], f32[1000]", lambda np_: np_.ones(1000), lambda np_, x: x[3]),
    ("x @ x, f32[16,16]", lambda np_: np_.ones((16, 16)), lambda np_, x: x @ x),
]


def eager(np_, make, op, n):
    x = make(np_)

    def run():
        for _ in range(n):
            op(np_, x)
    return run


def main():
    tx = best(lambda: jaxray.make_jaxpr(chain(xnp))(1.0), 5)
    tj = best(lambda: jax.make_jaxpr(chain(jnp))(1.0), 3)
    print(f"make_jaxpr, 10,000 equations: jaxray {tx * 1e3:.1f} ms, jax {tj * 1e3:.1f} ms, "
          f"jaxray {tj / tx:.1f}x faster")
    n = 5000
    ratios = []
    for name, make, op in EAGER_OPS:
        ex = best(eager(xnp, make, op, n), 5) / n
        ej = best(eager(jnp, make, op, n), 5) / n
        ratios.append(ej / ex)
        print(f"eager {name}: jaxray {ex * 1e6:.2f} us, jax {ej * 1e6:.2f} us, jaxray {ej / ex:.1f}x faster")
    geomean = 1.0
    for r in ratios:
        geomean *= r ** (1 / len(ratios))
    print(f"eager dispatch, geometric mean over {len(ratios)} ops: jaxray {geomean:.1f}x faster")
    print(f"(jax {jax.__version__})")


if __name__ == "__main__":
    main()
