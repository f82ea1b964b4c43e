// Shapes and ShapedArray, the abstract value (aval) of every array and tracer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/dtype.h"

namespace jxr {

using Shape = std::vector<int64_t>;

int64_t shape_size(const Shape& s);
std::string shape_str(const Shape& s);  // "(3, 4)" as Python prints a tuple
// Row-major strides in elements.
std::vector<int64_t> row_major_strides(const Shape& s);

struct ShapedArray {
  Shape shape;
  DType dtype = DType::F32;
  bool weak_type = false;

  int ndim() const { return static_cast<int>(shape.size()); }
  int64_t size() const { return shape_size(shape); }
  // "f32[3,4]" as jaxprs print binders; weak_type is not shown, as in JAX.
  std::string str_short() const;
  // "float32[3,4]", as JAX's ShapedArray.str_short().
  std::string type_str() const;
  // "ShapedArray(float32[3,4])" as JAX's repr, used in error messages.
  std::string str() const;
  TypedKind kind() const { return {dtype, weak_type}; }
  bool operator==(const ShapedArray& o) const = default;
  // Same shape and dtype; weak_type ignored (what a jaxpr type-checks).
  bool same_type(const ShapedArray& o) const { return shape == o.shape && dtype == o.dtype; }
};

}  // namespace jxr
