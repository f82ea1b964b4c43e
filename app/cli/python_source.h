// JAX-style Python scripts traced by the jaxray package in an embedded
// interpreter: `jaxray-cli record SCRIPT.py --fn NAME` and the desktop app's
// script editor. Built only where CMake finds Python's embedding library
// (JAXRAY_HAVE_PYTHON).
//
// One interpreter serves the whole process, started on first use from
// whichever thread gets there first and never finalized; each call takes the
// GIL for its duration, so any thread may trace (one at a time).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/jaxpr/jaxpr.h"

namespace jxr::cli {

// Runs `script_path` (with `jaxray.compat.install()` first, so that
// `import jax.numpy as jnp` gets jaxray) and returns
// `jaxray.make_jaxpr(NAME)(*args)`, each argument `numpy.asarray` of an
// entry of the JSON list `args_json`. The jaxpr goes through its printed
// text and the engine's parser (the Python module keeps its ClosedJaxpr to
// itself), so it gets back its constants from `.consts` and its top-level
// equations the script's file and line from `.eqns[i].source_info`.
//
// The jaxray package is imported from JAXRAY_PYTHONPATH when that is set,
// else from the build's python directory. Throws jxr::Error with the Python
// traceback when the script or the tracing raises.
ClosedJaxpr trace_python_function(const std::string& script_path, const std::string& fn,
                                  const std::string& args_json);

// What a script raised: the formatted traceback and the line of `file`
// (the script) where it happened, 0 when no frame of the script is in it.
class PythonError : public Error {
 public:
  PythonError(std::string message, int line) : Error(ErrorKind::Value, std::move(message)), line_(line) {}
  int line() const { return line_; }

 private:
  int line_;
};

struct PythonOutput {
  std::function<void(const std::string&)> out, err;  // sys.stdout and sys.stderr while the script runs
};

struct TracedCall {
  ClosedJaxpr program;
  std::vector<Array> args;  // the call's arguments flattened, as the program's inputs
};

// Runs the script `source` (named `file` in tracebacks and source info) as
// a module, then traces `call` (`f(jnp.arange(3.0), 2.0)`: a call of one of
// its functions on Python expressions evaluated in its namespace) with
// jaxray.make_jaxpr, returning the program and the argument values. Throws
// PythonError when the script or the call raises (KeyboardInterrupt after
// interrupt_python), jxr::Error when `call` is not a call.
TracedCall trace_python_call(const std::string& source, const std::string& file, const std::string& call,
                             const PythonOutput& output);

// Raises KeyboardInterrupt in the script that trace_python_call is running,
// if any, as soon as it runs Python code again (a loop in Python at once; a
// long engine operation when it returns). Returns at once from any thread.
void interrupt_python();

}  // namespace jxr::cli
