// Transformation rules of the elementwise primitives, after jax/_src/lax/lax.py
// and jax/_src/lax/special.py.
//
// The JVP rules emit the same lax operations, in the same order and with the
// same operand order, as JAX's rules, so that the jaxprs of grad, jvp and vmap
// print as JAX's do. C++ leaves the evaluation order of function arguments
// unspecified, so every rule names its intermediate values in the order in
// which Python evaluates JAX's nested calls (left to right, inside out).
#include <cmath>
#include <numbers>

#include "engine/ad/rules.h"
#include "engine/core/error.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

using ad::def_jvp;
using ad::def_jvp2;
using std::span;

// --- JAX's constant helpers --------------------------------------------------

// _const(x, v): a rank-0 literal of x's dtype.
Value cst(const Value& x, double v) { return Array::scalar(v, x.dtype()); }

// full_like(x, v): a literal for rank-0 x, else a broadcast_in_dim of one;
// weakly typed when x is.
Value full_like(const Value& x, double v) {
  Array s = Array::scalar(v, x.dtype(), x.weak_type());
  if (x.ndim() == 0) return s;
  return lax::broadcast_in_dim(s, x.shape(), {});
}
Value zeros(const Value& x) { return full_like(x, 0); }  // _zeros
Value ones(const Value& x) { return full_like(x, 1); }   // _ones
// _one(x) / _zero(x): rank-0 full_like.
Value one(const Value& x) { return Array::scalar(1, x.dtype(), x.weak_type()); }
Value zero(const Value& x) { return Array::scalar(0, x.dtype(), x.weak_type()); }

// lax.select(pred, on_true, on_false) is select_n(pred, on_false, on_true).
Value select(const Value& pred, const Value& on_true, const Value& on_false) {
  return lax::select_n(pred, {on_false, on_true});
}

// convert_element_type that folds a concrete rank-0 operand into a literal
// instead of staging an equation, as JAX's const-fold rule for the primitive
// does (grad's cotangent seed 1.0 converts to a literal, say).
Value convert_folding(const Value& x, DType d, bool weak) {
  if (x.is_tracer() || x.ndim() != 0) return lax::convert_element_type(x, d, weak);
  Params params{{"new_dtype", Param::dtype(d)}, {"weak_type", Param::boolean(weak)}};
  Array a = x.array();
  return apply_primitive(get_primitive("convert_element_type"), std::span<const Array>(&a, 1), params)[0];
}

// lax.convert_element_type returns its operand untouched when it already has
// the dtype and is not weakly typed (the weak_type=False default).
Value convert(const Value& x, DType d) {
  if (x.dtype() == d && !x.weak_type()) return x;
  return convert_folding(x, d, false);
}

// Shape of a broadcasting lax op: equal ranks (size 1 broadcasts) or rank 0.
Shape broadcast_shapes(const Shape& a, const Shape& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  Shape out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] == 1 ? b[i] : a[i];
  return out;
}

// _maybe_broadcast: x broadcast to `shape` along the axes where it agrees.
Value maybe_broadcast(const Shape& shape, const Value& x) {
  if (x.shape() == shape) return x;
  if (x.ndim() == 0) return lax::broadcast_in_dim(x, shape, {});
  std::vector<int64_t> dims;
  Shape squeezed;
  for (size_t i = 0; i < shape.size() && i < x.shape().size(); ++i)
    if (x.shape()[i] == shape[i]) {
      dims.push_back(static_cast<int64_t>(i));
      squeezed.push_back(shape[i]);
    }
  return lax::broadcast_in_dim(lax::reshape(x, squeezed), shape, dims);
}

// Sums ct over the axes along which an operand of aval `a` was broadcast
// (rank-0 operands broadcast against anything), as JAX's _unbroadcast.
Value unbroadcast(const ShapedArray& a, const Value& ct) {
  if (a.shape == ct.shape()) return ct;
  std::vector<int64_t> dims;
  for (int i = 0; i < ct.ndim(); ++i)
    if (a.ndim() == 0 || a.shape[i] != ct.shape()[i]) dims.push_back(i);
  Value s = lax::reduce_sum(ct, dims);
  if (a.ndim() == 0 || s.shape() == a.shape) return s;
  return lax::reshape(s, a.shape);
}

// _replace_zero(x): x with its zeros replaced by ones.
Value replace_zero(const Value& x) {
  Value is0 = lax::eq(x, cst(x, 0));
  Value o = ones(x);
  return select(is0, o, x);
}

// _balanced_eq(x, z, y): 1 where x == z, halved where y == z too, so that
// max/min split the derivative evenly between tied operands.
Value balanced_eq(const Value& x, const Value& z, const Value& y) {
  Value xz = lax::eq(x, z);
  Value o1 = ones(z);
  Value z1 = zeros(z);
  Value num = select(xz, o1, z1);
  Value yz = lax::eq(y, z);
  Value t2 = full_like(z, 2);
  Value o2 = ones(z);
  Value den = select(yz, t2, o2);
  return lax::div(num, den);
}

// --- rule shorthands -----------------------------------------------------------

using Unary = Value (*)(const Value& g, const Value& x);
using Unary2 = Value (*)(const Value& g, const Value& ans, const Value& x);

void jvp1(const char* name, Unary f) {
  def_jvp(primitive_for_rules(name),
          {[f](const Value& t, span<const Value> x, const Params&) { return f(t, x[0]); }});
}
void jvp1_ans(const char* name, Unary2 f) {
  def_jvp2(primitive_for_rules(name),
           {[f](const Value& t, const Value& ans, span<const Value> x, const Params&) { return f(t, ans, x[0]); }});
}

// --- unary JVPs ----------------------------------------------------------------

void register_unary_jvps() {
  for (const char* n : {"sign", "floor", "ceil", "round", "is_finite", "not"})
    ad::def_jvp_zero(primitive_for_rules(n));

  jvp1_ans("exp", [](const Value& g, const Value& ans, const Value&) { return lax::mul(g, ans); });
  jvp1_ans("exp2", [](const Value& g, const Value& ans, const Value& x) {
    Value log2 = lax::log(cst(x, 2));
    Value gy = lax::mul(g, ans);
    return lax::mul(log2, gy);
  });
  jvp1("log", [](const Value& g, const Value& x) { return lax::div(g, x); });
  jvp1("log1p", [](const Value& g, const Value& x) {
    Value xp1 = lax::add(x, one(x));
    return lax::div(g, xp1);
  });
  jvp1_ans("expm1", [](const Value& g, const Value& ans, const Value&) {
    Value e = lax::add(ans, one(ans));
    return lax::mul(g, e);
  });
  jvp1_ans("tanh", [](const Value& g, const Value& ans, const Value& x) {
    Value gy = lax::mul(g, ans);
    Value a = lax::add(g, gy);
    Value b = lax::sub(one(x), ans);
    return lax::mul(a, b);
  });
  jvp1_ans("logistic", [](const Value& g, const Value& ans, const Value&) {
    Value c = lax::sub(one(ans), ans);
    Value d = lax::mul(ans, c);
    return lax::mul(g, d);
  });
  jvp1("sin", [](const Value& g, const Value& x) {
    Value c = lax::cos(x);
    return lax::mul(g, c);
  });
  jvp1("cos", [](const Value& g, const Value& x) {
    Value s = lax::sin(x);
    return lax::neg(lax::mul(g, s));
  });
  jvp1_ans("tan", [](const Value& g, const Value& ans, const Value& x) {
    Value c1 = cst(x, 1);
    Value sq = lax::square(ans);
    Value d = lax::add(c1, sq);
    return lax::mul(g, d);
  });
  jvp1("asin", [](const Value& g, const Value& x) {
    Value c1 = cst(x, 1);
    Value sq = lax::square(x);
    Value r = lax::rsqrt(lax::sub(c1, sq));
    return lax::mul(g, r);
  });
  jvp1("acos", [](const Value& g, const Value& x) {
    Value c1 = cst(x, 1);
    Value sq = lax::square(x);
    Value r = lax::neg(lax::rsqrt(lax::sub(c1, sq)));
    return lax::mul(g, r);
  });
  jvp1("atan", [](const Value& g, const Value& x) {
    Value c1 = cst(x, 1);
    Value sq = lax::square(x);
    Value d = lax::add(c1, sq);
    return lax::div(g, d);
  });
  jvp1("sinh", [](const Value& g, const Value& x) {
    Value c = lax::cosh(x);
    return lax::mul(g, c);
  });
  jvp1("cosh", [](const Value& g, const Value& x) {
    Value s = lax::sinh(x);
    return lax::mul(g, s);
  });
  jvp1("asinh", [](const Value& g, const Value& x) {
    Value sq = lax::square(x);
    Value r = lax::rsqrt(lax::add(sq, one(x)));
    return lax::mul(g, r);
  });
  jvp1("acosh", [](const Value& g, const Value& x) {
    Value sq = lax::square(x);
    Value r = lax::rsqrt(lax::sub(sq, one(x)));
    return lax::mul(g, r);
  });
  jvp1("atanh", [](const Value& g, const Value& x) {
    Value a = lax::add(one(x), x);
    Value recip = lax::integer_pow(a, -1);  // lax.reciprocal
    Value b = lax::sub(one(x), x);
    Value q = lax::div(g, b);
    return lax::mul(recip, q);
  });
  jvp1_ans("sqrt", [](const Value& g, const Value& ans, const Value& x) {
    Value d = lax::div(cst(x, 0.5), ans);
    return lax::mul(g, d);
  });
  jvp1_ans("rsqrt", [](const Value& g, const Value& ans, const Value& x) {
    Value c = cst(x, -0.5);
    Value q = lax::div(ans, x);
    Value d = lax::mul(c, q);
    return lax::mul(g, d);
  });
  jvp1_ans("cbrt", [](const Value& g, const Value& ans, const Value& x) {
    Value c = cst(x, 1.0 / 3.0);
    Value p = lax::integer_pow(ans, -2);
    Value d = lax::mul(c, p);
    return lax::mul(g, d);
  });
  // Real abs only (jaxray has no complex dtypes); signed integers have no
  // tangent space.
  jvp1_ans("abs", [](const Value& g, const Value&, const Value& x) {
    Value nonneg = lax::ge(x, zero(x));
    Value ng = lax::neg(g);
    return select(nonneg, g, ng);
  });
  jvp1_ans("square", [](const Value& g, const Value&, const Value& x) {
    Value d = lax::mul(cst(x, 2), x);
    return lax::mul(g, d);
  });
  def_jvp(primitive_for_rules("integer_pow"), {[](const Value& g, span<const Value> xs, const Params& params) {
            const Value& x = xs[0];
            int64_t y = params.get_int("y");
            if (y == 0) return zeros(g);
            if (y == 1) return g;
            if (y == 2) {
              Value d = lax::mul(cst(x, 2), x);
              return lax::mul(g, d);
            }
            Value c = cst(x, static_cast<double>(y));
            Value p = lax::integer_pow(x, y - 1);
            Value d = lax::mul(c, p);
            return lax::mul(g, d);
          }});
  jvp1("erf", [](const Value& g, const Value& x) {
    Value c = cst(x, 2.0 / std::sqrt(std::numbers::pi));
    Value e = lax::exp(lax::neg(lax::square(x)));
    Value ge = lax::mul(g, e);
    return lax::mul(c, ge);
  });
  jvp1_ans("erf_inv", [](const Value& g, const Value& ans, const Value& x) {
    Value c = cst(x, std::sqrt(std::numbers::pi) / 2.0);
    Value e = lax::exp(lax::square(ans));
    Value ge = lax::mul(g, e);
    return lax::mul(c, ge);
  });
  jvp1("lgamma", [](const Value& g, const Value& x) {
    Value d = lax::digamma(x);
    return lax::mul(g, d);
  });
  jvp1("digamma", [](const Value& g, const Value& x) {
    Value d = lax::polygamma(cst(x, 1), x);
    return lax::mul(g, d);
  });
}

// --- binary JVPs -----------------------------------------------------------------

JvpResult no_tangent(Value out) { return JvpResult{{std::move(out)}, {Value()}}; }

void register_binary_jvps() {
  auto& P = primitive_for_rules;
  for (const char* n : {"eq", "ne", "lt", "le", "gt", "ge", "and", "or", "xor"}) ad::def_jvp_zero(P(n));

  // add and sub pass a lone nonzero tangent through (broadcast to the output)
  // rather than adding a materialized zero.
  P("add").jvp = [](span<const Value> x, span<const Value> t, const Params&) {
    Value out = lax::add(x[0], x[1]);
    if (!ad::has_tangent_space(out.dtype()) || (ad::is_zero(t[0]) && ad::is_zero(t[1]))) return no_tangent(out);
    if (ad::is_zero(t[0])) return JvpResult{{out}, {maybe_broadcast(out.shape(), t[1])}};
    if (ad::is_zero(t[1])) return JvpResult{{out}, {maybe_broadcast(out.shape(), t[0])}};
    return JvpResult{{out}, {lax::add(t[0], t[1])}};
  };
  P("sub").jvp = [](span<const Value> x, span<const Value> t, const Params&) {
    Value out = lax::sub(x[0], x[1]);
    if (!ad::has_tangent_space(out.dtype()) || (ad::is_zero(t[0]) && ad::is_zero(t[1]))) return no_tangent(out);
    if (ad::is_zero(t[0])) return JvpResult{{out}, {maybe_broadcast(out.shape(), lax::neg(t[1]))}};
    if (ad::is_zero(t[1])) return JvpResult{{out}, {maybe_broadcast(out.shape(), t[0])}};
    return JvpResult{{out}, {lax::sub(t[0], t[1])}};
  };

  def_jvp(P("div"), {[](const Value& g, span<const Value> x, const Params&) { return lax::div(g, x[1]); },
                     [](const Value& g, span<const Value> x, const Params&) {
                       Value a = lax::mul(lax::neg(g), x[0]);
                       Value b = lax::integer_pow(x[1], -2);
                       return lax::mul(a, b);
                     }});
  def_jvp(P("rem"), {[](const Value& g, span<const Value> x, const Params&) {
                       return maybe_broadcast(broadcast_shapes(x[0].shape(), x[1].shape()), g);
                     },
                     [](const Value& g, span<const Value> x, const Params&) {
                       Value ng = lax::neg(g);
                       Value s = lax::sign(lax::div(x[0], x[1]));
                       Value f = lax::floor(lax::abs(lax::div(x[0], x[1])));
                       Value d = lax::mul(s, f);
                       return lax::mul(ng, d);
                     }});

  def_jvp2(P("pow"), {[](const Value& g, const Value&, span<const Value> xs, const Params&) {
                        DType y_dtype = xs[1].dtype();
                        DType rd = xs[0].dtype();  // result_type(x, y): x is inexact
                        Value x = convert(xs[0], rd);
                        Value y = convert(xs[1], rd);
                        Value jac;
                        if (is_integer(y_dtype) || y_dtype == DType::Bool) {
                          if (x.shape() != y.shape()) {
                            Shape s = broadcast_shapes(x.shape(), y.shape());
                            x = maybe_broadcast(s, x);
                            y = maybe_broadcast(s, y);
                          }
                          Value is0 = lax::eq(y, cst(y, 0));
                          Value z = zeros(y);
                          Value ry = replace_zero(y);
                          Value ym1 = lax::sub(y, ones(y));
                          Value p = lax::pow(x, ym1);
                          Value m = lax::mul(ry, p);
                          jac = select(is0, z, m);
                        } else {
                          Value ym1 = lax::sub(y, ones(y));
                          Value p = lax::pow(x, ym1);
                          jac = lax::mul(y, p);
                        }
                        return lax::mul(g, jac);
                      },
                      [](const Value& g, const Value& ans, span<const Value> xs, const Params&) {
                        Value l = lax::log(replace_zero(xs[0]));
                        Value d = lax::mul(l, ans);
                        return convert(lax::mul(g, d), xs[1].dtype());
                      }});

  for (const char* n : {"max", "min"})
    def_jvp2(P(n), {[](const Value& g, const Value& ans, span<const Value> x, const Params&) {
                      return lax::mul(g, balanced_eq(x[0], ans, x[1]));
                    },
                    [](const Value& g, const Value& ans, span<const Value> x, const Params&) {
                      return lax::mul(g, balanced_eq(x[1], ans, x[0]));
                    }});

  def_jvp(P("atan2"), {[](const Value& g, span<const Value> v, const Params&) {
                         const Value &x = v[0], &y = v[1];
                         Value sx = lax::square(x);
                         Value sy = lax::square(y);
                         Value d = lax::div(y, lax::add(sx, sy));
                         return lax::mul(g, d);
                       },
                       [](const Value& g, span<const Value> v, const Params&) {
                         const Value &x = v[0], &y = v[1];
                         Value nx = lax::neg(x);
                         Value sx = lax::square(x);
                         Value sy = lax::square(y);
                         Value d = lax::div(nx, lax::add(sx, sy));
                         return lax::mul(g, d);
                       }});
  // nextafter has no differentiation rule in JAX either.

  // JAX differentiates polygamma in x only; m is an integer order.
  def_jvp(P("polygamma"), {[](const Value&, span<const Value>, const Params&) -> Value {
                             throw_value_error("polygamma gradient with respect to m is not supported");
                           },
                           [](const Value& g, span<const Value> x, const Params&) {
                             Value m1 = lax::add(x[0], cst(x[0], 1));
                             Value d = lax::polygamma(m1, x[1]);
                             return lax::mul(g, d);
                           }});
}

// --- select_n, clamp, convert_element_type ----------------------------------------

void register_select_clamp_convert_jvps() {
  auto& P = primitive_for_rules;
  const Primitive* select_p = &P("select_n");
  P("select_n").jvp = [select_p](span<const Value> x, span<const Value> t, const Params& params) {
    Value out = bind1(*select_p, x, params);
    const Value* nz = nullptr;
    for (size_t i = 1; i < t.size(); ++i)
      if (!ad::is_zero(t[i])) {
        nz = &t[i];
        break;
      }
    if (!nz || !ad::has_tangent_space(out.dtype())) return no_tangent(out);
    Value z = zeros(*nz);
    std::vector<Value> cases;
    for (size_t i = 1; i < t.size(); ++i) cases.push_back(ad::is_zero(t[i]) ? z : t[i]);
    return JvpResult{{out}, {lax::select_n(x[0], cases)}};
  };

  def_jvp(P("clamp"), {[](const Value& g, span<const Value> v, const Params&) {
                         const Value &lo = v[0], &x = v[1], &hi = v[2];
                         Value a = lax::gt(lo, x);
                         Value b = lax::lt(lo, hi);
                         Value pred = lax::bitwise_and(a, b);
                         Value z = zeros(x);
                         return select(pred, g, z);
                       },
                       [](const Value& g, span<const Value> v, const Params&) {
                         const Value &lo = v[0], &x = v[1], &hi = v[2];
                         Value a = lax::gt(x, lo);
                         Value b = lax::lt(x, hi);
                         Value pred = lax::bitwise_and(a, b);
                         Value z = zeros(x);
                         return select(pred, g, z);
                       },
                       [](const Value& g, span<const Value> v, const Params&) {
                         const Value &x = v[1], &hi = v[2];
                         Value pred = lax::lt(hi, x);
                         Value z = zeros(x);
                         return select(pred, g, z);
                       }});

  // The tangent converts like the primal (def_jvp2 drops it when the new
  // dtype has no tangent space).
  def_jvp2(P("convert_element_type"),
           {[](const Value& t, const Value&, span<const Value>, const Params& params) {
             return convert_folding(t, params.get_dtype("new_dtype"), params.get_bool("weak_type"));
           }});
}

// --- transposes ----------------------------------------------------------------------

void register_transposes() {
  auto& P = primitive_for_rules;
  // neg is linear: its JVP applies neg to the tangent (JAX's deflinear2).
  ad::def_linear(P("neg"), [](const Value& ct, span<const Value>, span<const ShapedArray>, const Params&) {
    return std::vector<Value>{lax::neg(ct)};
  });

  // add and sub keep their JVPs above; only the transposes are set here.
  P("add").transpose = [](span<const Value> cts, span<const Value> args, span<const ShapedArray> avals,
                          const Params&) {
    std::vector<Value> out(2);
    if (ad::is_zero(cts[0])) return out;
    if (ad::is_zero(args[0])) out[0] = unbroadcast(avals[0], cts[0]);
    if (ad::is_zero(args[1])) out[1] = unbroadcast(avals[1], cts[0]);
    return out;
  };
  P("sub").transpose = [](span<const Value> cts, span<const Value> args, span<const ShapedArray> avals,
                          const Params&) {
    std::vector<Value> out(2);
    if (ad::is_zero(cts[0])) return out;
    if (ad::is_zero(args[0])) out[0] = unbroadcast(avals[0], cts[0]);
    if (ad::is_zero(args[1])) out[1] = unbroadcast(avals[1], lax::neg(cts[0]));
    return out;
  };
  // add_any sums same-shaped values: the cotangent goes to both unchanged.
  ad::def_linear(P("add_any"), [](const Value& ct, span<const Value> args, span<const ShapedArray>, const Params&) {
    std::vector<Value> out(2);
    if (ad::is_zero(args[0])) out[0] = ct;
    if (ad::is_zero(args[1])) out[1] = ct;
    return out;
  });

  ad::def_bilinear(
      P("mul"),
      [](const Value& ct, const Value&, const Value& y, span<const ShapedArray> avals, const Params&) {
        return unbroadcast(avals[0], lax::mul(ct, y));
      },
      [](const Value& ct, const Value& x, const Value&, span<const ShapedArray> avals, const Params&) {
        return unbroadcast(avals[1], lax::mul(x, ct));
      });

  // div is linear in its numerator only.
  P("div").transpose = [](span<const Value> cts, span<const Value> args, span<const ShapedArray> avals,
                          const Params&) {
    if (ad::is_zero(args[1])) throw_value_error("nonlinear div can't be transposed");
    std::vector<Value> out(2);
    if (!ad::is_zero(cts[0])) out[0] = unbroadcast(avals[0], lax::div(cts[0], args[1]));
    return out;
  };

  // select_n is linear in its cases, not in the predicate.
  P("select_n").transpose = [](span<const Value> cts, span<const Value> args, span<const ShapedArray>,
                               const Params&) {
    std::vector<Value> out(args.size());
    if (ad::is_zero(args[0])) throw_value_error("select_n can't be transposed with respect to its predicate");
    const Value& ct = cts[0];
    if (ad::is_zero(ct)) return out;
    const Value& which = args[0];
    Value z = zeros(ct);
    if (which.dtype() == DType::Bool) {
      if (ad::is_zero(args[1])) out[1] = select(which, z, ct);
      if (args.size() > 2 && ad::is_zero(args[2])) out[2] = select(which, ct, z);
    } else {
      for (size_t i = 1; i < args.size(); ++i)
        if (ad::is_zero(args[i])) {
          Value pred = lax::eq(which, cst(which, static_cast<double>(i - 1)));
          out[i] = select(pred, ct, z);
        }
    }
    return out;
  };

  P("convert_element_type").transpose = [](span<const Value> cts, span<const Value>, span<const ShapedArray> avals,
                                           const Params&) {
    std::vector<Value> out(1);
    if (ad::is_zero(cts[0]) || !ad::has_tangent_space(avals[0].dtype)) return out;
    out[0] = convert_folding(cts[0], avals[0].dtype, avals[0].weak_type);
    return out;
  };
}

// --- batching --------------------------------------------------------------------------

// ad_util's add_any batcher: both operands get the batch axis of the other.
BatchResult add_any_batch(span<const Value> args, span<const int> dims, const Params&, int64_t) {
  Value x = args[0], y = args[1];
  int bx = dims[0], by = dims[1];
  if (bx == by) return {{lax::add_any(x, y)}, {bx}};
  if (bx == kNotMapped) {
    x = ad::broadcast_batched(x, y.shape()[by], by);
    return {{lax::add_any(x, y)}, {by}};
  }
  if (by == kNotMapped) {
    y = ad::broadcast_batched(y, x.shape()[bx], bx);
    return {{lax::add_any(x, y)}, {bx}};
  }
  x = ad::moveaxis(x, bx, by);
  return {{lax::add_any(x, y)}, {by}};
}

// JAX's _select_batch_rule: special cases that avoid moving axes, else every
// batch axis in front.
BatchResult select_n_batch(span<const Value> args, span<const int> dims, const Params&, int64_t size) {
  Value which = args[0];
  std::vector<Value> cases(args.begin() + 1, args.end());
  int wd = dims[0];
  std::vector<int> cds(dims.begin() + 1, dims.end());
  bool all_same = true, all_cases_mapped = true, cases_agree = true, shapes_agree = true;
  for (size_t i = 0; i < cds.size(); ++i) {
    all_same = all_same && cds[i] == wd;
    all_cases_mapped = all_cases_mapped && cds[i] != kNotMapped;
    cases_agree = cases_agree && cds[i] == cds[0];
    shapes_agree = shapes_agree && cases[i].shape() == cases[0].shape();
  }
  if (all_same) {
    if (which.shape() != cases[0].shape())  // a scalar predicate with shaped cases
      which = lax::broadcast_in_dim(which, cases[0].shape(), {wd});
    return {{lax::select_n(which, cases)}, {wd}};
  }
  if (which.ndim() == 0 && all_cases_mapped) {
    if (cases_agree) return {{lax::select_n(which, cases)}, {cds[0]}};
    if (shapes_agree) {
      int bdim = cds[0];
      for (size_t i = 1; i < cases.size(); ++i) cases[i] = ad::moveaxis(cases[i], cds[i], bdim);
      return {{lax::select_n(which, cases)}, {bdim}};
    }
  }
  if (which.ndim() > 0) which = ad::bdim_at_front(which, wd, size);
  bool all_scalar = true;
  for (const Value& c : cases) all_scalar = all_scalar && c.ndim() == 0;
  if (!all_scalar)
    for (size_t i = 0; i < cases.size(); ++i) cases[i] = ad::bdim_at_front(cases[i], cds[i], size);
  if (which.ndim() > 0 && which.ndim() < cases[0].ndim())
    which = lax::broadcast_in_dim(which, cases[0].shape(), {0});
  if (which.ndim() > cases[0].ndim())
    for (Value& c : cases) c = lax::broadcast_in_dim(c, which.shape(), {});
  return {{lax::select_n(which, cases)}, {0}};
}

// JAX's _clamp_batch_rule.
BatchResult clamp_batch(span<const Value> args, span<const int> dims, const Params&, int64_t size) {
  Value lo = args[0], x = args[1], hi = args[2];
  int lod = dims[0], xd = dims[1], hid = dims[2];
  if (lod == xd && xd == hid) {
    if (lo.shape() == x.shape() && x.shape() == hi.shape()) return {{lax::clamp(lo, x, hi)}, {xd}};
    if (lo.ndim() == 0 && hi.ndim() == 0) return {{lax::clamp(lo, x, hi)}, {xd}};
    if (lo.ndim() == 1 && hi.ndim() == 1) {
      lo = lax::broadcast_in_dim(lo, x.shape(), {lod});
      hi = lax::broadcast_in_dim(hi, x.shape(), {hid});
      return {{lax::clamp(lo, x, hi)}, {xd}};
    }
  } else if (lo.ndim() == 0 && hi.ndim() == 0 && xd != kNotMapped) {
    return {{lax::clamp(lo, x, hi)}, {xd}};
  }
  if (lo.ndim() > 0) lo = ad::bdim_at_front(lo, lod, size);
  if (hi.ndim() > 0) hi = ad::bdim_at_front(hi, hid, size);
  if (x.ndim() > 0) x = ad::bdim_at_front(x, xd, size);
  if (lo.ndim() == 0 && x.ndim() > 0) lo = lax::broadcast_in_dim(lo, x.shape(), {});
  if (hi.ndim() == 0 && x.ndim() > 0) hi = lax::broadcast_in_dim(hi, x.shape(), {});
  if (lo.ndim() > 0 && lo.ndim() < x.ndim()) lo = lax::broadcast_in_dim(lo, x.shape(), {0});
  if (hi.ndim() > 0 && hi.ndim() < x.ndim()) hi = lax::broadcast_in_dim(hi, x.shape(), {0});
  if (lo.ndim() > x.ndim()) x = lax::broadcast_in_dim(x, lo.shape(), {});
  return {{lax::clamp(lo, x, hi)}, {0}};
}

void register_batchers() {
  auto& P = primitive_for_rules;
  for (const char* n :
       {"neg",  "sign",  "floor", "ceil", "round", "is_finite", "exp",    "exp2",   "log",         "log1p",
        "expm1", "tanh", "logistic", "sin", "cos", "tan",      "asin",    "acos",   "atan",        "sinh",
        "cosh", "asinh", "acosh", "atanh", "sqrt", "rsqrt",    "cbrt",    "abs",    "square",      "integer_pow",
        "erf",  "erf_inv", "lgamma", "digamma", "not", "convert_element_type"})
    ad::def_vectorized(P(n));
  for (const char* n : {"add", "sub", "mul", "div", "rem", "pow", "max", "min", "atan2", "nextafter", "polygamma",
                        "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "xor"})
    ad::def_broadcasting(P(n));
  P("add_any").batch = add_any_batch;
  P("select_n").batch = select_n_batch;
  P("clamp").batch = clamp_batch;
}

}  // namespace

void register_elementwise_rules() {
  register_unary_jvps();
  register_binary_jvps();
  register_select_clamp_convert_jvps();
  register_transposes();  // after the JVPs: def_linear / def_bilinear set both
  register_batchers();
}

}  // namespace jxr
