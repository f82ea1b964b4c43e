// Structural primitives: broadcast_in_dim, reshape, squeeze, transpose, rev,
// concatenate, split, stack, unstack, pad, iota and copy. They only move
// elements, so their kernels copy bytes by element size instead of
// instantiating a loop per dtype.
#include <algorithm>
#include <cstring>
#include <numeric>
#include <set>

#include "engine/primitives/families.h"
#include "engine/core/primitive.h"
#include "engine/core/trace.h"

namespace jxr {

namespace {

std::string tup(const std::vector<int64_t>& v) { return Param::ints(v).str(); }

void expect_operands(std::string_view prim, std::span<const ShapedArray> in, size_t n) {
  if (in.size() != n)
    throw_type_error(std::string(prim) + " takes " + std::to_string(n) + " operand" + (n == 1 ? "" : "s") +
                     ", got " + std::to_string(in.size()));
}

void check_nonnegative(std::string_view prim, std::string_view name, const std::vector<int64_t>& v) {
  for (int64_t d : v)
    if (d < 0)
      throw_type_error(std::string(prim) + " " + std::string(name) +
                       " must have every element be nonnegative, got " + tup(v) + ".");
}

// Copies `out_shape` elements from `src`: element at output coordinate c is
// read at src_offset + sum(c[i] * src_strides[i]) (strides in elements, zero
// for broadcast dims, negative for reversed ones).
void strided_copy(const void* src, void* dst, const Shape& out_shape, const std::vector<int64_t>& src_strides,
                  int64_t src_offset, int elem_size) {
  int64_t n = shape_size(out_shape);
  if (n == 0) return;
  const auto* s = static_cast<const uint8_t*>(src);
  auto* d = static_cast<uint8_t*>(dst);
  const int rank = static_cast<int>(out_shape.size());
  std::vector<int64_t> coord(rank, 0);
  int64_t pos = src_offset;
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(d + i * elem_size, s + pos * elem_size, elem_size);
    for (int k = rank - 1; k >= 0; --k) {
      pos += src_strides[k];
      if (++coord[k] < out_shape[k]) break;
      pos -= src_strides[k] * out_shape[k];
      coord[k] = 0;
    }
  }
}

Array transposed(const Array& x, const std::vector<int64_t>& perm, ShapedArray out_aval) {
  Array out = Array::allocate(std::move(out_aval));
  std::vector<int64_t> in_strides = row_major_strides(x.shape()), strides(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) strides[i] = in_strides[perm[i]];
  strided_copy(x.raw(), out.mutable_raw(), out.shape(), strides, 0, dtype_size(x.dtype()));
  return out;
}

bool is_permutation(const std::vector<int64_t>& perm, int64_t n) {
  if (static_cast<int64_t>(perm.size()) != n) return false;
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < n; ++i)
    if (sorted[i] != i) return false;
  return true;
}

// --- broadcast_in_dim ----------------------------------------------------

std::vector<ShapedArray> broadcast_in_dim_rule(std::span<const ShapedArray> in, const Params& params) {
  expect_operands("broadcast_in_dim", in, 1);
  Shape shape = params.get_ints("shape");
  std::vector<int64_t> bdims = params.get_ints("broadcast_dimensions");
  const ShapedArray& x = in[0];
  check_nonnegative("broadcast_in_dim", "shape", shape);
  check_nonnegative("broadcast_in_dim", "broadcast_dimensions", bdims);
  const int64_t ndim = x.ndim(), out_rank = static_cast<int64_t>(shape.size());
  if (ndim != static_cast<int64_t>(bdims.size()))
    throw_type_error("broadcast_in_dim broadcast_dimensions must have length equal to operand ndim; got "
                     "broadcast_dimensions " + tup(bdims) + " for operand ndim " + std::to_string(ndim) + ".");
  if (out_rank < ndim)
    throw_type_error("broadcast_in_dim target broadcast shape must have equal or higher rank to the operand "
                     "shape; got operand ndim " + std::to_string(ndim) + " and target broadcast ndim " +
                     std::to_string(out_rank) + ".");
  for (int64_t d : bdims)
    if (d >= out_rank)
      throw_type_error("broadcast_in_dim broadcast_dimensions must be a subset of output dimensions, got " +
                       tup(bdims) + " for operand ndim " + std::to_string(ndim) + " and shape " + tup(shape) + ".");
  for (int64_t i = 0; i < ndim; ++i)
    if (x.shape[i] != 1 && x.shape[i] != shape[bdims[i]])
      throw_type_error("broadcast_in_dim operand dimension sizes must either be 1, or be equal to their "
                       "corresponding dimensions in the target broadcast shape; got operand of shape " +
                       shape_str(x.shape) + ", target broadcast shape " + tup(shape) + ", broadcast_dimensions " +
                       tup(bdims) + " ");
  if (std::set<int64_t>(bdims.begin(), bdims.end()).size() != bdims.size())
    throw_type_error("broadcast_in_dim broadcast_dimensions must not contain duplicates, got broadcast_dimensions " +
                     tup(bdims));
  return {ShapedArray{shape, x.dtype, x.weak_type}};
}

std::vector<Array> broadcast_in_dim_impl(std::span<const Array> in, const Params& params,
                                         std::span<const ShapedArray> out_avals) {
  const Array& x = in[0];
  std::vector<int64_t> bdims = params.get_ints("broadcast_dimensions");
  Array out = Array::allocate(out_avals[0]);
  std::vector<int64_t> in_strides = row_major_strides(x.shape());
  std::vector<int64_t> strides(out.ndim(), 0);
  for (size_t i = 0; i < bdims.size(); ++i)
    if (x.shape()[i] != 1) strides[bdims[i]] = in_strides[i];
  strided_copy(x.raw(), out.mutable_raw(), out.shape(), strides, 0, dtype_size(x.dtype()));
  return {out};
}

// As JAX's _broadcast_in_dim_pp_rule: the shape is the output's, sharding is
// always None here, and empty broadcast_dimensions are left out.
std::vector<std::pair<std::string, Param>> broadcast_in_dim_print(const Params& params) {
  std::vector<std::pair<std::string, Param>> out;
  for (const auto& kv : sorted_params(params)) {
    if (kv.first == "shape" || kv.first == "sharding") continue;
    if (kv.first == "broadcast_dimensions" && kv.second.items().empty()) continue;
    out.push_back(kv);
  }
  return out;
}

// Rebuilds the params in the order lax::broadcast_in_dim binds them, so a
// parsed equation compares equal to a traced one.
void broadcast_in_dim_parse(Params& params, std::span<const ShapedArray>, std::span<const ShapedArray> out) {
  if (out.size() != 1) throw_type_error("broadcast_in_dim has one output, got " + std::to_string(out.size()));
  const Param* bd = params.find("broadcast_dimensions");
  Params rebuilt{{"shape", Param::ints(out[0].shape)},
                 {"broadcast_dimensions", bd ? *bd : Param::ints({})},
                 {"sharding", Param::none()}};
  for (const auto& [name, value] : params.items())
    if (!rebuilt.has(name)) rebuilt.set(name, value);
  params = std::move(rebuilt);
}

// --- reshape -------------------------------------------------------------

std::vector<ShapedArray> reshape_rule(std::span<const ShapedArray> in, const Params& params) {
  expect_operands("reshape", in, 1);
  Shape new_sizes = params.get_ints("new_sizes");
  const Param& dims = params.get("dimensions");
  const ShapedArray& x = in[0];
  for (int64_t d : new_sizes)
    if (d < 0) throw_type_error("reshape new_sizes must all be positive, got " + tup(new_sizes) + ".");
  if (shape_size(new_sizes) != x.size())
    throw_type_error("reshape total size must be unchanged, got new_sizes " + tup(new_sizes) + " (of total size " +
                     std::to_string(shape_size(new_sizes)) + ") for shape " + shape_str(x.shape) +
                     " (of total size " + std::to_string(x.size()) + ").");
  if (!dims.is_none() && !is_permutation(dims.as_ints(), x.ndim()))
    throw_type_error("reshape dimensions must be a permutation of operand dimensions, got dimensions " + dims.str() +
                     " for shape " + shape_str(x.shape) + ".");
  return {ShapedArray{new_sizes, x.dtype, x.weak_type}};
}

std::vector<Array> reshape_impl(std::span<const Array> in, const Params& params,
                                std::span<const ShapedArray> out_avals) {
  const Array& x = in[0];
  const Param& dims = params.get("dimensions");
  if (dims.is_none()) return {x.view(out_avals[0])};
  std::vector<int64_t> perm = dims.as_ints();
  Shape tshape;
  for (int64_t p : perm) tshape.push_back(x.shape()[p]);
  return {transposed(x, perm, {tshape, x.dtype(), x.weak_type()}).view(out_avals[0])};
}

// --- squeeze -------------------------------------------------------------

std::vector<ShapedArray> squeeze_rule(std::span<const ShapedArray> in, const Params& params) {
  expect_operands("squeeze", in, 1);
  std::vector<int64_t> dims = params.get_ints("dimensions");
  const ShapedArray& x = in[0];
  std::set<int64_t> canon;
  for (int64_t d : dims) {
    if (d < -x.ndim() || d >= x.ndim())
      throw_value_error("squeeze dimensions outside range [0, ndim): " + tup(dims) + " for operand shape " +
                        shape_str(x.shape));
    canon.insert(d < 0 ? d + x.ndim() : d);
  }
  if (canon.size() != dims.size())
    throw_value_error("squeeze dimensions are not unique: " + tup(dims) + " for operand shape " + shape_str(x.shape));
  for (int64_t d : canon)
    if (x.shape[d] != 1)
      throw_value_error("squeeze cannot select an axis to squeeze out which has size not equal to one, got shape=" +
                        shape_str(x.shape) + " and dimensions=" + tup(dims));
  Shape out;
  for (int64_t i = 0; i < x.ndim(); ++i)
    if (!canon.count(i)) out.push_back(x.shape[i]);
  return {ShapedArray{out, x.dtype, x.weak_type}};
}

// --- transpose -----------------------------------------------------------

std::vector<ShapedArray> transpose_rule(std::span<const ShapedArray> in, const Params& params) {
  expect_operands("transpose", in, 1);
  std::vector<int64_t> perm = params.get_ints("permutation");
  const ShapedArray& x = in[0];
  if (!is_permutation(perm, x.ndim()))
    throw_type_error("transpose permutation isn't a permutation of operand dimensions, got permutation " +
                     tup(perm) + " for operand shape " + shape_str(x.shape) + ".");
  Shape out;
  for (int64_t p : perm) out.push_back(x.shape[p]);
  return {ShapedArray{out, x.dtype, x.weak_type}};
}

// --- rev -----------------------------------------------------------------

std::vector<ShapedArray> rev_rule(std::span<const ShapedArray> in, const Params& params) {
  expect_operands("rev", in, 1);
  std::vector<int64_t> dims = params.get_ints("dimensions");
  const ShapedArray& x = in[0];
  if (std::set<int64_t>(dims.begin(), dims.end()).size() != dims.size())
    throw_type_error("rev dimensions must be unique, got " + tup(dims) + ".");
  for (int64_t d : dims)
    if (d < 0 || d >= x.ndim())
      throw_type_error("rev dimensions must all be nonnegative and less than operand ndim, got dimensions " +
                       tup(dims) + " for operand ndim " + std::to_string(x.ndim()) + ".");
  return {x};
}

std::vector<Array> rev_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> out_avals) {
  const Array& x = in[0];
  Array out = Array::allocate(out_avals[0]);
  std::vector<int64_t> strides = row_major_strides(x.shape());
  int64_t offset = 0;
  for (int64_t d : params.get_ints("dimensions")) {
    if (x.shape()[d] == 0) continue;
    offset += (x.shape()[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  strided_copy(x.raw(), out.mutable_raw(), out.shape(), strides, offset, dtype_size(x.dtype()));
  return {out};
}

// --- split -------------------------------------------------------------------
// The inverse of concatenate (lax.split): pieces of `sizes` along `axis`.

std::vector<ShapedArray> split_rule(std::span<const ShapedArray> in, const Params& params) {
  expect_operands("split", in, 1);
  int64_t axis = params.get_int("axis");
  std::vector<int64_t> sizes = params.get_ints("sizes");
  const ShapedArray& x = in[0];
  if (axis < 0 || axis >= x.ndim())
    throw_type_error("split: axis " + std::to_string(axis) + " is out of bounds for an array of rank " +
                     std::to_string(x.ndim()));
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) throw_type_error("split: sizes must be nonnegative, got " + Param::ints(sizes).str());
    total += s;
  }
  if (total != x.shape[axis])
    throw_type_error("split: sizes must sum to the size of axis " + std::to_string(axis) + " (" +
                     std::to_string(x.shape[axis]) + "), got " + Param::ints(sizes).str());
  std::vector<ShapedArray> out;
  for (int64_t s : sizes) {
    ShapedArray a{x.shape, x.dtype, x.weak_type};
    a.shape[axis] = s;
    out.push_back(a);
  }
  return out;
}

std::vector<Array> split_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> out) {
  static const Primitive& slice_p = get_primitive("slice");
  int64_t axis = params.get_int("axis");
  const Array& x = in[0];
  std::vector<Array> pieces;
  int64_t start = 0;
  for (const ShapedArray& o : out) {
    std::vector<int64_t> lo(x.ndim(), 0), hi(x.shape());
    lo[axis] = start;
    hi[axis] = start + o.shape[axis];
    start = hi[axis];
    Params sp{{"start_indices", Param::ints(lo)}, {"limit_indices", Param::ints(hi)}, {"strides", Param::none()}};
    pieces.push_back(apply_primitive(slice_p, std::span<const Array>(&x, 1), sp)[0]);
  }
  return pieces;
}

// --- concatenate ---------------------------------------------------------

std::string shapes_list(std::span<const ShapedArray> in) {
  std::string s;
  for (size_t i = 0; i < in.size(); ++i) s += (i ? ", " : "") + shape_str(in[i].shape);
  return s;
}

std::vector<ShapedArray> concatenate_rule(std::span<const ShapedArray> in, const Params& params) {
  int64_t dim = params.get_int("dimension");
  if (in.empty()) throw_type_error("concatenate expects at least one operand, got 0.");
  for (const ShapedArray& a : in)
    if (a.ndim() != in[0].ndim())
      throw_type_error("Cannot concatenate arrays with different numbers of dimensions: got " + shapes_list(in) + ".");
  if (dim < 0 || dim >= in[0].ndim())
    throw_type_error("concatenate dimension out of bounds: dimension " + std::to_string(dim) + " for shapes " +
                     shapes_list(in) + ".");
  Shape out = in[0].shape;
  out[dim] = 0;
  bool weak = true;
  for (const ShapedArray& a : in) {
    if (a.dtype != in[0].dtype) {
      std::string names;
      for (size_t i = 0; i < in.size(); ++i) names += (i ? ", " : "") + std::string(dtype_name(in[i].dtype));
      throw_type_error("concatenate requires arguments to have the same dtypes, got " + names + ".");
    }
    for (int64_t k = 0; k < a.ndim(); ++k)
      if (k != dim && a.shape[k] != in[0].shape[k])
        throw_type_error("Cannot concatenate arrays with shapes that differ in dimensions other than the one being "
                         "concatenated: concatenating along dimension " + std::to_string(dim) + " for shapes " +
                         shapes_list(in) + ".");
    out[dim] += a.shape[dim];
    weak = weak && a.weak_type;
  }
  return {ShapedArray{out, in[0].dtype, weak}};
}

std::vector<Array> concatenate_impl(std::span<const Array> in, const Params& params,
                                    std::span<const ShapedArray> out_avals) {
  int64_t dim = params.get_int("dimension");
  Array out = Array::allocate(out_avals[0]);
  const int64_t es = dtype_size(out.dtype());
  // Row-major: the output is `outer` rows, each the operands' blocks side by side.
  int64_t outer = 1;
  for (int64_t k = 0; k < dim; ++k) outer *= out.shape()[k];
  const int64_t out_row = outer ? out.size() / outer : 0;
  auto* dst = static_cast<uint8_t*>(out.mutable_raw());
  int64_t col = 0;
  for (const Array& a : in) {
    const int64_t row = outer ? a.size() / outer : 0;
    const auto* src = static_cast<const uint8_t*>(a.raw());
    for (int64_t r = 0; r < outer; ++r)
      std::memcpy(dst + (r * out_row + col) * es, src + r * row * es, row * es);
    col += row;
  }
  return {out};
}

// --- stack ---------------------------------------------------------------
// jnp.stack's primitive in JAX 0.10: operands of one shape joined along a new
// axis. It is a concatenate of the operands with a unit dim at `axis`.

std::vector<ShapedArray> stack_rule(std::span<const ShapedArray> in, const Params& params) {
  int64_t axis = params.get_int("axis");
  if (in.empty()) throw_type_error("stack expects at least one operand, got 0.");
  for (const ShapedArray& a : in)
    if (a.shape != in[0].shape || a.dtype != in[0].dtype)
      throw_type_error("stack requires operands of one shape and dtype, got " + shapes_list(in) + ".");
  if (axis < 0 || axis > in[0].ndim())
    throw_type_error("stack axis " + std::to_string(axis) + " is out of bounds for operands of rank " +
                     std::to_string(in[0].ndim()) + ".");
  Shape out = in[0].shape;
  out.insert(out.begin() + axis, static_cast<int64_t>(in.size()));
  bool weak = true;
  for (const ShapedArray& a : in) weak = weak && a.weak_type;
  return {ShapedArray{out, in[0].dtype, weak}};
}

std::vector<Array> stack_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> out_avals) {
  int64_t axis = params.get_int("axis");
  std::vector<Array> expanded;
  for (const Array& a : in) {
    ShapedArray aval = a.aval();
    aval.shape.insert(aval.shape.begin() + axis, 1);
    expanded.push_back(a.view(aval));
  }
  return concatenate_impl(expanded, Params{{"dimension", Param::integer(axis)}}, out_avals);
}

// --- unstack -------------------------------------------------------------
// The inverse of stack (lax.unstack): one output per index along `axis`,
// each the operand with that axis removed.

std::vector<ShapedArray> unstack_rule(std::span<const ShapedArray> in, const Params& params) {
  expect_operands("unstack", in, 1);
  int64_t axis = params.get_int("axis");
  const ShapedArray& x = in[0];
  if (x.ndim() == 0)
    throw_value_error("unstack requires arrays with rank > 0, however a scalar array of shape () was passed.");
  if (axis < 0 || axis >= x.ndim())
    throw_type_error("unstack axis " + std::to_string(axis) + " is out of bounds for an operand of rank " +
                     std::to_string(x.ndim()) + ".");
  Shape shape = x.shape;
  const int64_t n = shape[axis];
  shape.erase(shape.begin() + axis);
  return std::vector<ShapedArray>(static_cast<size_t>(n), ShapedArray{shape, x.dtype, x.weak_type});
}

std::vector<Array> unstack_impl(std::span<const Array> in, const Params& params,
                                std::span<const ShapedArray> out_avals) {
  const int64_t axis = params.get_int("axis");
  const Array& x = in[0];
  std::vector<int64_t> strides = row_major_strides(x.shape());
  const int64_t step = strides[axis];
  strides.erase(strides.begin() + axis);
  std::vector<Array> out;
  for (size_t i = 0; i < out_avals.size(); ++i) {
    Array piece = Array::allocate(out_avals[i]);
    strided_copy(x.raw(), piece.mutable_raw(), piece.shape(), strides, static_cast<int64_t>(i) * step,
                 dtype_size(x.dtype()));
    out.push_back(piece);
  }
  return out;
}

// --- pad -----------------------------------------------------------------

std::vector<ShapedArray> pad_rule(std::span<const ShapedArray> in, const Params& params) {
  expect_operands("pad", in, 2);
  const Param& cfg = params.get("padding_config");
  const ShapedArray& x = in[0];
  if (in[1].ndim() != 0)
    throw_value_error("pad padding_value must be a scalar; got shape " + shape_str(in[1].shape));
  if (in[1].dtype != x.dtype)
    throw_type_error("pad operand and padding_value must have the same dtype, got " +
                     std::string(dtype_name(x.dtype)) + " and " + std::string(dtype_name(in[1].dtype)) + ".");
  if (static_cast<int64_t>(cfg.items().size()) != x.ndim())
    throw_value_error("length of padding_config must equal the number of axes of operand, got padding_config " +
                      cfg.str() + " for operand shape " + shape_str(x.shape));
  Shape out;
  for (int64_t k = 0; k < x.ndim(); ++k) {
    std::vector<int64_t> lhi = cfg.items()[k].as_ints();
    if (lhi.size() != 3)
      throw_value_error("pad padding_config entries must be (lo, hi, interior) triples, got padding_config " +
                        cfg.str());
    if (lhi[2] < 0)
      throw_value_error("interior padding in padding_config must be nonnegative, got padding_config " + cfg.str());
    int64_t d = x.shape[k];
    out.push_back(lhi[0] + lhi[1] + (d == 0 ? 0 : d + (d - 1) * lhi[2]));
  }
  for (int64_t d : out)
    if (d < 0)
      throw_value_error("Dimension size after padding is not at least 0, got result shape " + tup(out) +
                        ", for padding_config " + cfg.str() + " and operand shape " + shape_str(x.shape));
  return {ShapedArray{out, x.dtype, x.weak_type && in[1].weak_type}};
}

std::vector<Array> pad_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> out_avals) {
  const Array& x = in[0];
  const Param& cfg = params.get("padding_config");
  Array out = Array::allocate(out_avals[0]);
  const int es = dtype_size(x.dtype());
  auto* dst = static_cast<uint8_t*>(out.mutable_raw());
  for (int64_t i = 0; i < out.size(); ++i) std::memcpy(dst + i * es, in[1].raw(), es);
  if (x.size() == 0) return {out};
  const int rank = x.ndim();
  std::vector<int64_t> lo(rank), step(rank), ostrides = row_major_strides(out.shape());
  for (int k = 0; k < rank; ++k) {
    std::vector<int64_t> lhi = cfg.items()[k].as_ints();
    lo[k] = lhi[0];
    step[k] = lhi[2] + 1;
  }
  // Each operand element lands at lo + i*(interior+1); negative lo/hi crop
  // the elements whose position falls outside the output.
  const auto* src = static_cast<const uint8_t*>(x.raw());
  std::vector<int64_t> coord(rank, 0);
  for (int64_t i = 0; i < x.size(); ++i) {
    int64_t pos = 0;
    bool inside = true;
    for (int k = 0; k < rank && inside; ++k) {
      int64_t p = lo[k] + coord[k] * step[k];
      inside = p >= 0 && p < out.shape()[k];
      pos += p * ostrides[k];
    }
    if (inside) std::memcpy(dst + pos * es, src + i * es, es);
    for (int k = rank - 1; k >= 0; --k) {
      if (++coord[k] < x.shape()[k]) break;
      coord[k] = 0;
    }
  }
  return {out};
}

// --- iota ----------------------------------------------------------------

std::vector<ShapedArray> iota_rule(std::span<const ShapedArray> in, const Params& params) {
  expect_operands("iota", in, 0);
  DType dtype = params.get_dtype("dtype");
  Shape shape = params.get_ints("shape");
  int64_t dim = params.get_int("dimension");
  if (dtype == DType::Bool)
    throw_type_error("iota does not accept dtype bool. Accepted dtypes are subtypes of integer, floating, "
                     "complexfloating.");
  check_nonnegative("iota", "shape", shape);
  if (dim < 0 || dim >= static_cast<int64_t>(shape.size()))
    throw_value_error("iota dimension must be between 0 and len(shape), got dimension=" + std::to_string(dim) +
                      " for shape=" + tup(shape));
  return {ShapedArray{shape, dtype, false}};
}

std::vector<Array> iota_impl(std::span<const Array>, const Params& params, std::span<const ShapedArray> out_avals) {
  Array out = Array::allocate(out_avals[0]);
  const int64_t dim = params.get_int("dimension");
  const int64_t inner = row_major_strides(out.shape())[dim], extent = out.shape()[dim];
  dispatch_dtype(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* p = out.mutable_data<T>();
    for (int64_t i = 0; i < out.size(); ++i) p[i] = convert_scalar<T>((i / inner) % extent);
  });
  return {out};
}

}  // namespace

void register_structural_primitives() {
  {
    Primitive& p = define_primitive("broadcast_in_dim");
    p.synopsis = "broadcast an operand to a shape, mapping its dims onto broadcast_dimensions";
    p.abstract_eval = broadcast_in_dim_rule;
    p.impl = broadcast_in_dim_impl;
    p.print_params = broadcast_in_dim_print;
    p.parse_params = broadcast_in_dim_parse;
  }
  {
    Primitive& p = define_primitive("reshape");
    p.synopsis = "reshape to new_sizes, after transposing by dimensions when given";
    p.abstract_eval = reshape_rule;
    p.impl = reshape_impl;
  }
  {
    Primitive& p = define_primitive("squeeze");
    p.synopsis = "remove the given size-1 dimensions";
    p.abstract_eval = squeeze_rule;
    p.impl = [](std::span<const Array> in, const Params&, std::span<const ShapedArray> out) {
      return std::vector<Array>{in[0].view(out[0])};
    };
  }
  {
    Primitive& p = define_primitive("transpose");
    p.synopsis = "permute dimensions: output dim i is operand dim permutation[i]";
    p.abstract_eval = transpose_rule;
    p.impl = [](std::span<const Array> in, const Params& params, std::span<const ShapedArray> out) {
      return std::vector<Array>{transposed(in[0], params.get_ints("permutation"), out[0])};
    };
  }
  {
    Primitive& p = define_primitive("rev");
    p.synopsis = "reverse the order of elements along the given dimensions";
    p.abstract_eval = rev_rule;
    p.impl = rev_impl;
  }
  {
    Primitive& p = define_primitive("concatenate");
    p.synopsis = "join operands of equal dtype and rank along one dimension";
    p.abstract_eval = concatenate_rule;
    p.impl = concatenate_impl;
  }
  {
    Primitive& p = define_primitive("split");
    p.synopsis = "cut an array into pieces of given sizes along one axis";
    p.abstract_eval = split_rule;
    p.impl = split_impl;
  }
  {
    Primitive& p = define_primitive("stack");
    p.synopsis = "join operands of one shape along a new axis (jnp.stack)";
    p.abstract_eval = stack_rule;
    p.impl = stack_impl;
  }
  {
    Primitive& p = define_primitive("unstack");
    p.synopsis = "one output per index along an axis, that axis removed (lax.unstack)";
    p.abstract_eval = unstack_rule;
    p.impl = unstack_impl;
  }
  {
    Primitive& p = define_primitive("pad");
    p.synopsis = "pad with a scalar: (lo, hi, interior) per dim; negative lo/hi crop";
    p.abstract_eval = pad_rule;
    p.impl = pad_impl;
  }
  {
    Primitive& p = define_primitive("iota");
    p.synopsis = "array whose elements are their index along one dimension";
    p.abstract_eval = iota_rule;
    p.impl = iota_impl;
  }
  {
    Primitive& p = define_primitive("copy");
    p.synopsis = "copy an array into a fresh buffer";
    p.abstract_eval = [](std::span<const ShapedArray> in, const Params&) {
      expect_operands("copy", in, 1);
      return std::vector<ShapedArray>{in[0]};
    };
    p.impl = [](std::span<const Array> in, const Params&, std::span<const ShapedArray> out) {
      Array a = Array::allocate(out[0]);
      if (in[0].nbytes()) std::memcpy(a.mutable_raw(), in[0].raw(), in[0].nbytes());
      return std::vector<Array>{a};
    };
  }
}

}  // namespace jxr
