// check_grads, after jax.test_util.check_grads: forward mode against central
// finite differences, reverse mode against forward mode through the
// identity <u, J v> == <J^T u, v>, recursively to the requested order (the
// derivative checks of order k run on the JVP / VJP functions of order k-1).
//
// Run in float64 (the helpers switch x64 on): finite differences in float32
// cannot resolve second derivatives. Tolerances: eps = 1e-4 for the central
// differences (truncation error O(eps^2) ~ 1e-8 relative), compared with
// atol = rtol = 1e-5 by default, loosened per op where the table says so.
#pragma once

#include <cmath>
#include <functional>
#include <random>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/ad/ad.h"
#include "engine/ad/rules.h"
#include "engine/core/dtype.h"
#include "engine/lax.h"

namespace jxr::test {

using FlatF = std::function<std::vector<Value>(std::span<const Value>)>;

struct GradTol {
  double eps = 1e-4;
  double atol = 1e-5;
  double rtol = 1e-5;
};

// Turns x64 on for the lifetime of the object (and restores it after).
class X64Scope {
 public:
  X64Scope() : saved_(x64_enabled()) { set_x64_enabled(true); }
  ~X64Scope() { set_x64_enabled(saved_); }

 private:
  bool saved_;
};

namespace detail {

inline Array random_like(const ShapedArray& a, std::mt19937& rng) {
  std::normal_distribution<double> n(0.0, 1.0);
  std::vector<double> v(static_cast<size_t>(a.size()));
  for (double& x : v) x = n(rng);
  return Array::from_vector<double>(v, a.shape).astype(a.dtype);
}

inline double vdot(const Value& a, const Value& b) {
  if (ad::is_zero(a) || ad::is_zero(b)) return 0.0;
  const Array& x = a.array();
  const Array& y = b.array();
  double s = 0;
  for (int64_t i = 0; i < x.size(); ++i) s += x.item(i) * y.item(i);
  return s;
}

inline Array axpy(double alpha, const Array& x, const Array& y) {  // alpha*x + y
  std::vector<double> v(static_cast<size_t>(y.size()));
  for (int64_t i = 0; i < y.size(); ++i) v[i] = alpha * x.item(i) + y.item(i);
  return Array::from_vector<double>(v, y.shape()).astype(y.dtype());
}

inline Array scale(double alpha, const Array& x) {
  std::vector<double> v(static_cast<size_t>(x.size()));
  for (int64_t i = 0; i < x.size(); ++i) v[i] = alpha * x.item(i);
  return Array::from_vector<double>(v, x.shape()).astype(x.dtype());
}

inline void expect_close(const Value& got_v, const Array& want, const GradTol& tol, const std::string& what) {
  Array got = ad::is_zero(got_v) ? Array::zeros(want.aval()) : got_v.array();
  if (got.shape() != want.shape())
    throw std::runtime_error(what + ": shape " + got.aval().str_short() + " != " + want.aval().str_short());
  for (int64_t i = 0; i < want.size(); ++i) {
    double g = got.item(i), w = want.item(i);
    if (std::isnan(g) && std::isnan(w)) continue;
    if (!(std::fabs(g - w) <= tol.atol + tol.rtol * std::fabs(w))) {
      std::ostringstream os;
      os.precision(10);
      os << what << ": element " << i << " got " << g << ", want " << w << " (atol " << tol.atol << ", rtol "
         << tol.rtol << ")";
      throw std::runtime_error(os.str());
    }
  }
}

inline bool differentiable(const Value& v) { return ad::has_tangent_space(v.dtype()); }

}  // namespace detail

// Forward mode: jvp(f)(x; v) against (f(x + eps v) - f(x - eps v)) / 2eps
// for a random direction v in the float inputs.
inline void check_jvp(const FlatF& f, const std::vector<Value>& args, const GradTol& tol, std::mt19937& rng) {
  std::vector<Value> tangents, plus, minus;
  for (const Value& a : args) {
    if (!detail::differentiable(a)) {
      tangents.emplace_back();
      plus.push_back(a);
      minus.push_back(a);
      continue;
    }
    Array v = detail::random_like(a.aval(), rng);
    tangents.push_back(v);
    plus.push_back(detail::axpy(tol.eps, v, a.array()));
    minus.push_back(detail::axpy(-tol.eps, v, a.array()));
  }
  JvpResult r = jvp_flat(f, args, tangents);
  std::vector<Value> fp = f(plus), fm = f(minus);
  for (size_t i = 0; i < r.primals.size(); ++i) {
    if (!detail::differentiable(r.primals[i])) continue;
    Array fd = detail::scale(1.0 / (2 * tol.eps), detail::axpy(-1.0, fm[i].array(), fp[i].array()));
    detail::expect_close(r.tangents[i], fd, tol, "jvp output " + std::to_string(i) + " vs finite differences");
  }
}

// Reverse mode: <u, J v> (forward) == <J^T u, v> (pullback).
inline void check_vjp(const FlatF& f, const std::vector<Value>& args, const GradTol& tol, std::mt19937& rng) {
  std::vector<Value> tangents;
  for (const Value& a : args)
    tangents.push_back(detail::differentiable(a) ? Value(detail::random_like(a.aval(), rng)) : Value());
  JvpResult fwd = jvp_flat(f, args, tangents);
  Linearized lin = linearize_flat(f, args);
  std::vector<Value> cts;
  double lhs = 0;
  for (size_t i = 0; i < lin.primals_out.size(); ++i) {
    if (!detail::differentiable(lin.primals_out[i])) {
      cts.emplace_back();
      continue;
    }
    Array u = detail::random_like(lin.out_avals[i], rng);
    cts.push_back(u);
    lhs += detail::vdot(u, fwd.tangents[i]);
  }
  std::vector<Value> back = pullback(lin, cts);
  double rhs = 0;
  for (size_t i = 0; i < args.size(); ++i) rhs += detail::vdot(back[i], tangents[i]);
  if (!(std::fabs(lhs - rhs) <= tol.atol + tol.rtol * std::fabs(lhs))) {
    std::ostringstream os;
    os.precision(12);
    os << "vjp: <u, J v> = " << lhs << " but <J^T u, v> = " << rhs;
    throw std::runtime_error(os.str());
  }
}

// check_grads(f, args, order, modes) as in jax.test_util: throws
// std::runtime_error with the failing comparison.
inline void check_grads(const FlatF& f, const std::vector<Value>& args, int order, bool fwd = true, bool rev = true,
                        const GradTol& tol = {}, unsigned seed = 0) {
  std::mt19937 rng(seed);
  if (fwd) check_jvp(f, args, tol, rng);
  if (rev) check_vjp(f, args, tol, rng);
  if (order <= 1) return;
  // The next order checks the derivative maps themselves, at fixed random
  // directions, as functions of the primals.
  std::vector<Value> dirs;
  for (const Value& a : args)
    dirs.push_back(detail::differentiable(a) ? Value(detail::random_like(a.aval(), rng)) : Value());
  if (fwd) {
    FlatF df = [f, dirs](std::span<const Value> xs) {
      JvpResult r = jvp_flat(f, xs, dirs);
      for (size_t i = 0; i < r.tangents.size(); ++i)
        r.tangents[i] = ad::instantiate_zeros(r.tangents[i], r.primals[i].aval());
      return r.tangents;
    };
    check_grads(df, args, order - 1, fwd, rev, tol, seed + 1);
  }
  if (rev) {
    std::vector<Value> outs = f(args);
    std::vector<Value> us;
    for (const Value& o : outs)
      us.push_back(detail::differentiable(o) ? Value(detail::random_like(o.aval(), rng)) : Value());
    FlatF vf = [f, us](std::span<const Value> xs) {
      std::vector<Value> back = pullback(linearize_flat(f, xs), us);
      std::vector<Value> out;
      for (size_t i = 0; i < back.size(); ++i)
        if (ad::has_tangent_space(xs[i].dtype())) out.push_back(ad::instantiate_zeros(back[i], xs[i].aval()));
      return out;
    };
    check_grads(vf, args, order - 1, fwd, rev, tol, seed + 2);
  }
}

}  // namespace jxr::test
