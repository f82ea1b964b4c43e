// Where `diff` and `export` read a jaxpr from: a jaxpr text file, or `-`
// for standard input. The one place to add the trace store's FILE:JAXPR
// form (a jaxpr recorded in a .jaxray file) when trace_store/ provides it.
#pragma once

#include <string>

#include "engine/jaxpr/jaxpr.h"

namespace jxr::cli {

// The jaxpr an argument names. Throws jxr::Error with a message for the
// user: an unreadable file, or `FILE:LINE:COLUMN: ...` for a parse error.
ClosedJaxpr load_jaxpr(const std::string& arg);

}  // namespace jxr::cli
