// Python <-> engine values, and the Array type with numpy's operators.
#include "engine/python/convert.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <Python.h>
#include <frameobject.h>

#include <cstring>

#include "engine/core/error.h"
#include "engine/numpy/numpy.h"

namespace py = pybind11;

namespace jxr::python {

namespace {

// Never destroyed: a static py::object would be released after the
// interpreter has finalized.
py::module_& numpy_module() {
  static py::module_* np = new py::module_(py::module_::import("numpy"));
  return *np;
}

const char* buffer_format(DType d) {
  switch (d) {
    case DType::Bool: return "?";
    case DType::I32: return "i";
    case DType::I64: return "q";
    case DType::U32: return "I";
    case DType::F16: return "e";
    case DType::F32: return "f";
    case DType::F64: return "d";
    case DType::BF16: return nullptr;  // numpy has no bfloat16
  }
  return nullptr;
}

Value from_numpy(py::handle h, std::optional<DType> want) {
  py::array a = numpy_module().attr("asarray")(h);
  std::string name = py::str(a.dtype().attr("name"));
  std::optional<DType> d = dtype_from_name(name);
  if (!d) {
    std::string kind = py::str(a.dtype().attr("kind"));
    if (kind.find_first_of("biufc") == std::string::npos)
      throw Error(ErrorKind::Type, "Value " + std::string(py::repr(h)) + " with dtype " +
                                       std::string(py::str(a.dtype())) +
                                       " is not a valid JAX array type. Only arrays of numeric types are supported by JAX.");
    throw Error(ErrorKind::Type, "jaxray: arrays of dtype " + name +
                                     " are not supported (it has bool, int32, int64, uint32, float16, bfloat16, "
                                     "float32 and float64)");
  }
  // numpy's default float64/int64 canonicalize to 32 bits, as JAX does
  // unless x64 is on.
  DType target = want ? *want : canonicalize_dtype(*d);
  // ascontiguousarray makes 0-d arrays 1-d: the shape is the original's.
  py::array c = numpy_module().attr("ascontiguousarray")(a);
  Shape shape(a.shape(), a.shape() + a.ndim());
  Array raw = Array::allocate(ShapedArray{shape, *d, false});
  if (raw.nbytes()) std::memcpy(raw.mutable_raw(), c.data(), raw.nbytes());
  return target == *d ? raw : raw.astype(target);
}

std::vector<jnp::Index> to_index(py::handle idx) {
  std::vector<jnp::Index> out;
  auto one = [&](py::handle h) {
    if (h.is_none()) {
      out.push_back(jnp::newaxis);
    } else if (h.is(py::ellipsis())) {
      out.push_back(jnp::ellipsis);
    } else if (py::isinstance<py::slice>(h)) {
      auto get = [&](const char* attr) -> std::optional<int64_t> {
        py::object v = h.attr(attr);
        if (v.is_none()) return std::nullopt;
        return v.cast<int64_t>();
      };
      out.push_back(jnp::Slice{get("start"), get("stop"), get("step")});
    } else if (py::isinstance<py::int_>(h) && !py::isinstance<py::bool_>(h)) {
      out.push_back(jnp::Index(h.cast<int64_t>()));
    } else {
      Value v = to_value(h);
      if (v.dtype() != DType::Bool || v.ndim() == 0) {
        out.push_back(jnp::Index(v));
        return;
      }
      // x[mask] is x[mask.nonzero()]: its shape depends on the mask's values,
      // so (as in JAX) only a concrete mask can index.
      if (v.is_tracer())
        throw Error(ErrorKind::Index, "Array boolean indices must be concrete; got " + v.aval().type_str() +
                                          " (NonConcreteBooleanIndexError: use jnp.where(mask, x, 0) under a "
                                          "transformation)");
      for (py::handle nz : numpy_module().attr("nonzero")(wrap(v))) out.push_back(jnp::Index(to_value(nz)));
    }
  };
  if (py::isinstance<py::tuple>(idx))
    for (py::handle h : idx) one(h);
  else
    one(idx);
  return out;
}


using Binary = Value (*)(const Value&, const Value&);

// Operands an Array's operators take; for anything else (None, strings,
// lists) they return NotImplemented so that Python tries the other operand,
// as JAX's operators do.
bool operand_like(py::handle b) {
  return py::isinstance<PyArray>(b) || PyBool_Check(b.ptr()) || PyLong_Check(b.ptr()) || PyFloat_Check(b.ptr()) ||
         py::isinstance(b, numpy_module().attr("generic")) || py::isinstance(b, numpy_module().attr("ndarray"));
}

template <Binary F>
py::object binop(const PyArray& a, py::handle b) {
  if (!operand_like(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  PySourceScope src;
  return wrap(F(a.value, to_value(b)));
}

using Unary = Value (*)(const Value&);

template <Unary F>
py::object unop(const PyArray& a) {
  PySourceScope src;
  return wrap(F(a.value));
}

template <Binary F>
py::object rbinop(const PyArray& a, py::handle b) {
  if (!operand_like(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
  PySourceScope src;
  return wrap(F(to_value(b), a.value));
}

// x.at and x.at[idx]: JAX's functional index updates.
struct PyAt {
  Value x;
};
struct PyAtRef {
  Value x;
  py::object idx;
};

// What x[idx] spans when idx holds only ints, unit-step slices and at most
// one Ellipsis: its start, and its shape with the int axes kept as size 1.
struct Window {
  std::vector<int64_t> start;
  Shape shape, taken_shape;  // taken_shape: x[idx].shape
  bool partial = false;      // some slice leaves out part of its axis
};

std::optional<Window> basic_window(const Value& x, py::handle idx) {
  py::tuple items = py::isinstance<py::tuple>(idx) ? py::reinterpret_borrow<py::tuple>(idx) : py::make_tuple(idx);
  int64_t consumed = 0, ellipses = 0;
  for (py::handle h : items) {
    if (h.is(py::ellipsis())) ++ellipses;
    else if (py::isinstance<py::slice>(h) || (py::isinstance<py::int_>(h) && !py::isinstance<py::bool_>(h))) ++consumed;
    else return std::nullopt;
  }
  if (ellipses > 1 || consumed > x.ndim()) return std::nullopt;  // the engine's indexing reports these
  Window w;
  size_t axis = 0;
  auto whole_axes = [&](int64_t count) {
    for (; count > 0; --count, ++axis) {
      w.start.push_back(0);
      w.shape.push_back(x.shape()[axis]);
      w.taken_shape.push_back(x.shape()[axis]);
    }
  };
  for (py::handle h : items) {
    if (h.is(py::ellipsis())) {
      whole_axes(x.ndim() - consumed);
      continue;
    }
    const int64_t n = x.shape()[axis++];
    if (py::isinstance<py::slice>(h)) {
      py::ssize_t start = 0, stop = 0, step = 0, len = 0;
      if (!py::reinterpret_borrow<py::slice>(h).compute(n, &start, &stop, &step, &len)) throw py::error_already_set();
      if (step != 1) return std::nullopt;
      w.partial = w.partial || len != n;
      w.start.push_back(start);
      w.shape.push_back(len);
      w.taken_shape.push_back(len);
    } else {
      int64_t i = h.cast<int64_t>();
      if (i < -n || i >= n) return std::nullopt;
      w.start.push_back(i < 0 ? i + n : i);
      w.shape.push_back(1);
    }
  }
  whole_axes(x.ndim() - static_cast<int64_t>(axis));
  return w;
}

using Combine = Value (*)(const Value&, const Value&);

// The window's new values written back with dynamic_update_slice (JAX emits a
// scatter; the values are the same since a window's indices are unique).
Value window_update(const Value& x, const Window& w, const Value& u, Combine combine) {
  Value upd = jnp::broadcast_to(jnp::detail::convert(u, x.dtype(), x.weak_type()), w.taken_shape);
  upd = jnp::reshape(upd, w.shape);
  if (combine) {
    std::vector<int64_t> limit(w.start.size());
    for (size_t a = 0; a < limit.size(); ++a) limit[a] = w.start[a] + w.shape[a];
    upd = combine(lax::slice(x, w.start, limit), upd);
  }
  std::vector<Value> starts;
  for (int64_t s : w.start) starts.push_back(Array::scalar(static_cast<double>(s), DType::I32));
  return lax::dynamic_update_slice(x, upd, starts);
}

using AtScatter = Value (*)(const Value&, const std::vector<jnp::Index>&, const Value&);

// x.at[idx].<op>(values): the engine's scatter where it has one and the index
// allows (the jaxpr JAX stages), else the window update of a basic index.
template <AtScatter Scatter, Combine C>
py::object at_update(const PyAtRef& r, py::handle values) {
  PySourceScope src;
  Value u = to_value(values);
  std::optional<Window> w = basic_window(r.x, r.idx);
  if constexpr (Scatter == nullptr) {
    if (!w)
      throw Error(ErrorKind::NotImplemented,
                  "x.at[...].multiply/min/max with array indices is not supported by jaxray: its engine has no "
                  "scatter-mul/min/max primitive (ints and unit-step slices are supported)");
    return wrap(window_update(r.x, *w, u, C));
  } else {
    if (w && w->partial) return wrap(window_update(r.x, *w, u, C));
    return wrap(Scatter(r.x, to_index(r.idx), u));
  }
}

void bind_at(py::module_& m) {
  py::class_<PyAt>(m, "_IndexUpdateHelper").def("__getitem__", [](const PyAt& a, py::object idx) {
    return PyAtRef{a.x, std::move(idx)};
  });
  py::class_<PyAtRef>(m, "_IndexUpdateRef")
      .def("get",
           [](const PyAtRef& r) {
             PySourceScope src;
             return wrap(jnp::at_get(r.x, to_index(r.idx)));
           })
      .def("set", &at_update<jnp::at_set, nullptr>, py::arg("values"))
      .def("add", &at_update<jnp::at_add, lax::add>, py::arg("values"))
      .def("multiply", &at_update<nullptr, lax::mul>, py::arg("values"))
      .def("mul", &at_update<nullptr, lax::mul>, py::arg("values"))
      .def("min", &at_update<nullptr, lax::min>, py::arg("values"))
      .def("max", &at_update<nullptr, lax::max>, py::arg("values"));
}

}  // namespace

py::object wrap(const Value& v) { return py::cast(PyArray{v}); }

jnp::Axis to_axis(py::handle axis) {
  if (axis.is_none()) return {};
  if (py::isinstance<py::int_>(axis)) return jnp::Axis(axis.cast<int64_t>());
  return jnp::Axis(axis.cast<std::vector<int64_t>>());
}

Value to_value(py::handle h, std::optional<DType> dtype) {
  if (py::isinstance<PyArray>(h)) {
    const Value& v = h.cast<const PyArray&>().value;
    // An explicit dtype also makes a weak-typed value strong, as in JAX.
    return dtype && (*dtype != v.dtype() || v.weak_type()) ? jnp::astype(v, *dtype) : v;
  }
  // Only Python's own scalars are weakly typed: numpy's np.float64 is a
  // subclass of float but an array of its dtype, as in JAX.
  if (!dtype && PyBool_Check(h.ptr())) return jnp::weak(h.cast<bool>());
  if (!dtype && PyLong_CheckExact(h.ptr())) return jnp::weak(h.cast<int64_t>());
  if (!dtype && PyFloat_CheckExact(h.ptr())) return jnp::weak(h.cast<double>());
  return from_numpy(h, dtype);
}

Tree to_tree(py::handle h) {
  if (h.is_none()) return Tree::none();
  if (py::isinstance<py::tuple>(h) || py::isinstance<py::list>(h)) {
    std::vector<Tree> items;
    for (py::handle c : h) items.push_back(to_tree(c));
    return py::isinstance<py::tuple>(h) ? Tree::tuple(std::move(items)) : Tree::list(std::move(items));
  }
  if (py::isinstance<py::dict>(h)) {
    std::vector<std::pair<std::string, Tree>> items;
    for (auto kv : h.cast<py::dict>()) items.emplace_back(py::str(kv.first), to_tree(kv.second));
    return Tree::dict(std::move(items));
  }
  return Tree(to_call_arg(h));
}

Value to_call_arg(py::handle h) {
  if (PyFloat_CheckExact(h.ptr())) return Array::python_float(h.cast<double>());
  return to_value(h);
}

py::object from_tree(const Tree& t) {
  switch (t.kind()) {
    case Tree::Kind::Leaf: return wrap(t.leaf());
    case Tree::Kind::None: return py::none();
    case Tree::Kind::Static: return py::str(t.static_param().str());
    case Tree::Kind::Tuple:
    case Tree::Kind::List: {
      py::list items;
      for (const Tree& c : t.children()) items.append(from_tree(c));
      return t.kind() == Tree::Kind::Tuple ? py::object(py::tuple(items)) : py::object(items);
    }
    case Tree::Kind::Dict: {
      py::dict d;
      for (size_t i = 0; i < t.keys().size(); ++i) d[py::str(t.keys()[i])] = from_tree(t.children()[i]);
      return d;
    }
  }
  return py::none();
}

std::vector<Tree> to_trees(py::handle seq) {
  std::vector<Tree> out;
  for (py::handle h : seq) out.push_back(to_tree(h));
  return out;
}

py::tuple from_trees(const std::vector<Tree>& ts) {
  py::tuple t(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) t[i] = from_tree(ts[i]);
  return t;
}

namespace {
void release_callable(py::function* f) {
#if PY_VERSION_HEX >= 0x030D0000
  if (!Py_IsInitialized() || Py_IsFinalizing()) f->release();
#else
  if (!Py_IsInitialized() || _Py_IsFinalizing()) f->release();
#endif
  delete f;
}
}  // namespace

PyCallable::PyCallable(py::function f) : f_(new py::function(std::move(f)), release_callable) {}

TreeFn tree_fn(py::function f) {
  return [f = PyCallable(std::move(f))](const std::vector<Tree>& args) { return to_tree(f(*from_trees(args))); };
}

DType dtype_of(py::handle dtype) {
  std::string name = py::str(numpy_module().attr("dtype")(dtype).attr("name"));
  std::optional<DType> d = dtype_from_name(name);
  if (!d) throw Error(ErrorKind::Type, "jaxray: dtype " + name + " is not supported");
  return canonicalize_dtype(*d);
}

py::object numpy_dtype(DType d) {
  if (d == DType::BF16) return py::str("bfloat16");
  return numpy_module().attr("dtype")(std::string(dtype_name(d)));
}

PySourceScope::PySourceScope() {
  if (current_trace() == eval_trace()) return;
  PyFrameObject* frame = PyEval_GetFrame();  // borrowed
  Py_XINCREF(frame);
  while (frame) {
    PyCodeObject* code = PyFrame_GetCode(frame);
    std::string file = py::str(code->co_filename);
    std::string fn = py::str(code->co_name);
    Py_DECREF(code);
    // The first frame outside the jaxray package is the user's.
    if (file.find("/jaxray/") == std::string::npos) {
      scope_.emplace(SourceInfo{file, PyFrame_GetLineNumber(frame), fn});
      Py_DECREF(frame);
      return;
    }
    PyFrameObject* back = PyFrame_GetBack(frame);
    Py_DECREF(frame);
    frame = back;
  }
}

PySourceScope::~PySourceScope() = default;

void bind_array(py::module_& m) {
  bind_at(m);
  py::class_<PyArray>(m, "Array", py::buffer_protocol())
      .def_buffer([](PyArray& a) -> py::buffer_info {
        const Array& arr = a.value.array();
        const char* fmt = buffer_format(arr.dtype());
        if (!fmt) throw Error(ErrorKind::Type, "bfloat16 arrays have no buffer format; convert with astype first");
        std::vector<py::ssize_t> shape(arr.shape().begin(), arr.shape().end()), strides(shape.size());
        py::ssize_t item = static_cast<py::ssize_t>(dtype_size(arr.dtype())), s = item;
        for (size_t i = shape.size(); i-- > 0;) {
          strides[i] = s;
          s *= shape[i];
        }
        return py::buffer_info(const_cast<void*>(arr.raw()), item, fmt, static_cast<py::ssize_t>(shape.size()),
                               shape, strides, /*readonly=*/true);
      })
      .def_property_readonly("shape", [](const PyArray& a) { return py::tuple(py::cast(a.value.shape())); })
      .def_property_readonly("dtype", [](const PyArray& a) { return numpy_dtype(a.value.dtype()); })
      .def_property_readonly("ndim", [](const PyArray& a) { return a.value.ndim(); })
      .def_property_readonly("size", [](const PyArray& a) { return a.value.size(); })
      .def_property_readonly("weak_type", [](const PyArray& a) { return a.value.weak_type(); })
      .def_property_readonly("aval_str", [](const PyArray& a) { return a.value.aval().str_short(); })
      .def_property_readonly("is_tracer", [](const PyArray& a) { return a.value.is_tracer(); })
      .def_property_readonly("T", [](const PyArray& a) { return wrap(jnp::transpose(a.value)); })
      .def_property_readonly("at", [](const PyArray& a) { return PyAt{a.value}; })
      .def("__len__",
           [](const PyArray& a) {
             if (a.value.ndim() == 0) throw Error(ErrorKind::Type, "len() of unsized object");
             return a.value.shape()[0];
           })
      .def("__array__",
           [](const PyArray& a, py::object dtype) {
             const Array& arr = a.value.array();
             py::object out = numpy_module().attr("array")(
                 py::memoryview(arr.dtype() == DType::BF16 ? py::cast(PyArray{arr.astype(DType::F32)})
                                                           : py::cast(PyArray{arr})));
             return dtype.is_none() ? out : out.attr("astype")(dtype);
           },
           py::arg("dtype") = py::none())
      .def("item", [](const PyArray& a) { return numpy_module().attr("asarray")(py::cast(a)).attr("item")(); })
      .def("tolist", [](const PyArray& a) { return numpy_module().attr("asarray")(py::cast(a)).attr("tolist")(); })
      .def("block_until_ready", [](py::object self) { return self; })
      .def("__add__", &binop<jnp::add>)
      .def("__radd__", &rbinop<jnp::add>)
      .def("__sub__", &binop<jnp::subtract>)
      .def("__rsub__", &rbinop<jnp::subtract>)
      .def("__mul__", &binop<jnp::multiply>)
      .def("__rmul__", &rbinop<jnp::multiply>)
      .def("__truediv__", &binop<jnp::true_divide>)
      .def("__rtruediv__", &rbinop<jnp::true_divide>)
      .def("__floordiv__", &binop<jnp::floor_divide>)
      .def("__rfloordiv__", &rbinop<jnp::floor_divide>)
      .def("__mod__", &binop<jnp::remainder>)
      .def("__rmod__", &rbinop<jnp::remainder>)
      .def("__pow__", &binop<jnp::power>)
      .def("__rpow__", &rbinop<jnp::power>)
      .def("__matmul__", &binop<jnp::matmul>)
      .def("__rmatmul__", &rbinop<jnp::matmul>)
      .def("__lt__", &binop<jnp::less>)
      .def("__le__", &binop<jnp::less_equal>)
      .def("__gt__", &binop<jnp::greater>)
      .def("__ge__", &binop<jnp::greater_equal>)
      .def("__eq__", &binop<jnp::equal>)
      .def("__ne__", &binop<jnp::not_equal>)
      .def("__and__", &binop<jnp::bitwise_and>)
      .def("__or__", &binop<jnp::bitwise_or>)
      .def("__xor__", &binop<jnp::bitwise_xor>)
      .def("__rand__", &rbinop<jnp::bitwise_and>)
      .def("__ror__", &rbinop<jnp::bitwise_or>)
      .def("__rxor__", &rbinop<jnp::bitwise_xor>)
      .def("__neg__", &unop<jnp::negative>)
      .def("__pos__", [](const PyArray& a) { return wrap(a.value); })
      .def("__abs__", &unop<jnp::abs>)
      .def("__invert__", &unop<jnp::invert>)
      .def("__getitem__",
           [](const PyArray& a, py::handle idx) {
             PySourceScope src;
             return wrap(jnp::index(a.value, to_index(idx)));
           })
      .def("__bool__", [](const PyArray& a) { return a.value.array().item(0) != 0; })
      .def("__float__", [](const PyArray& a) { return a.value.array().item(0); })
      .def("__int__", [](const PyArray& a) { return static_cast<int64_t>(a.value.array().item(0)); })
      .def("__hash__", [](const PyArray&) -> py::int_ { throw Error(ErrorKind::Type, "unhashable type: 'Array'"); })
      .def("reshape",
           [](const PyArray& a, const py::args& shape) {
             PySourceScope src;
             std::vector<int64_t> s;
             if (shape.size() == 1 && !py::isinstance<py::int_>(shape[0]))
               s = shape[0].cast<std::vector<int64_t>>();
             else
               for (py::handle h : shape) s.push_back(h.cast<int64_t>());
             return wrap(jnp::reshape(a.value, s));
           })
      .def("astype",
           [](const PyArray& a, py::handle dtype) {
             PySourceScope src;
             return wrap(jnp::astype(a.value, dtype_of(dtype)));
           })
      .def("transpose",
           [](const PyArray& a, const py::args& axes) {
             PySourceScope src;
             if (axes.size() == 0) return wrap(jnp::transpose(a.value));
             std::vector<int64_t> p;
             if (axes.size() == 1 && !py::isinstance<py::int_>(axes[0]))
               p = axes[0].cast<std::vector<int64_t>>();
             else
               for (py::handle h : axes) p.push_back(h.cast<int64_t>());
             return wrap(jnp::transpose(a.value, p));
           })
      .def("dot", [](const PyArray& a, py::handle b) {
        PySourceScope src;
        return wrap(jnp::dot(a.value, to_value(b)));
      });
  m.attr("Array").attr("__array_priority__") = 100;
}

}  // namespace jxr::python
