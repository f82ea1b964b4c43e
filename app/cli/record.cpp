// `jaxray-cli record`: options, the program's source, default seeds, and
// the trace rows for the program and its jaxpr; the run itself is
// trace::record_run's.
#include "app/cli/record.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/cli/json_values.h"
#include "app/cli/transform.h"
#include "engine/core/error.h"
#include "engine/jaxpr/parse.h"
#include "engine/jaxpr/print.h"
#include "trace_store/recorder.h"
#include "trace_store/trace_reader.h"
#ifdef JAXRAY_HAVE_PYTHON
#include "app/cli/python_source.h"
#endif

namespace jxr::cli {

const char* const kRecordUsage = R"(usage: jaxray-cli record SOURCE [--fn NAME] --args JSON [--mode eval|jvp|vjp]
                         [--transform CHAIN] [--axis-size N] [--max-value-bytes N] -o FILE

Steps a program to the end and records every step with its values into the
trace FILE (created, or appended to when it is a trace already).

SOURCE is a jaxpr text file, or a Python script (.py) with --fn NAME: the
script runs with jaxray standing in for jax (`import jax.numpy as jnp` works)
and NAME's jaxpr is traced at the arguments.

options:
  --fn NAME              the function of a Python SOURCE to record
  --args JSON            a JSON list with one entry per input, as `jaxpr eval`
                         takes it (for a script: each entry numpy.asarray'd)
  --mode eval|jvp|vjp    eval (the default); jvp with tangents of ones for the
                         floating inputs; vjp with output cotangents of ones
                         for the floating outputs
  --transform CHAIN      record the transformed program: grad, vmap,
                         grad(vmap(f)), jvp(f) ... (vmap maps axis 0 of every
                         input, grad takes argnum 0; see jaxpr transform)
  --axis-size N          batch size --transform's vmap expects (default 2)
  --max-value-bytes N    values larger than N bytes keep statistics only
  -o FILE                the trace to write
  -h, --help             show this help

exit status: 0 recorded, 1 bad input (unreadable or unparsable source, bad
--args, a Python exception, a failing transformation or run), 2 bad usage.
)";

namespace {

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "jaxray-cli: record: %s\n(see jaxray-cli record --help)\n", msg.c_str());
  return 2;
}

struct Options {
  std::string source, fn, args_json, out, chain;
  bool have_args = false;
  StepMode mode = StepMode::Eval;
  TransformSpec spec;
  std::optional<int64_t> max_value_bytes;
};

std::optional<int64_t> parse_count(const std::string& s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// Fills `o` from the arguments; an error message for bad usage.
std::optional<std::string> parse_options(const std::vector<std::string>& args, Options& o) {
  std::optional<std::string> axis_size;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i], value;
    // `--opt VALUE` and `--opt=VALUE` alike.
    auto takes_value = [&](const std::string& name) {
      if (a == name) {
        if (i + 1 >= args.size()) throw std::invalid_argument(name + " needs a value");
        value = args[++i];
        return true;
      }
      if (a.rfind(name + "=", 0) == 0) {
        value = a.substr(name.size() + 1);
        return true;
      }
      return false;
    };
    try {
      if (takes_value("--fn")) {
        o.fn = value;
      } else if (takes_value("--args")) {
        o.args_json = value;
        o.have_args = true;
      } else if (takes_value("--mode")) {
        if (value == "eval") o.mode = StepMode::Eval;
        else if (value == "jvp") o.mode = StepMode::Jvp;
        else if (value == "vjp") o.mode = StepMode::Vjp;
        else return "unknown --mode '" + value + "' (eval, jvp or vjp)";
      } else if (takes_value("--transform")) {
        o.chain = value;
      } else if (takes_value("--axis-size")) {
        axis_size = value;
      } else if (takes_value("--max-value-bytes")) {
        o.max_value_bytes = parse_count(value);
        if (!o.max_value_bytes) return "malformed --max-value-bytes '" + value + "': expected a non-negative int";
      } else if (takes_value("-o") || takes_value("--output")) {
        o.out = value;
      } else if (a.size() > 1 && a[0] == '-') {
        return "unknown option '" + a + "'";
      } else if (o.source.empty()) {
        o.source = a;
      } else {
        return "unexpected argument '" + a + "'";
      }
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
  }
  if (o.source.empty()) return "record needs a SOURCE";
  if (!o.have_args) return "record needs --args JSON";
  if (o.out.empty()) return "record needs -o FILE";
  bool python = std::filesystem::path(o.source).extension() == ".py";
  if (python && o.fn.empty()) return "a Python SOURCE needs --fn NAME";
  if (!python && !o.fn.empty()) return "--fn applies to a Python SOURCE (.py) only";
  if (axis_size) {
    std::optional<int64_t> n = parse_count(*axis_size);
    if (!n) return "malformed --axis-size '" + *axis_size + "': expected a non-negative int";
    o.spec.axis_size = *n;
  }
  if (!o.chain.empty())
    if (auto err = parse_transform_chain(o.chain, &o.spec)) return err;
  return std::nullopt;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Value, "cannot open '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int run_record(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "-h" || a == "--help") {
      std::fputs(kRecordUsage, stdout);
      return 0;
    }
  Options o;
  if (auto err = parse_options(args, o)) return usage_error(*err);

  bool python = !o.fn.empty();
  std::string source_text = read_text(o.source);
  std::string fn = python ? o.fn : std::filesystem::path(o.source).stem().string();
  ClosedJaxpr program;
  if (python) {
#ifdef JAXRAY_HAVE_PYTHON
    program = trace_python_function(o.source, o.fn, o.args_json);
#else
    throw Error(ErrorKind::Value, "this jaxray-cli was built without Python: it records jaxpr text files only");
#endif
  } else {
    try {
      program = parse_jaxpr(source_text, o.source);
    } catch (const ParseError& e) {
      throw Error(ErrorKind::Value, o.source + ":" + e.what());
    }
  }
  if (!o.spec.steps.empty()) {
    try {
      program = transform_jaxpr(program, o.spec);
    } catch (const TransformError& e) {
      throw Error(e.kind(), "--transform " + o.chain + ": " + e.flag() + ": " + e.what());
    }
  }

  std::vector<Array> arrays;
  for (const Value& v : parse_json_args(o.args_json, program.in_avals())) arrays.push_back(v.array());
  std::vector<Array> seeds = ones_seeds(program, o.mode);

  trace::WriterOptions wo;
  wo.max_value_bytes = o.max_value_bytes;
  std::string chain = o.spec.steps.empty() ? fn : chain_text(o.spec, fn);
  int64_t run_id = 0;
  {
    trace::TraceWriter writer(o.out, wo);
    int64_t program_id =
        writer.add_program(fn, source_text, python ? trace::Language::Python : trace::Language::Jaxpr);
    int64_t jaxpr_id = writer.add_jaxpr(program_id, chain, print_closed_jaxpr(program), trace::equation_rows(program));
    nlohmann::ordered_json inputs = {{"args", nlohmann::json::parse(o.args_json)}};
    if (o.mode != StepMode::Eval) inputs["seeds"] = "ones";
    run_id = trace::record_run(writer, jaxpr_id, program, o.mode, std::move(arrays), std::move(seeds), inputs.dump());
  }
  size_t steps = trace::TraceReader(o.out).steps(run_id).size();
  std::printf("%s: run %lld of %s (%s): %zu steps\n", o.out.c_str(), static_cast<long long>(run_id),
              chain.c_str(), to_string(o.mode), steps);
  return 0;
}

}  // namespace jxr::cli
