// JSON <-> arrays for the CLI: `--args` input lists and printed outputs.
#pragma once

#include <string>
#include <vector>

#include "engine/core/value.h"

namespace jxr::cli {

// Parses a JSON list with one entry per input: a number (broadcast to the
// input's shape), a boolean, or a nested list matching the input's shape.
// Values are converted to each input's dtype. Errors name the input.
std::vector<Value> parse_json_args(const std::string& json, const std::vector<ShapedArray>& in_avals);

// Outputs as a JSON list of nested lists. Floats print with the shortest
// digits of their dtype; NaN and infinities as NaN, Infinity, -Infinity
// (as Python's json module writes them).
std::string values_to_json(const std::vector<Value>& values);
std::string array_to_json(const Array& a);

}  // namespace jxr::cli
