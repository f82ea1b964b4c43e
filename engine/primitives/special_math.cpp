// Special functions for erf_inv, lgamma and digamma (see special_math.h).
#include "engine/primitives/special_math.h"

#include <math.h>  // lgamma_r, lgammaf_r: the reentrant glibc variants

#include <cmath>
#include <limits>
#include <numbers>

namespace jxr::special {

namespace {

// Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011):
// two single-precision polynomials in w = -log(1 - x^2), good to a few ulp
// in float, which is what XLA's f32 erf_inv does too.
template <class T>
T erf_inv_giles(T x) {
  T w = -std::log((T(1) - x) * (T(1) + x));
  T p;
  if (w < T(5)) {
    w -= T(2.5);
    p = T(2.81022636e-08);
    p = T(3.43273939e-07) + p * w;
    p = T(-3.5233877e-06) + p * w;
    p = T(-4.39150654e-06) + p * w;
    p = T(0.00021858087) + p * w;
    p = T(-0.00125372503) + p * w;
    p = T(-0.00417768164) + p * w;
    p = T(0.246640727) + p * w;
    p = T(1.50140941) + p * w;
  } else {
    w = std::sqrt(w) - T(3);
    p = T(-0.000200214257);
    p = T(0.000100950558) + p * w;
    p = T(0.00134934322) + p * w;
    p = T(-0.00367342844) + p * w;
    p = T(0.00573950773) + p * w;
    p = T(-0.0076224613) + p * w;
    p = T(0.00943887047) + p * w;
    p = T(1.00167406) + p * w;
    p = T(2.83297682) + p * w;
  }
  return p * x;
}

template <class T>
bool erf_inv_special(T x, T& out) {
  if (std::isnan(x) || std::fabs(x) > T(1)) {
    out = std::numeric_limits<T>::quiet_NaN();
    return true;
  }
  if (std::fabs(x) == T(1)) {
    out = std::copysign(std::numeric_limits<T>::infinity(), x);
    return true;
  }
  return false;
}

// ψ(x) for x >= 10 by the asymptotic series
// ln x - 1/(2x) - Σ B_2k / (2k x^2k), truncated where its terms drop below
// double precision.
double digamma_asymptotic(double x) {
  double z = 1.0 / (x * x);
  double tail = z * (1.0 / 12 -
                     z * (1.0 / 120 -
                          z * (1.0 / 252 -
                               z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z * (1.0 / 12)))))));
  return std::log(x) - 0.5 / x - tail;
}

}  // namespace

float erf_inv(float x) {
  float out;
  if (erf_inv_special(x, out)) return out;
  return erf_inv_giles(x);
}

double erf_inv(double x) {
  double out;
  if (erf_inv_special(x, out)) return out;
  // The float polynomial is a start good to ~1e-7; two Halley steps on
  // erf(r) = x bring it to double precision (cubic convergence).
  double r = erf_inv_giles(x);
  for (int i = 0; i < 2; ++i) {
    double err = std::erf(r) - x;
    double deriv = 2.0 / std::sqrt(std::numbers::pi) * std::exp(-r * r);
    if (deriv == 0.0) break;
    double step = err / deriv;
    r -= step / (1.0 + r * step);
  }
  return r;
}

float lgamma(float x) {
  int sign;
  return ::lgammaf_r(x, &sign);
}

double lgamma(double x) {
  int sign;
  return ::lgamma_r(x, &sign);
}

double digamma(double x) {
  if (std::isnan(x) || x == -std::numeric_limits<double>::infinity())
    return std::numeric_limits<double>::quiet_NaN();
  if (x == std::numeric_limits<double>::infinity()) return x;
  double result = 0.0;
  if (x <= 0.0) {
    if (x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();
    // Reflection ψ(x) = ψ(1-x) - π cot(πx); cot has period 1, so reducing
    // x first keeps πx accurate for large |x|.
    double r = x - std::nearbyint(x);
    result = -std::numbers::pi / std::tan(std::numbers::pi * r);
    x = 1.0 - x;
  }
  for (; x < 10.0; x += 1.0) result -= 1.0 / x;
  return result + digamma_asymptotic(x);
}

float digamma(float x) { return static_cast<float>(digamma(static_cast<double>(x))); }

}  // namespace jxr::special
