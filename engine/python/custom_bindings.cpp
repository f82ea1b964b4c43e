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

// A Python callable held by an engine rule. Rules live in jaxprs, which the
// engine's static caches can keep past the interpreter's end; a reference
// still held then is leaked, as it cannot be released without Python.
class PyCallable {
 public:
  explicit PyCallable(py::function f) : f_(new py::function(std::move(f)), release) {}
  template <typename... Args>
  py::object operator()(Args&&... args) const {
    return (*f_)(std::forward<Args>(args)...);
  }

 private:
  static void release(py::function* f) {
#if PY_VERSION_HEX >= 0x030D0000
    if (!Py_IsInitialized() || Py_IsFinalizing()) f->release();
#else
    if (!Py_IsInitialized() || _Py_IsFinalizing()) f->release();
#endif
    delete f;
  }
  std::shared_ptr<py::function> f_;
};

std::vector<Tree> trees(py::handle seq) {
  std::vector<Tree> out;
  for (py::handle h : seq) out.push_back(to_tree(h));
  return out;
}

py::tuple tuple_of(const std::vector<Tree>& ts) {
  py::tuple t(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) t[i] = from_tree(ts[i]);
  return t;
}

TreeFn leaf_fn(py::function f) {
  return [f = PyCallable(std::move(f))](const std::vector<Tree>& args) { return to_tree(f(*tuple_of(args))); };
}

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
    CustomJvp call(leaf_fn(std::move(f)), std::move(name));
    call.defjvp(
        [jvp = PyCallable(std::move(jvp))](const std::vector<Tree>& primals, const std::vector<Tree>& tangents) {
          return pair_of(jvp(tuple_of(primals), tuple_of(tangents)));
        },
        std::move(jvp_name));
    PySourceScope src;
    return from_tree(call(trees(args)));
  });

  // fwd(*args) -> (outputs, residuals); bwd(residuals, output cotangents) ->
  // one cotangent per argument, all tuples of leaves.
  m.def("custom_vjp_call", [](py::function f, py::function fwd, py::function bwd, py::tuple args,
                              std::string name, std::string fwd_name, std::string bwd_name) {
    CustomVjp call(leaf_fn(std::move(f)), std::move(name));
    call.defvjp([fwd = PyCallable(std::move(fwd))](const std::vector<Tree>& xs) { return pair_of(fwd(*tuple_of(xs))); },
                [bwd = PyCallable(std::move(bwd))](const Tree& res, const Tree& ct) {
                  return trees(bwd(from_tree(res), from_tree(ct)));
                },
                std::move(fwd_name), std::move(bwd_name));
    PySourceScope src;
    return from_tree(call(trees(args)));
  });
}

}  // namespace jxr::python
