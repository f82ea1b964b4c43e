// jax.random's engine samplers for Python (jaxray._jaxray.random). Keys are
// raw uint32[2] arrays, as jax.random.PRNGKey returns them; jaxray/random.py
// normalizes JAX's arguments (shapes, dtypes, defaults) and composes the
// samplers the engine has no function for.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>

#include "engine/numpy/random.h"
#include "engine/python/convert.h"

namespace py = pybind11;

namespace jxr::python {

namespace {

// A sampler of (key, shape, extra...) staged with the user's source line.
template <typename... Extra>
auto sampler(Value (*f)(const Value&, const Shape&, Extra...)) {
  return [f](py::handle key, const std::vector<int64_t>& shape, Extra... extra) {
    PySourceScope src;
    return wrap(f(to_value(key), shape, extra...));
  };
}

// jax.random.truncated_normal for scalar bounds, computed as JAX does: a
// uniform sample between the erf images of the bounds, mapped back through
// erf_inv and clamped into the open interval (lower, upper).
Value truncated_normal(const Value& key, const Shape& shape, double lower, double upper) {
  Value sqrt2 = Array::scalar(std::sqrt(2.0), DType::F32);
  Value lo = Array::scalar(lower, DType::F32), hi = Array::scalar(upper, DType::F32);
  double a = 0, b = 0;
  {
    // The bounds are constants: their images are too, even under a trace.
    TraceScope eager(eval_trace());
    a = lax::erf(lax::div(lo, sqrt2)).array().item(0);
    b = lax::erf(lax::div(hi, sqrt2)).array().item(0);
  }
  Value out = lax::mul(sqrt2, lax::erf_inv(random::uniform(key, shape, a, b)));
  const double inf = std::numeric_limits<double>::infinity();
  return lax::clamp(lax::nextafter(lo, Array::scalar(inf, DType::F32)), out,
                    lax::nextafter(hi, Array::scalar(-inf, DType::F32)));
}

}  // namespace

void bind_random(py::module_& m) {
  m.def("PRNGKey", [](int64_t seed) { return wrap(random::PRNGKey(seed)); });
  m.def("split", [](py::handle key, int64_t num) {
    PySourceScope src;
    return wrap(random::split(to_value(key), num));
  });
  m.def("fold_in", [](py::handle key, uint32_t data) {
    PySourceScope src;
    return wrap(random::fold_in(to_value(key), data));
  });
  m.def("bits", sampler(&random::bits));
  m.def("uniform", sampler<double, double>(&random::uniform));
  m.def("normal", sampler(&random::normal));
  m.def("bernoulli", [](py::handle key, double p, const std::vector<int64_t>& shape) {
    PySourceScope src;
    return wrap(random::bernoulli(to_value(key), p, shape));
  });
  m.def("randint", sampler<int64_t, int64_t>(&random::randint));
  m.def("truncated_normal", sampler<double, double>(&truncated_normal));
  m.def("permutation", [](py::handle key, py::handle x) {
    PySourceScope src;
    if (py::isinstance<py::int_>(x)) return wrap(random::permutation(to_value(key), x.cast<int64_t>()));
    return wrap(random::permutation(to_value(key), to_value(x)));
  });
}

}  // namespace jxr::python
