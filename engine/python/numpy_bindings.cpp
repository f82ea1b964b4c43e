// jax.numpy and jax.lax functions of the engine for Python (jaxray._jaxray.numpy
// and .lax); the pure-Python jaxray.numpy and jaxray.lax add dtypes and the
// pieces best written in Python. Functions that are also Array methods (sum,
// var, argmax, clip ...) are bound once and attached to both.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "engine/core/error.h"
#include "engine/numpy/numpy.h"
#include "engine/python/convert.h"

namespace py = pybind11;

namespace jxr::python {

namespace {

std::optional<int64_t> opt_axis(py::handle axis) {
  if (axis.is_none()) return std::nullopt;
  return axis.cast<int64_t>();
}

Shape shape_of(py::handle s) {
  if (py::isinstance<py::int_>(s)) return {s.cast<int64_t>()};
  return s.cast<std::vector<int64_t>>();
}

DType dtype_or(py::handle dtype, DType dflt) { return dtype.is_none() ? dflt : dtype_of(dtype); }

std::vector<Value> values(py::handle seq) {
  std::vector<Value> out;
  for (py::handle h : seq) out.push_back(to_value(h));
  return out;
}

py::list wrap_all(const std::vector<Value>& vs) {
  py::list out;
  for (const Value& v : vs) out.append(wrap(v));
  return out;
}

[[noreturn]] void not_supported(const std::string& what) {
  throw Error(ErrorKind::NotImplemented, what + " is not supported by jaxray");
}

// JAX raises the same for every `out` argument: arrays are immutable.
void check_no_out(py::handle out) {
  if (!out.is_none()) not_supported("The 'out' argument");
}

// numpy's dtype= of sum, prod, mean and the cumulative ops: the input is
// converted first, as JAX does.
Value as_dtype(py::handle x, py::handle dtype) {
  Value v = to_value(x);
  return dtype.is_none() ? v : jnp::astype(v, dtype_of(dtype));
}

// Binds f as jnp.<name>(a, ...) and as the Array method <name>(self, ...).
template <class F, class... Args>
void def_both(py::module_& m, const char* name, F f, const Args&... args) {
  m.def(name, f, py::arg("a"), args...);
  py::object cls = py::type::of<PyArray>();
  py::setattr(cls, name, py::cpp_function(f, py::name(name), py::is_method(cls), args...));
}

template <Value (*F)(const Value&)>
py::object unary(py::handle x) {
  PySourceScope src;
  return wrap(F(to_value(x)));
}

template <Value (*F)(const Value&, const Value&)>
py::object binary(py::handle x, py::handle y) {
  PySourceScope src;
  return wrap(F(to_value(x), to_value(y)));
}

template <Value (*F)(const Value&)>
void def_unary(py::module_& m, const char* name) {
  m.def(name, &unary<F>, py::arg("x"));
}

template <Value (*F)(const Value&, const Value&)>
void def_binary(py::module_& m, const char* name) {
  m.def(name, &binary<F>, py::arg("x"), py::arg("y"));
}

using Reduction = Value (*)(const Value&, const jnp::Axis&, bool);

// max, min, any, all: (a, axis=None, out=None, keepdims=False).
template <Reduction F>
py::object reduce(py::handle a, py::handle axis, py::handle out, bool keepdims) {
  check_no_out(out);
  PySourceScope src;
  return wrap(F(to_value(a), to_axis(axis), keepdims));
}

// sum, prod, mean: (a, axis=None, dtype=None, out=None, keepdims=False).
template <Reduction F>
py::object reduce_typed(py::handle a, py::handle axis, py::handle dtype, py::handle out, bool keepdims) {
  check_no_out(out);
  PySourceScope src;
  return wrap(F(as_dtype(a, dtype), to_axis(axis), keepdims));
}

using Moment = Value (*)(const Value&, const jnp::Axis&, int64_t, bool);

// var, std: (a, axis=None, dtype=None, out=None, ddof=0, keepdims=False).
template <Moment F>
py::object moment(py::handle a, py::handle axis, py::handle dtype, py::handle out, int64_t ddof, bool keepdims) {
  check_no_out(out);
  PySourceScope src;
  return wrap(F(as_dtype(a, dtype), to_axis(axis), ddof, keepdims));
}

using ArgReduction = Value (*)(const Value&, std::optional<int64_t>, bool);

// argmax, argmin: (a, axis=None, out=None, keepdims=None).
template <ArgReduction F>
py::object arg_reduce(py::handle a, py::handle axis, py::handle out, py::handle keepdims) {
  check_no_out(out);
  PySourceScope src;
  return wrap(F(to_value(a), opt_axis(axis), !keepdims.is_none() && keepdims.cast<bool>()));
}

using Cumulative = Value (*)(const Value&, std::optional<int64_t>);

// cumsum, cumprod: (a, axis=None, dtype=None, out=None).
template <Cumulative F>
py::object cumulative(py::handle a, py::handle axis, py::handle dtype, py::handle out) {
  check_no_out(out);
  PySourceScope src;
  return wrap(F(as_dtype(a, dtype), opt_axis(axis)));
}

// Shape functions of two ints: swapaxes(a, axis1, axis2), moveaxis(a, source, destination).
template <Value (*F)(const Value&, int64_t, int64_t)>
py::object two_axes(py::handle a, int64_t i, int64_t j) {
  PySourceScope src;
  return wrap(F(to_value(a), i, j));
}

// tril, triu: (m, k=0).
template <Value (*F)(const Value&, int64_t)>
py::object diagonal_mask(py::handle m, int64_t k) {
  PySourceScope src;
  return wrap(F(to_value(m), k));
}

// full, full_like ...: the fill broadcast to the shape, in the kind (dtype
// and weak type) of `dflt` unless a dtype is given; full's default is the
// fill's own kind, so a Python scalar gives a weak-typed array, as in JAX.
py::object filled(const Shape& shape, py::handle fill, py::handle dtype, std::optional<TypedKind> dflt = std::nullopt) {
  PySourceScope src;
  Value f = to_value(fill);
  TypedKind k = !dtype.is_none() ? TypedKind{dtype_of(dtype), false}
                                 : dflt.value_or(TypedKind{canonicalize_dtype(f.dtype()), f.weak_type()});
  // A concrete scalar is a constant on the host, so the jaxpr shows it as a literal.
  if (!f.is_tracer() && f.ndim() == 0)
    return wrap(jnp::broadcast_to(Array::scalar(f.array().item(0), k.dtype, k.weak), shape));
  return wrap(jnp::broadcast_to(jnp::detail::convert(f, k.dtype, k.weak), shape));
}

py::object full(py::handle shape, py::handle fill, py::handle dtype) { return filled(shape_of(shape), fill, dtype); }

// zeros_like, ones_like, full_like: `a`'s kind and shape unless given.
py::object full_like(py::handle a, py::handle fill, py::handle dtype, py::handle shape) {
  Value x = to_value(a);
  return filled(shape.is_none() ? x.shape() : shape_of(shape), fill, dtype, x.aval().kind());
}

template <int Fill>
py::object const_like(py::handle a, py::handle dtype, py::handle shape) {
  return full_like(a, py::int_(Fill), dtype, shape);
}

template <int Fill>
py::object const_filled(py::handle shape, py::handle dtype) {
  return filled(shape_of(shape), py::int_(Fill), dtype, TypedKind{default_float_dtype(), false});
}

// numpy's pad_width: an int, one (before, after) pair, or a pair per axis.
std::vector<std::pair<int64_t, int64_t>> pad_widths(py::handle w) {
  if (py::isinstance<py::int_>(w)) return {{w.cast<int64_t>(), w.cast<int64_t>()}};
  py::sequence s = py::reinterpret_borrow<py::sequence>(w);
  if (s.size() > 0 && py::isinstance<py::int_>(s[0])) {
    if (s.size() == 1) return {{s[0].cast<int64_t>(), s[0].cast<int64_t>()}};
    return {{s[0].cast<int64_t>(), s[1].cast<int64_t>()}};
  }
  std::vector<std::pair<int64_t, int64_t>> out;
  for (py::handle p : s) {
    auto v = p.cast<std::vector<int64_t>>();
    if (v.size() == 1) v.push_back(v[0]);
    if (v.size() != 2)
      throw Error(ErrorKind::Value, "jnp.pad: each pad_width entry must be an int or a (before, after) pair");
    out.emplace_back(v[0], v[1]);
  }
  return out;
}

void bind_reductions(py::module_& m) {
  const auto axis = py::arg("axis") = py::none(), dtype = py::arg("dtype") = py::none(),
             out = py::arg("out") = py::none(), keepdims = py::arg("keepdims") = false;
  def_both(m, "sum", &reduce_typed<jnp::sum>, axis, dtype, out, keepdims);
  def_both(m, "prod", &reduce_typed<jnp::prod>, axis, dtype, out, keepdims);
  def_both(m, "mean", &reduce_typed<jnp::mean>, axis, dtype, out, keepdims);
  def_both(m, "max", &reduce<jnp::max>, axis, out, keepdims);
  def_both(m, "min", &reduce<jnp::min>, axis, out, keepdims);
  def_both(m, "any", &reduce<jnp::any>, axis, out, keepdims);
  def_both(m, "all", &reduce<jnp::all_of>, axis, out, keepdims);
  const auto ddof = py::arg("ddof") = 0;
  def_both(m, "var", &moment<jnp::var>, axis, dtype, out, ddof, keepdims);
  def_both(m, "std", &moment<jnp::std>, axis, dtype, out, ddof, keepdims);
  const auto opt_keepdims = py::arg("keepdims") = py::none();
  def_both(m, "argmax", &arg_reduce<jnp::argmax>, axis, out, opt_keepdims);
  def_both(m, "argmin", &arg_reduce<jnp::argmin>, axis, out, opt_keepdims);
  def_both(m, "cumsum", &cumulative<jnp::cumsum>, axis, dtype, out);
  def_both(m, "cumprod", &cumulative<jnp::cumprod>, axis, dtype, out);
  m.def(
      "_logsumexp",
      [](py::handle a, py::handle axis, bool keepdims) {
        PySourceScope src;
        return wrap(jnp::logsumexp(to_value(a), to_axis(axis), keepdims));
      },
      py::arg("a"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
}

void bind_elementwise(py::module_& m) {
  def_binary<jnp::add>(m, "add");
  def_binary<jnp::subtract>(m, "subtract");
  def_binary<jnp::multiply>(m, "multiply");
  def_binary<jnp::divide>(m, "divide");
  def_binary<jnp::true_divide>(m, "true_divide");
  def_binary<jnp::floor_divide>(m, "floor_divide");
  def_binary<jnp::remainder>(m, "remainder");
  def_binary<jnp::remainder>(m, "mod");
  def_binary<jnp::power>(m, "power");
  def_binary<jnp::power>(m, "pow");
  def_binary<jnp::maximum>(m, "maximum");
  def_binary<jnp::minimum>(m, "minimum");
  def_binary<jnp::equal>(m, "equal");
  def_binary<jnp::not_equal>(m, "not_equal");
  def_binary<jnp::less>(m, "less");
  def_binary<jnp::less_equal>(m, "less_equal");
  def_binary<jnp::greater>(m, "greater");
  def_binary<jnp::greater_equal>(m, "greater_equal");
  def_binary<jnp::logical_and>(m, "logical_and");
  def_binary<jnp::logical_or>(m, "logical_or");
  def_binary<jnp::logical_xor>(m, "logical_xor");
  def_binary<jnp::bitwise_and>(m, "bitwise_and");
  def_binary<jnp::bitwise_or>(m, "bitwise_or");
  def_binary<jnp::bitwise_xor>(m, "bitwise_xor");
  def_binary<jnp::arctan2>(m, "arctan2");
  def_binary<jnp::arctan2>(m, "atan2");
  def_unary<jnp::negative>(m, "negative");
  def_unary<jnp::positive>(m, "positive");
  def_unary<jnp::logical_not>(m, "logical_not");
  def_unary<jnp::bitwise_not>(m, "bitwise_not");
  def_unary<jnp::bitwise_not>(m, "bitwise_invert");
  def_unary<jnp::invert>(m, "invert");
  def_unary<jnp::exp>(m, "exp");
  def_unary<jnp::exp2>(m, "exp2");
  def_unary<jnp::log>(m, "log");
  def_unary<jnp::log2>(m, "log2");
  def_unary<jnp::log10>(m, "log10");
  def_unary<jnp::log1p>(m, "log1p");
  def_unary<jnp::expm1>(m, "expm1");
  def_unary<jnp::sin>(m, "sin");
  def_unary<jnp::cos>(m, "cos");
  def_unary<jnp::tan>(m, "tan");
  def_unary<jnp::arcsin>(m, "arcsin");
  def_unary<jnp::arccos>(m, "arccos");
  def_unary<jnp::arctan>(m, "arctan");
  def_unary<jnp::arcsin>(m, "asin");
  def_unary<jnp::arccos>(m, "acos");
  def_unary<jnp::arctan>(m, "atan");
  def_unary<jnp::sinh>(m, "sinh");
  def_unary<jnp::cosh>(m, "cosh");
  def_unary<jnp::tanh>(m, "tanh");
  def_unary<jnp::arcsinh>(m, "arcsinh");
  def_unary<jnp::arccosh>(m, "arccosh");
  def_unary<jnp::arctanh>(m, "arctanh");
  def_unary<jnp::arcsinh>(m, "asinh");
  def_unary<jnp::arccosh>(m, "acosh");
  def_unary<jnp::arctanh>(m, "atanh");
  def_unary<jnp::sqrt>(m, "sqrt");
  def_unary<jnp::cbrt>(m, "cbrt");
  def_unary<jnp::abs>(m, "abs");
  def_unary<jnp::abs>(m, "absolute");
  def_unary<jnp::sign>(m, "sign");
  def_unary<jnp::floor>(m, "floor");
  def_unary<jnp::ceil>(m, "ceil");
  def_unary<jnp::square>(m, "square");
  def_unary<jnp::reciprocal>(m, "reciprocal");
  def_unary<jnp::isfinite>(m, "isfinite");
  def_unary<jnp::isnan>(m, "isnan");
  def_unary<jnp::sigmoid>(m, "_sigmoid");
  def_both(
      m, "round",
      [](py::handle a, int64_t decimals, py::handle out) {
        check_no_out(out);
        if (decimals != 0) not_supported("round with decimals != 0");
        return unary<jnp::round>(a);
      },
      py::arg("decimals") = 0, py::arg("out") = py::none());
  def_both(
      m, "clip",
      [](py::handle a, py::handle lo, py::handle hi) {
        PySourceScope src;
        std::optional<Value> l, h;
        if (!lo.is_none()) l = to_value(lo);
        if (!hi.is_none()) h = to_value(hi);
        return wrap(jnp::clip(to_value(a), l, h));
      },
      py::arg("min") = py::none(), py::arg("max") = py::none());
  m.def(
      "where",
      [](py::handle c, py::handle x, py::handle y) {
        if (x.is_none() || y.is_none()) not_supported("jnp.where with one argument (nonzero)");
        PySourceScope src;
        return wrap(jnp::where(to_value(c), to_value(x), to_value(y)));
      },
      py::arg("condition"), py::arg("x") = py::none(), py::arg("y") = py::none());
  m.def("_result_type", [](const py::args& xs) {
    if (xs.empty()) throw Error(ErrorKind::Value, "at least one array or dtype is required");
    return numpy_dtype(jnp::result_type(values(xs)).dtype);
  });
}

void bind_creation(py::module_& m) {
  m.def(
      "asarray",
      [](py::handle x, py::handle dtype) {
        PySourceScope src;
        return wrap(dtype.is_none() ? to_value(x) : to_value(x, dtype_of(dtype)));
      },
      py::arg("a"), py::arg("dtype") = py::none());
  m.def("zeros", &const_filled<0>, py::arg("shape"), py::arg("dtype") = py::none());
  m.def("ones", &const_filled<1>, py::arg("shape"), py::arg("dtype") = py::none());
  m.def("full", &full, py::arg("shape"), py::arg("fill_value"), py::arg("dtype") = py::none());
  m.def("zeros_like", &const_like<0>, py::arg("a"), py::arg("dtype") = py::none(), py::arg("shape") = py::none());
  m.def("ones_like", &const_like<1>, py::arg("a"), py::arg("dtype") = py::none(), py::arg("shape") = py::none());
  m.def("full_like", &full_like, py::arg("a"), py::arg("fill_value"), py::arg("dtype") = py::none(),
        py::arg("shape") = py::none());
  m.def(
      "arange",
      [](py::handle start, py::handle stop, py::handle step, py::handle dtype) {
        PySourceScope src;
        // numpy's rule: integer bounds give an integer array.
        auto integral = [](py::handle h) { return h.is_none() || PyIndex_Check(h.ptr()); };
        std::optional<DType> d;
        if (!dtype.is_none()) d = dtype_of(dtype);
        else if (integral(start) && integral(stop) && integral(step)) d = default_int_dtype();
        double first = start.cast<double>(), by = step.is_none() ? 1 : step.cast<double>();
        if (stop.is_none()) return wrap(jnp::arange(0, first, by, d));
        return wrap(jnp::arange(first, stop.cast<double>(), by, d));
      },
      py::arg("start"), py::arg("stop") = py::none(), py::arg("step") = py::none(), py::arg("dtype") = py::none());
  m.def(
      "linspace",
      [](py::handle start, py::handle stop, int64_t num, bool endpoint, bool retstep, py::handle dtype,
         int64_t axis) -> py::object {
        PySourceScope src;
        std::optional<DType> d;
        if (!dtype.is_none()) d = dtype_of(dtype);
        std::vector<Value> r = jnp::linspace(to_call_arg(start), to_call_arg(stop), num, endpoint, retstep, d, axis);
        if (retstep) return py::make_tuple(wrap(r[0]), wrap(r[1]));
        return wrap(r[0]);
      },
      py::arg("start"), py::arg("stop"), py::arg("num") = 50, py::arg("endpoint") = true, py::arg("retstep") = false,
      py::arg("dtype") = py::none(), py::arg("axis") = 0);
  m.def(
      "eye",
      [](int64_t n, std::optional<int64_t> cols, int64_t k, py::handle dtype) {
        return wrap(jnp::eye(n, cols, k, dtype_or(dtype, default_float_dtype())));
      },
      py::arg("N"), py::arg("M") = py::none(), py::arg("k") = 0, py::arg("dtype") = py::none());
}

void bind_shapes(py::module_& m) {
  m.def(
      "reshape",
      [](py::handle x, py::handle shape) {
        PySourceScope src;
        return wrap(jnp::reshape(to_value(x), shape_of(shape)));
      },
      py::arg("a"), py::arg("shape"));
  m.def(
      "transpose",
      [](py::handle x, py::handle axes) {
        PySourceScope src;
        if (axes.is_none()) return wrap(jnp::transpose(to_value(x)));
        return wrap(jnp::transpose(to_value(x), axes.cast<std::vector<int64_t>>()));
      },
      py::arg("a"), py::arg("axes") = py::none());
  m.def(
      "expand_dims",
      [](py::handle x, py::handle axis) {
        PySourceScope src;
        return wrap(jnp::expand_dims(to_value(x), to_axis(axis)));
      },
      py::arg("a"), py::arg("axis"));
  def_both(
      m, "squeeze",
      [](py::handle x, py::handle axis) {
        PySourceScope src;
        return wrap(jnp::squeeze(to_value(x), to_axis(axis)));
      },
      py::arg("axis") = py::none());
  def_both(
      m, "ravel",
      [](py::handle x, const std::string& order) {
        if (order != "C") not_supported("ravel with order other than 'C'");
        return unary<jnp::ravel>(x);
      },
      py::arg("order") = "C");
  py::object cls = py::type::of<PyArray>();
  py::setattr(cls, "flatten", cls.attr("ravel"));
  def_both(m, "swapaxes", &two_axes<jnp::swapaxes>, py::arg("axis1"), py::arg("axis2"));
  m.def("moveaxis", &two_axes<jnp::moveaxis>, py::arg("a"), py::arg("source"), py::arg("destination"));
  m.def("tril", &diagonal_mask<jnp::tril>, py::arg("m"), py::arg("k") = 0);
  m.def("triu", &diagonal_mask<jnp::triu>, py::arg("m"), py::arg("k") = 0);
  m.def(
      "flip",
      [](py::handle x, py::handle axis) {
        PySourceScope src;
        return wrap(jnp::flip(to_value(x), to_axis(axis)));
      },
      py::arg("m"), py::arg("axis") = py::none());
  m.def(
      "broadcast_to",
      [](py::handle x, py::handle shape) {
        PySourceScope src;
        return wrap(jnp::broadcast_to(to_value(x), shape_of(shape)));
      },
      py::arg("array"), py::arg("shape"));
  m.def(
      "pad",
      [](py::handle x, py::handle pad_width, const std::string& mode, py::handle constant_values) {
        if (mode != "constant") not_supported("jnp.pad mode '" + mode + "'");
        PySourceScope src;
        return wrap(jnp::pad(to_value(x), pad_widths(pad_width), to_call_arg(constant_values)));
      },
      py::arg("array"), py::arg("pad_width"), py::arg("mode") = "constant", py::arg("constant_values") = 0);
  m.def(
      "sort",
      [](py::handle x, py::handle axis) {
        PySourceScope src;
        return wrap(jnp::sort(to_value(x), opt_axis(axis)));
      },
      py::arg("a"), py::arg("axis") = -1);
  m.def(
      "concatenate",
      [](py::handle xs, int64_t axis) {
        PySourceScope src;
        return wrap(jnp::concatenate(values(xs), axis));
      },
      py::arg("arrays"), py::arg("axis") = 0);
  m.def(
      "stack",
      [](py::handle xs, int64_t axis) {
        PySourceScope src;
        return wrap(jnp::stack(values(xs), axis));
      },
      py::arg("arrays"), py::arg("axis") = 0);
}

void bind_linalg(py::module_& m) {
  def_binary<jnp::dot>(m, "dot");
  def_binary<jnp::matmul>(m, "matmul");
  def_binary<jnp::vdot>(m, "vdot");
  def_binary<jnp::outer>(m, "outer");
  m.def("einsum", [](std::string spec, const py::args& operands) {
    PySourceScope src;
    return wrap(jnp::einsum(spec, values(operands)));
  });
  py::module_ linalg = m.def_submodule("linalg", "jax.numpy.linalg functions of the engine");
  linalg.def(
      "norm",
      [](py::handle x, py::handle ord, py::handle axis, bool keepdims) {
        PySourceScope src;
        Value v = to_value(x);
        if (py::isinstance<py::str>(ord)) {
          std::string o = py::str(ord);
          if (o != "fro") not_supported("norm ord='" + o + "'");
          return wrap(jnp::linalg::norm_fro(v, to_axis(axis), keepdims));
        }
        std::optional<double> p;
        if (!ord.is_none()) p = ord.cast<double>();
        return wrap(jnp::linalg::norm(v, p, to_axis(axis), keepdims));
      },
      py::arg("x"), py::arg("ord") = py::none(), py::arg("axis") = py::none(), py::arg("keepdims") = false);
}

}  // namespace

void bind_numpy(py::module_& m) {
  bind_elementwise(m);
  bind_reductions(m);
  bind_creation(m);
  bind_shapes(m);
  bind_linalg(m);
}

// --- jax.lax ------------------------------------------------------------------

namespace {

std::vector<int64_t> ints(py::handle seq) { return seq.cast<std::vector<int64_t>>(); }

using LaxReduction = Value (*)(const Value&, const std::vector<int64_t>&);

// reduce_sum ...: (operand, axes).
template <LaxReduction F>
py::object lax_reduce(py::handle x, py::handle axes) {
  PySourceScope src;
  return wrap(F(to_value(x), ints(axes)));
}

using LaxArgReduction = Value (*)(const Value&, int64_t, DType);

// argmax, argmin: (operand, axis, index_dtype).
template <LaxArgReduction F>
py::object lax_arg_reduce(py::handle x, int64_t axis, py::handle index_dtype) {
  PySourceScope src;
  return wrap(F(to_value(x), axis, dtype_of(index_dtype)));
}

using LaxCumulative = Value (*)(const Value&, int64_t, bool);

// cumsum ...: (operand, axis=0, reverse=False).
template <LaxCumulative F>
py::object lax_cumulative(py::handle x, int64_t axis, bool reverse) {
  PySourceScope src;
  return wrap(F(to_value(x), axis, reverse));
}

using LaxDims = Value (*)(const Value&, const std::vector<int64_t>&);

// squeeze, expand_dims, transpose, rev: an operand and a sequence of dimensions.
template <LaxDims F>
void def_dims(py::module_& m, const char* name, const char* operand, const char* dims) {
  m.def(
      name,
      [](py::handle x, py::handle d) {
        PySourceScope src;
        return wrap(F(to_value(x), ints(d)));
      },
      py::arg(operand), py::arg(dims));
}

// lax.split's sizes print as given: numpy integers (jnp.split passes
// np.int64) keep their type name.
Param size_param(py::handle s) {
  if (py::isinstance<py::int_>(s)) return Param::integer(s.cast<int64_t>());
  return Param::numpy_integer(s.cast<int64_t>(), "np." + std::string(py::str(py::type::of(s).attr("__name__"))));
}

lax::DotDimensionNumbers dot_dnums(py::handle dn) {
  py::sequence d = py::reinterpret_borrow<py::sequence>(dn);
  if (d.size() != 2)
    throw Error(ErrorKind::Type,
                "dot_general dimension_numbers must be ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))");
  py::sequence contract = d[0], batch = d[1];
  return {ints(contract[0]), ints(contract[1]), ints(batch[0]), ints(batch[1])};
}

std::optional<DType> opt_dtype(py::handle dtype) {
  if (dtype.is_none()) return std::nullopt;
  return dtype_of(dtype);
}

std::vector<Value> start_values(py::handle starts) {
  std::vector<Value> out;
  for (py::handle s : starts) out.push_back(to_value(s));
  return out;
}

void bind_lax_elementwise(py::module_& m) {
  def_binary<lax::add>(m, "add");
  def_binary<lax::sub>(m, "sub");
  def_binary<lax::mul>(m, "mul");
  def_binary<lax::div>(m, "div");
  def_binary<lax::rem>(m, "rem");
  def_binary<lax::pow>(m, "pow");
  def_binary<lax::max>(m, "max");
  def_binary<lax::min>(m, "min");
  def_binary<lax::atan2>(m, "atan2");
  def_binary<lax::nextafter>(m, "nextafter");
  def_binary<lax::polygamma>(m, "polygamma");
  def_binary<lax::eq>(m, "eq");
  def_binary<lax::ne>(m, "ne");
  def_binary<lax::lt>(m, "lt");
  def_binary<lax::le>(m, "le");
  def_binary<lax::gt>(m, "gt");
  def_binary<lax::ge>(m, "ge");
  def_binary<lax::bitwise_and>(m, "bitwise_and");
  def_binary<lax::bitwise_or>(m, "bitwise_or");
  def_binary<lax::bitwise_xor>(m, "bitwise_xor");
  def_unary<lax::neg>(m, "neg");
  def_unary<lax::sign>(m, "sign");
  def_unary<lax::floor>(m, "floor");
  def_unary<lax::ceil>(m, "ceil");
  def_unary<lax::is_finite>(m, "is_finite");
  def_unary<lax::exp>(m, "exp");
  def_unary<lax::exp2>(m, "exp2");
  def_unary<lax::log>(m, "log");
  def_unary<lax::log1p>(m, "log1p");
  def_unary<lax::expm1>(m, "expm1");
  def_unary<lax::tanh>(m, "tanh");
  def_unary<lax::logistic>(m, "logistic");
  def_unary<lax::sin>(m, "sin");
  def_unary<lax::cos>(m, "cos");
  def_unary<lax::tan>(m, "tan");
  def_unary<lax::asin>(m, "asin");
  def_unary<lax::acos>(m, "acos");
  def_unary<lax::atan>(m, "atan");
  def_unary<lax::sinh>(m, "sinh");
  def_unary<lax::cosh>(m, "cosh");
  def_unary<lax::asinh>(m, "asinh");
  def_unary<lax::acosh>(m, "acosh");
  def_unary<lax::atanh>(m, "atanh");
  def_unary<lax::sqrt>(m, "sqrt");
  def_unary<lax::rsqrt>(m, "rsqrt");
  def_unary<lax::cbrt>(m, "cbrt");
  def_unary<lax::abs>(m, "abs");
  def_unary<lax::square>(m, "square");
  def_unary<lax::erf>(m, "erf");
  def_unary<lax::erf_inv>(m, "erf_inv");
  def_unary<lax::lgamma>(m, "lgamma");
  def_unary<lax::digamma>(m, "digamma");
  def_unary<lax::bitwise_not>(m, "bitwise_not");
  def_unary<lax::stop_gradient>(m, "stop_gradient");
  m.def(
      "round",
      [](py::handle x, int rounding_method) {
        PySourceScope src;
        return wrap(lax::round(to_value(x), rounding_method));
      },
      py::arg("x"), py::arg("rounding_method") = 0);
  m.def(
      "integer_pow",
      [](py::handle x, int64_t y) {
        PySourceScope src;
        return wrap(lax::integer_pow(to_value(x), y));
      },
      py::arg("x"), py::arg("y"));
  m.def("select_n", [](py::handle which, const py::args& cases) {
    PySourceScope src;
    return wrap(lax::select_n(to_value(which), values(cases)));
  });
  m.def(
      "clamp",
      [](py::handle lo, py::handle x, py::handle hi) {
        PySourceScope src;
        return wrap(lax::clamp(to_value(lo), to_value(x), to_value(hi)));
      },
      py::arg("min"), py::arg("x"), py::arg("max"));
  m.def(
      "convert_element_type",
      [](py::handle x, py::handle new_dtype) {
        PySourceScope src;
        // Python scalars and numpy constants convert on the host, as in JAX.
        return wrap(jnp::detail::convert(to_value(x), dtype_of(new_dtype), false));
      },
      py::arg("operand"), py::arg("new_dtype"));
}

void bind_lax_structural(py::module_& m) {
  m.def(
      "broadcast_in_dim",
      [](py::handle x, py::handle shape, py::handle dims) {
        PySourceScope src;
        return wrap(lax::broadcast_in_dim(to_value(x), shape_of(shape), ints(dims)));
      },
      py::arg("operand"), py::arg("shape"), py::arg("broadcast_dimensions"));
  m.def(
      "reshape",
      [](py::handle x, py::handle new_sizes, py::handle dims) {
        PySourceScope src;
        std::optional<std::vector<int64_t>> d;
        if (!dims.is_none()) d = ints(dims);
        return wrap(lax::reshape(to_value(x), shape_of(new_sizes), d));
      },
      py::arg("operand"), py::arg("new_sizes"), py::arg("dimensions") = py::none());
  def_dims<lax::squeeze>(m, "squeeze", "array", "dimensions");
  def_dims<lax::expand_dims>(m, "expand_dims", "array", "dimensions");
  def_dims<lax::transpose>(m, "transpose", "operand", "permutation");
  def_dims<lax::rev>(m, "rev", "operand", "dimensions");
  m.def(
      "concatenate",
      [](py::handle xs, int64_t dimension) {
        PySourceScope src;
        return wrap(lax::concatenate(values(xs), dimension));
      },
      py::arg("operands"), py::arg("dimension"));
  m.def(
      "split",
      [](py::handle x, py::handle sizes, int64_t axis) {
        PySourceScope src;
        std::vector<Param> ps;
        for (py::handle s : sizes) ps.push_back(size_param(s));
        return wrap_all(lax::split(to_value(x), ps, axis));
      },
      py::arg("operand"), py::arg("sizes"), py::arg("axis") = 0);
  m.def(
      "pad",
      [](py::handle x, py::handle padding_value, py::handle config) {
        PySourceScope src;
        std::vector<lax::PadDim> cfg;
        for (py::handle d : config) {
          auto v = ints(d);
          if (v.size() != 3) throw Error(ErrorKind::Type, "lax.pad: padding_config entries are (low, high, interior)");
          cfg.push_back({v[0], v[1], v[2]});
        }
        return wrap(lax::pad(to_value(x), to_value(padding_value), cfg));
      },
      py::arg("operand"), py::arg("padding_value"), py::arg("padding_config"));
  m.def(
      "broadcasted_iota",
      [](py::handle dtype, py::handle shape, int64_t dimension) {
        PySourceScope src;
        return wrap(lax::iota(dtype_of(dtype), shape_of(shape), dimension));
      },
      py::arg("dtype"), py::arg("shape"), py::arg("dimension"));
  m.def(
      "slice",
      [](py::handle x, py::handle start, py::handle limit, py::handle strides) {
        PySourceScope src;
        return wrap(lax::slice(to_value(x), ints(start), ints(limit),
                               strides.is_none() ? std::vector<int64_t>{} : ints(strides)));
      },
      py::arg("operand"), py::arg("start_indices"), py::arg("limit_indices"), py::arg("strides") = py::none());
  m.def(
      "dynamic_slice",
      [](py::handle x, py::handle starts, py::handle sizes) {
        PySourceScope src;
        return wrap(lax::dynamic_slice(to_value(x), start_values(starts), ints(sizes)));
      },
      py::arg("operand"), py::arg("start_indices"), py::arg("slice_sizes"));
  m.def(
      "dynamic_update_slice",
      [](py::handle x, py::handle update, py::handle starts) {
        PySourceScope src;
        return wrap(lax::dynamic_update_slice(to_value(x), to_value(update), start_values(starts)));
      },
      py::arg("operand"), py::arg("update"), py::arg("start_indices"));
}

void bind_lax_reductions(py::module_& m) {
  m.def("reduce_sum", &lax_reduce<lax::reduce_sum>, py::arg("operand"), py::arg("axes"));
  m.def("reduce_max", &lax_reduce<lax::reduce_max>, py::arg("operand"), py::arg("axes"));
  m.def("reduce_min", &lax_reduce<lax::reduce_min>, py::arg("operand"), py::arg("axes"));
  m.def("reduce_prod", &lax_reduce<lax::reduce_prod>, py::arg("operand"), py::arg("axes"));
  m.def("reduce_and", &lax_reduce<lax::reduce_and>, py::arg("operand"), py::arg("axes"));
  m.def("reduce_or", &lax_reduce<lax::reduce_or>, py::arg("operand"), py::arg("axes"));
  m.def("argmax", &lax_arg_reduce<lax::argmax>, py::arg("operand"), py::arg("axis"), py::arg("index_dtype"));
  m.def("argmin", &lax_arg_reduce<lax::argmin>, py::arg("operand"), py::arg("axis"), py::arg("index_dtype"));
  const auto axis = py::arg("axis") = 0, reverse = py::arg("reverse") = false;
  m.def("cumsum", &lax_cumulative<lax::cumsum>, py::arg("operand"), axis, reverse);
  m.def("cumprod", &lax_cumulative<lax::cumprod>, py::arg("operand"), axis, reverse);
  m.def("cummax", &lax_cumulative<lax::cummax>, py::arg("operand"), axis, reverse);
  m.def("cummin", &lax_cumulative<lax::cummin>, py::arg("operand"), axis, reverse);
  m.def(
      "dot_general",
      [](py::handle lhs, py::handle rhs, py::handle dn, py::handle precision, py::handle preferred) {
        if (!precision.is_none()) not_supported("dot_general precision");
        PySourceScope src;
        return wrap(lax::dot_general(to_value(lhs), to_value(rhs), dot_dnums(dn), opt_dtype(preferred)));
      },
      py::arg("lhs"), py::arg("rhs"), py::arg("dimension_numbers"), py::arg("precision") = py::none(),
      py::arg("preferred_element_type") = py::none());
  m.def(
      "sort",
      [](py::handle operand, int64_t dimension, bool is_stable, int64_t num_keys) -> py::object {
        PySourceScope src;
        if (py::isinstance<py::tuple>(operand) || py::isinstance<py::list>(operand))
          return py::tuple(wrap_all(lax::sort(values(operand), dimension, is_stable, num_keys)));
        return wrap(lax::sort({to_value(operand)}, dimension, is_stable, num_keys)[0]);
      },
      py::arg("operand"), py::arg("dimension") = -1, py::arg("is_stable") = true, py::arg("num_keys") = 1);
}

}  // namespace

void bind_lax(py::module_& m) {
  bind_lax_elementwise(m);
  bind_lax_structural(m);
  bind_lax_reductions(m);
}

}  // namespace jxr::python
