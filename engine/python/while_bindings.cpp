// jaxray.lax's `while` (issue 7, being written).
#include <pybind11/pybind11.h>

namespace py = pybind11;

namespace jxr::python {

void bind_while(py::module_& m) { (void)m; }

}  // namespace jxr::python
