// sort: sorts one or more same-shape operands along a dimension by the first
// num_keys of them (lexicographically), as XLA's Sort with JAX's default
// comparator; and the lax::sort wrapper.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "engine/core/primitive.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace lax {

std::vector<Value> sort(const std::vector<Value>& operands, int64_t dimension, bool is_stable, int64_t num_keys) {
  static const Primitive& prim = get_primitive("sort");
  if (operands.empty()) throw_type_error("Sort requires at least one operand");
  const int64_t n = static_cast<int64_t>(operands.size());
  if (num_keys < 1 || num_keys > n)
    throw_value_error("sort: num_keys=" + std::to_string(num_keys) + " must be between 1 and len(operand)=" +
                      std::to_string(n));
  const int64_t rank = operands[0].ndim();
  if (rank == 0 || dimension < -rank || dimension >= rank)
    throw_value_error("sort: axis " + std::to_string(dimension) + " is out of bounds for array of dimension " +
                      std::to_string(rank));
  if (dimension < 0) dimension += rank;
  return jxr::bind(prim, operands,
              {{"dimension", Param::integer(dimension)},
               {"is_stable", Param::boolean(is_stable)},
               {"num_keys", Param::integer(num_keys)}});
}

}  // namespace lax

namespace {

// JAX's comparator order for floats: -inf < ... < inf < NaN, with -0.0 and
// 0.0 equal and all NaNs equal (so a stable sort keeps their input order).
template <class T>
bool key_less(T a, T b) {
  if constexpr (std::is_same_v<T, bfloat16> || std::is_same_v<T, float16>) {
    return key_less(float(a), float(b));
  } else if constexpr (std::is_floating_point_v<T>) {
    if (a != a) return false;
    if (b != b) return true;
    return a < b;
  } else {
    return a < b;
  }
}

// Offsets of the first element of every line along `dim`.
std::vector<int64_t> line_starts(const Shape& shape, int64_t dim) {
  std::vector<int64_t> strides = row_major_strides(shape);
  std::vector<int64_t> out;
  int64_t lines = shape[dim] == 0 ? 0 : shape_size(shape) / shape[dim];
  out.reserve(static_cast<size_t>(lines));
  std::vector<int64_t> idx(shape.size(), 0);
  for (int64_t l = 0; l < lines; ++l) {
    int64_t off = 0;
    for (size_t d = 0; d < shape.size(); ++d) off += idx[d] * strides[d];
    out.push_back(off);
    for (size_t d = shape.size(); d-- > 0;) {
      if (int64_t(d) == dim) continue;
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

std::vector<Array> sort_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> out_avals) {
  const int64_t dim = params.get_int("dimension");
  const int64_t num_keys = params.get_int("num_keys");
  const Shape& shape = in[0].shape();
  const int64_t n = shape[dim];
  const int64_t stride = row_major_strides(shape)[dim];
  std::vector<Array> outs;
  for (const ShapedArray& a : out_avals) outs.push_back(Array::allocate(a));

  // Compares positions i and j of one line by key operand k.
  auto cmp_key = [&](int64_t k, int64_t base, int64_t i, int64_t j) -> int {
    return dispatch_dtype(in[k].dtype(), [&](auto t) -> int {
      using T = decltype(t);
      const T* x = in[k].data<T>() + base;
      T a = x[i * stride], b = x[j * stride];
      if (key_less(a, b)) return -1;
      if (key_less(b, a)) return 1;
      return 0;
    });
  };
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t base : line_starts(shape, dim)) {
    std::iota(perm.begin(), perm.end(), 0);
    // Always stable: a stable order is one of the orders is_stable=False allows.
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t i, int64_t j) {
      for (int64_t k = 0; k < num_keys; ++k)
        if (int c = cmp_key(k, base, i, j)) return c < 0;
      return false;
    });
    for (size_t k = 0; k < in.size(); ++k) {
      const char* src = static_cast<const char*>(in[k].raw());
      char* dst = static_cast<char*>(outs[k].mutable_raw());
      const size_t es = static_cast<size_t>(dtype_size(in[k].dtype()));
      for (int64_t p = 0; p < n; ++p)
        std::memcpy(dst + (base + p * stride) * es, src + (base + perm[p] * stride) * es, es);
    }
  }
  return outs;
}

}  // namespace

void register_sort_primitives() {
  Primitive& p = define_primitive("sort");
  p.synopsis = "sort operands along a dimension by the first num_keys of them (NaNs last)";
  p.abstract_eval = [](std::span<const ShapedArray> in, const Params& params) {
    if (in.empty()) throw_type_error("Sort requires at least one operand");
    for (const ShapedArray& a : in)
      if (a.shape != in[0].shape) {
        std::string shapes;
        for (const ShapedArray& b : in) shapes += (shapes.empty() ? "" : " ") + shape_str(b.shape);
        throw_type_error("Arguments to sort must have equal shapes, got: " + shapes);
      }
    int64_t dim = params.get_int("dimension");
    int64_t num_keys = params.get_int("num_keys");
    if (dim < 0 || dim >= in[0].ndim())
      throw_value_error("sort: dimension=" + std::to_string(dim) + " is out of bounds for operand shape " +
                        shape_str(in[0].shape));
    if (num_keys < 1 || num_keys > static_cast<int64_t>(in.size()))
      throw_value_error("sort: num_keys=" + std::to_string(num_keys) + " must be between 1 and len(operand)=" +
                        std::to_string(in.size()));
    return std::vector<ShapedArray>(in.begin(), in.end());
  };
  p.impl = sort_impl;
}

}  // namespace jxr
