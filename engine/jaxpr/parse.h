// The jaxpr parser: reads the text that print_jaxpr (or the real JAX)
// prints back into a type-checked closed jaxpr.
//
// The text has no values for constvars, so every constvar (of the top-level
// jaxpr and of nested closed jaxprs) gets a zero-filled array of its aval:
// the jaxpr can be evaluated, but with zeros where the original captured
// constants. Literals, binders and params carry no weak-type flag in text;
// parsed ones are all strong. Params are read generically (see
// parse_jaxpr) and each primitive's parse_params rule then restores the
// params its print rule hides. Each equation's SourceInfo records the input
// name and the line it starts on, so tools can map equations to the text.
#pragma once

#include <string_view>

#include "engine/jaxpr/jaxpr.h"

namespace jxr {

// Throws ParseError(line, column, message) for malformed text, unknown
// primitives or dtypes, undefined variables and equations that do not
// type-check. `source_name` becomes each equation's SourceInfo::file.
//
// Param values: ints, floats, True/False/None, tuples and lists, dtype names
// (float32 ...), records `Name(field=value, ...)`, `{ lambda ... }` jaxprs,
// names of `let` definitions (except as the `name` param, which JAX derives
// those names from), numpy scalars such as `np.int64(1)` as their number
// (so they print back as `1`), other calls with positional arguments and
// any other bare word (`<lambda>`, `GatherScatterMode.CLIP`) as strings
// printed verbatim.
ClosedJaxpr parse_jaxpr(std::string_view text, std::string_view source_name = "<jaxpr>");

}  // namespace jxr
