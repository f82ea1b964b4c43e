// The embedded interpreter: one per process, started on first use.
#include "app/cli/python_source.h"

#include <pybind11/embed.h>

#include <cstdlib>
#include <cstring>

#include "engine/core/error.h"
#include "engine/jaxpr/parse.h"

namespace py = pybind11;

namespace jxr::cli {

namespace {

// What the script's function traces to, as plain Python objects.
constexpr const char* kTrace = R"(
import json, runpy, sys
sys.path.insert(0, jaxray_path)
import jaxray, jaxray.compat
jaxray.compat.install()
import numpy as np
scope = runpy.run_path(script_path, run_name="__jaxray_record__")
if fn_name not in scope or not callable(scope[fn_name]):
    raise NameError(f"{script_path} defines no function {fn_name!r}")
closed = jaxray.make_jaxpr(scope[fn_name])(*[np.asarray(a) for a in json.loads(args_json)])
text = str(closed)
consts = [np.ascontiguousarray(np.asarray(c)).tobytes() for c in closed.consts]
sources = [e.source_info for e in closed.eqns]
)";

std::string python_error(const py::error_already_set& e) {
  try {
    py::object lines = py::module_::import("traceback").attr("format_exception")(e.type(), e.value(), e.trace());
    return py::str("").attr("join")(lines).cast<std::string>();
  } catch (const py::error_already_set&) {
    return e.what();
  }
}

}  // namespace

ClosedJaxpr trace_python_function(const std::string& script_path, const std::string& fn,
                                  const std::string& args_json) {
  static py::scoped_interpreter interpreter;
  const char* env = std::getenv("JAXRAY_PYTHONPATH");
  py::dict scope;
  scope["jaxray_path"] = env && *env ? env : JAXRAY_PYTHON_PATH;
  scope["script_path"] = script_path;
  scope["fn_name"] = fn;
  scope["args_json"] = args_json;
  std::string text;
  std::vector<std::string> const_bytes;
  std::vector<SourceInfo> sources;
  try {
    py::exec(kTrace, scope);
    text = scope["text"].cast<std::string>();
    for (py::handle b : scope["consts"]) const_bytes.push_back(b.cast<std::string>());
    for (py::handle s : scope["sources"]) {
      auto [file, line, function] = s.cast<std::tuple<std::string, int, std::string>>();
      sources.push_back({file, line, function});
    }
  } catch (const py::error_already_set& e) {
    throw Error(ErrorKind::Value, "Python raised while tracing " + fn + " in " + script_path + ":\n" + python_error(e));
  }
  ClosedJaxpr parsed;
  try {
    parsed = parse_jaxpr(text, "<make_jaxpr(" + fn + ")>");
  } catch (const ParseError& e) {
    throw Error(ErrorKind::Value, "the jaxpr of " + fn + " does not parse back: " + e.what() + "\n" + text);
  }
  Jaxpr j = *parsed.jaxpr;
  if (const_bytes.size() != j.constvars.size() || sources.size() != j.eqns.size())
    throw Error(ErrorKind::Runtime, "the printed jaxpr of " + fn + " does not match its trace");
  for (size_t i = 0; i < sources.size(); ++i) j.eqns[i].source = sources[i];
  std::vector<Value> consts;
  for (size_t i = 0; i < const_bytes.size(); ++i) {
    Array a = Array::allocate(j.constvars[i]->aval);
    if (a.nbytes() != const_bytes[i].size())
      throw Error(ErrorKind::Runtime, "constant " + std::to_string(i) + " of " + fn + " has " +
                                          std::to_string(const_bytes[i].size()) + " bytes, its type " +
                                          j.constvars[i]->aval.str_short() + " needs " + std::to_string(a.nbytes()));
    std::memcpy(a.mutable_raw(), const_bytes[i].data(), const_bytes[i].size());
    consts.emplace_back(std::move(a));
  }
  return ClosedJaxpr{std::make_shared<const Jaxpr>(std::move(j)), std::move(consts)};
}

}  // namespace jxr::cli
