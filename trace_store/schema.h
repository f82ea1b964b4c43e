// The schema of `.jaxray` trace files, its versions, and the checks that
// every open goes through (docs/trace_format.md describes the format).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "trace_store/sqlite.h"

namespace jxr::trace {

// The version this build writes. A file records the version it was written
// with and the oldest reader version that can still read it: a newer writer
// that only adds columns or tables keeps min_supported_version, and this
// build reads its files.
inline constexpr int kSchemaVersion = 1;
// Files older than this are refused; versions from here up to
// kSchemaVersion are migrated when opened for writing.
inline constexpr int kOldestSupportedVersion = 1;
// PRAGMA application_id: "JXRY". Set with the magic row in meta so that
// another application's SQLite file is refused.
inline constexpr int32_t kApplicationId = 0x4A585259;
inline constexpr std::string_view kFormatMagic = "jaxray-trace";
inline constexpr int64_t kDefaultMaxValueBytes = int64_t(16) << 20;

struct TraceFileInfo {
  int schema_version = 0;
  int min_supported_version = 0;
  int64_t max_value_bytes = 0;
};

// Opens an existing trace for reading, refusing with a jxr::Error that
// names the file and the problem anything that is not a trace this build
// can read. Nothing stored is executed.
sql::Database open_trace_for_reading(const std::string& path, TraceFileInfo& info);

// Opens a trace for writing: creates it (with `max_value_bytes` or the
// default) when missing or empty, else checks it as the reader does and
// migrates an older version. A given `max_value_bytes` replaces the one
// recorded in the file.
sql::Database open_trace_for_writing(const std::string& path, std::optional<int64_t> max_value_bytes,
                                     TraceFileInfo& info);

}  // namespace jxr::trace
