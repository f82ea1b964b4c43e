// jaxray-cli: the headless face of jaxray. Sub-commands print, evaluate and
// demonstrate jaxprs; see `jaxray-cli --help` and README.md.
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/demos.h"
#include "app/cli/diff.h"
#include "app/cli/export.h"
#include "app/cli/jaxpr_source.h"
#include "app/cli/json_values.h"
#include "app/cli/record.h"
#include "app/cli/trace_commands.h"
#include "app/cli/transform.h"
#include "engine/core/error.h"
#include "engine/jaxpr/jaxpr.h"
#include "engine/jaxpr/print.h"

namespace {

constexpr const char* kUsage = R"(usage: jaxray-cli <command> [options]

commands:
  jaxpr print FILE               parse a jaxpr text file (or - for stdin), check it,
                                 and print it canonically, as JAX prints it
  jaxpr eval FILE --args JSON    evaluate a jaxpr; JSON is a list with one entry per
                                 input (a number or nested list, converted to the
                                 input's dtype); prints the outputs as a JSON list
  jaxpr transform FILE FLAGS...  print the jaxpr of the function FILE computes after
                                 the transformations FLAGS, applied left to right
                                 (--vmap=0 --grad is grad(vmap(f))):
      --jvp                      (primals..., tangents...) -> (outputs..., tangents...)
      --vjp                      (primals..., output cotangents...) -> input cotangents
      --grad[=ARGNUMS]           jax.grad(f, argnums); ARGNUMS: an int (default 0) or
                                 a comma list (grads as a tuple)
      --vmap=IN_AXES             jax.vmap(f, in_axes): an int or `none` for all inputs,
                                 or a comma list with one per input
      --axis-size N              batch size of the inputs --vmap maps (default 2)
      --jacfwd, --jacrev, --hessian   with respect to input 0
      --jit                      jax.jit(f): the function as one jit equation
  record SOURCE --args JSON -o FILE [--fn NAME] [--mode eval|jvp|vjp] [--transform CHAIN]
                                 step a jaxpr file or a Python function to the end and
                                 record every step's values into a trace (record --help)
  demo NAME                      print a bundled example's jaxpr and its result
  demo --list                    list the bundled examples
  diff A B                       two jaxprs side by side, aligned by structure;
                                 exit 0 identical, 1 different (diff --help)
  export FILE --format dot|svg|json [-o OUT]
                                 a jaxpr's dataflow graph (export --help)
  show FILE [--json]             the programs, jaxprs and runs of a .jaxray trace
  values FILE --run N [--step K] the values a run (or one step of it) recorded,
                                 with statistics and data (values --help)
  check FILE                     whether a trace is intact; exit 0 ok, 1 damaged

A jaxpr argument (jaxpr, diff, export) is a jaxpr text file, - for standard
input, or a jaxpr stored in a trace: FILE:ID or FILE:CHAIN (grad(f)), or FILE
alone when the trace holds one jaxpr.

options:
  --source-info                  with `jaxpr print`: append `# file:line` to equations
  -h, --help                     show this help

exit status: 0 on success, 1 on bad input (with a message naming line:column
where it applies), 2 on bad usage.
)";

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "jaxray-cli: %s\n(see jaxray-cli --help)\n", msg.c_str());
  return 2;
}

int cmd_transform(const std::string& path, const std::vector<std::string>& flags) {
  jxr::cli::TransformSpec spec;
  if (auto err = jxr::cli::parse_transform_flags(flags, &spec)) return usage_error(*err);
  jxr::ClosedJaxpr cj = jxr::cli::load_jaxpr(path);
  try {
    std::printf("%s\n", jxr::print_closed_jaxpr(jxr::cli::transform_jaxpr(cj, spec)).c_str());
  } catch (const jxr::cli::TransformError& e) {
    std::fprintf(stderr, "jaxray-cli: %s: %s\n", e.flag().c_str(), e.what());
    return 1;
  }
  return 0;
}

int cmd_jaxpr(const std::vector<std::string>& args) {
  if (args.size() < 2) return usage_error("jaxpr needs a sub-command (print, eval, transform) and a FILE");
  const std::string& sub = args[0];
  const std::string& path = args[1];
  if (sub == "transform") return cmd_transform(path, std::vector<std::string>(args.begin() + 2, args.end()));
  std::string args_json;
  bool source_info = false;
  bool have_args = false;
  for (size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--args" && i + 1 < args.size()) {
      args_json = args[++i];
      have_args = true;
    } else if (args[i].rfind("--args=", 0) == 0) {
      args_json = args[i].substr(7);
      have_args = true;
    } else if (args[i] == "--source-info") {
      source_info = true;
    } else {
      return usage_error("unknown option '" + args[i] + "'");
    }
  }
  jxr::ClosedJaxpr cj = jxr::cli::load_jaxpr(path);
  if (sub == "print") {
    jxr::PrintOptions opts;
    opts.source_info = source_info;
    std::printf("%s\n", jxr::print_closed_jaxpr(cj, opts).c_str());
    return 0;
  }
  if (sub == "eval") {
    if (!have_args) return usage_error("jaxpr eval needs --args JSON");
    std::vector<jxr::Value> inputs = jxr::cli::parse_json_args(args_json, cj.jaxpr->in_avals());
    std::vector<jxr::Value> outs = jxr::eval_closed_jaxpr(cj, inputs);
    std::printf("%s\n", jxr::cli::values_to_json(outs).c_str());
    return 0;
  }
  return usage_error("unknown jaxpr sub-command '" + sub + "'");
}

int cmd_demo(const std::vector<std::string>& args) {
  if (args.empty()) return usage_error("demo needs a NAME (or --list)");
  if (args[0] == "--list") {
    for (const auto& d : jxr::cli::demos()) std::printf("%-12s %s\n", d.name.c_str(), d.summary.c_str());
    return 0;
  }
  for (const auto& d : jxr::cli::demos())
    if (d.name == args[0]) {
      d.run();
      return 0;
    }
  return usage_error("unknown demo '" + args[0] + "' (try demo --list)");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  try {
    if (args[0] == "record") return jxr::cli::run_record(rest);
    if (args[0] == "jaxpr") return cmd_jaxpr(rest);
    if (args[0] == "demo") return cmd_demo(rest);
    if (args[0] == "diff") return jxr::cli::run_diff(rest);
    if (args[0] == "export") return jxr::cli::run_export(rest);
    if (args[0] == "show") return jxr::cli::run_show(rest);
    if (args[0] == "values") return jxr::cli::run_values(rest);
    if (args[0] == "check") return jxr::cli::run_check(rest);
  } catch (const jxr::Error& e) {
    std::fprintf(stderr, "jaxray-cli: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "jaxray-cli: internal error: %s\n", e.what());
    return 1;
  }
  return usage_error("unknown command '" + args[0] + "'");
}
