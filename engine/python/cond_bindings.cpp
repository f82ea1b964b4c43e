// jaxray.lax.cond and jaxray.lax.switch: each Python branch is traced once
// as an engine tree function (jxr::lax::cond in engine/control_flow/cond.h).
#include <pybind11/pybind11.h>

#include <algorithm>

#include "engine/control_flow/cond.h"
#include "engine/python/convert.h"

namespace py = pybind11;

namespace jxr::python {

namespace {

// JAX's api_util.fun_sourceinfo: "name at file:line" for functions with
// code, through functools.partial and __wrapped__; "None" otherwise.
std::string sourceinfo(py::handle f) {
  py::object fun = py::reinterpret_borrow<py::object>(f);
  py::object partial = py::module_::import("functools").attr("partial");
  while (py::isinstance(fun, partial)) fun = fun.attr("func");
  fun = py::module_::import("inspect").attr("unwrap")(fun);
  if (!py::hasattr(fun, "__code__") || !py::hasattr(fun, "__name__")) return "None";
  py::object code = fun.attr("__code__");
  return py::str(fun.attr("__name__")).cast<std::string>() + " at " +
         py::str(code.attr("co_filename")).cast<std::string>() + ":" +
         py::str(code.attr("co_firstlineno")).cast<std::string>();
}

// The operands: positional ones, or the single `operand` keyword, as JAX.
std::vector<Tree> operands_of(const py::args& args, const py::kwargs& kwargs) {
  if (kwargs.contains("operand")) {
    if (args.size() != 0)
      throw py::type_error("if 'operand' keyword is passed then no positional operands can be passed, got operand=" +
                           py::repr(kwargs["operand"]).cast<std::string>() + " and positional operands " +
                           py::repr(args).cast<std::string>());
    return {to_tree(kwargs["operand"])};
  }
  for (auto kv : kwargs)
    throw py::type_error("got an unexpected keyword argument '" + py::str(kv.first).cast<std::string>() + "'");
  return to_trees(args);
}

// Branch jaxprs per Python function and input types, kept while the
// function lives (a weak-keyed dict on the lax module), as JAX's trace cache:
// a cond of the same functions at the same types shares the jaxprs, which the
// printer hoists as `let jaxpr = ... in`. A branch that captured a tracer is
// not kept: it belongs to the transformation that was running.
std::function<lax::TracedBranch(size_t, const TreeFn&, const TreeDef&, std::span<const ShapedArray>)> cached_tracer(
    py::handle lax_module, std::vector<py::object> fns) {
  return [lax_module, fns = std::move(fns)](size_t i, const TreeFn& f, const TreeDef& in_def,
                                            std::span<const ShapedArray> avals) {
    std::string key = in_def.str();
    for (const ShapedArray& a : avals) key += " " + a.str_short() + (a.weak_type ? "~" : "");
    py::object cache = lax_module.attr("_branch_jaxprs");
    py::object per_fn;
    try {
      per_fn = cache.attr("setdefault")(fns[i], py::dict());
    } catch (py::error_already_set&) {  // not weakly referenceable: traced every time
      return lax::trace_branch(f, in_def, avals);
    }
    py::dict entries = per_fn.cast<py::dict>();
    if (entries.contains(key.c_str()))
      return *static_cast<lax::TracedBranch*>(entries[key.c_str()].cast<py::capsule>().get_pointer());
    lax::TracedBranch t = lax::trace_branch(f, in_def, avals);
    if (std::none_of(t.jaxpr->consts.begin(), t.jaxpr->consts.end(), [](const Value& c) { return c.is_tracer(); }))
      entries[key.c_str()] = py::capsule(new lax::TracedBranch(t), [](void* p) {
        delete static_cast<lax::TracedBranch*>(p);
      });
    return t;
  };
}

}  // namespace

void bind_cond(py::module_& m) {
  m.attr("_branch_jaxprs") = py::module_::import("weakref").attr("WeakKeyDictionary")();
  py::handle lax_module = m;
  m.def(
      "cond",
      [lax_module](py::object pred, py::object true_fun, py::object false_fun, py::args operands, py::kwargs kwargs) {
        if (!PyCallable_Check(true_fun.ptr()) || !PyCallable_Check(false_fun.ptr())) {
          // JAX still takes the old form cond(pred, true_operand, true_fun,
          // false_operand, false_fun).
          if (PyCallable_Check(false_fun.ptr()) && operands.size() == 2 && PyCallable_Check(operands[1].ptr())) {
            py::object cond = py::module_::import("jaxray.lax").attr("cond");
            py::object f_true = false_fun, f_false = operands[1];
            py::object call_true = py::cpp_function([f_true](py::object x, py::object) { return f_true(x); });
            py::object call_false = py::cpp_function([f_false](py::object, py::object x) { return f_false(x); });
            return cond(pred, call_true, call_false, true_fun, operands[0]);
          }
          throw py::type_error("lax.cond: true_fun and false_fun arguments should be callable.");
        }
        if (pred.is_none()) throw py::type_error("cond predicate is None");
        std::vector<Tree> ops = operands_of(operands, kwargs);
        Value p = to_value(pred);
        lax::CondOptions names{{sourceinfo(true_fun), sourceinfo(false_fun)},
                               cached_tracer(lax_module, {true_fun, false_fun})};
        PySourceScope src;
        Tree out = lax::cond(p, tree_fn(py::reinterpret_borrow<py::function>(true_fun)),
                             tree_fn(py::reinterpret_borrow<py::function>(false_fun)), ops, names);
        return from_tree(out);
      },
      py::arg("pred"), py::arg("true_fun"), py::arg("false_fun"),
      "Conditionally apply true_fun or false_fun to the operands (jax.lax.cond).");
  m.def(
      "switch",
      [lax_module](py::object index, py::object branches, py::args operands, py::kwargs kwargs) {
        std::vector<TreeFn> fns;
        lax::CondOptions names;
        std::vector<py::object> objects;
        for (py::handle b : branches) {
          if (!PyCallable_Check(b.ptr()))
            throw py::type_error("lax.switch: branches argument should be a sequence of callables.");
          fns.push_back(tree_fn(py::reinterpret_borrow<py::function>(b)));
          names.branches.push_back(sourceinfo(b));
          objects.push_back(py::reinterpret_borrow<py::object>(b));
        }
        names.tracer = cached_tracer(lax_module, std::move(objects));
        std::vector<Tree> ops = operands_of(operands, kwargs);
        Value i = to_value(index);
        PySourceScope src;
        return from_tree(lax::switch_(i, fns, ops, names));
      },
      py::arg("index"), py::arg("branches"),
      "Apply the branch chosen by index, clamped into range, to the operands (jax.lax.switch).");
}

}  // namespace jxr::python
