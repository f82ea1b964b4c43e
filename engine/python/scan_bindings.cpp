// jaxray.lax.scan and jaxray.lax.map: the Python callable is traced once as
// an engine tree function (jxr::lax::scan in engine/control_flow/scan.h).
#include <pybind11/pybind11.h>

#include <algorithm>

#include "engine/control_flow/scan.h"
#include "engine/python/convert.h"

namespace py = pybind11;

namespace jxr::python {

namespace {

// JAX's `unroll`: a bool means fully unrolled (True, max(length, 1)) or
// rolled (False, 1).
int64_t unroll_of(py::handle unroll, const Tree& xs, std::optional<int64_t> length) {
  if (!py::isinstance<py::bool_>(unroll)) return unroll.cast<int64_t>();
  if (!unroll.cast<bool>()) return 1;
  int64_t n = length.value_or(0);
  if (!length) {
    std::vector<Value> leaves = tree_leaves(xs);
    if (!leaves.empty() && leaves[0].aval().ndim() > 0) n = leaves[0].aval().shape[0];
  }
  return std::max<int64_t>(n, 1);
}

// The name of f's first parameter, which JAX's carry errors use; empty when
// f has no inspectable signature.
std::string first_parameter(py::handle f) {
  try {
    py::object params = py::module_::import("inspect").attr("signature")(f).attr("parameters");
    for (py::handle name : params) return name.cast<std::string>();
  } catch (const py::error_already_set&) {
  }
  return {};
}

// Scan bodies per Python function and input structures and types, kept
// while the function lives (a weak-keyed dict on the lax module), as JAX's
// trace cache: scans of the same function at the same types share one body,
// which the printer hoists as `let jaxpr = ... in`. A body that captured a
// tracer is not kept: it belongs to the transformation that was running.
lax::ScanPreparer cached_preparer(py::handle lax_module, py::handle f) {
  return [lax_module, fn = py::reinterpret_borrow<py::object>(f)](
             const TreeDef& init_def, const TreeDef& xs_def, std::span<const ShapedArray> init_avals,
             std::span<const ShapedArray> x_avals,
             const std::function<std::shared_ptr<const lax::PreparedScan>()>& trace) {
    std::string key = init_def.str() + " " + xs_def.str();
    for (auto avals : {init_avals, x_avals})
      for (const ShapedArray& a : avals) key += " " + a.str_short() + (a.weak_type ? "~" : "");
    py::object per_fn;
    try {
      per_fn = lax_module.attr("_scan_bodies").attr("setdefault")(fn, py::dict());
    } catch (py::error_already_set&) {  // not weakly referenceable: traced every time
      return trace();
    }
    py::dict entries = per_fn.cast<py::dict>();
    using Kept = std::shared_ptr<const lax::PreparedScan>;
    if (entries.contains(key.c_str())) return *static_cast<Kept*>(entries[key.c_str()].cast<py::capsule>().get_pointer());
    Kept ps = trace();
    if (std::none_of(ps->consts.begin(), ps->consts.end(), [](const Value& c) { return c.is_tracer(); }))
      entries[key.c_str()] = py::capsule(new Kept(ps), [](void* p) { delete static_cast<Kept*>(p); });
    return ps;
  };
}

}  // namespace

void bind_scan(py::module_& m) {
  m.attr("_scan_bodies") = py::module_::import("weakref").attr("WeakKeyDictionary")();
  py::handle lax_module = m;
  m.def(
      "scan",
      [lax_module](py::object fn, py::object init, py::object xs, py::object length, bool reverse, py::object unroll) {
        if (!PyCallable_Check(fn.ptr())) throw py::type_error("lax.scan: f argument should be a callable.");
        auto f = py::reinterpret_borrow<py::function>(fn);
        Tree init_t = to_tree(init), xs_t = to_tree(xs);
        std::optional<int64_t> n;
        if (!length.is_none()) n = length.cast<int64_t>();
        int64_t u = unroll_of(unroll, xs_t, n);
        std::string carry_name = first_parameter(f);
        PySourceScope src;
        lax::ScanPreparer preparer = cached_preparer(lax_module, f);
        auto [carry, ys] = lax::scan(tree_fn(std::move(f)), init_t, xs_t, n, reverse, u, carry_name, preparer);
        return py::make_tuple(from_tree(carry), from_tree(ys));
      },
      py::arg("f"), py::arg("init"), py::arg("xs") = py::none(), py::arg("length") = py::none(),
      py::arg("reverse") = false, py::arg("unroll") = 1,
      "Scan a function over leading array axes while carrying along state (jax.lax.scan).");
  m.def(
      "map",
      [](py::function f, py::object xs) {
        Tree xs_t = to_tree(xs);
        PySourceScope src;
        return from_tree(lax::map(tree_fn(std::move(f)), xs_t));
      },
      py::arg("f"), py::arg("xs"), "Map a function over leading array axes (jax.lax.map).");
}

}  // namespace jxr::python
