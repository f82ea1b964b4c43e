// jnp array creation and shape manipulation, lowered as JAX 0.10.2 lowers
// them (jit[name=_flip], jit[name=_pad], jit[name=_where], jit[name=clip] ...).
#include <algorithm>
#include <cmath>

#include "engine/numpy/numpy.h"

namespace jxr::jnp {

using detail::canonicalize_axis;
using detail::convert;

// --- creation ------------------------------------------------------------------

Value full(const Shape& shape, double fill_value, DType dtype) {
  for (int64_t d : shape)
    if (d < 0) throw_value_error("negative dimensions are not allowed");
  // lax.full: the fill value converts on the host, then one broadcast.
  Value fill = Array::scalar(fill_value, canonicalize_dtype(dtype));
  if (shape.empty()) return fill;
  return lax::broadcast_in_dim(fill, shape, {});
}
Value zeros(const Shape& shape, DType dtype) { return full(shape, 0, dtype); }
Value ones(const Shape& shape, DType dtype) { return full(shape, 1, dtype); }
Value full_like(const Value& x, double fill_value) { return full(x.shape(), fill_value, x.dtype()); }
Value zeros_like(const Value& x) { return full_like(x, 0); }
Value ones_like(const Value& x) { return full_like(x, 1); }

Value arange(int64_t stop) { return arange(0, static_cast<double>(stop), 1, DType::I32); }
Value arange(double stop) { return arange(0, stop, 1, DType::F32); }

Value arange(double start, double stop, double step, std::optional<DType> dtype) {
  if (step == 0) throw_value_error("arange: step cannot be zero");
  DType dt = canonicalize_dtype(dtype.value_or(default_float_dtype()));
  int64_t n = std::max<int64_t>(0, static_cast<int64_t>(std::ceil((stop - start) / step)));
  // JAX emits iota for arange(stop); other forms are numpy constants.
  if (start == 0 && step == 1) return lax::iota(dt, {n}, 0);
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i) v.push_back(start + static_cast<double>(i) * step);
  return array(v, Shape{n}, dt);
}

std::vector<Value> linspace(const Value& start, const Value& stop, int64_t num, bool endpoint, bool retstep,
                            std::optional<DType> dtype, int64_t axis) {
  if (num < 0) throw_value_error("Number of samples, " + std::to_string(num) + ", must be non-negative.");
  DType out_dtype = dtype ? canonicalize_dtype(*dtype) : result_type({start, stop}).dtype;
  if (!dtype && !is_floating(out_dtype)) out_dtype = default_float_dtype();
  DType comp = is_floating(out_dtype) ? out_dtype : default_float_dtype();
  std::string key = std::to_string(num) + (endpoint ? "e" : "") + (retstep ? "r" : "") + std::string(dtype_name(out_dtype)) + "/" +
                    std::to_string(axis);
  return detail::named_jit("_linspace", key, {start, stop}, [=](std::span<const Value> a) {
    Value lo = convert(a[0], comp, false);
    Value hi = convert(a[1], comp, false);
    Shape bounds = broadcast_shapes({lo.shape(), hi.shape()});
    Value blo = broadcast_to(lo, bounds), bhi = broadcast_to(hi, bounds);
    int64_t ax = axis < 0 ? static_cast<int64_t>(bounds.size()) + axis + 1 : axis;
    if (ax < 0 || ax > static_cast<int64_t>(bounds.size()))
      throw_value_error("axis " + std::to_string(axis) + " is out of bounds for linspace of rank " +
                        std::to_string(bounds.size() + 1));
    bounds.insert(bounds.begin() + ax, 1);
    int64_t div = endpoint ? num - 1 : num;
    Value out, delta;
    if (num > 1) {
      Value span = lax::sub(hi, lo);
      delta = lax::div(span, Array::scalar(static_cast<double>(div), comp));
      Shape iota_shape(bounds.size(), 1);
      iota_shape[ax] = div;
      Value ramp = reshape(lax::iota(comp, {div}, 0), iota_shape);
      Value step = lax::div(ramp, Array::scalar(static_cast<double>(div), comp));
      // start * (1 - step) + stop * step recovers both ends exactly.
      Value lo_b = reshape(blo, bounds);
      Value rest = subtract(weak(1), step);
      Value from_lo = multiply(lo_b, rest);
      Value hi_b = reshape(bhi, bounds);
      Value from_hi = multiply(hi_b, step);
      out = add(from_lo, from_hi);
      if (endpoint) {
        Value last = lax::expand_dims(bhi, {ax});
        out = lax::concatenate({out, last}, ax);
      }
    } else if (num == 1) {
      delta = endpoint ? Value(Array::scalar(std::nan(""), comp)) : lax::sub(hi, lo);
      out = reshape(blo, bounds);
    } else {
      delta = Array::scalar(std::nan(""), comp);
      Shape empty = bounds;
      empty[ax] = 0;
      out = zeros(empty, comp);
    }
    if (is_integer(out_dtype)) out = lax::floor(out);
    std::vector<Value> res{convert(out, out_dtype, false)};
    if (retstep) res.push_back(delta);
    return res;
  });
}

Value linspace(double start, double stop, int64_t num, bool endpoint, DType dtype) {
  return linspace(weak(start), weak(stop), num, endpoint, false, dtype)[0];
}

Value eye(int64_t n, std::optional<int64_t> m, int64_t k, DType dtype) {
  int64_t cols = m.value_or(n);
  if (n < 0 || cols < 0) throw_value_error("negative dimensions are not allowed");
  Shape s{n, cols};
  Value rows = lax::iota(DType::I32, s, 0), colsi = lax::iota(DType::I32, s, 1);
  Value mask = lax::eq(lax::add(rows, Array::scalar(static_cast<double>(k), DType::I32)), colsi);
  return lax::convert_element_type(mask, canonicalize_dtype(dtype));
}

Value astype(const Value& x, DType dtype) { return convert(x, canonicalize_dtype(dtype), false); }

// --- shapes --------------------------------------------------------------------

Value reshape(const Value& x, const std::vector<int64_t>& shape) {
  Shape out = shape;
  int64_t known = 1, unknown = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      if (unknown >= 0) throw_value_error("can only specify one unknown dimension");
      unknown = static_cast<int64_t>(i);
    } else if (out[i] < 0) {
      throw_value_error("reshape: negative dimension " + std::to_string(out[i]));
    } else {
      known *= out[i];
    }
  }
  if (unknown >= 0) {
    if (known == 0 || x.size() % known != 0)
      throw_type_error("cannot reshape array of shape " + shape_str(x.shape()) + " (size " +
                       std::to_string(x.size()) + ") into shape " + Param::ints(shape).str());
    out[unknown] = x.size() / known;
  }
  if (shape_size(out) != x.size())
    throw_type_error("cannot reshape array of shape " + shape_str(x.shape()) + " (size " + std::to_string(x.size()) +
                     ") into shape " + Param::ints(shape).str() + " (size " + std::to_string(shape_size(out)) + ")");
  return lax::reshape(x, out);
}

Value transpose(const Value& x, const std::optional<std::vector<int64_t>>& axes) {
  std::vector<int64_t> perm;
  if (!axes) {
    for (int64_t i = x.ndim() - 1; i >= 0; --i) perm.push_back(i);
  } else {
    if (static_cast<int64_t>(axes->size()) != x.ndim()) throw_value_error("axes don't match array");
    std::vector<bool> seen(x.ndim(), false);
    for (int64_t a : *axes) {
      int64_t c = canonicalize_axis(a, x.ndim());
      if (seen[c]) throw_value_error("repeated axis in transpose");
      seen[c] = true;
      perm.push_back(c);
    }
  }
  return lax::transpose(x, perm);
}
Value T(const Value& x) { return transpose(x); }

Value swapaxes(const Value& x, int64_t a, int64_t b) {
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < x.ndim(); ++i) perm.push_back(i);
  std::swap(perm[canonicalize_axis(a, x.ndim())], perm[canonicalize_axis(b, x.ndim())]);
  return transpose(x, perm);
}

Value moveaxis(const Value& x, int64_t source, int64_t destination) {
  int64_t s = canonicalize_axis(source, x.ndim()), d = canonicalize_axis(destination, x.ndim());
  std::vector<int64_t> perm;
  for (int64_t i = 0; i < x.ndim(); ++i)
    if (i != s) perm.push_back(i);
  perm.insert(perm.begin() + d, s);
  return transpose(x, perm);
}

Value expand_dims(const Value& x, const Axis& axis) {
  if (!axis.axes) throw_type_error("expand_dims: axis must be given");
  int64_t out_rank = x.ndim() + static_cast<int64_t>(axis.axes->size());
  std::vector<int64_t> dims = detail::canonicalize_axes(axis, out_rank);
  std::sort(dims.begin(), dims.end());
  return lax::expand_dims(x, dims);
}

Value squeeze(const Value& x, const Axis& axis) {
  std::vector<int64_t> dims;
  if (!axis.axes) {
    for (int64_t i = 0; i < x.ndim(); ++i)
      if (x.shape()[i] == 1) dims.push_back(i);
  } else {
    dims = detail::canonicalize_axes(axis, x.ndim());
    std::sort(dims.begin(), dims.end());
    for (int64_t d : dims)
      if (x.shape()[d] != 1)
        throw_value_error("cannot select an axis to squeeze out which has size not equal to one, got shape=" +
                          shape_str(x.shape()) + " and dimensions=" + Param::ints(dims).str());
  }
  return lax::squeeze(x, dims);
}

Value ravel(const Value& x) {
  return lax::reshape(x, {x.size()});
}

Value concatenate(const std::vector<Value>& xs, int64_t axis) {
  if (xs.empty()) throw_value_error("Need at least one array to concatenate.");
  if (xs[0].ndim() == 0) throw_value_error("Zero-dimensional arrays cannot be concatenated.");
  int64_t a = canonicalize_axis(axis, xs[0].ndim());
  TypedKind k = result_type(xs);
  std::vector<Value> args;
  for (const Value& x : xs) {
    if (x.ndim() != xs[0].ndim())
      throw_value_error("All input arrays must have the same number of dimensions, got " + shape_str(xs[0].shape()) +
                        " and " + shape_str(x.shape()));
    for (int64_t d = 0; d < x.ndim(); ++d)
      if (d != a && x.shape()[d] != xs[0].shape()[d])
        throw_type_error("Cannot concatenate arrays with shapes that differ in dimensions other than the one being "
                         "concatenated: concatenating along dimension " + std::to_string(a) + " for shapes " +
                         shape_str(xs[0].shape()) + ", " + shape_str(x.shape()) + ".");
    args.push_back(convert(x, k.dtype, k.weak));
  }
  return lax::concatenate(args, a);
}

Value stack(const std::vector<Value>& xs, int64_t axis) {
  if (xs.empty()) throw_value_error("Need at least one array to stack.");
  for (const Value& x : xs)
    if (x.shape() != xs[0].shape()) throw_value_error("All input arrays must have the same shape.");
  int64_t a = canonicalize_axis(axis, xs[0].ndim() + 1);
  TypedKind k = result_type(xs);
  std::vector<Value> args;
  for (const Value& x : xs) args.push_back(convert(x, k.dtype, k.weak));
  // JAX 0.10.2 binds its `stack` primitive.
  static const Primitive& stack_p = get_primitive("stack");
  return bind1(stack_p, args, {{"axis", Param::integer(a)}});
}

namespace {
Value slice_axis(const Value& x, int64_t axis, int64_t start, int64_t stop) {
  std::vector<int64_t> lo(x.ndim(), 0), hi(x.shape().begin(), x.shape().end());
  lo[axis] = start;
  hi[axis] = stop;
  return lax::slice(x, lo, hi);
}
}  // namespace

std::vector<Value> split(const Value& x, int64_t sections, int64_t axis) {
  if (x.ndim() == 0) throw_value_error("split: array must have at least one dimension");
  int64_t a = canonicalize_axis(axis, x.ndim());
  if (sections <= 0 || x.shape()[a] % sections != 0)
    throw_value_error("array split does not result in an equal division");
  std::vector<int64_t> idx;
  for (int64_t i = 1; i < sections; ++i) idx.push_back(i * (x.shape()[a] / sections));
  return split(x, idx, a);
}

std::vector<Value> split(const Value& x, const std::vector<int64_t>& indices, int64_t axis) {
  if (x.ndim() == 0) throw_value_error("split: array must have at least one dimension");
  int64_t a = canonicalize_axis(axis, x.ndim());
  int64_t n = x.shape()[a];
  std::vector<Value> out;
  int64_t prev = 0;
  auto clampi = [n](int64_t i) { return std::clamp(i < 0 ? i + n : i, int64_t{0}, n); };
  for (size_t i = 0; i <= indices.size(); ++i) {
    int64_t stop = i < indices.size() ? clampi(indices[i]) : n;
    int64_t start = std::min(prev, stop);
    out.push_back(slice_axis(x, a, start, std::max(start, stop)));
    prev = stop;
  }
  return out;
}

Value flip(const Value& x, const Axis& axis) {
  std::vector<int64_t> dims = detail::canonicalize_axes(axis, x.ndim());
  std::string key = Param::ints(dims).str();
  return detail::named_jit("_flip", key, {x}, [dims](std::span<const Value> a) {
    return std::vector<Value>{lax::rev(a[0], dims)};
  })[0];
}

Value pad(const Value& x, const std::vector<std::pair<int64_t, int64_t>>& pad_width, const Value& constant) {
  std::vector<std::pair<int64_t, int64_t>> widths = pad_width;
  if (widths.size() == 1 && x.ndim() != 1) widths.assign(x.ndim(), pad_width[0]);
  if (static_cast<int64_t>(widths.size()) != x.ndim())
    throw_value_error("jnp.pad: pad_width with " + std::to_string(widths.size()) +
                      " entries does not match array of rank " + std::to_string(x.ndim()));
  // jnp.pad passes pad_width through a numpy int64 array, so JAX's params
  // hold numpy ints for lo and hi (printed `np.int64(1)`) and a plain 0.
  std::vector<Param> cfg;
  std::string key;
  for (auto [lo, hi] : widths) {
    if (lo < 0 || hi < 0) throw_value_error("index can't contain negative values");
    cfg.push_back(Param::tuple({Param::numpy_integer(lo, "np.int64"), Param::numpy_integer(hi, "np.int64"),
                                Param::integer(0)}));
    key += std::to_string(lo) + "," + std::to_string(hi) + ";";
  }
  Params params{{"padding_config", Param::tuple(std::move(cfg))}};
  if (constant.ndim() != 0) throw_value_error("jnp.pad: only a scalar constant_values is supported");
  // The constant travels as an argument of the jit, as in JAX.
  return detail::named_jit("_pad", key, {x, constant}, [params](std::span<const Value> a) {
    static const Primitive& pad_p = get_primitive("pad");
    return jxr::bind(pad_p, std::vector<Value>{a[0], convert(a[1], a[0].dtype(), false)}, params);
  })[0];
}

Value broadcast_to(const Value& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  Shape b = broadcast_shapes({x.shape(), shape});
  if (b != shape || x.ndim() > static_cast<int64_t>(shape.size()))
    throw_value_error("Incompatible shapes for broadcasting: " + shape_str(x.shape()) + " and requested shape " +
                      shape_str(shape));
  int64_t lead = static_cast<int64_t>(shape.size()) - x.ndim();
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < x.ndim(); ++i) dims.push_back(lead + i);
  return lax::broadcast_in_dim(x, shape, dims);
}

Value where(const Value& cond, const Value& x, const Value& y) {
  return detail::named_jit("_where", "", {cond, x, y}, [](std::span<const Value> a) {
    Value c = a[0];
    if (c.dtype() != DType::Bool) c = lax::ne(c, Array::scalar(0, c.dtype()));
    TypedKind k = result_type({a[1], a[2]});
    Value xv = convert(a[1], k.dtype, k.weak), yv = convert(a[2], k.dtype, k.weak);
    Shape s = c.ndim() == 0 ? broadcast_shapes({xv.shape(), yv.shape()})
                            : broadcast_shapes({c.shape(), xv.shape(), yv.shape()});
    if (c.ndim() != 0) c = broadcast_to(c, s);
    xv = broadcast_to(xv, s);
    yv = broadcast_to(yv, s);
    if (shape_size(s) == 0) return std::vector<Value>{xv};
    return std::vector<Value>{lax::select_n(c, {yv, xv})};
  })[0];
}

Value clip(const Value& x, const std::optional<Value>& lo, const std::optional<Value>& hi) {
  std::vector<Value> args{x};
  if (lo) args.push_back(*lo);
  if (hi) args.push_back(*hi);
  std::string key = std::string(lo ? "l" : "") + (hi ? "h" : "");
  bool has_lo = lo.has_value(), has_hi = hi.has_value();
  return detail::named_jit("clip", key, args, [has_lo, has_hi](std::span<const Value> a) {
    Value r = a[0];
    size_t i = 1;
    if (has_lo) r = maximum(a[i++], r);
    if (has_hi) r = minimum(a[i], r);
    return std::vector<Value>{r};
  })[0];
}

namespace {
// jit[name=tril|triu]: a row + k >= col mask over the last two axes (tril
// keeps where it holds, triu where it does not), as JAX stages it.
Value tri_select(const Value& x, int64_t k, bool lower) {
  const char* name = lower ? "tril" : "triu";
  if (x.ndim() < 2) throw_value_error(std::string(name) + " requires an array of rank >= 2");
  return detail::named_jit(name, std::to_string(k), {x}, [k, lower](std::span<const Value> a) {
    const Value& v = a[0];
    int64_t r = v.ndim();
    Shape s{v.shape()[r - 2], v.shape()[r - 1]};
    Value rows = lax::iota(DType::I32, s, 0);
    Value shifted = lax::add(rows, Array::scalar(static_cast<double>(lower ? k : k - 1), DType::I32));
    Value mask = lax::ge(shifted, lax::iota(DType::I32, s, 1));
    if (r > 2) mask = lax::broadcast_in_dim(mask, v.shape(), {r - 2, r - 1});
    Value z = zeros_like(v);
    return std::vector<Value>{lower ? lax::select_n(mask, {z, v}) : lax::select_n(mask, {v, z})};
  })[0];
}
}  // namespace

Value tril(const Value& x, int64_t k) { return tri_select(x, k, true); }
Value triu(const Value& x, int64_t k) { return tri_select(x, k, false); }

Value sort(const Value& x, std::optional<int64_t> axis) {
  if (axis && x.ndim() == 0) throw_value_error("sort: axis " + std::to_string(*axis) + " is out of bounds for a scalar");
  std::optional<int64_t> a;
  if (axis) a = canonicalize_axis(*axis, x.ndim());
  // axis None sorts the flattened array, raveled inside the jit as in JAX.
  return detail::named_jit("sort", a ? std::to_string(*a) : "none", {x}, [a](std::span<const Value> v) {
    Value y = a ? v[0] : ravel(v[0]);
    return std::vector<Value>{lax::sort({y}, a.value_or(0), true, 1)[0]};
  })[0];
}

}  // namespace jxr::jnp
