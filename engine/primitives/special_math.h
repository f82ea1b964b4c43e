// Special functions of the elementwise family that the C++ standard library
// lacks (erf_inv, digamma) or provides only thread-unsafely (lgamma, which
// writes the global signgam).
#pragma once

namespace jxr::special {

// Inverse error function: ±inf at ±1, NaN outside [-1, 1].
float erf_inv(float x);
double erf_inv(double x);

// log|Γ(x)|: +inf at the poles (non-positive integers).
float lgamma(float x);
double lgamma(double x);

// ψ(x) = Γ'(x)/Γ(x): NaN at the poles and at -inf, as XLA.
float digamma(float x);
double digamma(double x);

}  // namespace jxr::special
