// Conversions between Python objects and engine values, and the Array type.
#pragma once

#include <pybind11/pybind11.h>

#include <optional>

#include "engine/api.h"
#include "engine/core/trace.h"
#include "engine/numpy/numpy.h"
#include "engine/pytree.h"

namespace jxr::python {

// jax.Array: a concrete array or a tracer, one Python type for both as in JAX.
struct PyArray {
  Value value;
};

pybind11::object wrap(const Value& v);
// An Array, a Python scalar (weak-typed, as JAX), a numpy array or scalar,
// or a nested list: the engine value (64-bit types canonicalized unless x64).
Value to_value(pybind11::handle h, std::optional<DType> dtype = std::nullopt);
// A value handed to a call (jit, custom rules, jnp functions JAX jits) as an
// argument: to_value, except that a Python float remembers its double, which
// JAX prints for such an operand (Array::python_float).
Value to_call_arg(pybind11::handle h);
// Tuples, lists, dicts and None as tree nodes, anything else a leaf
// (converted by to_call_arg).
Tree to_tree(pybind11::handle h);
pybind11::object from_tree(const Tree& t);
// Every item of a Python sequence as a tree, and trees as a Python tuple.
std::vector<Tree> to_trees(pybind11::handle seq);
pybind11::tuple from_trees(const std::vector<Tree>& ts);

// A Python callable held by engine objects (custom rules, jit caches, the
// jaxprs they keep). Those can outlive the interpreter in static caches; a
// reference still held then is leaked, as it cannot be released without
// Python.
class PyCallable {
 public:
  explicit PyCallable(pybind11::function f);
  template <typename... Args>
  pybind11::object operator()(Args&&... args) const {
    return (*f_)(std::forward<Args>(args)...);
  }

 private:
  std::shared_ptr<pybind11::function> f_;
};

// f as an engine function of trees: one Python argument per tree.
TreeFn tree_fn(pybind11::function f);

// numpy's axis argument: None (all axes), an int or a sequence of ints.
jnp::Axis to_axis(pybind11::handle axis);

DType dtype_of(pybind11::handle dtype);  // a numpy dtype, a type such as jnp.float32, or a name
pybind11::object numpy_dtype(DType d);

// Sets the current equation source to the innermost Python frame outside the
// jaxray package while something is being traced (a no-op when eager).
class PySourceScope {
 public:
  PySourceScope();
  ~PySourceScope();
  PySourceScope(const PySourceScope&) = delete;
  PySourceScope& operator=(const PySourceScope&) = delete;

 private:
  std::optional<SourceScope> scope_;
};

void bind_array(pybind11::module_& m);

}  // namespace jxr::python
