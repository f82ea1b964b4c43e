// jnp reductions (sum, mean, var, argmax, cumsum, logsumexp ...) and linear
// algebra (dot, matmul, einsum, norm), lowered as JAX 0.10.2 lowers them.
#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/numpy/numpy.h"

namespace jxr::jnp {

using detail::canonicalize_axes;
using detail::canonicalize_axis;
using detail::convert;

namespace {

Value keep(const Value& r, std::vector<int64_t> axes, bool keepdims) {
  if (!keepdims || axes.empty()) return r;
  std::sort(axes.begin(), axes.end());
  return lax::expand_dims(r, axes);
}

void check_nonempty(const Value& x, const std::vector<int64_t>& axes, const char* name) {
  for (int64_t a : axes)
    if (x.shape()[a] == 0)
      throw_value_error(std::string("zero-size array to reduction operation ") + name + " which has no identity");
}

// Floats keep their dtype; bools and ints compute in the default float.
Value to_inexact(const Value& x) {
  if (is_floating(x.dtype())) return x;
  return convert(x, default_float_dtype(), false);
}

int64_t count(const Value& x, const std::vector<int64_t>& axes) {
  int64_t n = 1;
  for (int64_t a : axes) n *= x.shape()[a];
  return n;
}

}  // namespace

Value sum(const Value& x, const Axis& axis, bool keepdims) {
  std::vector<int64_t> axes = canonicalize_axes(axis, x.ndim());
  Value v = x.dtype() == DType::Bool ? convert(x, default_int_dtype(), false) : x;
  return keep(lax::reduce_sum(v, axes), axes, keepdims);
}

Value prod(const Value& x, const Axis& axis, bool keepdims) {
  std::vector<int64_t> axes = canonicalize_axes(axis, x.ndim());
  Value v = x.dtype() == DType::Bool ? convert(x, default_int_dtype(), false) : x;
  return keep(lax::reduce_prod(v, axes), axes, keepdims);
}

Value max(const Value& x, const Axis& axis, bool keepdims) {
  std::vector<int64_t> axes = canonicalize_axes(axis, x.ndim());
  check_nonempty(x, axes, "max");
  Value r = x.dtype() == DType::Bool ? lax::reduce_or(x, axes) : lax::reduce_max(x, axes);
  return keep(r, axes, keepdims);
}

Value min(const Value& x, const Axis& axis, bool keepdims) {
  std::vector<int64_t> axes = canonicalize_axes(axis, x.ndim());
  check_nonempty(x, axes, "min");
  Value r = x.dtype() == DType::Bool ? lax::reduce_and(x, axes) : lax::reduce_min(x, axes);
  return keep(r, axes, keepdims);
}

Value any(const Value& x, const Axis& axis, bool keepdims) {
  std::vector<int64_t> axes = canonicalize_axes(axis, x.ndim());
  return keep(lax::reduce_or(convert(x, DType::Bool, false), axes), axes, keepdims);
}

Value all_of(const Value& x, const Axis& axis, bool keepdims) {
  std::vector<int64_t> axes = canonicalize_axes(axis, x.ndim());
  return keep(lax::reduce_and(convert(x, DType::Bool, false), axes), axes, keepdims);
}

Value mean(const Value& x, const Axis& axis, bool keepdims) {
  std::vector<int64_t> axes = canonicalize_axes(axis, x.ndim());
  Value v = to_inexact(x);
  Value s = keep(lax::reduce_sum(v, axes), axes, keepdims);
  return lax::div(s, Array::scalar(static_cast<double>(count(x, axes)), v.dtype()));
}

namespace {
// jit[name=_var] over x and a traced ddof, which _std passes through.
Value var_of(const Value& x, const Value& ddof, const std::vector<int64_t>& axes, bool keepdims) {
  std::string key = Param::ints(axes).str() + (keepdims ? "k" : "");
  return detail::named_jit("_var", key, {x, ddof}, [axes, keepdims](std::span<const Value> a) {
    Value v = to_inexact(a[0]);
    Value centered = lax::square(lax::sub(v, mean(v, axes, true)));
    Value normalizer = Array::scalar(static_cast<double>(count(v, axes)), v.dtype());
    normalizer = lax::sub(normalizer, convert(a[1], v.dtype(), false));
    Value r = lax::div(sum(centered, axes, keepdims), normalizer);
    return std::vector<Value>{where(greater(normalizer, weak(0)), r, weak(std::nan("")))};
  })[0];
}
}  // namespace

Value var(const Value& x, const Axis& axis, int64_t ddof, bool keepdims) {
  return var_of(x, weak(ddof), canonicalize_axes(axis, x.ndim()), keepdims);
}

Value std(const Value& x, const Axis& axis, int64_t ddof, bool keepdims) {
  std::vector<int64_t> axes = canonicalize_axes(axis, x.ndim());
  std::string key = Param::ints(axes).str() + (keepdims ? "k" : "");
  return detail::named_jit("_std", key, {x, weak(ddof)}, [axes, keepdims](std::span<const Value> a) {
    return std::vector<Value>{lax::sqrt(var_of(a[0], a[1], axes, keepdims))};
  })[0];
}

namespace {
Value arg_reduce(const Value& x, std::optional<int64_t> axis, bool keepdims, bool is_max) {
  const char* name = is_max ? "argmax" : "argmin";
  Value v = x;
  int64_t a = 0;
  if (!axis) {
    v = ravel(x);
  } else {
    a = canonicalize_axis(*axis, x.ndim());
  }
  if (v.ndim() == 0 || v.shape()[a] == 0)
    throw_value_error(std::string("attempt to get ") + name + " of an empty sequence");
  Value r = is_max ? lax::argmax(v, a, DType::I32) : lax::argmin(v, a, DType::I32);
  if (!keepdims) return r;
  if (!axis) return reshape(r, std::vector<int64_t>(x.ndim(), 1));
  return lax::expand_dims(r, {a});
}

Value cumulative(const char* name, const Value& x, std::optional<int64_t> axis, bool is_sum) {
  if (axis && x.ndim() > 0) canonicalize_axis(*axis, x.ndim());
  std::string key = axis ? std::to_string(*axis) : "none";
  return detail::named_jit(name, key, {x}, [axis, is_sum](std::span<const Value> args) {
    Value v = args[0];
    int64_t a = 0;
    if (!axis || v.ndim() == 0) v = ravel(v.ndim() == 0 ? reshape(v, {1}) : v);
    else a = canonicalize_axis(*axis, v.ndim());
    if (v.dtype() == DType::Bool) v = convert(v, default_int_dtype(), false);
    return std::vector<Value>{is_sum ? lax::cumsum(v, a) : lax::cumprod(v, a)};
  })[0];
}
}  // namespace

Value argmax(const Value& x, std::optional<int64_t> axis, bool keepdims) { return arg_reduce(x, axis, keepdims, true); }
Value argmin(const Value& x, std::optional<int64_t> axis, bool keepdims) { return arg_reduce(x, axis, keepdims, false); }
Value cumsum(const Value& x, std::optional<int64_t> axis) { return cumulative("cumsum", x, axis, true); }
Value cumprod(const Value& x, std::optional<int64_t> axis) { return cumulative("cumprod", x, axis, false); }

Value logsumexp(const Value& x, const Axis& axis, bool keepdims) {
  Value a = to_inexact(x);
  std::vector<int64_t> dims = canonicalize_axes(axis, a.ndim());
  check_nonempty(a, dims, "max");
  std::vector<int64_t> sorted = dims;
  std::sort(sorted.begin(), sorted.end());
  // jnp.max(a, dims, keepdims=keepdims, initial=-inf), as JAX stages it.
  Value amax = lax::max(Array::scalar(-std::numeric_limits<double>::infinity(), a.dtype()), lax::reduce_max(a, dims));
  if (keepdims && !sorted.empty()) amax = lax::expand_dims(amax, sorted);
  // The shift by the (finite) max is constant to autodiff, as in JAX; the
  // test stages before the zeros, in JAX's order.
  Value finite = lax::is_finite(amax);
  amax = lax::stop_gradient(lax::select_n(finite, {full_like(amax, 0), amax}));
  Value amax_dims = keepdims || sorted.empty() ? amax : lax::expand_dims(amax, sorted);
  Value s = keep(lax::reduce_sum(lax::exp(lax::sub(a, amax_dims)), dims), dims, keepdims);
  // JAX computes the sign for return_sign and drops it; kept for equal jaxprs.
  lax::sign(s);
  return lax::add(lax::log(lax::abs(s)), amax);
}

// --- linear algebra -----------------------------------------------------------

namespace {
Value dot_dims(const Value& a, const Value& b, int64_t ca, int64_t cb, const std::vector<int64_t>& ba = {},
               const std::vector<int64_t>& bb = {}) {
  if (a.shape()[ca] != b.shape()[cb])
    throw_type_error("dot_general requires contracting dimensions to have the same shape, got " +
                     shape_str({a.shape()[ca]}) + " and " + shape_str({b.shape()[cb]}) + ".");
  lax::DotDimensionNumbers dn{{ca}, {cb}, ba, bb};
  return lax::dot_general(a, b, dn, a.dtype());
}

std::pair<Value, Value> promote_pair(const Value& a, const Value& b) {
  TypedKind k = result_type({a, b});
  return {convert(a, k.dtype, k.weak), convert(b, k.dtype, k.weak)};
}
}  // namespace

Value dot(const Value& a, const Value& b) {
  auto [x, y] = promote_pair(a, b);
  if (x.ndim() == 0 || y.ndim() == 0) return multiply(x, y);
  int64_t cb = y.ndim() == 1 ? 0 : y.ndim() - 2;
  return dot_dims(x, y, x.ndim() - 1, cb);
}

Value matmul(const Value& a, const Value& b) {
  if (a.ndim() == 0 || b.ndim() == 0)
    throw_value_error("matmul input operand " + std::string(a.ndim() == 0 ? "0" : "1") +
                      " must have ndim at least 1, but it has ndim 0");
  auto [x, y] = promote_pair(a, b);
  if (x.ndim() == 1 || y.ndim() == 1) {
    int64_t cb = y.ndim() == 1 ? 0 : y.ndim() - 2;
    if (x.ndim() == 1 && y.ndim() > 2) {
      // A vector against a batch of matrices: contract, then the free
      // dims of y come out in order (batch..., last).
      return dot_dims(x, y, 0, cb);
    }
    return dot_dims(x, y, x.ndim() - 1, cb);
  }
  Shape xb(x.shape().begin(), x.shape().end() - 2), yb(y.shape().begin(), y.shape().end() - 2);
  Shape batch = broadcast_shapes({xb, yb});
  auto with_batch = [&](const Value& v) {
    Shape s = batch;
    s.push_back(v.shape()[v.ndim() - 2]);
    s.push_back(v.shape()[v.ndim() - 1]);
    return broadcast_to(v, s);
  };
  Value bx = with_batch(x), by = with_batch(y);
  std::vector<int64_t> bd;
  for (size_t i = 0; i < batch.size(); ++i) bd.push_back(static_cast<int64_t>(i));
  int64_t r = static_cast<int64_t>(batch.size()) + 2;
  return dot_dims(bx, by, r - 1, r - 2, bd, bd);
}

Value vdot(const Value& a, const Value& b) { return dot(ravel(a), ravel(b)); }

Value outer(const Value& a, const Value& b) { return multiply(index(ravel(a), {all, newaxis}), ravel(b)); }

Value einsum(std::string_view spec, const std::vector<Value>& operands) {
  std::string s;
  for (char c : spec)
    if (c != ' ') s += c;
  std::string lhs = s, out;
  size_t arrow = s.find("->");
  if (arrow != std::string::npos) {
    lhs = s.substr(0, arrow);
    out = s.substr(arrow + 2);
  }
  std::vector<std::string> ins;
  for (size_t p = 0;;) {
    size_t c = lhs.find(',', p);
    ins.push_back(lhs.substr(p, c == std::string::npos ? std::string::npos : c - p));
    if (c == std::string::npos) break;
    p = c + 1;
  }
  if (ins.size() != operands.size())
    throw_value_error("einsum: the subscripts name " + std::to_string(ins.size()) + " operands but " +
                      std::to_string(operands.size()) + " were given");
  if (ins.size() > 2) throw_value_error("einsum: at most two operands are supported");
  for (size_t k = 0; k < ins.size(); ++k) {
    if (static_cast<int64_t>(ins[k].size()) != operands[k].ndim())
      throw_value_error("einsum: operand " + std::to_string(k) + " has rank " + std::to_string(operands[k].ndim()) +
                        " but its subscripts '" + ins[k] + "' name " + std::to_string(ins[k].size()) + " axes");
    for (char c : ins[k]) {
      if (!std::isalpha(static_cast<unsigned char>(c))) throw_value_error(std::string("einsum: invalid subscript '") + c + "'");
      if (std::count(ins[k].begin(), ins[k].end(), c) > 1)
        throw_value_error("einsum: repeated subscripts within one operand (diagonals) are not supported");
    }
  }
  if (arrow == std::string::npos) {
    std::string all_letters = ins[0] + (ins.size() > 1 ? ins[1] : "");
    for (char c : all_letters)
      if (std::count(all_letters.begin(), all_letters.end(), c) == 1) out += c;
    std::sort(out.begin(), out.end());
  }
  for (char c : out)
    if (ins[0].find(c) == std::string::npos && (ins.size() < 2 || ins[1].find(c) == std::string::npos))
      throw_value_error(std::string("einsum: output subscript '") + c + "' does not appear in an input");
  // Sums out letters that only one operand has and the output lacks.
  auto reduce_private = [&](Value v, std::string& sub, const std::string& other) {
    std::vector<int64_t> axes;
    std::string kept;
    for (size_t i = 0; i < sub.size(); ++i) {
      if (out.find(sub[i]) == std::string::npos && other.find(sub[i]) == std::string::npos) axes.push_back(int64_t(i));
      else kept += sub[i];
    }
    sub = kept;
    return axes.empty() ? v : sum(v, axes);
  };
  auto finish = [&](const Value& v, const std::string& sub) {
    std::vector<int64_t> perm;
    for (char c : out) perm.push_back(static_cast<int64_t>(sub.find(c)));
    return transpose(v, perm);
  };
  if (ins.size() == 1) {
    std::string sub = ins[0];
    Value v = reduce_private(operands[0], sub, "");
    return finish(v, sub);
  }
  auto [x0, y0] = promote_pair(operands[0], operands[1]);
  std::string sa = ins[0], sb = ins[1];
  Value x = reduce_private(x0, sa, sb), y = reduce_private(y0, sb, sa);
  lax::DotDimensionNumbers dn;
  std::string result;
  for (size_t i = 0; i < sa.size(); ++i) {
    size_t j = sb.find(sa[i]);
    if (j == std::string::npos) continue;
    if (x.shape()[i] != y.shape()[j])
      throw_value_error(std::string("einsum: size of label '") + sa[i] + "' differs between operands: " +
                        std::to_string(x.shape()[i]) + " and " + std::to_string(y.shape()[j]));
    if (out.find(sa[i]) != std::string::npos) {
      dn.lhs_batch.push_back(int64_t(i));
      dn.rhs_batch.push_back(int64_t(j));
      result += sa[i];
    } else {
      dn.lhs_contracting.push_back(int64_t(i));
      dn.rhs_contracting.push_back(int64_t(j));
    }
  }
  for (char c : sa)
    if (sb.find(c) == std::string::npos) result += c;
  for (char c : sb)
    if (sa.find(c) == std::string::npos) result += c;
  Value r = lax::dot_general(x, y, dn, x.dtype());
  return finish(r, result);
}

namespace linalg {

Value norm_fro(const Value& x, const Axis& axis, bool keepdims) {
  Value v = to_inexact(x);
  return lax::sqrt(sum(lax::mul(v, v), axis, keepdims));
}

Value norm(const Value& x, std::optional<double> ord, const Axis& axis, bool keepdims) {
  Value v = to_inexact(x);
  if (!axis.axes && !ord) return norm_fro(v, axis, keepdims);
  std::vector<int64_t> axes = canonicalize_axes(axis, v.ndim());
  const double inf = std::numeric_limits<double>::infinity();
  if (axes.size() == 1) {
    double p = ord.value_or(2);
    if (p == inf) return max(abs(v), axes, keepdims);
    if (p == -inf) return min(abs(v), axes, keepdims);
    if (p == 0) return sum(astype(not_equal(v, weak(0)), v.dtype()), axes, keepdims);
    if (p == 1) return sum(abs(v), axes, keepdims);
    if (p == 2) return lax::sqrt(sum(lax::mul(v, v), axes, keepdims));
    Value pv = Array::scalar(p, v.dtype());
    return lax::pow(sum(lax::pow(abs(v), pv), axes, keepdims), lax::div(Array::scalar(1, v.dtype()), pv));
  }
  if (axes.size() != 2) throw_value_error("Invalid axis values for norm: " + Param::ints(axes).str());
  int64_t row = axes[0], col = axes[1];
  double p = *ord;
  auto reduce_twice = [&](int64_t inner, int64_t outer_axis, bool take_max) {
    // The outer axis shifts down when the inner one goes first.
    int64_t o = (!keepdims && inner < outer_axis) ? outer_axis - 1 : outer_axis;
    Value s = sum(abs(v), inner, keepdims);
    return take_max ? max(s, o, keepdims) : min(s, o, keepdims);
  };
  if (p == 1) return reduce_twice(row, col, true);
  if (p == -1) return reduce_twice(row, col, false);
  if (p == inf) return reduce_twice(col, row, true);
  if (p == -inf) return reduce_twice(col, row, false);
  throw_value_error("Invalid order '" + std::to_string(p) + "' for matrix norm (2 and nuc need an SVD, not supported).");
}

}  // namespace linalg

}  // namespace jxr::jnp
