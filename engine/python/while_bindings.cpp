// jaxray.lax.while_loop and jaxray.lax.fori_loop: the engine's lax::while_loop
// and lax::fori_loop with Python callables and pytree carries.
#include <pybind11/pybind11.h>

#include "engine/control_flow/while_loop.h"
#include "engine/core/error.h"
#include "engine/python/convert.h"

namespace py = pybind11;

namespace jxr::python {

namespace {

// The name of f's first parameter, which JAX's carry type errors use ("the
// input carry component c[1] ..."); "" when f has no inspectable signature.
std::string first_parameter(const py::object& f) {
  try {
    py::object params = py::module_::import("inspect").attr("signature")(f).attr("parameters");
    for (py::handle name : params) return py::str(name);
  } catch (const py::error_already_set&) {
  }
  return "";
}

}  // namespace

void bind_while(py::module_& m) {
  m.def(
      "while_loop",
      [](py::object cond_fun, py::object body_fun, py::object init_val) {
        if (!PyCallable_Check(body_fun.ptr()) || !PyCallable_Check(cond_fun.ptr()))
          throw_type_error("lax.while_loop: body_fun and cond_fun arguments should be callable.");
        std::string carry_name = first_parameter(body_fun);
        PySourceScope src;
        return from_tree(lax::while_loop(tree_fn(py::reinterpret_borrow<py::function>(cond_fun)),
                                         tree_fn(py::reinterpret_borrow<py::function>(body_fun)), to_tree(init_val),
                                         carry_name));
      },
      py::arg("cond_fun"), py::arg("body_fun"), py::arg("init_val"),
      "Call body_fun on the carry while cond_fun holds (jax.lax.while_loop).");
  m.def(
      "fori_loop",
      [](py::object lower, py::object upper, py::object body_fun, py::object init_val, py::object unroll) {
        if (!PyCallable_Check(body_fun.ptr()))
          throw_type_error("lax.fori_loop: body_fun argument should be callable.");
        // None and False: one iteration per step; True: fully unrolled.
        std::optional<int64_t> u;
        if (py::isinstance<py::bool_>(unroll)) u = unroll.cast<bool>() ? 0 : 1;
        else if (!unroll.is_none()) u = unroll.cast<int64_t>();
        PySourceScope src;
        return from_tree(lax::fori_loop(to_value(lower), to_value(upper),
                                        tree_fn(py::reinterpret_borrow<py::function>(body_fun)), to_tree(init_val),
                                        u));
      },
      py::arg("lower"), py::arg("upper"), py::arg("body_fun"), py::arg("init_val"), py::kw_only(),
      py::arg("unroll") = py::none(),
      "body_fun(i, x) for i from lower to upper - 1 (jax.lax.fori_loop): a scan when both bounds are concrete, "
      "else a while_loop (which reverse mode cannot differentiate).");
}

}  // namespace jxr::python
