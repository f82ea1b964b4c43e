// Special functions of the elementwise family that the C++ standard library
// lacks (erf_inv, digamma, polygamma) or provides only thread-unsafely (lgamma, which
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

// ψ⁽ᵐ⁾(x), the m-th derivative of ψ, for a non-negative integer m (NaN for
// any other m): digamma for m = 0, else (-1)^(m+1) m! ζ(m+1, x). At the
// poles (x a non-positive integer) and at -inf it is +inf for odd m and NaN
// otherwise, as XLA's; at +inf it is the limit ±0 (as scipy's; XLA's is NaN).
float polygamma(float m, float x);
double polygamma(double m, double x);

}  // namespace jxr::special
