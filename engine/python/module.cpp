// The `jaxray._jaxray` extension: the engine's values, transformations and
// jax.numpy functions for Python. Pytree handling lives in Python
// (jaxray/tree_util.py): the functions here take and return only tuples,
// lists, dicts, None and arrays, which map onto engine Trees one to one.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "engine/core/error.h"
#include "engine/custom_derivatives.h"
#include "engine/jaxpr/print.h"
#include "engine/python/convert.h"
#include "engine/transforms.h"

namespace py = pybind11;

namespace jxr::python {

namespace {

// --- errors ---------------------------------------------------------------

PyObject* g_unexpected_tracer = nullptr;
PyObject* g_concretization = nullptr;

void translate(const Error& e) {
  std::string msg = e.what();
  switch (e.kind()) {
    case ErrorKind::Type:
      if (msg.find("ConcretizationTypeError") != std::string::npos) {
        PyErr_SetString(g_concretization, msg.c_str());
        return;
      }
      PyErr_SetString(PyExc_TypeError, msg.c_str());
      return;
    case ErrorKind::Value:
    case ErrorKind::Parse: PyErr_SetString(PyExc_ValueError, msg.c_str()); return;
    case ErrorKind::Index: PyErr_SetString(PyExc_IndexError, msg.c_str()); return;
    case ErrorKind::NotImplemented: PyErr_SetString(PyExc_NotImplementedError, msg.c_str()); return;
    case ErrorKind::UnexpectedTracer: PyErr_SetString(g_unexpected_tracer, msg.c_str()); return;
    case ErrorKind::Runtime: PyErr_SetString(PyExc_RuntimeError, msg.c_str()); return;
  }
}

// A jitted function: Python callables keep one engine cache per function.
struct PyJitted {
  Jitted jitted;
  py::object call(const py::args& args) const { return from_tree(jitted(to_trees(args))); }
  int trace_count() const { return jitted.trace_count(); }
};

// --- jaxprs for Python: what jax.make_jaxpr returns --------------------------

struct PyShapedArray {
  ShapedArray aval;
};

py::object aval_object(const ShapedArray& a) { return py::cast(PyShapedArray{a}); }

// jax.core.Primitive, Var and Literal: compared by identity, as in JAX, so
// that an equation's outvar is found again among later equations' invars.
struct PyPrimitive {
  const Primitive* prim;
};

struct PyVar {
  VarPtr var;
};

struct PyLiteral {
  Array value;
};

py::object atom_object(const Atom& a) {
  if (a.is_var()) return py::cast(PyVar{a.var()});
  return py::cast(PyLiteral{a.literal()});
}

template <class Seq>
py::list atom_list(const Seq& atoms) {
  py::list out;
  for (const auto& a : atoms) out.append(atom_object(a));
  return out;
}

struct PyEqn {
  const Eqn* eqn;
  std::shared_ptr<const ClosedJaxpr> owner;  // keeps the equation alive
};

struct PyJaxpr {
  std::shared_ptr<const ClosedJaxpr> cj;
  py::list eqns() const {
    py::list out;
    for (const Eqn& e : cj->jaxpr->eqns) out.append(py::cast(PyEqn{&e, cj}));
    return out;
  }
};

struct PyClosedJaxpr {
  std::shared_ptr<const ClosedJaxpr> cj;
  std::string str() const { return print_closed_jaxpr(*cj); }
};

py::object param_object(const Param& p) {
  switch (p.kind()) {
    case Param::Kind::None: return py::none();
    case Param::Kind::Bool: return py::bool_(p.as_bool());
    case Param::Kind::Int: return py::int_(p.as_int());
    case Param::Kind::Float: return py::float_(p.as_float());
    case Param::Kind::DType: return numpy_dtype(p.as_dtype());
    case Param::Kind::Tuple:
    case Param::Kind::List: {
      py::list items;
      for (const Param& q : p.items()) items.append(param_object(q));
      return p.kind() == Param::Kind::Tuple ? py::object(py::tuple(items)) : py::object(items);
    }
    case Param::Kind::Jaxpr: return py::cast(PyClosedJaxpr{p.as_jaxpr()});
    case Param::Kind::Str:
    case Param::Kind::Record:
    case Param::Kind::Opaque: return py::str(p.str());
  }
  return py::none();
}

Tree axes_tree(py::handle spec) {
  if (spec.is_none()) return Tree::none();
  if (py::isinstance<py::int_>(spec)) return axis(spec.cast<int>());
  if (py::isinstance<py::tuple>(spec) || py::isinstance<py::list>(spec)) {
    std::vector<Tree> items;
    for (py::handle h : spec) items.push_back(axes_tree(h));
    return py::isinstance<py::tuple>(spec) ? Tree::tuple(std::move(items)) : Tree::list(std::move(items));
  }
  if (py::isinstance<py::dict>(spec)) {
    std::vector<std::pair<std::string, Tree>> items;
    for (auto kv : spec.cast<py::dict>()) items.emplace_back(py::str(kv.first), axes_tree(kv.second));
    return Tree::dict(std::move(items));
  }
  throw Error(ErrorKind::Value, "vmap axis specifications must be ints, None, or tuples, lists or dicts of them, got " +
                                    std::string(py::str(py::type::of(spec).attr("__name__"))));
}

}  // namespace

void bind_numpy(py::module_& m);
void bind_lax(py::module_& m);
void bind_random(py::module_& m);
void bind_custom(py::module_& m);
void bind_cond(py::module_& m);
void bind_while(py::module_& m);
void bind_scan(py::module_& m);

PYBIND11_MODULE(_jaxray, m) {
  m.doc() = "jaxray engine: arrays, transformations and jax.numpy";
  g_unexpected_tracer =
      PyErr_NewException("jaxray._jaxray.UnexpectedTracerError", PyExc_Exception, nullptr);
  m.attr("UnexpectedTracerError") = py::handle(g_unexpected_tracer);
  g_concretization = PyErr_NewException("jaxray._jaxray.ConcretizationTypeError", PyExc_TypeError, nullptr);
  m.attr("ConcretizationTypeError") = py::handle(g_concretization);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      translate(e);
    }
  });

  bind_array(m);

  py::class_<PyShapedArray>(m, "ShapedArray")
      .def_property_readonly("shape", [](const PyShapedArray& a) { return py::tuple(py::cast(a.aval.shape)); })
      .def_property_readonly("dtype", [](const PyShapedArray& a) { return numpy_dtype(a.aval.dtype); })
      .def_property_readonly("ndim", [](const PyShapedArray& a) { return a.aval.ndim(); })
      .def_property_readonly("size", [](const PyShapedArray& a) { return a.aval.size(); })
      .def_property_readonly("weak_type", [](const PyShapedArray& a) { return a.aval.weak_type; })
      .def(
          "str_short",
          [](const PyShapedArray& a, bool short_dtypes) {
            return short_dtypes ? a.aval.str_short() : a.aval.type_str();
          },
          py::arg("short_dtypes") = false)
      .def("__str__", [](const PyShapedArray& a) { return (a.aval.weak_type ? "~" : "") + a.aval.type_str(); })
      .def("__repr__", [](const PyShapedArray& a) { return a.aval.str(); })
      .def("__eq__", [](const PyShapedArray& a, const PyShapedArray& b) { return a.aval == b.aval; })
      .def("__hash__", [](const PyShapedArray& a) { return py::hash(py::str(a.aval.str())); });

  py::class_<PyPrimitive>(m, "Primitive")
      .def_property_readonly("name", [](const PyPrimitive& p) { return p.prim->name(); })
      .def("__str__", [](const PyPrimitive& p) { return p.prim->name(); })
      .def("__repr__", [](const PyPrimitive& p) { return p.prim->name(); })
      .def("__eq__", [](const PyPrimitive& a, const PyPrimitive& b) { return a.prim == b.prim; })
      .def("__hash__", [](const PyPrimitive& p) { return std::hash<const void*>{}(p.prim); });

  auto var_id = [](const PyVar& v) { return reinterpret_cast<uintptr_t>(v.var.get()); };
  py::class_<PyVar>(m, "Var")
      .def_property_readonly("aval", [](const PyVar& v) { return aval_object(v.var->aval); })
      .def("__repr__",
           [var_id](const PyVar& v) {
             if (v.var->is_drop) return std::string("_");
             return "Var(id=" + std::to_string(var_id(v)) + "):" + v.var->aval.type_str();
           })
      .def("__eq__", [](const PyVar& a, const PyVar& b) { return a.var == b.var; })
      .def("__hash__", var_id);

  py::class_<PyLiteral>(m, "Literal")
      .def_property_readonly("aval", [](const PyLiteral& l) { return aval_object(l.value.aval()); })
      .def_property_readonly("val", [](const PyLiteral& l) { return wrap(l.value).attr("__array__")()[py::tuple()]; })
      .def("__repr__", [](const PyLiteral& l) {
        return "Literal(" + std::string(py::str(wrap(l.value).attr("item")())) + ")";
      });

  py::class_<PyEqn>(m, "JaxprEqn")
      .def_property_readonly("primitive", [](const PyEqn& e) { return PyPrimitive{e.eqn->prim}; })
      .def_property_readonly("params",
                             [](const PyEqn& e) {
                               py::dict d;
                               for (const auto& [k, v] : e.eqn->params.items()) d[py::str(k)] = param_object(v);
                               return d;
                             })
      .def_property_readonly("invars", [](const PyEqn& e) { return atom_list(e.eqn->inputs); })
      .def_property_readonly("outvars", [](const PyEqn& e) { return atom_list(e.eqn->outputs); })
      .def_property_readonly("source_info", [](const PyEqn& e) {
        return py::make_tuple(e.eqn->source.file, e.eqn->source.line, e.eqn->source.function);
      });

  py::class_<PyJaxpr>(m, "Jaxpr")
      .def_property_readonly("eqns", &PyJaxpr::eqns)
      .def_property_readonly("constvars", [](const PyJaxpr& j) { return atom_list(j.cj->jaxpr->constvars); })
      .def_property_readonly("invars", [](const PyJaxpr& j) { return atom_list(j.cj->jaxpr->invars); })
      .def_property_readonly("outvars", [](const PyJaxpr& j) { return atom_list(j.cj->jaxpr->outvars); })
      .def("__str__", [](const PyJaxpr& j) { return print_closed_jaxpr(*j.cj); });

  py::class_<PyClosedJaxpr>(m, "ClosedJaxpr")
      .def("__str__", &PyClosedJaxpr::str)
      .def("__repr__", &PyClosedJaxpr::str)
      .def("pretty_print", &PyClosedJaxpr::str)
      .def_property_readonly("jaxpr", [](const PyClosedJaxpr& c) { return PyJaxpr{c.cj}; })
      .def_property_readonly("eqns", [](const PyClosedJaxpr& c) { return PyJaxpr{c.cj}.eqns(); })
      .def_property_readonly("consts",
                             [](const PyClosedJaxpr& c) {
                               py::list l;
                               for (const Value& v : c.cj->consts) l.append(wrap(v));
                               return l;
                             })
      .def_property_readonly("in_avals",
                             [](const PyClosedJaxpr& c) {
                               py::list l;
                               for (const ShapedArray& a : c.cj->in_avals()) l.append(aval_object(a));
                               return l;
                             })
      .def_property_readonly("out_avals", [](const PyClosedJaxpr& c) {
        py::list l;
        for (const ShapedArray& a : c.cj->out_avals()) l.append(aval_object(a));
        return l;
      });

  // Transformations over Python functions of tuples/lists/dicts of arrays.
  m.def("make_jaxpr", [](py::function f, const py::args& args) {
    return PyClosedJaxpr{std::make_shared<const ClosedJaxpr>(make_jaxpr(tree_fn(std::move(f)), to_trees(args)))};
  });

  py::class_<PyJitted>(m, "Jitted")
      .def("__call__", &PyJitted::call)
      .def("_trace_count", &PyJitted::trace_count);
  m.def(
      "jit",
      [](py::function f, std::string name) {
        JitOptions o;
        o.name = std::move(name);
        return PyJitted{jit(tree_fn(std::move(f)), o)};
      },
      py::arg("f"), py::arg("name") = "<lambda>");

  m.def(
      "value_and_grad",
      [](py::function f, std::vector<int> argnums, bool argnums_tuple, bool has_aux, bool allow_int,
         bool with_value) -> py::object {
        GradOptions o{std::move(argnums), argnums_tuple, has_aux, allow_int};
        TreeFn g = with_value ? value_and_grad(tree_fn(std::move(f)), o) : grad(tree_fn(std::move(f)), o);
        return py::cpp_function([g](const py::args& args) { return from_tree(g(to_trees(args))); });
      },
      py::arg("f"), py::arg("argnums"), py::arg("argnums_tuple"), py::arg("has_aux"), py::arg("allow_int"),
      py::arg("with_value"));

  m.def("jvp", [](py::function f, py::tuple primals, py::tuple tangents) {
    std::vector<Tree> p, t;
    for (py::handle h : primals) p.push_back(to_tree(h));
    for (py::handle h : tangents) t.push_back(to_tree(h));
    auto [out, tout] = jvp(tree_fn(std::move(f)), p, t);
    return py::make_tuple(from_tree(out), from_tree(tout));
  });

  m.def(
      "vjp",
      [](py::function f, py::tuple primals, bool has_aux) {
        std::vector<Tree> p;
        for (py::handle h : primals) p.push_back(to_tree(h));
        VjpResult r = vjp(tree_fn(std::move(f)), p, has_aux);
        auto pull = r.pullback;
        py::object pullback = py::cpp_function([pull](py::handle ct) { return from_trees(pull(to_tree(ct))); });
        return py::make_tuple(from_tree(r.out), pullback, from_tree(r.aux));
      },
      py::arg("f"), py::arg("primals"), py::arg("has_aux") = false);

  m.def("linearize", [](py::function f, py::tuple primals) {
    std::vector<Tree> p;
    for (py::handle h : primals) p.push_back(to_tree(h));
    LinearizeResult r = linearize(tree_fn(std::move(f)), p);
    auto fj = r.f_jvp;
    py::object f_jvp = py::cpp_function([fj](const py::args& ts) { return from_tree(fj(to_trees(ts))); });
    return py::make_tuple(from_tree(r.out), f_jvp);
  });

  auto jac = [](TreeFn (*which)(TreeFn, JacOptions)) {
    return [which](py::function f, std::vector<int> argnums, bool argnums_tuple, bool has_aux) -> py::object {
      JacOptions o{std::move(argnums), argnums_tuple, has_aux};
      TreeFn g = which(tree_fn(std::move(f)), o);
      return py::cpp_function([g](const py::args& args) { return from_tree(g(to_trees(args))); });
    };
  };
  m.def("jacfwd", jac(&jacfwd), py::arg("f"), py::arg("argnums"), py::arg("argnums_tuple"), py::arg("has_aux"));
  m.def("jacrev", jac(&jacrev), py::arg("f"), py::arg("argnums"), py::arg("argnums_tuple"), py::arg("has_aux"));
  m.def("hessian", jac(&hessian), py::arg("f"), py::arg("argnums"), py::arg("argnums_tuple"), py::arg("has_aux"));

  m.def(
      "vmap",
      [](py::function f, py::object in_axes, py::function out_axes_thunk, std::optional<int64_t> axis_size) {
        VmapOptions o;
        o.in_axes = axes_tree(in_axes);
        o.axis_size = axis_size;
        o.out_axes_thunk = [out_axes_thunk]() { return axes_tree(out_axes_thunk()); };
        TreeFn g = vmap(tree_fn(std::move(f)), o);
        return py::cpp_function([g](const py::args& args) { return from_tree(g(to_trees(args))); });
      },
      py::arg("f"), py::arg("in_axes"), py::arg("out_axes_thunk"), py::arg("axis_size") = py::none());

  m.def("checkpoint", [](py::function f) {
    TreeFn g = checkpoint(tree_fn(std::move(f)));
    return py::cpp_function([g](const py::args& args) { return from_tree(g(to_trees(args))); });
  });

  m.def("x64_enabled", &x64_enabled);
  m.def("set_x64_enabled", &set_x64_enabled);

  py::module_ np_mod = m.def_submodule("numpy", "jax.numpy functions of the engine");
  bind_numpy(np_mod);
  py::module_ lax_mod = m.def_submodule("lax", "jax.lax functions of the engine");
  bind_lax(lax_mod);
  bind_cond(lax_mod);
  bind_while(lax_mod);
  bind_scan(lax_mod);
  py::module_ random_mod = m.def_submodule("random", "jax.random samplers of the engine");
  bind_random(random_mod);
  bind_custom(m);
}

}  // namespace jxr::python
