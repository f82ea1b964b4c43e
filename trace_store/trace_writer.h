// TraceWriter: records programs, jaxprs and runs into a `.jaxray` trace.
// A run is written inside transactions and marked complete only by
// finish_run, so a writer killed at any moment leaves a file that opens with
// every finished run intact (see docs/trace_format.md, "Guarantees").
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/array.h"
#include "trace_store/records.h"
#include "trace_store/schema.h"

namespace jxr::trace {

struct WriterOptions {
  // Values with more bytes than this keep their statistics but not their
  // data. Empty: the limit the file records (the default for a new file).
  std::optional<int64_t> max_value_bytes;
  // A long run commits its data every this many bytes, staying marked
  // incomplete until finish_run, so that memory and log stay bounded. 0:
  // one transaction per run, so an unfinished run leaves nothing behind.
  int64_t commit_every_bytes = int64_t(256) << 20;
};

// Statistics over the finite elements of `a` (see ValueStats).
ValueStats value_stats(const Array& a);

class TraceWriter {
 public:
  // Creates the file, or opens an existing trace to append to (migrating an
  // older version). Throws jxr::Error naming the file if it cannot.
  explicit TraceWriter(const std::string& path, WriterOptions options = {});
  // An unfinished run is rolled back (or stays incomplete if part of it
  // was committed already).
  ~TraceWriter();
  TraceWriter(TraceWriter&&) noexcept;
  TraceWriter& operator=(TraceWriter&&) noexcept;

  const TraceFileInfo& file_info() const;

  int64_t add_program(std::string_view name, std::string_view source, Language language);
  // A jaxpr with its equations (their `index` fields are stored as given).
  int64_t add_jaxpr(int64_t program_id, std::string_view transform_chain, std::string_view text,
                    const std::vector<EqnInfo>& eqns);

  // One run at a time: begin_run, then steps and values, then finish_run.
  int64_t begin_run(int64_t jaxpr_id, RunMode mode, std::string_view inputs);
  int64_t add_step(int64_t index, Phase phase, std::string_view frame_path, int64_t eqn_index);
  // A value of a step, or of the run as a whole when `step_id` is empty.
  int64_t add_value(std::optional<int64_t> step_id, std::string_view name, Role role, const Array& value);
  void finish_run();
  bool in_run() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jxr::trace
