// jaxray.lax's `cond` (issue 7, being written).
#include <pybind11/pybind11.h>

namespace py = pybind11;

namespace jxr::python {

void bind_cond(py::module_& m) { (void)m; }

}  // namespace jxr::python
