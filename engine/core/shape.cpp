// Shape helpers and aval printing.
#include "engine/core/shape.h"

namespace jxr {

int64_t shape_size(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string shape_str(const Shape& s) {
  std::string out = "(";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(s[i]);
  }
  if (s.size() == 1) out += ",";
  return out + ")";
}

std::vector<int64_t> row_major_strides(const Shape& s) {
  std::vector<int64_t> st(s.size());
  int64_t acc = 1;
  for (size_t i = s.size(); i-- > 0;) {
    st[i] = acc;
    acc *= s[i];
  }
  return st;
}

static std::string dims_str(const Shape& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(s[i]);
  }
  return out;
}

std::string ShapedArray::str_short() const {
  return std::string(dtype_short_name(dtype)) + "[" + dims_str(shape) + "]";
}

std::string ShapedArray::type_str() const { return std::string(dtype_name(dtype)) + "[" + dims_str(shape) + "]"; }

std::string ShapedArray::str() const {
  std::string s = "ShapedArray(" + type_str();
  if (weak_type) s += ", weak_type=True";
  return s + ")";
}

}  // namespace jxr
