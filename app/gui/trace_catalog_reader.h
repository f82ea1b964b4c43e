// Reads the contents list of a `.jaxray` trace (programs, jaxprs, runs) into
// the plain structs the trace browser shows, without loading any value.
#pragma once

#include <QString>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/array.h"
#include "views/trace_catalog.h"

namespace jxr::gui {

// Throws jxr::Error naming `path` when it is no readable trace.
views::TraceCatalog read_catalog(const QString& path);

// The kind a trace browser shows for a jaxpr recorded under `chain`:
// `program` for the program itself (a bare name), else its outermost
// transformation (`grad` for `grad(vmap(f))`).
QString jaxpr_kind(const QString& chain);

// Every value run `run_id` of the trace at `path` recorded, by variable:
// each primal as its name (`c`), each derivative as `c (tangent)` or
// `c (cotangent)`, the last one recorded when a variable was stepped more
// than once (a cotangent accumulating). Values over the trace's size limit
// have no data and are left out. Throws jxr::Error naming the path.
std::vector<std::pair<std::string, Array>> run_arrays(const QString& path, qint64 run_id);

}  // namespace jxr::gui
