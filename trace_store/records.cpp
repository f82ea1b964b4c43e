// The words that stand for the trace enums in the file (see records.h).
#include "trace_store/records.h"

#include <array>

namespace jxr::trace {

namespace {

// Indexed by the enum's value; the schema's CHECK constraints list the same words.
constexpr std::array<std::string_view, 2> kLanguages = {"python", "jaxpr"};
constexpr std::array<std::string_view, 3> kModes = {"eval", "jvp", "vjp"};
constexpr std::array<std::string_view, 2> kStatuses = {"complete", "incomplete"};
constexpr std::array<std::string_view, 2> kPhases = {"forward", "backward"};
constexpr std::array<std::string_view, 3> kRoles = {"primal", "tangent", "cotangent"};

template <class E, size_t N>
bool parse(std::string_view s, const std::array<std::string_view, N>& names, E& v) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == s) {
      v = E(i);
      return true;
    }
  return false;
}

}  // namespace

std::string_view to_string(Language v) { return kLanguages[size_t(v)]; }
std::string_view to_string(RunMode v) { return kModes[size_t(v)]; }
std::string_view to_string(RunStatus v) { return kStatuses[size_t(v)]; }
std::string_view to_string(Phase v) { return kPhases[size_t(v)]; }
std::string_view to_string(Role v) { return kRoles[size_t(v)]; }

bool from_string(std::string_view s, Language& v) { return parse(s, kLanguages, v); }
bool from_string(std::string_view s, RunMode& v) { return parse(s, kModes, v); }
bool from_string(std::string_view s, RunStatus& v) { return parse(s, kStatuses, v); }
bool from_string(std::string_view s, Phase& v) { return parse(s, kPhases, v); }
bool from_string(std::string_view s, Role& v) { return parse(s, kRoles, v); }

}  // namespace jxr::trace
