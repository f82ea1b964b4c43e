// jax.numpy functions of the engine for Python (jaxray._jaxray.numpy); the
// pure-Python jaxray.numpy adds dtypes and the pieces best written in Python.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

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

template <Value (*F)(const Value&)>
void unary(py::module_& m, const char* name) {
  m.def(name, [](py::handle x) {
    PySourceScope src;
    return wrap(F(to_value(x)));
  });
}

template <Value (*F)(const Value&, const Value&)>
void binary(py::module_& m, const char* name) {
  m.def(name, [](py::handle x, py::handle y) {
    PySourceScope src;
    return wrap(F(to_value(x), to_value(y)));
  });
}

using Reduction = Value (*)(const Value&, const jnp::Axis&, bool);
template <Reduction F>
void reduction(py::module_& m, const char* name) {
  m.def(
      name,
      [](py::handle x, py::handle axis, bool keepdims) {
        PySourceScope src;
        return wrap(F(to_value(x), to_axis(axis), keepdims));
      },
      py::arg("a"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
}

}  // namespace

void bind_numpy(py::module_& m) {
  binary<jnp::add>(m, "add");
  binary<jnp::subtract>(m, "subtract");
  binary<jnp::multiply>(m, "multiply");
  binary<jnp::divide>(m, "divide");
  binary<jnp::true_divide>(m, "true_divide");
  binary<jnp::floor_divide>(m, "floor_divide");
  binary<jnp::remainder>(m, "remainder");
  binary<jnp::power>(m, "power");
  binary<jnp::maximum>(m, "maximum");
  binary<jnp::minimum>(m, "minimum");
  binary<jnp::equal>(m, "equal");
  binary<jnp::not_equal>(m, "not_equal");
  binary<jnp::less>(m, "less");
  binary<jnp::less_equal>(m, "less_equal");
  binary<jnp::greater>(m, "greater");
  binary<jnp::greater_equal>(m, "greater_equal");
  binary<jnp::logical_and>(m, "logical_and");
  binary<jnp::logical_or>(m, "logical_or");
  binary<jnp::arctan2>(m, "arctan2");
  binary<jnp::dot>(m, "dot");
  binary<jnp::matmul>(m, "matmul");
  binary<jnp::vdot>(m, "vdot");
  binary<jnp::outer>(m, "outer");
  unary<jnp::negative>(m, "negative");
  unary<jnp::exp>(m, "exp");
  unary<jnp::log>(m, "log");
  unary<jnp::log1p>(m, "log1p");
  unary<jnp::expm1>(m, "expm1");
  unary<jnp::sin>(m, "sin");
  unary<jnp::cos>(m, "cos");
  unary<jnp::tan>(m, "tan");
  unary<jnp::arcsin>(m, "arcsin");
  unary<jnp::arccos>(m, "arccos");
  unary<jnp::arctan>(m, "arctan");
  unary<jnp::sinh>(m, "sinh");
  unary<jnp::cosh>(m, "cosh");
  unary<jnp::tanh>(m, "tanh");
  unary<jnp::sqrt>(m, "sqrt");
  unary<jnp::cbrt>(m, "cbrt");
  unary<jnp::abs>(m, "abs");
  unary<jnp::abs>(m, "absolute");
  unary<jnp::sign>(m, "sign");
  unary<jnp::floor>(m, "floor");
  unary<jnp::ceil>(m, "ceil");
  unary<jnp::round>(m, "round");
  unary<jnp::square>(m, "square");
  unary<jnp::reciprocal>(m, "reciprocal");
  unary<jnp::isfinite>(m, "isfinite");
  unary<jnp::isnan>(m, "isnan");
  unary<jnp::logical_not>(m, "logical_not");
  unary<jnp::ravel>(m, "ravel");
  unary<jnp::sigmoid>(m, "_sigmoid");
  unary<jnp::zeros_like>(m, "zeros_like");
  unary<jnp::ones_like>(m, "ones_like");
  reduction<jnp::sum>(m, "sum");
  reduction<jnp::prod>(m, "prod");
  reduction<jnp::max>(m, "max");
  reduction<jnp::min>(m, "min");
  reduction<jnp::mean>(m, "mean");
  reduction<jnp::any>(m, "any");
  reduction<jnp::all_of>(m, "all");
  reduction<jnp::logsumexp>(m, "_logsumexp");

  m.def(
      "argmax",
      [](py::handle x, py::handle axis, bool keepdims) {
        PySourceScope src;
        return wrap(jnp::argmax(to_value(x), opt_axis(axis), keepdims));
      },
      py::arg("a"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
  m.def(
      "argmin",
      [](py::handle x, py::handle axis, bool keepdims) {
        PySourceScope src;
        return wrap(jnp::argmin(to_value(x), opt_axis(axis), keepdims));
      },
      py::arg("a"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
  m.def(
      "cumsum",
      [](py::handle x, py::handle axis) {
        PySourceScope src;
        return wrap(jnp::cumsum(to_value(x), opt_axis(axis)));
      },
      py::arg("a"), py::arg("axis") = py::none());
  m.def(
      "asarray",
      [](py::handle x, py::handle dtype) {
        PySourceScope src;
        return wrap(dtype.is_none() ? to_value(x) : to_value(x, dtype_of(dtype)));
      },
      py::arg("a"), py::arg("dtype") = py::none());
  m.def(
      "zeros", [](py::handle shape, py::handle dtype) { return wrap(jnp::zeros(shape_of(shape), dtype_or(dtype, default_float_dtype()))); },
      py::arg("shape"), py::arg("dtype") = py::none());
  m.def(
      "ones", [](py::handle shape, py::handle dtype) { return wrap(jnp::ones(shape_of(shape), dtype_or(dtype, default_float_dtype()))); },
      py::arg("shape"), py::arg("dtype") = py::none());
  m.def(
      "full",
      [](py::handle shape, double v, py::handle dtype) {
        return wrap(jnp::full(shape_of(shape), v, dtype_or(dtype, default_float_dtype())));
      },
      py::arg("shape"), py::arg("fill_value"), py::arg("dtype") = py::none());
  m.def(
      "arange",
      [](double start, py::handle stop, double step, py::handle dtype) {
        PySourceScope src;
        std::optional<DType> d;
        if (!dtype.is_none()) d = dtype_of(dtype);
        if (stop.is_none()) return wrap(jnp::arange(0, start, step, d));
        return wrap(jnp::arange(start, stop.cast<double>(), step, d));
      },
      py::arg("start"), py::arg("stop") = py::none(), py::arg("step") = 1, py::arg("dtype") = py::none());
  m.def(
      "eye", [](int64_t n, py::handle dtype) { return wrap(jnp::eye(n, std::nullopt, 0, dtype_or(dtype, default_float_dtype()))); },
      py::arg("N"), py::arg("dtype") = py::none());
  m.def("reshape", [](py::handle x, py::handle shape) {
    PySourceScope src;
    return wrap(jnp::reshape(to_value(x), shape_of(shape)));
  });
  m.def(
      "transpose",
      [](py::handle x, py::handle axes) {
        PySourceScope src;
        if (axes.is_none()) return wrap(jnp::transpose(to_value(x)));
        return wrap(jnp::transpose(to_value(x), axes.cast<std::vector<int64_t>>()));
      },
      py::arg("a"), py::arg("axes") = py::none());
  m.def("expand_dims", [](py::handle x, py::handle axis) {
    PySourceScope src;
    return wrap(jnp::expand_dims(to_value(x), to_axis(axis)));
  });
  m.def(
      "squeeze",
      [](py::handle x, py::handle axis) {
        PySourceScope src;
        return wrap(jnp::squeeze(to_value(x), to_axis(axis)));
      },
      py::arg("a"), py::arg("axis") = py::none());
  m.def("where", [](py::handle c, py::handle x, py::handle y) {
    PySourceScope src;
    return wrap(jnp::where(to_value(c), to_value(x), to_value(y)));
  });
  m.def(
      "clip",
      [](py::handle x, py::handle lo, py::handle hi) {
        PySourceScope src;
        std::optional<Value> l, h;
        if (!lo.is_none()) l = to_value(lo);
        if (!hi.is_none()) h = to_value(hi);
        return wrap(jnp::clip(to_value(x), l, h));
      },
      py::arg("a"), py::arg("a_min") = py::none(), py::arg("a_max") = py::none());
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
  m.def("einsum", [](std::string spec, const py::args& operands) {
    PySourceScope src;
    return wrap(jnp::einsum(spec, values(operands)));
  });
}

void bind_lax(py::module_& m) {
  binary<lax::add>(m, "add");
  binary<lax::sub>(m, "sub");
  binary<lax::mul>(m, "mul");
  binary<lax::div>(m, "div");
  binary<lax::max>(m, "max");
  binary<lax::min>(m, "min");
  binary<lax::pow>(m, "pow");
  unary<lax::neg>(m, "neg");
  unary<lax::sin>(m, "sin");
  unary<lax::cos>(m, "cos");
  unary<lax::exp>(m, "exp");
  unary<lax::log>(m, "log");
  unary<lax::tanh>(m, "tanh");
  unary<lax::logistic>(m, "logistic");
  unary<lax::sqrt>(m, "sqrt");
  unary<lax::rsqrt>(m, "rsqrt");
  unary<lax::stop_gradient>(m, "stop_gradient");
  m.def("integer_pow", [](py::handle x, int64_t y) {
    PySourceScope src;
    return wrap(lax::integer_pow(to_value(x), y));
  });
}

}  // namespace jxr::python
