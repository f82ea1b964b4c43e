#!/usr/bin/env python3
"""Regenerates the expected-value tables of tests/engine/tst_elementwise.cpp.

Rewrites the region between the GENERATED markers of that file with values
computed by JAX 0.10.2 on CPU (x64 enabled so that f64 rows are real f64).
polygamma's values are scipy.special.polygamma's, in float64 at the inputs
rounded to the row's dtype, then rounded to it: XLA's CPU polygamma goes wrong
for negative x past a few poles (it gives 6.2e8 for polygamma(1, -10.7), not
14.99) and is NaN at +inf; only its special values (poles, invalid orders)
come from JAX. Run with numpy, scipy and JAX installed; the C++ tests never
need them.
"""
import math
import pathlib
import re

import jax
import jax.numpy as jnp
import numpy as np
import scipy.special
from jax import lax

jax.config.update("jax_enable_x64", True)

NAN, INF = float("nan"), float("inf")
IMIN, IMAX, UMAX = -2**31, 2**31 - 1, 2**32 - 1

DTYPES = {
    "Bool": np.bool_, "I32": np.int32, "U32": np.uint32, "BF16": jnp.bfloat16,
    "F16": np.float16, "F32": np.float32, "F64": np.float64,
}


def num(v):
    v = float(v)
    if math.isnan(v):
        return "kNaN"
    if math.isinf(v):
        return "kInf" if v > 0 else "-kInf"
    if v == int(v) and abs(v) < 2**53:
        return ("-0.0" if math.copysign(1, v) < 0 and v == 0 else repr(float(int(v))))
    return repr(v)


def vec(a):
    return "{" + ", ".join(num(v) for v in np.asarray(a, dtype=np.float64).ravel()) + "}"


def make(vals, dt):
    # Values go through f64 first, as the test's arr() helper does.
    return lax.convert_element_type(jnp.asarray(np.array(vals, np.float64)), DTYPES[dt])


UNARY = {
    "neg": lax.neg, "sign": lax.sign, "floor": lax.floor, "ceil": lax.ceil, "is_finite": lax.is_finite,
    "exp": lax.exp, "exp2": lax.exp2, "log": lax.log, "log1p": lax.log1p, "expm1": lax.expm1,
    "tanh": lax.tanh, "logistic": lax.logistic, "sin": lax.sin, "cos": lax.cos, "tan": lax.tan,
    "asin": lax.asin, "acos": lax.acos, "atan": lax.atan, "sinh": lax.sinh, "cosh": lax.cosh,
    "asinh": lax.asinh, "acosh": lax.acosh, "atanh": lax.atanh, "sqrt": lax.sqrt, "rsqrt": lax.rsqrt,
    "cbrt": lax.cbrt, "abs": lax.abs, "square": lax.square, "erf": lax.erf, "erf_inv": lax.erf_inv,
    "lgamma": lax.lgamma, "digamma": lax.digamma, "not": lax.bitwise_not,
    "round": lambda x, p: lax.round(x, p), "integer_pow": lambda x, p: lax.integer_pow(x, p),
}
BINARY = {
    "add": lax.add, "sub": lax.sub, "mul": lax.mul, "div": lax.div, "rem": lax.rem, "pow": lax.pow,
    "max": lax.max, "min": lax.min, "atan2": lax.atan2, "nextafter": lax.nextafter, "eq": lax.eq,
    "ne": lax.ne, "lt": lax.lt, "le": lax.le, "gt": lax.gt, "ge": lax.ge, "and": lax.bitwise_and,
    "or": lax.bitwise_or, "xor": lax.bitwise_xor, "polygamma": lax.polygamma,
}
EXACT = {"neg", "sign", "floor", "ceil", "round", "is_finite", "abs", "square", "integer_pow", "not", "add",
         "sub", "mul", "div", "rem", "max", "min", "nextafter", "eq", "ne", "lt", "le", "gt", "ge", "and", "or",
         "xor", "sqrt"}


def tol(op, dt):
    if op in EXACT:
        return "0, 0"
    if op == "polygamma" and dt in ("F32", "F64"):
        # float32 is computed in float64 and rounded; float64 loses a few ulp
        # to cancellation in the reflection (even m near half-integers).
        return "1e-6, 0" if dt == "F32" else "1e-13, 0"
    if dt in ("BF16", "F16"):
        return "1e-2, 1e-3"
    if dt == "F32":
        return "2e-6, 1e-6" if op not in ("lgamma", "digamma", "erf_inv") else "1e-5, 1e-6"
    return "1e-13, 1e-15" if op not in ("lgamma", "digamma") else "1e-11, 1e-13"


FLOAT_INPUTS = {
    "neg": [1.5, -2, 0, INF, NAN], "sign": [-2.5, 0, 3, NAN, -INF],
    "floor": [-1.5, -0.5, 0.5, 1.5, 2, INF, NAN], "ceil": [-1.5, -0.5, 0.5, 1.5, 2, -INF, NAN],
    "is_finite": [1, INF, -INF, NAN, 0, -3e38], "exp": [-1, 0, 1, 10, -INF, INF, NAN, 88, -120],
    "exp2": [-1, 0, 0.5, 10, -INF, 130], "log": [0.5, 1, 10, 0, -1, INF, NAN, 1e-30],
    "log1p": [-0.5, 0, 1e-10, 1, -1, -2, INF], "expm1": [-1, 0, 1e-10, 1, -INF, 50],
    "tanh": [-20, -1, 0, 0.5, 20, NAN, INF], "logistic": [-30, -1, 0, 1, 30, 100, -INF],
    "sin": [-3, -0.5, 0, 1, 2, 100, INF], "cos": [-3, -0.5, 0, 1, 2, 100, NAN],
    "tan": [-3, -0.5, 0, 1, 1.5, 100], "asin": [-1, -0.5, 0, 0.5, 1, 2], "acos": [-1, -0.5, 0, 0.5, 1, 2],
    "atan": [-INF, -1, 0, 0.5, 1e10], "sinh": [-3, -0.5, 0, 1, 10, 1000], "cosh": [-3, -0.5, 0, 1, 10, 1000],
    "asinh": [-3, -0.5, 0, 1, 1e10], "acosh": [0.5, 1, 1.5, 10, INF], "atanh": [-1, -0.5, 0, 0.5, 1, 2],
    "sqrt": [0, 2, 4, 1e10, -1, INF, 0.25], "rsqrt": [0.25, 1, 2, 0, -1, INF], "cbrt": [-8, -1, 0, 2, 27, INF],
    "abs": [-1.5, 2, -INF, NAN, 0], "square": [-1.5, 0, 3, 1e20, NAN],
    "erf": [-3, -0.5, 0, 0.5, 1, 3, INF, -INF],
    "erf_inv": [-1, -0.999, -0.5, 0, 0.3, 0.5, 0.9, 0.9999, 1, 1.5, NAN],
    "lgamma": [0.5, 1, 2, 3.5, 10, 100, -0.5, -2.5, 0, -1, 1e-8, INF, -INF, NAN, 1e30],
    "digamma": [0.5, 1, 2, 3.5, 10, 100, -0.5, -2.5, 1e-3, -1e-3, 0, -1, INF, NAN, 1e6],
}
INT_INPUTS = {
    "neg": {"I32": [1, -5, IMIN, IMAX, 0], "U32": [0, 1, UMAX]},
    "sign": {"I32": [-7, 0, 5, IMIN], "U32": [0, 3]},
    "abs": {"I32": [-5, 0, 7, IMIN, IMAX]},
    "square": {"I32": [-3, 0, 46341], "U32": [3, 65536]},
    "not": {"Bool": [1, 0], "I32": [0, -1, 5], "U32": [0, 5]},
}
HALF_UNARY = ["neg", "exp", "sqrt", "sin", "log", "floor", "tanh"]


def unary_rows():
    rows = []
    for op, xs in FLOAT_INPUTS.items():
        for dt in ["F32", "F64"] + (["BF16", "F16"] if op in HALF_UNARY else []):
            x = make(xs, dt)
            rows.append((op, dt, 0, x, UNARY[op](x)))
    for op, per in INT_INPUTS.items():
        for dt, xs in per.items():
            x = make(xs, dt)
            rows.append((op, dt, 0, x, UNARY[op](x)))
    ties = [0.5, 1.5, 2.5, -0.5, -2.5, 2.4, -2.6, 1e30, NAN, INF]
    for dt in ["F32", "F64", "BF16"]:
        for m in (0, 1):
            x = make(ties, dt)
            rows.append(("round", dt, m, x, lax.round(x, m)))
    for dt in ["F32", "F64"]:
        for y in (3, -2, 0, 1, 7):
            x = make([-2, 0.5, 3, 0, -0.5, NAN, 1.1], dt)
            rows.append(("integer_pow", dt, y, x, lax.integer_pow(x, y)))
    for y in (3, 0, 2, 31):
        x = make([-3, 2, 1291, 0, -1], "I32")
        rows.append(("integer_pow", "I32", y, x, lax.integer_pow(x, y)))
    x = make([3, 70000], "U32")
    rows.append(("integer_pow", "U32", 2, x, lax.integer_pow(x, 2)))
    out = []
    for op, dt, p, x, r in rows:
        out.append(f'    {{"{op}", DType::{dt}, {p}, {vec(x)}, {vec(r)}, {tol(op, dt)}}},')
    return out


FLOAT_BINARY = {
    "add": ([1, 2, INF, -INF, NAN, 1e38], [0.5, -2, -INF, 1, 1, 1e38]),
    "sub": ([1, 2, INF, INF, NAN, -1e38], [0.5, -2, INF, 1, 1, 1e38]),
    "mul": ([2, -0.0, INF, 1e30, -3], [3, 5, 0, 1e30, 0.5]),
    "div": ([1, -1, 0, 1, 7, -7], [0, 0, 0, -0.0, 2, 2]),
    "rem": ([5, -5, 5, -5, 5.5, INF, 1, 7.5], [3, 3, -3, -3, 0, 2, INF, 2]),
    "pow": ([2, 2, 0, -8, 4, 1, NAN, -2, 0], [3, -1, 0, 1 / 3, 0.5, NAN, 0, 2, -1]),
    "max": ([1, NAN, 2, -0.0, 0, -INF], [2, 1, NAN, 0, -0.0, -5]),
    "min": ([1, NAN, 2, -0.0, 0, INF], [2, 1, NAN, 0, -0.0, 5]),
    "atan2": ([1, 1, -1, -1, 0, 0, 2, INF], [1, -1, 1, -1, -1, 0, 0, INF]),
    "nextafter": ([1, 0, 0, 1, -1, NAN, 3e38], [2, 1, -1, 1, 0, 1, INF]),
    "eq": ([1, 2, NAN, -0.0, INF], [2, 2, NAN, 0, INF]), "ne": ([1, 2, NAN, -0.0, INF], [2, 2, NAN, 0, INF]),
    "lt": ([1, 2, NAN, -0.0, 3], [2, 2, 1, 0, -INF]), "le": ([1, 2, NAN, -0.0, 3], [2, 2, 1, 0, -INF]),
    "gt": ([1, 2, NAN, -0.0, 3], [2, 2, 1, 0, -INF]), "ge": ([1, 2, NAN, -0.0, 3], [2, 2, 1, 0, -INF]),
}
INT_BINARY = {
    "add": {"I32": ([IMAX, -5, 0], [1, 3, IMIN]), "U32": ([UMAX, 7], [2, 3])},
    "sub": {"I32": ([IMIN, -5, 3], [1, 3, 5]), "U32": ([0, 7], [1, 3])},
    "mul": {"I32": ([65536, -7, IMIN], [65536, 6, -1]), "U32": ([65536, 7], [65536, 3])},
    "div": {"I32": ([7, -7, 7, -7, 5, -5, IMIN, 0, IMIN], [2, 2, -2, -2, 0, 0, -1, 0, 2]),
            "U32": ([7, 5, UMAX], [2, 0, 2])},
    "rem": {"I32": ([7, -7, 7, -7, 5, -5, IMIN, 0], [3, 3, -3, -3, 0, 0, -1, 5]), "U32": ([7, 5], [3, 0])},
    "max": {"I32": ([1, IMIN, -3], [2, 0, -4]), "U32": ([1, UMAX], [2, 0]), "Bool": ([0, 1, 0, 1], [0, 0, 1, 1])},
    "min": {"I32": ([1, IMIN, -3], [2, 0, -4]), "U32": ([1, UMAX], [2, 0]), "Bool": ([0, 1, 0, 1], [0, 0, 1, 1])},
    "and": {"Bool": ([0, 1, 0, 1], [0, 0, 1, 1]), "I32": ([12, -1, IMIN], [10, 5, -1]), "U32": ([12, UMAX], [10, 5])},
    "or": {"Bool": ([0, 1, 0, 1], [0, 0, 1, 1]), "I32": ([12, -1, IMIN], [10, 5, 1]), "U32": ([12, 0], [10, 5])},
    "xor": {"Bool": ([0, 1, 0, 1], [0, 0, 1, 1]), "I32": ([12, -1, IMIN], [10, 5, -1]), "U32": ([12, UMAX], [10, 5])},
}
for _op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    INT_BINARY[_op] = {"I32": ([1, 2, IMIN, -1], [2, 2, IMAX, 0]), "U32": ([1, UMAX], [2, 0]),
                       "Bool": ([0, 1, 0, 1], [0, 0, 1, 1])}
HALF_BINARY = ["add", "mul", "div", "max", "nextafter", "lt"]
# polygamma(m, x) for m = 0..3: positive, small, large, negative non-integer
# (near and far from 0) and +inf; the 16-bit types round -1000.25 onto a pole,
# so they take -100.5 instead.
POLYGAMMA_X = [0.5, 1, 2.5, 10, 100, 1e6, 1e-3, -0.5, -1.5, -2.3, -10.7, -1000.25, -1e-3, INF]
# Poles (+inf for odd m, NaN for even m, as XLA), -inf, NaN and orders that
# are not non-negative integers (NaN).
POLYGAMMA_SPECIAL = ([0.5, -1, 1, 2, 1, 3, 0, NAN, 1, 2, 1, 2, 0, 1.5],
                     [1, 1, 0, 0, -2, -1, 0, 1, NAN, -3, -INF, -INF, -INF, -0.5])


def polygamma_rows():
    rows = []
    for dt in ["F32", "F64", "BF16", "F16"]:
        for m in range(4):
            x = make([-100.5 if v == -1000.25 and dt in ("BF16", "F16") else v for v in POLYGAMMA_X], dt)
            want = scipy.special.polygamma(m, np.asarray(x, np.float64))
            rows.append(("polygamma", dt, make([m] * len(POLYGAMMA_X), dt), x, make(want, dt)))
        m, x = make(POLYGAMMA_SPECIAL[0], dt), make(POLYGAMMA_SPECIAL[1], dt)
        rows.append(("polygamma", dt, m, x, lax.polygamma(m, x)))
    return rows


def binary_rows():
    rows = []
    for op, (xs, ys) in FLOAT_BINARY.items():
        for dt in ["F32", "F64"] + (["BF16", "F16"] if op in HALF_BINARY else []):
            x, y = make(xs, dt), make(ys, dt)
            rows.append((op, dt, x, y, BINARY[op](x, y)))
    for op, per in INT_BINARY.items():
        for dt, (xs, ys) in per.items():
            x, y = make(xs, dt), make(ys, dt)
            rows.append((op, dt, x, y, BINARY[op](x, y)))
    # Steps away from 1, 0 and the largest finite value in the 16-bit types.
    for dt in ["BF16", "F16"]:
        x, y = make([1, 0, 0, -1, 65504 if dt == "F16" else 1], dt), make([2, -1, 1, -2, INF], dt)
        rows.append(("nextafter", dt, x, y, lax.nextafter(x, y)))
    rows += polygamma_rows()
    out = []
    for op, dt, x, y, r in rows:
        out.append(f'    {{"{op}", DType::{dt}, {vec(x)}, {vec(y)}, {vec(r)}, {tol(op, dt)}}},')
    return out


def convert_rows():
    names = ["Bool", "I32", "U32", "BF16", "F16", "F32", "F64"]
    base = [0, 1, -1.5, 2.75, 300, 70000, -3e9, 5e9, NAN, INF, -INF]
    out = []
    for src in names:
        x = lax.convert_element_type(jnp.asarray(np.array(base, np.float32)), DTYPES[src])
        for dst in names:
            r = lax.convert_element_type(x, DTYPES[dst])
            out.append(f"    {{DType::{src}, DType::{dst}, {vec(x)}, {vec(r)}}},")
    return out


def main():
    lines = ["// clang-format off", "const std::vector<UnaryCase> kUnaryCases = {"]
    lines += unary_rows()
    lines += ["};", "const std::vector<BinaryCase> kBinaryCases = {"]
    lines += binary_rows()
    lines += ["};", "const std::vector<ConvertCase> kConvertCases = {"]
    lines += convert_rows()
    lines += ["};", "// clang-format on"]
    path = pathlib.Path(__file__).resolve().parent.parent / "tests/engine/tst_elementwise.cpp"
    text = path.read_text()
    begin, end = "// BEGIN GENERATED by scripts/gen_elementwise_cases.py\n", "// END GENERATED\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    path.write_text(pattern.sub(lambda _: begin + "\n".join(lines) + "\n" + end, text))


if __name__ == "__main__":
    main()
