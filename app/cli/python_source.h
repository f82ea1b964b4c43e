// `jaxray-cli record SCRIPT.py --fn NAME`: the jaxpr of a function in a
// Python script, traced by the jaxray package in an embedded interpreter.
// Built only where CMake finds Python's embedding library
// (JAXRAY_HAVE_PYTHON).
#pragma once

#include <string>

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

}  // namespace jxr::cli
