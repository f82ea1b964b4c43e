// Special functions for erf_inv, lgamma, digamma and polygamma (see
// special_math.h).
#include "engine/primitives/special_math.h"

#include <math.h>  // lgamma_r, lgammaf_r: the reentrant glibc variants

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

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

// B_2k / (2k)! for k = 1..12: the Euler-Maclaurin coefficients.
constexpr double kBernoulliOverFactorial[] = {
    1.0 / 6 / 2,
    -1.0 / 30 / 24,
    1.0 / 42 / 720,
    -1.0 / 30 / 40320,
    5.0 / 66 / 3628800,
    -691.0 / 2730 / 479001600,
    7.0 / 6 / 87178291200.0,
    -3617.0 / 510 / 20922789888000.0,
    43867.0 / 798 / 6402373705728000.0,
    -174611.0 / 330 / 2432902008176640000.0,
    854513.0 / 138 / 1124000727777607680000.0,
    -236364091.0 / 2730 / 620448401733239439360000.0,
};

// q^s ζ(s, q) = Σ_k (q / (q+k))^s for s > 1 and finite q > 0: the Hurwitz
// zeta function scaled by q^s so that it neither underflows nor overflows
// (it lies between 1 and about 1 + q/(s-1)). The sum runs directly until
// a = q + n is past both 9 and s, where the Euler-Maclaurin tail
// a^(1-s)/(s-1) - a^-s/2 + Σ_k B_2k/(2k)! s(s+1)...(s+2k-2) a^(1-s-2k)
// converges fast (its terms shrink like (s+2k)^2 / (2πa)^2); both stop
// early once their terms fall below double precision.
double hurwitz_zeta_scaled(double s, double q) {
  constexpr double eps = std::numeric_limits<double>::epsilon() / 2;
  double sum = 1.0;  // the k = 0 term
  double a = q, term = 1.0;
  for (int n = 0; n < 9 || a <= 9.0 + s; ++n) {
    a += 1.0;
    term = std::pow(q / a, s);
    sum += term;
    if (term <= eps * sum) return sum;
  }
  // The sum holds the term of a itself, which the tail counts half.
  sum += a * term / (s - 1.0) - 0.5 * term;
  double rising = s;          // s(s+1)...(s+2k-2)
  double scale = term / a;    // (q/a)^s a^(1-2k)
  for (int k = 0; k < 12; ++k) {
    double t = kBernoulliOverFactorial[k] * rising * scale;
    sum += t;
    if (std::fabs(t) <= eps * sum) break;
    rising *= (s + 2 * k + 1) * (s + 2 * k + 2);
    scale /= a * a;
  }
  return sum;
}

// ψ⁽ᵐ⁾(x) for m >= 1 and finite x > 0: (-1)^(m+1) m! x^-(m+1) (x^(m+1) ζ(m+1, x)).
double polygamma_positive(double m, double x) {
  const double s = m + 1.0;
  const double sign = std::fmod(m, 2.0) == 1.0 ? 1.0 : -1.0;
  const double z = hurwitz_zeta_scaled(s, x);
  // m! x^-s directly while both factors are finite and normal (exact
  // factorials, an accurate pow), else through logarithms.
  double factorial = 1.0;
  for (double k = 2.0; k <= m && std::isfinite(factorial); k += 1.0) factorial *= k;
  double power = std::pow(x, -s);
  if (std::isfinite(factorial) && std::isfinite(power) && power >= std::numeric_limits<double>::min())
    return sign * factorial * power * z;
  int lsign;
  return sign * std::exp(::lgamma_r(s, &lsign) - s * std::log(x) + std::log(z));
}

// P_m(cot(πx)) with dᵐ/dxᵐ cot(πx) = πᵐ P_m(cot(πx)): P_0(c) = c and
// P_{k+1}(c) = -(1 + c²) P_k'(c), a polynomial of degree m+1.
double cot_derivative_polynomial(int m, double c) {
  std::vector<double> p(m + 2, 0.0), next(m + 2, 0.0);
  p[1] = 1.0;
  for (int k = 0; k < m; ++k) {
    // P' has degree k; -(1 + c²) P' has degree k + 2.
    std::fill(next.begin(), next.end(), 0.0);
    for (int i = 1; i <= k + 1; ++i) {
      double d = i * p[i];  // coefficient of c^(i-1) in P'
      next[i - 1] -= d;
      next[i + 1] -= d;
    }
    p.swap(next);
  }
  double r = 0.0;
  for (int i = m + 1; i >= 0; --i) r = r * c + p[i];
  return r;
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

double polygamma(double m, double x) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (std::isnan(m) || std::isnan(x) || !std::isfinite(m) || m < 0.0 || m != std::floor(m)) return nan;
  if (m == 0.0) return digamma(x);
  const bool odd = std::fmod(m, 2.0) == 1.0;
  if (x == inf) return odd ? 0.0 : -0.0;
  // At a pole ψ⁽ᵐ⁾ behaves like -(-1)^m m! / (x - n)^(m+1): +inf from both
  // sides for odd m, of opposite signs for even m; XLA gives inf and NaN,
  // and the same at -inf, where the poles accumulate.
  if (x <= 0.0 && x == std::floor(x)) return odd ? inf : nan;
  if (x > 0.0) return polygamma_positive(m, x);
  const double pole = std::nearbyint(x);
  if (m > 170.0) {
    // |ψ⁽ᵐ⁾(x)| >= m! / |x - n|^(m+1) >= 170! 2^171 at the nearest pole n:
    // past the double range, with the sign of that pole's term.
    return odd ? inf : -std::copysign(inf, x - pole);
  }
  // Reflection: ψ⁽ᵐ⁾(x) = (-1)^m ψ⁽ᵐ⁾(1-x) - π dᵐ/dxᵐ cot(πx); cot has
  // period 1, so reducing x first keeps πx accurate for large |x|.
  constexpr double pi = std::numbers::pi;
  const double c = 1.0 / std::tan(pi * (x - pole));
  const double cot_term = std::pow(pi, m + 1.0) * cot_derivative_polynomial(static_cast<int>(m), c);
  const double reflected = polygamma_positive(m, 1.0 - x);
  return (odd ? -reflected : reflected) - cot_term;
}

float polygamma(float m, float x) {
  return static_cast<float>(polygamma(static_cast<double>(m), static_cast<double>(x)));
}

}  // namespace jxr::special
