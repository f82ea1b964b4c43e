// TraceReader: reads a `.jaxray` trace without changing it and without
// executing anything stored in it. Lists are cheap; a value's data is loaded
// only when asked for, and statistics come without it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/array.h"
#include "trace_store/records.h"
#include "trace_store/schema.h"

namespace jxr::trace {

class TraceReader {
 public:
  // Opens read-only and checks the file (header, application id, version,
  // tables and columns); throws jxr::Error naming the file and what is wrong.
  explicit TraceReader(const std::string& path);
  ~TraceReader();
  TraceReader(TraceReader&&) noexcept;
  TraceReader& operator=(TraceReader&&) noexcept;

  const TraceFileInfo& file_info() const;

  // Each call reads the newest committed state, so a reader follows a
  // writer that appends to the same file.
  std::vector<ProgramInfo> programs() const;
  std::vector<JaxprInfo> jaxprs() const;
  std::vector<EqnInfo> equations(int64_t jaxpr_id) const;
  std::vector<RunInfo> runs() const;
  std::vector<StepInfo> steps(int64_t run_id) const;
  // Descriptions and statistics, without data: every value of a run, or of one step.
  std::vector<ValueInfo> run_values(int64_t run_id) const;
  std::vector<ValueInfo> step_values(int64_t step_id) const;
  // The stored data; empty when the value was over the size limit.
  std::optional<Array> value_data(int64_t value_id) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct CheckReport {
  bool ok = false;
  int schema_version = 0;  // 0 when the file could not be opened as a trace
  std::vector<std::string> problems;  // empty when ok
};

// Opens `path` as TraceReader does, then runs SQLite's quick_check and a
// foreign-key check. Reports problems instead of throwing.
CheckReport check(const std::string& path);

}  // namespace jxr::trace
