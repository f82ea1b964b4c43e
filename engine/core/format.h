// Number formatting as Python prints it, so that jaxpr literals and params
// read exactly as in JAX.
#pragma once

#include <string>

namespace jxr {

// Python's repr(float): shortest round-trip digits, positional for
// 1e-4 <= |x| < 1e16, else scientific ("1e-05", "1.5e+16"), "inf", "nan".
std::string py_float_repr(double v);

}  // namespace jxr
