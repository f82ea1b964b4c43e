// The trace inspection commands: aligned text tables of what a trace holds,
// the values of a run with their statistics, and the file's integrity.
#include "app/cli/trace_commands.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "engine/core/error.h"
#include "trace_store/trace_reader.h"

namespace jxr::cli {

const char* const kShowUsage = R"(usage: jaxray-cli show [--json] FILE

Lists what the trace FILE holds: its programs, its jaxprs (with their
transform chains and equation counts) and its runs (mode, whether complete,
how many steps and values, when started and finished, in UTC).

options:
  --json                 the same as one JSON object: {"file", "programs",
                         "jaxprs", "runs"}, times as Unix milliseconds
  -h, --help             show this help

exit status: 0 listed, 1 a file that is not a readable trace, 2 bad usage.
)";

const char* const kValuesUsage = R"(usage: jaxray-cli values FILE --run N [--step K]

Prints the values run N of the trace FILE recorded (or only those of its
step K, counting from 0): one row per value with its step, phase, frame
path, equation index, variable, role (primal, tangent or cotangent), type,
the minimum, maximum, mean and L2 norm of its finite elements, its NaN and
infinity counts, and its data (arrays over 10 elements elided). A value over
the file's size limit shows `truncated: statistics only`. `-` marks what
does not apply: the step of a value of the whole run, the statistics of an
array with no finite element.

options:
  --run N                the run (its id, as `show` lists it)
  --step K               only the values of step K of that run
  -h, --help             show this help

exit status: 0 printed, 1 a file that is not a readable trace or a run or
step it does not hold, 2 bad usage.
)";

const char* const kCheckUsage = R"(usage: jaxray-cli check FILE

Checks that FILE is a jaxray trace this build can read (header, application
id, schema version, tables and columns) and that it is intact (SQLite's
quick_check, and no reference to a missing row). Prints `FILE: ok (schema
version V)`, or `FILE: damaged` and one problem per line.

options:
  -h, --help             show this help

exit status: 0 ok, 1 damaged, refused or unreadable, 2 bad usage.
)";

namespace {

using Table = std::vector<std::vector<std::string>>;

// Columns padded to their widest cell, two spaces apart; the last column is
// not padded, so that no line ends in spaces.
void print_table(const Table& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], row[c].size());
    }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c)
      line += c + 1 == row.size() ? row[c] : row[c] + std::string(width[c] - row[c].size() + 2, ' ');
    std::printf("%s\n", line.c_str());
  }
}

std::string utc_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string number(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", *v);
  return buf;
}

int usage_error(const char* command, const std::string& msg) {
  std::fprintf(stderr, "jaxray-cli: %s: %s\n(see jaxray-cli %s --help)\n", command, msg.c_str(), command);
  return 2;
}

// The arguments of a trace command: its FILE and its options with values.
struct Args {
  std::string file;
  std::map<std::string, std::string> options;
  bool help = false;
};

// Parses `args` for `command`, whose options are `flags` (no value) and
// `valued` (`--opt V` or `--opt=V`). An error is the message for the user.
std::optional<std::string> parse_args(const std::vector<std::string>& args, const std::vector<std::string>& flags,
                                      const std::vector<std::string>& valued, Args& out) {
  auto known = [](const std::vector<std::string>& names, const std::string& a) {
    return std::find(names.begin(), names.end(), a) != names.end();
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string name = a.substr(0, a.find('='));
    if (a == "-h" || a == "--help") {
      out.help = true;
    } else if (known(flags, a)) {
      out.options[a] = "";
    } else if (known(valued, name)) {
      if (name != a) out.options[name] = a.substr(name.size() + 1);
      else if (i + 1 < args.size()) out.options[name] = args[++i];
      else return name + " needs a value";
    } else if (a.size() > 1 && a[0] == '-') {
      return "unknown option '" + a + "'";
    } else if (!out.file.empty()) {
      return "unexpected argument '" + a + "'";
    } else {
      out.file = a;
    }
  }
  if (out.file.empty() && !out.help) return "needs a trace FILE";
  return std::nullopt;
}

std::optional<int64_t> parse_count(const std::string& s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

void print_show_json(const std::string& file, const trace::TraceReader& r) {
  using json = nlohmann::ordered_json;
  json programs = json::array(), jaxprs = json::array(), runs = json::array();
  for (const trace::ProgramInfo& p : r.programs())
    programs.push_back({{"id", p.id}, {"name", p.name}, {"language", trace::to_string(p.language)},
                        {"source", p.source}});
  for (const trace::JaxprInfo& j : r.jaxprs())
    jaxprs.push_back({{"id", j.id}, {"program", j.program_id}, {"transform_chain", j.transform_chain},
                      {"equations", r.equations(j.id).size()}});
  for (const trace::RunInfo& run : r.runs())
    runs.push_back({{"id", run.id}, {"jaxpr", run.jaxpr_id}, {"mode", trace::to_string(run.mode)},
                    {"status", trace::to_string(run.status)}, {"steps", r.steps(run.id).size()},
                    {"values", r.run_values(run.id).size()}, {"inputs", run.inputs},
                    {"started_ms", run.started_ms},
                    {"finished_ms", run.finished_ms ? json(*run.finished_ms) : json(nullptr)}});
  json out{{"file", file}, {"schema_version", r.file_info().schema_version}, {"programs", programs},
           {"jaxprs", jaxprs}, {"runs", runs}};
  std::printf("%s\n", out.dump(2).c_str());
}

void print_section(const char* title, const Table& table) {
  std::printf("\n%s:\n", title);
  if (table.size() == 1) std::printf("(none)\n");
  else print_table(table);
}

void print_show(const std::string& file, const trace::TraceReader& r) {
  std::printf("%s: jaxray trace, schema version %d\n", file.c_str(), r.file_info().schema_version);
  Table programs{{"id", "name", "language", "source lines"}};
  for (const trace::ProgramInfo& p : r.programs())
    programs.push_back({std::to_string(p.id), p.name, std::string(trace::to_string(p.language)),
                        std::to_string(std::count(p.source.begin(), p.source.end(), '\n') +
                                       (p.source.empty() || p.source.back() == '\n' ? 0 : 1))});
  print_section("programs", programs);
  Table jaxprs{{"id", "program", "transform chain", "equations"}};
  for (const trace::JaxprInfo& j : r.jaxprs())
    jaxprs.push_back({std::to_string(j.id), std::to_string(j.program_id), j.transform_chain,
                      std::to_string(r.equations(j.id).size())});
  print_section("jaxprs", jaxprs);
  Table runs{{"id", "jaxpr", "mode", "status", "steps", "values", "started", "finished"}};
  for (const trace::RunInfo& run : r.runs())
    runs.push_back({std::to_string(run.id), std::to_string(run.jaxpr_id), std::string(trace::to_string(run.mode)),
                    std::string(trace::to_string(run.status)), std::to_string(r.steps(run.id).size()),
                    std::to_string(r.run_values(run.id).size()), utc_time(run.started_ms),
                    run.finished_ms ? utc_time(*run.finished_ms) : "-"});
  print_section("runs", runs);
}

std::string data_text(const trace::TraceReader& r, const trace::ValueInfo& v) {
  std::optional<Array> data = r.value_data(v.id);
  return data ? summarize_array(*data) : "truncated: statistics only";
}

}  // namespace

std::string summarize_array(const Array& a) {
  constexpr int64_t kThreshold = 10, kEdgeItems = 3;
  // Array::str of a scalar of the same dtype: the same digits as a whole print.
  auto elem = [&](int64_t i) { return Array::scalar(a.item(i), a.dtype()).str(); };
  if (a.ndim() == 0) return elem(0);
  bool summarize = a.size() > kThreshold;
  std::vector<int64_t> strides(a.ndim(), 1);
  for (int d = a.ndim() - 2; d >= 0; --d) strides[d] = strides[d + 1] * a.shape()[d + 1];
  std::string out;
  auto rec = [&](auto&& self, int dim, int64_t offset) -> void {
    out += '[';
    int64_t n = a.shape()[dim];
    for (int64_t i = 0; i < n; ++i) {
      if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) {
        out += " ...";
        i = n - kEdgeItems;
      }
      if (i) out += ' ';
      if (dim + 1 == a.ndim()) out += elem(offset + i);
      else self(self, dim + 1, offset + i * strides[dim]);
    }
    out += ']';
  };
  rec(rec, 0, 0);
  return out;
}

int run_show(const std::vector<std::string>& args) {
  Args a;
  if (auto err = parse_args(args, {"--json"}, {}, a)) return usage_error("show", *err);
  if (a.help) {
    std::fputs(kShowUsage, stdout);
    return 0;
  }
  trace::TraceReader reader(a.file);
  if (a.options.contains("--json")) print_show_json(a.file, reader);
  else print_show(a.file, reader);
  return 0;
}

int run_values(const std::vector<std::string>& args) {
  Args a;
  if (auto err = parse_args(args, {}, {"--run", "--step"}, a)) return usage_error("values", *err);
  if (a.help) {
    std::fputs(kValuesUsage, stdout);
    return 0;
  }
  if (!a.options.contains("--run")) return usage_error("values", "needs --run N");
  std::optional<int64_t> run_id = parse_count(a.options["--run"]);
  if (!run_id) return usage_error("values", "malformed --run '" + a.options["--run"] + "'");
  std::optional<int64_t> step_index;
  if (a.options.contains("--step")) {
    step_index = parse_count(a.options["--step"]);
    if (!step_index) return usage_error("values", "malformed --step '" + a.options["--step"] + "'");
  }

  trace::TraceReader reader(a.file);
  std::vector<trace::RunInfo> runs = reader.runs();
  auto run = std::find_if(runs.begin(), runs.end(), [&](const auto& r) { return r.id == *run_id; });
  if (run == runs.end())
    throw Error(ErrorKind::Index, a.file + ": no run " + std::to_string(*run_id) + " (the trace holds " +
                                      std::to_string(runs.size()) + ")");
  std::map<int64_t, trace::StepInfo> steps;
  for (const trace::StepInfo& s : reader.steps(run->id)) steps[s.id] = s;
  std::string title = "run " + std::to_string(run->id) + ": jaxpr " + std::to_string(run->jaxpr_id) + ", " +
                      std::string(trace::to_string(run->mode)) + ", " + std::string(trace::to_string(run->status));
  std::vector<trace::ValueInfo> values;
  if (step_index) {
    auto step = std::find_if(steps.begin(), steps.end(), [&](const auto& s) { return s.second.index == *step_index; });
    if (step == steps.end())
      throw Error(ErrorKind::Index, a.file + ": run " + std::to_string(run->id) + " has no step " +
                                        std::to_string(*step_index) + " (it has " + std::to_string(steps.size()) +
                                        ")");
    values = reader.step_values(step->first);
    title += ", step " + std::to_string(*step_index);
  } else {
    values = reader.run_values(run->id);
  }
  std::printf("%s\n", title.c_str());

  Table table{{"step", "phase", "frame", "eqn", "variable", "role", "type", "min", "max", "mean", "l2", "nan", "inf",
               "data"}};
  for (const trace::ValueInfo& v : values) {
    const trace::StepInfo* s = v.step_id ? &steps.at(*v.step_id) : nullptr;
    table.push_back({s ? std::to_string(s->index) : "-", s ? std::string(trace::to_string(s->phase)) : "-",
                     s && !s->frame_path.empty() ? s->frame_path : "-", s ? std::to_string(s->eqn_index) : "-",
                     v.name, std::string(trace::to_string(v.role)), v.aval.str_short(), number(v.stats.min),
                     number(v.stats.max), number(v.stats.mean), number(v.stats.l2_norm),
                     std::to_string(v.stats.nan_count), std::to_string(v.stats.inf_count), data_text(reader, v)});
  }
  print_table(table);
  return 0;
}

int run_check(const std::vector<std::string>& args) {
  Args a;
  if (auto err = parse_args(args, {}, {}, a)) return usage_error("check", *err);
  if (a.help) {
    std::fputs(kCheckUsage, stdout);
    return 0;
  }
  trace::CheckReport report = trace::check(a.file);
  if (report.ok) {
    std::printf("%s: ok (schema version %d)\n", a.file.c_str(), report.schema_version);
    return 0;
  }
  std::printf("%s: damaged\n", a.file.c_str());
  for (const std::string& p : report.problems) std::printf("  %s\n", p.c_str());
  return 1;
}

}  // namespace jxr::cli
