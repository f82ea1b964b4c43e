// jax.custom_jvp and jax.custom_vjp for Python: one call of the engine's
// CustomJvp / CustomVjp. jaxray/_custom.py flattens the user's pytrees and
// closes over nondiff arguments, so every function here takes and returns
// tuples of leaves, which are engine trees one to one.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "engine/custom_derivatives.h"
#include "engine/python/convert.h"

namespace py = pybind11;

namespace jxr::python {

namespace {

// A Python function's (a, b) result as engine trees.
std::pair<Tree, Tree> pair_of(py::handle result) {
  py::tuple pair = py::reinterpret_borrow<py::tuple>(result);
  return {to_tree(pair[0]), to_tree(pair[1])};
}

}  // namespace

void bind_custom(py::module_& m) {
  // jvp(primals, tangents) -> (outputs, output tangents), all tuples of leaves.
  m.def("custom_jvp_call", [](py::function f, py::function jvp, py::tuple args, std::string name,
                              std::string jvp_name) {
    CustomJvp call(tree_fn(std::move(f)), std::move(name));
    call.defjvp(
        [jvp = PyCallable(std::move(jvp))](const std::vector<Tree>& primals, const std::vector<Tree>& tangents) {
          return pair_of(jvp(from_trees(primals), from_trees(tangents)));
        },
        std::move(jvp_name));
    PySourceScope src;
    return from_tree(call(to_trees(args)));
  });

  // fwd(*args) -> (outputs, residuals); bwd(residuals, output cotangents) ->
  // one cotangent per argument, all tuples of leaves.
  m.def("custom_vjp_call", [](py::function f, py::function fwd, py::function bwd, py::tuple args,
                              std::string name, std::string fwd_name, std::string bwd_name) {
    CustomVjp call(tree_fn(std::move(f)), std::move(name));
    call.defvjp([fwd = PyCallable(std::move(fwd))](const std::vector<Tree>& xs) { return pair_of(fwd(*from_trees(xs))); },
                [bwd = PyCallable(std::move(bwd))](const Tree& res, const Tree& ct) {
                  return to_trees(bwd(from_tree(res), from_tree(ct)));
                },
                std::move(fwd_name), std::move(bwd_name));
    PySourceScope src;
    return from_tree(call(to_trees(args)));
  });
}

}  // namespace jxr::python
