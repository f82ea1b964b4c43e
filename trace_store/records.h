// The plain records of a trace file, as the writer takes them and the reader
// hands them back. Enum values are stored as the lowercase words that
// to_string gives, so the file reads well in any SQLite browser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/shape.h"

namespace jxr::trace {

enum class Language { Python, Jaxpr };
enum class RunMode { Eval, Jvp, Vjp };
enum class RunStatus { Complete, Incomplete };
enum class Phase { Forward, Backward };
enum class Role { Primal, Tangent, Cotangent };

std::string_view to_string(Language v);
std::string_view to_string(RunMode v);
std::string_view to_string(RunStatus v);
std::string_view to_string(Phase v);
std::string_view to_string(Role v);
// The inverses of to_string; false for a word that names no value.
bool from_string(std::string_view s, Language& v);
bool from_string(std::string_view s, RunMode& v);
bool from_string(std::string_view s, RunStatus& v);
bool from_string(std::string_view s, Phase& v);
bool from_string(std::string_view s, Role& v);

struct ProgramInfo {
  int64_t id = 0;
  std::string name;
  std::string source;
  Language language = Language::Python;
};

struct JaxprInfo {
  int64_t id = 0;
  int64_t program_id = 0;
  std::string transform_chain;  // "grad(vmap(f))"; the bare function name for no transform
  std::string text;
};

struct EqnInfo {
  int64_t index = 0;
  std::string primitive;
  std::string text;
  std::string source_file;  // empty when unknown
  std::optional<int64_t> source_line;
};

struct RunInfo {
  int64_t id = 0;
  int64_t jaxpr_id = 0;
  RunMode mode = RunMode::Eval;
  std::string inputs;  // a description of the inputs, JSON by convention
  int64_t started_ms = 0;  // Unix time in milliseconds
  std::optional<int64_t> finished_ms;
  RunStatus status = RunStatus::Incomplete;
};

struct StepInfo {
  int64_t id = 0;
  int64_t run_id = 0;
  int64_t index = 0;
  Phase phase = Phase::Forward;
  std::string frame_path;  // where the equation sits in nested jaxprs, e.g. "pjit[0]/cond[1]"
  int64_t eqn_index = 0;
};

// Statistics over the finite elements; min, max, mean and the L2 norm are
// empty when there are none (an empty array, or only NaNs and infinities).
struct ValueStats {
  std::optional<double> min, max, mean, l2_norm;
  int64_t nan_count = 0;
  int64_t inf_count = 0;
  bool operator==(const ValueStats&) const = default;
};

// A value's description without its data, which TraceReader::value_data
// loads on demand.
struct ValueInfo {
  int64_t id = 0;
  int64_t run_id = 0;
  std::optional<int64_t> step_id;  // empty for a value of the run as a whole
  std::string name;
  Role role = Role::Primal;
  ShapedArray aval;
  int64_t nbytes = 0;
  bool truncated = false;  // over the size limit: statistics only, no data
  ValueStats stats;
};

}  // namespace jxr::trace
