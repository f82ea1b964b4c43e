// Where `jaxpr`, `diff` and `export` read a jaxpr from: a jaxpr text file,
// `-` for standard input, or a jaxpr recorded in a `.jaxray` trace named as
// FILE:ID or FILE:CHAIN (FILE alone when the trace holds one jaxpr).
#pragma once

#include <string>

#include "engine/jaxpr/jaxpr.h"

namespace jxr::cli {

// The jaxpr an argument names. Throws jxr::Error with a message for the
// user: an unreadable file, a damaged trace, a selector that names no
// jaxpr or more than one, or `NAME:LINE:COLUMN: ...` for a parse error.
ClosedJaxpr load_jaxpr(const std::string& arg);

// Whether `path` is an SQLite file with jaxray's application id. Decided by
// the header, never by the name, so that a trace with any extension works
// and a text file called x.jaxray is read as text.
bool is_trace_file(const std::string& path);

}  // namespace jxr::cli
