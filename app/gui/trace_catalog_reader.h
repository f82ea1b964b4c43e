// Reads the contents list of a `.jaxray` trace (programs, jaxprs, runs) into
// the plain structs the trace browser shows, without loading any value.
#pragma once

#include <QString>

#include "views/trace_catalog.h"

namespace jxr::gui {

// Throws jxr::Error naming `path` when it is no readable trace.
views::TraceCatalog read_catalog(const QString& path);

// The kind a trace browser shows for a jaxpr recorded under `chain`:
// `program` for the program itself (a bare name), else its outermost
// transformation (`grad` for `grad(vmap(f))`).
QString jaxpr_kind(const QString& chain);

}  // namespace jxr::gui
