#!/usr/bin/env python3
"""lax.scan against a Python loop of the same body, in jaxray and the real
JAX, in one process: an RNN-like step (carry f32[16], x f32[16]:
c = tanh(W @ c + x), y = c.sum()) over 1,000 steps, as one scan equation and
as 1,000 unrolled bodies. Measures make_jaxpr, eager calls, and jit (first
call, which traces and compiles, and later calls).

Run: PYTHONPATH=build/python python3 bench/bench_scan.py [--full]  (needs
jax installed in that interpreter: scripts/install-deps --dev; --full adds
JAX's jit of the loop, 30 s or more of XLA compile). Prints the median
and best of several repeats for each, the ratio loop / scan in each library
and JAX / jaxray.
"""
import statistics
import sys
import time

import numpy as np

try:
    import jax
    import jax.numpy as jnp
except ImportError:
    print("bench_scan: skipped, jax is not installed in this interpreter")
    sys.exit(0)

import jaxray
import jaxray.numpy as xnp

STEPS = 1000
N = 16


def scan_version(lib, np_):
    def f(W, c, xs):
        def step(c, x):
            c = np_.tanh(W @ c + x)
            return c, c.sum()
        return lib.lax.scan(step, c, xs)
    return f


def loop_version(lib, np_):
    def f(W, c, xs):
        ys = []
        for i in range(STEPS):
            c = np_.tanh(W @ c + xs[i])
            ys.append(c.sum())
        return c, np_.stack(ys)
    return f


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def ready(out):
    for leaf in out:
        leaf.block_until_ready()
    return out


def measure(lib, np_, args, repeats, jit_loop):
    """Median and best seconds per measurement, for one library."""
    rows = {}
    for kind, make in (("scan", scan_version), ("loop", loop_version)):
        r = repeats[kind]
        # A fresh function each time wherever a cache keyed on the function (JAX's tracing cache) could answer.
        rows[("make_jaxpr", kind)] = timed(lambda: lib.make_jaxpr(make(lib, np_))(*args), r)
        f = make(lib, np_)
        ready(f(*args))  # one-time costs (JAX's dispatch caches, first allocations) stay out of the eager figures
        rows[("eager", kind)] = timed(lambda: ready(f(*args)), r)
        if kind == "loop" and not jit_loop:
            continue
        jitted = []

        def first_call():
            jitted.append(lib.jit(make(lib, np_)))
            ready(jitted[-1](*args))
        rows[("jit, first call", kind)] = timed(first_call, r.jit_first)
        g = jitted[-1]
        rows[("jit, later calls", kind)] = timed(lambda: ready(g(*args)), r)
    return rows


def main():
    rng = np.random.default_rng(0)
    W = (rng.standard_normal((N, N)) / np.sqrt(N)).astype(np.float32)
    c0 = rng.standard_normal(N).astype(np.float32)
    xs = rng.standard_normal((STEPS, N)).astype(np.float32)

    # Both libraries compute the same thing, scan and loop alike.
    outs = {}
    for name, lib, np_ in (("jaxray", jaxray, xnp), ("jax", jax, jnp)):
        args = (np_.asarray(W), np_.asarray(c0), np_.asarray(xs))
        for kind, make in (("scan", scan_version), ("loop", loop_version)):
            c, ys = make(lib, np_)(*args)
            outs[(name, kind)] = (np.asarray(c), np.asarray(ys))
    ref = outs[("jax", "scan")]
    for key, (c, ys) in outs.items():
        np.testing.assert_allclose(c, ref[0], rtol=1e-4, atol=1e-5, err_msg=str(key))
        np.testing.assert_allclose(ys, ref[1], rtol=1e-4, atol=1e-4, err_msg=str(key))

    # JAX's jit of the loop hands 1,000 unrolled bodies to XLA, whose compile takes 30 s to well over a
    # minute on a 2-core machine: once, and only with --full.
    full = "--full" in sys.argv[1:]
    results = {}
    for name, lib, np_, jit_first_loop in (("jaxray", jaxray, xnp, 5), ("jax", jax, jnp, 1)):
        args = (np_.asarray(W), np_.asarray(c0), np_.asarray(xs))
        results[name] = measure(lib, np_, args, {
            "scan": _R(15, 5),
            "loop": _R(5, jit_first_loop),
        }, jit_loop=(name == "jaxray" or full))

    def ratio(r):
        return f"{r:.1f}" if r >= 0.95 else f"{r:.2g}"

    def fmt(t):
        return f"{t * 1e3:9.2f} ms" if t >= 1e-3 else f"{t * 1e6:9.1f} us"

    print(f"scan vs Python loop, {STEPS} steps of c = tanh(W @ c + x), y = c.sum(), carry f32[{N}]"
          " (median, best of repeats)")
    head = f"{'measurement':<24}{'':6}{'jaxray median':>14}{'(best)':>14}{'jax median':>14}{'(best)':>14}" \
           f"{'jax/jaxray':>12}"
    print(head)
    print("-" * len(head))
    for what in ("make_jaxpr", "eager", "jit, first call", "jit, later calls"):
        for kind in ("scan", "loop"):
            xm, xb = results["jaxray"][(what, kind)]
            if (what, kind) in results["jax"]:
                jm, jb = results["jax"][(what, kind)]
                print(f"{what:<24}{kind:<6}{fmt(xm):>14}{fmt(xb):>14}{fmt(jm):>14}{fmt(jb):>14}{ratio(jm / xm):>11}x")
            else:
                print(f"{what:<24}{kind:<6}{fmt(xm):>14}{fmt(xb):>14}{'(--full)':>14}")
        xr = results["jaxray"][(what, "loop")][0] / results["jaxray"][(what, "scan")][0]
        line = f"{'':<24}{'loop/scan':<10}{ratio(xr):>9}x"
        if (what, "loop") in results["jax"]:
            jr = results["jax"][(what, "loop")][0] / results["jax"][(what, "scan")][0]
            line += f"{'':>14}{ratio(jr):>13}x"
        print(line)
    print(f"(jax {jax.__version__})")


class _R(int):
    """A repeat count, with its own (smaller) count for jit's first call."""
    def __new__(cls, n, jit_first):
        r = super().__new__(cls, n)
        r.jit_first = jit_first
        return r


if __name__ == "__main__":
    main()
