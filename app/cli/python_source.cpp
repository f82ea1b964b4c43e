// The embedded interpreter: one per process, started on first use.
#include "app/cli/python_source.h"

#include <pybind11/embed.h>
#include <pybind11/functional.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include "engine/jaxpr/parse.h"

namespace py = pybind11;

namespace jxr::cli {

namespace {

constexpr const char* kSetup = R"(
import sys
sys.path.insert(0, jaxray_path)
import jaxray, jaxray.compat
jaxray.compat.install()
)";

// What the script's function traces to, as plain Python objects.
constexpr const char* kTraceFunction = R"(
import json, runpy, jaxray
import numpy as np
scope = runpy.run_path(script_path, run_name="__jaxray_record__")
if fn_name not in scope or not callable(scope[fn_name]):
    raise NameError(f"{script_path} defines no function {fn_name!r}")
closed = jaxray.make_jaxpr(scope[fn_name])(*[np.asarray(a) for a in json.loads(args_json)])
text = str(closed)
consts = [np.ascontiguousarray(np.asarray(c)).tobytes() for c in closed.consts]
sources = [e.source_info for e in closed.eqns]
)";

// The script as a module, then its call traced. The arguments come back as
// bytes in the dtypes of the program's inputs. A failure leaves `line`: the
// last line of the script in the traceback (a SyntaxError's own line).
constexpr const char* kTraceCall = R"(
import ast, io, sys, traceback, jaxray
import numpy as np

class _Sink:
    def __init__(self, write): self._write = write
    def write(self, s):
        self._write(s)
        return len(s)
    def flush(self): pass

def _trace():
    scope = {"__name__": "__jaxray__", "__file__": file_name, "__builtins__": __builtins__}
    exec(compile(source, file_name, "exec"), scope)
    tree = ast.parse(call_text, "<call>", mode="eval")
    if not isinstance(tree.body, ast.Call):
        raise SyntaxError(f"the call to trace must call a function, as in f(x); got {call_text!r}")
    if tree.body.keywords or any(isinstance(a, ast.Starred) for a in tree.body.args):
        raise SyntaxError("the call to trace takes positional arguments only")
    def value(node):
        return eval(compile(ast.Expression(node), "<call>", "eval"), scope)
    fn = value(tree.body.func)
    args = [value(a) for a in tree.body.args]
    closed = jaxray.make_jaxpr(fn)(*args)
    leaves = jaxray.tree_util.tree_leaves(args)
    arg_bytes = [np.ascontiguousarray(np.asarray(x, dtype=a.dtype)).tobytes()
                 for x, a in zip(leaves, closed.in_avals)]
    consts = [np.ascontiguousarray(np.asarray(c)).tobytes() for c in closed.consts]
    return str(closed), consts, [e.source_info for e in closed.eqns], arg_bytes

def _line_of(e):
    if isinstance(e, SyntaxError) and e.filename == file_name and e.lineno:
        return e.lineno
    lines = [f.lineno for f in traceback.extract_tb(e.__traceback__) if f.filename == file_name]
    return lines[-1] if lines else 0

_package = jaxray.__file__.rsplit("/", 1)[0]

def _format(e):
    # The script's frames (and the call's), not this code's or jaxray's.
    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if f.filename != "<string>" and not f.filename.startswith(_package)]
    head = "Traceback (most recent call last):\n" + "".join(traceback.format_list(frames)) if frames else ""
    return head + "".join(traceback.format_exception_only(type(e), e))

# No terminal to read from: input() meets the end of its input at once.
saved = sys.stdin, sys.stdout, sys.stderr
sys.stdin, sys.stdout, sys.stderr = io.StringIO(), _Sink(write_out), _Sink(write_err)
try:
    result = _trace()
    failure = None
except BaseException as e:
    result = None
    failure = (_format(e), _line_of(e))
finally:
    sys.stdin, sys.stdout, sys.stderr = saved
)";

// A namespace of its own for each piece of code run.
py::dict fresh_scope() {
  py::dict scope;
  scope["__builtins__"] = py::module_::import("builtins");
  return scope;
}

// Starts the interpreter and imports jaxray, then gives up the GIL for
// good: every entry point takes it for its duration.
void ensure_interpreter() {
  static std::once_flag once;
  std::call_once(once, [] {
    // No signal handlers: Ctrl+C stays the host program's.
    py::initialize_interpreter(false);
    {
      const char* env = std::getenv("JAXRAY_PYTHONPATH");
      py::dict scope = fresh_scope();
      scope["jaxray_path"] = env && *env ? env : JAXRAY_PYTHON_PATH;
      py::exec(kSetup, scope);
    }
    PyEval_SaveThread();
  });
}

std::string python_error(const py::error_already_set& e) {
  try {
    py::object lines = py::module_::import("traceback").attr("format_exception")(e.type(), e.value(), e.trace());
    return py::str("").attr("join")(lines).cast<std::string>();
  } catch (const py::error_already_set&) {
    return e.what();
  }
}

// The program of a printed jaxpr, with its constants' bytes and the
// equations' source info put back.
ClosedJaxpr rebuild(const std::string& text, const std::vector<std::string>& const_bytes,
                    const std::vector<SourceInfo>& sources, const std::string& what) {
  ClosedJaxpr parsed;
  try {
    parsed = parse_jaxpr(text, "<make_jaxpr(" + what + ")>");
  } catch (const ParseError& e) {
    throw Error(ErrorKind::Value, "the jaxpr of " + what + " does not parse back: " + e.what() + "\n" + text);
  }
  Jaxpr j = *parsed.jaxpr;
  if (const_bytes.size() != j.constvars.size() || sources.size() != j.eqns.size())
    throw Error(ErrorKind::Runtime, "the printed jaxpr of " + what + " does not match its trace");
  for (size_t i = 0; i < sources.size(); ++i) j.eqns[i].source = sources[i];
  std::vector<Value> consts;
  for (size_t i = 0; i < const_bytes.size(); ++i) {
    Array a = Array::allocate(j.constvars[i]->aval);
    if (a.nbytes() != const_bytes[i].size())
      throw Error(ErrorKind::Runtime, "constant " + std::to_string(i) + " of " + what + " has " +
                                          std::to_string(const_bytes[i].size()) + " bytes, its type " +
                                          j.constvars[i]->aval.str_short() + " needs " + std::to_string(a.nbytes()));
    std::memcpy(a.mutable_raw(), const_bytes[i].data(), const_bytes[i].size());
    consts.emplace_back(std::move(a));
  }
  return ClosedJaxpr{std::make_shared<const Jaxpr>(std::move(j)), std::move(consts)};
}

std::vector<SourceInfo> source_infos(py::handle list) {
  std::vector<SourceInfo> sources;
  for (py::handle s : list) {
    auto [file, line, function] = s.cast<std::tuple<std::string, int, std::string>>();
    sources.push_back({file, line, function});
  }
  return sources;
}

// The thread running trace_python_call (Python's ident, 0: none) and a
// count of runs, so that a late interrupt never reaches the next run.
std::atomic<unsigned long> running_thread{0};
std::atomic<uint64_t> run_count{0};

}  // namespace

ClosedJaxpr trace_python_function(const std::string& script_path, const std::string& fn,
                                  const std::string& args_json) {
  ensure_interpreter();
  py::gil_scoped_acquire gil;
  py::dict scope = fresh_scope();
  scope["script_path"] = script_path;
  scope["fn_name"] = fn;
  scope["args_json"] = args_json;
  std::string text;
  std::vector<std::string> const_bytes;
  std::vector<SourceInfo> sources;
  try {
    py::exec(kTraceFunction, scope);
    text = scope["text"].cast<std::string>();
    for (py::handle b : scope["consts"]) const_bytes.push_back(b.cast<std::string>());
    sources = source_infos(scope["sources"]);
  } catch (const py::error_already_set& e) {
    throw Error(ErrorKind::Value, "Python raised while tracing " + fn + " in " + script_path + ":\n" + python_error(e));
  }
  return rebuild(text, const_bytes, sources, fn);
}

TracedCall trace_python_call(const std::string& source, const std::string& file, const std::string& call,
                             const PythonOutput& output) {
  ensure_interpreter();
  py::gil_scoped_acquire gil;
  py::dict scope = fresh_scope();
  scope["source"] = source;
  scope["file_name"] = file;
  scope["call_text"] = call;
  auto forward = [](const std::function<void(const std::string&)>& to) {
    return py::cpp_function([to](const std::string& s) {
      if (to) to(s);
    });
  };
  scope["write_out"] = forward(output.out);
  scope["write_err"] = forward(output.err);

  const unsigned long me = PyThread_get_thread_ident();
  ++run_count;
  running_thread = me;
  try {
    py::exec(kTraceCall, scope);
  } catch (const py::error_already_set& e) {
    running_thread = 0;
    PyThreadState_SetAsyncExc(me, nullptr);
    throw PythonError(python_error(e), 0);
  }
  // Under the GIL, so an interrupt either landed in the script or finds no run.
  running_thread = 0;
  PyThreadState_SetAsyncExc(me, nullptr);

  if (!scope["failure"].is_none()) {
    auto [message, line] = scope["failure"].cast<std::tuple<std::string, int>>();
    throw PythonError(message, line);
  }
  auto [text, consts, sources, arg_bytes] = scope["result"].cast<std::tuple<std::string, py::list, py::list, py::list>>();
  std::vector<std::string> const_bytes;
  for (py::handle b : consts) const_bytes.push_back(b.cast<std::string>());
  TracedCall traced{rebuild(text, const_bytes, source_infos(sources), call), {}};
  const std::vector<ShapedArray> in = traced.program.in_avals();
  if (arg_bytes.size() != in.size())
    throw Error(ErrorKind::Runtime, call + " has " + std::to_string(arg_bytes.size()) + " array arguments, its jaxpr " +
                                        std::to_string(in.size()) + " inputs");
  for (size_t i = 0; i < in.size(); ++i) {
    const std::string bytes = arg_bytes[i].cast<std::string>();
    Array a = Array::allocate(in[i]);
    if (a.nbytes() != bytes.size())
      throw Error(ErrorKind::Runtime, "argument " + std::to_string(i) + " of " + call + " does not fit " +
                                          in[i].str_short());
    std::memcpy(a.mutable_raw(), bytes.data(), bytes.size());
    traced.args.push_back(std::move(a));
  }
  return traced;
}

void interrupt_python() {
  const unsigned long target = running_thread;
  if (!target) return;
  const uint64_t run = run_count;
  // Taking the GIL waits for the script to yield it: never on the caller's thread.
  std::thread([target, run] {
    py::gil_scoped_acquire gil;
    if (running_thread == target && run_count == run)
      PyThreadState_SetAsyncExc(target, PyExc_KeyboardInterrupt);
  }).detach();
}

}  // namespace jxr::cli
