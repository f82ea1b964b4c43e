// JSON conversion of CLI arguments and results.
#include "app/cli/json_values.h"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "engine/core/error.h"
#include "engine/core/format.h"

namespace jxr::cli {

namespace {

void flatten_json(const nlohmann::json& j, const Shape& shape, size_t dim, std::vector<double>& out,
                  const std::string& where) {
  if (dim == shape.size()) {
    if (j.is_boolean()) {
      out.push_back(j.get<bool>() ? 1.0 : 0.0);
    } else if (j.is_number()) {
      out.push_back(j.get<double>());
    } else {
      throw_value_error(where + ": expected a number, got " + std::string(j.type_name()));
    }
    return;
  }
  if (!j.is_array() || static_cast<int64_t>(j.size()) != shape[dim])
    throw_value_error(where + ": expected a list of " + std::to_string(shape[dim]) + " entries at depth " +
                      std::to_string(dim) + " for shape " + shape_str(shape));
  for (const auto& e : j) flatten_json(e, shape, dim + 1, out, where);
}

std::string number_text(const Array& a, int64_t i) {
  double v = a.item(i);
  if (a.dtype() == DType::Bool) return v != 0 ? "true" : "false";
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (a.dtype() == DType::U32) return std::to_string(static_cast<uint64_t>(v));
  if (is_integer(a.dtype())) return std::to_string(static_cast<int64_t>(v));
  if (a.dtype() == DType::F64) return py_float_repr(v);
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v));
  return py_float_repr(std::strtod(std::string(buf, r.ptr).c_str(), nullptr));
}

}  // namespace

std::vector<Value> parse_json_args(const std::string& json, const std::vector<ShapedArray>& in_avals) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    throw_value_error(std::string("--args is not valid JSON: ") + e.what());
  }
  if (!j.is_array()) throw_value_error("--args must be a JSON list with one entry per input");
  if (j.size() != in_avals.size())
    throw_value_error("--args has " + std::to_string(j.size()) + " entries but the jaxpr takes " +
                      std::to_string(in_avals.size()) + " inputs");
  std::vector<Value> out;
  for (size_t i = 0; i < in_avals.size(); ++i) {
    const ShapedArray& aval = in_avals[i];
    std::string where = "--args entry " + std::to_string(i) + " (" + aval.str_short() + ")";
    std::vector<double> flat;
    if (j[i].is_number() || j[i].is_boolean()) {
      flatten_json(j[i], {}, 0, flat, where);
      out.emplace_back(Array::full(aval.shape, flat[0], aval.dtype));
      continue;
    }
    flatten_json(j[i], aval.shape, 0, flat, where);
    out.emplace_back(Array::from_vector<double>(flat, aval.shape).astype(aval.dtype));
  }
  return out;
}

std::string array_to_json(const Array& a) {
  if (a.ndim() == 0) return number_text(a, 0);
  std::vector<int64_t> strides = row_major_strides(a.shape());
  std::string out;
  auto rec = [&](auto&& self, int dim, int64_t offset) -> void {
    out += '[';
    for (int64_t i = 0; i < a.shape()[dim]; ++i) {
      if (i) out += ", ";
      if (dim + 1 == a.ndim())
        out += number_text(a, offset + i);
      else
        self(self, dim + 1, offset + i * strides[dim]);
    }
    out += ']';
  };
  rec(rec, 0, 0);
  return out;
}

std::string values_to_json(const std::vector<Value>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += array_to_json(values[i].array());
  }
  return out + "]";
}

}  // namespace jxr::cli
