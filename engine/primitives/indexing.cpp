// Indexing primitives: slice, dynamic_slice, dynamic_update_slice, gather,
// scatter-add and scatter, with their lax wrappers and param encodings.
// Kernels follow XLA's semantics (what JAX users observe): dynamic starts
// clamp so the slice stays in bounds, gather clamps or fills per mode, scatter
// drops or clamps.
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <type_traits>

#include "engine/jaxpr/staging.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

std::string tup(const std::vector<int64_t>& v) { return Param::ints(v).str(); }

bool contains(const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Index operands of any integer dtype, widened.
std::vector<int64_t> index_values(const Array& a) {
  std::vector<int64_t> out(a.size());
  dispatch_dtype(a.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* p = a.data<T>();
    for (int64_t i = 0; i < a.size(); ++i) out[i] = convert_scalar<int64_t>(p[i]);
  });
  return out;
}

// Visits every coordinate of `shape` in row-major order, tracking two linear
// offsets that advance by their own strides (source and destination).
template <class F>
void for_each_pair(const Shape& shape, const std::vector<int64_t>& sa, const std::vector<int64_t>& sb, int64_t a,
                   int64_t b, F&& f) {
  if (shape_size(shape) == 0) return;
  const int rank = static_cast<int>(shape.size());
  std::vector<int64_t> coord(rank, 0);
  for (;;) {
    f(a, b);
    int k = rank - 1;
    for (; k >= 0; --k) {
      a += sa[k];
      b += sb[k];
      if (++coord[k] < shape[k]) break;
      a -= sa[k] * shape[k];
      b -= sb[k] * shape[k];
      coord[k] = 0;
    }
    if (k < 0) return;
  }
}

// Visits every coordinate of `shape` in row-major order with its flat index.
template <class F>
void for_each_coord(const Shape& shape, F&& f) {
  if (shape_size(shape) == 0) return;
  const int rank = static_cast<int>(shape.size());
  std::vector<int64_t> coord(rank, 0);
  for (int64_t flat = 0;; ++flat) {
    f(coord, flat);
    int k = rank - 1;
    for (; k >= 0; --k) {
      if (++coord[k] < shape[k]) break;
      coord[k] = 0;
    }
    if (k < 0) return;
  }
}

void copy_elems(const Array& src, Array& dst, const Shape& shape, const std::vector<int64_t>& src_strides,
                const std::vector<int64_t>& dst_strides, int64_t src_off, int64_t dst_off) {
  const int es = dtype_size(src.dtype());
  const auto* s = static_cast<const uint8_t*>(src.raw());
  auto* d = static_cast<uint8_t*>(dst.mutable_raw());
  for_each_pair(shape, src_strides, dst_strides, src_off, dst_off,
                [&](int64_t a, int64_t b) { std::memcpy(d + b * es, s + a * es, es); });
}

void check_int_scalar_indices(std::string_view prim, std::span<const ShapedArray> idx) {
  std::string names;
  bool ok = true;
  for (size_t i = 0; i < idx.size(); ++i) {
    names += (i ? ", " : "") + std::string(dtype_name(idx[i].dtype));
    ok = ok && is_integer(idx[i].dtype) && idx[i].dtype == idx[0].dtype;
  }
  if (!ok)
    throw_type_error("index arguments to " + std::string(prim) + " must be integers of the same type, got: " + names);
  for (const ShapedArray& a : idx)
    if (a.ndim() != 0)
      throw_type_error("start_indices arguments to " + std::string(prim) + " must be scalars, got an index of shape " +
                       shape_str(a.shape));
}

// Start of a dynamic slice, clamped into [0, dim - size] as XLA does.
std::vector<int64_t> clamped_starts(std::span<const Array> idx, const Shape& shape, const Shape& sizes) {
  std::vector<int64_t> s(shape.size());
  for (size_t k = 0; k < shape.size(); ++k)
    s[k] = std::clamp<int64_t>(index_values(idx[k])[0], 0, shape[k] - sizes[k]);
  return s;
}

// --- slice -----------------------------------------------------------------

std::vector<ShapedArray> slice_rule(std::span<const ShapedArray> in, const Params& params) {
  if (in.size() != 1) throw_type_error("slice takes one operand, got " + std::to_string(in.size()));
  const ShapedArray& x = in[0];
  std::vector<int64_t> start = params.get_ints("start_indices"), limit = params.get_ints("limit_indices");
  const Param& sp = params.get("strides");
  if (x.ndim() != static_cast<int64_t>(start.size()))
    throw_type_error("slice start_indices must have length equal to the number of dimensions of the operand, got "
                     "indices " + tup(start) + " for operand shape " + shape_str(x.shape) + ".");
  if (start.size() != limit.size())
    throw_type_error("slice limit_indices must have the same length as start_indices, got start_indices " +
                     tup(start) + " and limit_indices " + tup(limit) + ".");
  for (int k = 0; k < x.ndim(); ++k)
    if (limit[k] > x.shape[k])
      throw_type_error("slice limit_indices must be less than or equal to operand shape, got limit_indices " +
                       tup(limit) + " for operand shape " + shape_str(x.shape) + ".");
  for (int64_t s : start)
    if (s < 0)
      throw_type_error("slice start_indices must be greater than or equal to zero, got start_indices of " +
                       tup(start) + ".");
  for (int k = 0; k < x.ndim(); ++k)
    if (limit[k] < start[k])
      throw_type_error("slice limit_indices must be greater than or equal to start_indices, got start_indices " +
                       tup(start) + " and limit_indices " + tup(limit) + ".");
  std::vector<int64_t> strides(x.ndim(), 1);
  if (!sp.is_none()) {
    strides = sp.as_ints();
    if (static_cast<int64_t>(strides.size()) != x.ndim())
      throw_type_error("slice strides must have length equal to the number of dimensions of the operand, got "
                       "strides " + tup(strides) + " for operand shape " + shape_str(x.shape) + ".");
    for (int64_t s : strides)
      if (s <= 0) throw_type_error("slice strides must be positive, got " + tup(strides));
  }
  Shape out;
  for (int k = 0; k < x.ndim(); ++k) {
    int64_t diff = limit[k] - start[k];
    out.push_back(diff == 0 ? 0 : (diff - 1) / strides[k] + 1);
  }
  return {ShapedArray{out, x.dtype, x.weak_type}};
}

std::vector<Array> slice_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> outs) {
  const Array& x = in[0];
  Array out = Array::allocate(outs[0]);
  std::vector<int64_t> start = params.get_ints("start_indices");
  const Param& sp = params.get("strides");
  std::vector<int64_t> steps = sp.is_none() ? std::vector<int64_t>(x.ndim(), 1) : sp.as_ints();
  std::vector<int64_t> istr = row_major_strides(x.shape()), src(x.ndim());
  int64_t off = 0;
  for (int k = 0; k < x.ndim(); ++k) {
    off += start[k] * istr[k];
    src[k] = istr[k] * steps[k];
  }
  copy_elems(x, out, out.shape(), src, row_major_strides(out.shape()), off, 0);
  return {out};
}

// --- dynamic_slice -----------------------------------------------------------

std::vector<ShapedArray> dynamic_slice_rule(std::span<const ShapedArray> in, const Params& params) {
  if (in.empty()) throw_type_error("dynamic_slice takes an operand and start indices, got no operands");
  const ShapedArray& x = in[0];
  Shape sizes = params.get_ints("slice_sizes");
  if (in.size() - 1 != static_cast<size_t>(x.ndim()))
    throw_type_error("dynamic_slice start_indices must have length equal to the rank of operand, got " +
                     std::to_string(in.size() - 1) + " indices for operand shape " + shape_str(x.shape) + ".");
  if (sizes.size() != static_cast<size_t>(x.ndim()))
    throw_type_error("dynamic_slice slice_sizes must have length equal to the rank of operand, got slice_sizes " +
                     tup(sizes) + " for operand shape " + shape_str(x.shape) + ".");
  for (int k = 0; k < x.ndim(); ++k)
    if (sizes[k] > x.shape[k])
      throw_type_error("dynamic_slice slice_sizes must be less than or equal to operand shape, got slice_sizes " +
                       tup(sizes) + " for operand shape " + shape_str(x.shape) + ".");
  for (int64_t s : sizes)
    if (s < 0)
      throw_type_error("dynamic_slice slice_sizes must be greater than or equal to zero, got slice_sizes of " +
                       tup(sizes) + ".");
  check_int_scalar_indices("dynamic_slice", in.subspan(1));
  return {ShapedArray{sizes, x.dtype, x.weak_type}};
}

std::vector<Array> dynamic_slice_impl(std::span<const Array> in, const Params&, std::span<const ShapedArray> outs) {
  const Array& x = in[0];
  Array out = Array::allocate(outs[0]);
  std::vector<int64_t> start = clamped_starts(in.subspan(1), x.shape(), out.shape());
  std::vector<int64_t> istr = row_major_strides(x.shape());
  int64_t off = 0;
  for (int k = 0; k < x.ndim(); ++k) off += start[k] * istr[k];
  copy_elems(x, out, out.shape(), istr, row_major_strides(out.shape()), off, 0);
  return {out};
}

// --- dynamic_update_slice ------------------------------------------------------

std::vector<ShapedArray> dynamic_update_slice_rule(std::span<const ShapedArray> in, const Params&) {
  if (in.size() < 2)
    throw_type_error("dynamic_update_slice takes an operand, an update and start indices, got " +
                     std::to_string(in.size()) + " operands");
  const ShapedArray &x = in[0], &u = in[1];
  if (x.ndim() != u.ndim())
    throw_type_error("dynamic_update_slice update must have the same rank as operand, got update shape " +
                     shape_str(u.shape) + " for operand shape " + shape_str(x.shape) + ".");
  if (in.size() - 2 != static_cast<size_t>(x.ndim()))
    throw_type_error("dynamic_update_slice start_indices must have length equal to the rank of operand, got " +
                     std::to_string(in.size() - 2) + " indices for operand shape " + shape_str(x.shape) + ".");
  for (int k = 0; k < x.ndim(); ++k)
    if (u.shape[k] > x.shape[k])
      throw_type_error("dynamic_update_slice update shape must be smaller than operand shape, got update shape " +
                       shape_str(u.shape) + " for operand shape " + shape_str(x.shape) + ".");
  if (u.dtype != x.dtype)
    throw_type_error("dynamic_update_slice requires arguments to have the same dtypes, got " +
                     std::string(dtype_name(x.dtype)) + ", " + std::string(dtype_name(u.dtype)) + ".");
  check_int_scalar_indices("dynamic_update_slice", in.subspan(2));
  return {x};
}

std::vector<Array> dynamic_update_slice_impl(std::span<const Array> in, const Params&,
                                             std::span<const ShapedArray> outs) {
  const Array &x = in[0], &u = in[1];
  Array out = Array::allocate(outs[0]);
  if (x.nbytes()) std::memcpy(out.mutable_raw(), x.raw(), x.nbytes());
  std::vector<int64_t> start = clamped_starts(in.subspan(2), x.shape(), u.shape());
  std::vector<int64_t> ostr = row_major_strides(x.shape());
  int64_t off = 0;
  for (int k = 0; k < x.ndim(); ++k) off += start[k] * ostr[k];
  copy_elems(u, out, u.shape(), row_major_strides(u.shape()), ostr, 0, off);
  return {out};
}

// --- shared gather/scatter checks ---------------------------------------------

void check_sorted(const std::vector<int64_t>& dims, const char* op, const char* name) {
  if (!std::is_sorted(dims.begin(), dims.end()))
    throw_type_error(std::string(name) + " in " + op + " op must be sorted; got " + tup(dims));
}
void check_unique(const std::vector<int64_t>& dims, const char* op, const char* name) {
  if (std::set<int64_t>(dims.begin(), dims.end()).size() != dims.size())
    throw_type_error(std::string(name) + " in " + op + " op must not repeat; got: " + tup(dims) + ".");
}
void check_in_range(const std::vector<int64_t>& dims, int64_t rank, const char* op, const char* name) {
  for (int64_t d : dims)
    if (d < 0 || d >= rank)
      throw_type_error(std::string("Invalid ") + name + " set in " + op + " op; valid range is [0, " +
                       std::to_string(rank) + "); got: " + std::to_string(d) + ".");
}
void check_disjoint(const std::vector<int64_t>& a, const std::vector<int64_t>& b, const char* op, const char* na,
                    const char* nb) {
  for (int64_t x : a)
    if (contains(b, x))
      throw_type_error(std::string(na) + " and " + nb + " in " + op + " op must be disjoint; got: " + tup(a) +
                       " and " + tup(b) + ".");
}

// Operand dims that a gather slice / scatter window spans, in order.
std::vector<int64_t> window_operand_dims(int64_t rank, const std::vector<int64_t>& collapsed,
                                         const std::vector<int64_t>& batching) {
  std::vector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d)
    if (!contains(collapsed, d) && !contains(batching, d)) out.push_back(d);
  return out;
}

std::string operands_str(std::span<const ShapedArray> in) {
  std::string s;
  for (size_t i = 0; i < in.size(); ++i) s += (i ? ", " : "") + in[i].str_short();
  return s;
}

// --- gather ---------------------------------------------------------------

std::vector<ShapedArray> gather_rule(std::span<const ShapedArray> in, const Params& params) {
  if (in.size() != 2) throw_type_error("gather takes an operand and indices, got " + std::to_string(in.size()));
  const ShapedArray &x = in[0], &idx = in[1];
  lax::GatherDimensionNumbers dn = lax::gather_dnums_from_param(params.get("dimension_numbers"));
  Shape sizes = params.get_ints("slice_sizes");
  lax::gather_mode_from_param(params.get("mode"));
  const std::string where = " (gather of " + operands_str(in) + ")";
  if (!is_integer(idx.dtype)) throw_value_error("indices must have an integer type" + where);
  if (idx.ndim() < 1)
    throw_type_error("Gather index leaf dimension must be within [0, rank(indices) + 1). rank(indices) is 0 and "
                     "gather index leaf dimension is -1." + where);
  const int64_t ivd = idx.ndim() - 1;
  check_sorted(dn.offset_dims, "gather", "offset_dims");
  check_unique(dn.offset_dims, "gather", "offset_dims");
  const int64_t out_rank = static_cast<int64_t>(dn.offset_dims.size()) + idx.ndim() - 1;
  for (size_t i = 0; i < dn.offset_dims.size(); ++i)
    if (dn.offset_dims[i] < 0 || dn.offset_dims[i] >= out_rank)
      throw_type_error("Offset dimension " + std::to_string(i) + " in gather op is out of bounds; got " +
                       std::to_string(dn.offset_dims[i]) + ", but should have been in [0, " +
                       std::to_string(out_rank) + ")" + where);
  if (static_cast<int64_t>(dn.start_index_map.size()) != idx.shape[ivd])
    throw_type_error("Gather op has " + std::to_string(dn.start_index_map.size()) +
                     " elements in start_index_map and the bound of dimension index_vector_dim=" +
                     std::to_string(ivd) + " of indices is " + std::to_string(idx.shape[ivd]) +
                     ". These two numbers must be equal." + where);
  for (size_t i = 0; i < dn.start_index_map.size(); ++i)
    if (dn.start_index_map[i] < 0 || dn.start_index_map[i] >= x.ndim())
      throw_type_error("Invalid start_index_map; domain is [0, " + std::to_string(x.ndim()) + "), got: " +
                       std::to_string(i) + "->" + std::to_string(dn.start_index_map[i]) + "." + where);
  check_unique(dn.start_index_map, "gather", "start_index_map");
  check_sorted(dn.collapsed_slice_dims, "gather", "collapsed_slice_dims");
  check_in_range(dn.collapsed_slice_dims, x.ndim(), "gather", "collapsed_slice_dims");
  check_unique(dn.collapsed_slice_dims, "gather", "collapsed_slice_dims");
  check_unique(dn.operand_batching_dims, "gather", "operand_batching_dims");
  check_sorted(dn.operand_batching_dims, "gather", "operand_batching_dims");
  check_in_range(dn.operand_batching_dims, x.ndim(), "gather", "operand_batching_dims");
  check_disjoint(dn.collapsed_slice_dims, dn.operand_batching_dims, "gather", "collapsed_slice_dims",
                 "operand_batching_dims");
  check_disjoint(dn.start_index_map, dn.operand_batching_dims, "gather", "start_index_map", "operand_batching_dims");
  check_unique(dn.start_indices_batching_dims, "gather", "start_indices_batching_dims");
  check_in_range(dn.start_indices_batching_dims, idx.ndim(), "gather", "start_indices_batching_dims");
  if (contains(dn.start_indices_batching_dims, ivd))
    throw_type_error("Gather op cannot have the index vector dimension as a batching dimension; got " +
                     tup(dn.start_indices_batching_dims) + "." + where);
  if (dn.operand_batching_dims.size() != dn.start_indices_batching_dims.size())
    throw_type_error("Gather op requires equal numbers of operand_batching_dims and start_indices_batching_dims, "
                     "got " + tup(dn.operand_batching_dims) + " and " + tup(dn.start_indices_batching_dims) + "." +
                     where);
  for (size_t i = 0; i < dn.operand_batching_dims.size(); ++i)
    if (x.shape[dn.operand_batching_dims[i]] != idx.shape[dn.start_indices_batching_dims[i]])
      throw_type_error("Gather op requires operand batching dimensions and indices batching dimensions to have the "
                       "same shape" + where);
  if (static_cast<int64_t>(sizes.size()) != x.ndim())
    throw_type_error("Gather op must have one slice size for every input dimension; got: len(slice_sizes)=" +
                     std::to_string(sizes.size()) + ", input_shape.rank=" + std::to_string(x.ndim()) + where);
  if (sizes.size() !=
      dn.offset_dims.size() + dn.collapsed_slice_dims.size() + dn.operand_batching_dims.size())
    throw_type_error("All components of the offset index in a gather op must either be a offset dimension or "
                     "explicitly collapsed/batching; got len(slice_sizes)=" + std::to_string(sizes.size()) +
                     ", output_slice_sizes=" + tup(dn.offset_dims) + ", collapsed_slice_dims=" +
                     tup(dn.collapsed_slice_dims) + ", operand_batching_dims=" + tup(dn.operand_batching_dims) +
                     "." + where);
  for (int k = 0; k < x.ndim(); ++k)
    if (sizes[k] < 0 || (idx.size() != 0 && sizes[k] > x.shape[k]))
      throw_type_error("Slice size at index " + std::to_string(k) + " in gather op is out of range, must be within "
                       "[0, " + std::to_string(x.shape[k]) + " + 1), got " + std::to_string(sizes[k]) + "." + where);
  for (size_t i = 0; i < dn.collapsed_slice_dims.size(); ++i)
    if (sizes[dn.collapsed_slice_dims[i]] != 1)
      throw_type_error("Gather op can only collapse slice dims with bound 1, but bound is " +
                       std::to_string(sizes[dn.collapsed_slice_dims[i]]) + " for index " +
                       std::to_string(dn.collapsed_slice_dims[i]) + " at position " + std::to_string(i) + "." + where);
  for (size_t i = 0; i < dn.operand_batching_dims.size(); ++i)
    if (sizes[dn.operand_batching_dims[i]] > 1)
      throw_type_error("Gather op can only have operand batching dims with bound 0/1, but bound is " +
                       std::to_string(sizes[dn.operand_batching_dims[i]]) + " for index " +
                       std::to_string(dn.operand_batching_dims[i]) + " at position " + std::to_string(i) + "." +
                       where);
  std::vector<int64_t> wdims = window_operand_dims(x.ndim(), dn.collapsed_slice_dims, dn.operand_batching_dims);
  Shape out(out_rank);
  size_t next_w = 0, next_b = 0;
  for (int64_t d = 0; d < out_rank; ++d)
    out[d] = contains(dn.offset_dims, d) ? sizes[wdims[next_w++]] : idx.shape[next_b++];
  return {ShapedArray{out, x.dtype, x.weak_type}};
}

// As JAX's lax.gather: FILL_OR_DROP without a fill value fills with NaN, the
// most negative signed int, the largest unsigned int, or True.
double default_fill(DType d) {
  if (is_floating(d)) return std::numeric_limits<double>::quiet_NaN();
  switch (d) {
    case DType::I32: return double(std::numeric_limits<int32_t>::min());
    case DType::I64: return double(std::numeric_limits<int64_t>::min());
    case DType::U32: return double(std::numeric_limits<uint32_t>::max());
    default: return 1.0;
  }
}

Param fill_param(DType d) {
  if (is_floating(d)) return Param::floating(default_fill(d));
  if (d == DType::Bool) return Param::boolean(true);
  if (d == DType::I64) return Param::integer(std::numeric_limits<int64_t>::min());
  return Param::integer(static_cast<int64_t>(default_fill(d)));
}

std::vector<Array> gather_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> outs) {
  const Array &x = in[0], &idx = in[1];
  lax::GatherDimensionNumbers dn = lax::gather_dnums_from_param(params.get("dimension_numbers"));
  Shape sizes = params.get_ints("slice_sizes");
  const bool fill = lax::gather_mode_from_param(params.get("mode")) == lax::GatherScatterMode::FillOrDrop;
  Array out = Array::allocate(outs[0]);
  if (out.size() == 0) return {out};
  const Param* fp = params.find("fill_value");
  double fv = default_fill(x.dtype());
  if (fp && !fp->is_none())
    fv = fp->kind() == Param::Kind::Float ? fp->as_float()
         : fp->kind() == Param::Kind::Bool ? double(fp->as_bool())
                                            : double(fp->as_int());
  const Array fill_elem = Array::scalar(fv, x.dtype());

  const std::vector<int64_t> iv = index_values(idx);
  const int64_t nvec = idx.shape().back();
  const Shape batch_shape(idx.shape().begin(), idx.shape().end() - 1);
  std::vector<int64_t> wdims = window_operand_dims(x.ndim(), dn.collapsed_slice_dims, dn.operand_batching_dims);
  const std::vector<int64_t> istr = row_major_strides(x.shape()), ostr = row_major_strides(out.shape());
  Shape wshape;
  std::vector<int64_t> wsrc, wdst;
  for (size_t k = 0; k < wdims.size(); ++k) {
    wshape.push_back(sizes[wdims[k]]);
    wsrc.push_back(istr[wdims[k]]);
    wdst.push_back(ostr[dn.offset_dims[k]]);
  }
  std::vector<int64_t> batch_out_dims;
  for (int64_t d = 0; d < out.ndim(); ++d)
    if (!contains(dn.offset_dims, d)) batch_out_dims.push_back(d);

  const int es = dtype_size(x.dtype());
  const auto* src = static_cast<const uint8_t*>(x.raw());
  auto* dst = static_cast<uint8_t*>(out.mutable_raw());
  std::vector<int64_t> start(x.ndim());
  for_each_coord(batch_shape, [&](const std::vector<int64_t>& g, int64_t b) {
    std::fill(start.begin(), start.end(), 0);
    for (size_t i = 0; i < dn.operand_batching_dims.size(); ++i)
      start[dn.operand_batching_dims[i]] = g[dn.start_indices_batching_dims[i]];
    bool oob = false;
    for (int64_t k = 0; k < nvec; ++k) {
      const int64_t d = dn.start_index_map[k], hi = x.shape()[d] - sizes[d];
      const int64_t s = iv[b * nvec + k];
      if (fill)
        oob = oob || s < 0 || s > hi;
      start[d] = std::clamp<int64_t>(s, 0, std::max<int64_t>(hi, 0));
    }
    int64_t soff = 0, doff = 0;
    for (int64_t d = 0; d < x.ndim(); ++d) soff += start[d] * istr[d];
    for (size_t j = 0; j < batch_out_dims.size(); ++j) doff += g[j] * ostr[batch_out_dims[j]];
    for_each_pair(wshape, wsrc, wdst, soff, doff, [&](int64_t a, int64_t o) {
      std::memcpy(dst + o * es, oob ? fill_elem.raw() : src + a * es, es);
    });
  });
  return {out};
}

// --- scatter-add and scatter ---------------------------------------------------

// JAX's _scatter_shape_rule and _scatter_dtype_rule, shared by scatter-add
// and scatter: the output is the operand's aval (weak type included).
std::vector<ShapedArray> scatter_shape_rule(const char* name, std::span<const ShapedArray> in, const Params& params) {
  if (in.size() != 3)
    throw_type_error(std::string(name) + " takes an operand, indices and updates, got " + std::to_string(in.size()));
  const ShapedArray &x = in[0], &idx = in[1], &u = in[2];
  lax::ScatterDimensionNumbers dn = lax::scatter_dnums_from_param(params.get("dimension_numbers"));
  lax::gather_mode_from_param(params.get("mode"));
  const std::string where = " (" + std::string(name) + " of " + operands_str(in) + ")";
  if (!is_integer(idx.dtype)) throw_value_error("indices must have an integer type" + where);
  if (x.dtype != u.dtype)
    throw_type_error("scatter requires arguments to have the same dtypes, got " + std::string(dtype_name(x.dtype)) +
                     ", " + std::string(dtype_name(u.dtype)) + "." + where);
  if (idx.ndim() < 1)
    throw_type_error("Scatter index leaf dimension must be within [0, rank(indices) + 1). rank(indices) is 0 and "
                     "scatter index leaf dimension is -1." + where);
  const int64_t ivd = idx.ndim() - 1;
  const int64_t expected_rank = idx.ndim() - 1 + static_cast<int64_t>(dn.update_window_dims.size());
  if (u.ndim() != expected_rank)
    throw_type_error("Updates tensor must be of rank " + std::to_string(expected_rank) + "; got " +
                     std::to_string(u.ndim()) + "." + where);
  check_sorted(dn.update_window_dims, "scatter", "update_window_dims");
  check_unique(dn.update_window_dims, "scatter", "update_window_dims");
  check_in_range(dn.update_window_dims, u.ndim(), "scatter", "update_window_dims");
  check_sorted(dn.inserted_window_dims, "scatter", "inserted_window_dims");
  check_unique(dn.inserted_window_dims, "scatter", "inserted_window_dims");
  check_in_range(dn.inserted_window_dims, x.ndim(), "scatter", "inserted_window_dims");
  check_sorted(dn.operand_batching_dims, "scatter", "operand_batching_dims");
  check_unique(dn.operand_batching_dims, "scatter", "operand_batching_dims");
  check_in_range(dn.operand_batching_dims, x.ndim(), "scatter", "operand_batching_dims");
  check_disjoint(dn.inserted_window_dims, dn.operand_batching_dims, "scatter", "inserted_window_dims",
                 "operand_batching_dims");
  check_disjoint(dn.scatter_dims_to_operand_dims, dn.operand_batching_dims, "scatter", "scatter_dims_to_operand_dims",
                 "operand_batching_dims");
  check_unique(dn.scatter_indices_batching_dims, "scatter", "scatter_indices_batching_dims");
  check_in_range(dn.scatter_indices_batching_dims, idx.ndim(), "scatter", "scatter_indices_batching_dims");
  if (contains(dn.scatter_indices_batching_dims, ivd))
    throw_type_error("Scatter op cannot have the index vector dimension as a batching dimension; got " +
                     tup(dn.scatter_indices_batching_dims) + "." + where);
  if (dn.operand_batching_dims.size() != dn.scatter_indices_batching_dims.size())
    throw_type_error("Scatter op requires equal numbers of operand_batching_dims and scatter_indices_batching_dims, "
                     "got " + tup(dn.operand_batching_dims) + " and " + tup(dn.scatter_indices_batching_dims) + "." +
                     where);
  for (size_t i = 0; i < dn.operand_batching_dims.size(); ++i)
    if (x.shape[dn.operand_batching_dims[i]] != idx.shape[dn.scatter_indices_batching_dims[i]])
      throw_type_error("Scatter op requires operand batching dimensions and indices batching dimensions to have the "
                       "same shape" + where);
  const int64_t window_size = static_cast<int64_t>(dn.update_window_dims.size() + dn.inserted_window_dims.size() +
                                                   dn.operand_batching_dims.size());
  if (x.ndim() != window_size)
    throw_type_error("Scatter op has window of size " + std::to_string(window_size) +
                     "; doesn't match operand of rank " + std::to_string(x.ndim()) + "." + where);
  if (static_cast<int64_t>(dn.scatter_dims_to_operand_dims.size()) != idx.shape[ivd])
    throw_type_error("Scatter op has " + std::to_string(dn.scatter_dims_to_operand_dims.size()) +
                     " elements in scatter_dims_to_operand_dims and the bound of dimension index_vector_dim=" +
                     std::to_string(ivd) + " of indices is " + std::to_string(idx.shape[ivd]) +
                     ". These two numbers must be equal" + where);
  for (size_t i = 0; i < dn.scatter_dims_to_operand_dims.size(); ++i)
    if (dn.scatter_dims_to_operand_dims[i] < 0 || dn.scatter_dims_to_operand_dims[i] >= x.ndim())
      throw_type_error("Invalid scatter_dims_to_operand_dims mapping; domain is [0, " + std::to_string(x.ndim()) +
                       "), got: " + std::to_string(i) + "->" + std::to_string(dn.scatter_dims_to_operand_dims[i]) +
                       "." + where);
  check_unique(dn.scatter_dims_to_operand_dims, "scatter", "scatter_dims_to_operand_dims");
  std::vector<int64_t> wdims = window_operand_dims(x.ndim(), dn.inserted_window_dims, dn.operand_batching_dims);
  for (size_t i = 0; i < dn.update_window_dims.size(); ++i)
    if (x.shape[wdims[i]] < u.shape[dn.update_window_dims[i]])
      throw_type_error("Bounds of the window dimensions of updates must not exceed the bounds of the corresponding "
                       "dimensions of operand. For dimension " + std::to_string(dn.update_window_dims[i]) +
                       ", updates bound is " + std::to_string(u.shape[dn.update_window_dims[i]]) +
                       ", operand bound is " + std::to_string(x.shape[wdims[i]]) + "." + where);
  int64_t seen = 0;
  for (int64_t d = 0; d < u.ndim(); ++d) {
    if (contains(dn.update_window_dims, d)) continue;
    if (u.shape[d] != idx.shape[seen])
      throw_type_error("Bounds of the scatter dimensions of updates must be the same as the bounds of the "
                       "corresponding dimensions of scatter indices. For scatter dimension " + std::to_string(d) +
                       ", updates bound is " + std::to_string(u.shape[d]) + ", indices bound is " +
                       std::to_string(idx.shape[seen]) + "." + where);
    ++seen;
  }
  return {x};
}

std::vector<ShapedArray> scatter_add_rule(std::span<const ShapedArray> in, const Params& params) {
  return scatter_shape_rule("scatter-add", in, params);
}
std::vector<ShapedArray> scatter_rule(std::span<const ShapedArray> in, const Params& params) {
  return scatter_shape_rule("scatter", in, params);
}

// dst += src elementwise in T; signed ints wrap as XLA's do.
template <class T>
T add_elems(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a || b;
  } else if constexpr (std::is_same_v<T, bfloat16> || std::is_same_v<T, float16>) {
    return T(float(a) + float(b));
  } else if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}

// The scatter kernel: update windows visited in index order (row-major over
// the indices' batch dims), each element combined into the operand as
// combine(old, update). CLIP clamps a window into bounds; FILL_OR_DROP and
// PROMISE_IN_BOUNDS drop one that does not fit entirely, as XLA does.
template <class Combine>
std::vector<Array> scatter_kernel(std::span<const Array> in, const Params& params, std::span<const ShapedArray> outs,
                                  Combine combine) {
  const Array &x = in[0], &idx = in[1], &u = in[2];
  lax::ScatterDimensionNumbers dn = lax::scatter_dnums_from_param(params.get("dimension_numbers"));
  const bool clip = lax::gather_mode_from_param(params.get("mode")) == lax::GatherScatterMode::Clip;
  Array out = Array::allocate(outs[0]);
  if (x.nbytes()) std::memcpy(out.mutable_raw(), x.raw(), x.nbytes());
  if (u.size() == 0) return {out};

  const std::vector<int64_t> iv = index_values(idx);
  const int64_t nvec = idx.shape().back();
  const Shape batch_shape(idx.shape().begin(), idx.shape().end() - 1);
  std::vector<int64_t> wdims = window_operand_dims(x.ndim(), dn.inserted_window_dims, dn.operand_batching_dims);
  const std::vector<int64_t> ostr = row_major_strides(x.shape()), ustr = row_major_strides(u.shape());
  std::vector<int64_t> wsize(x.ndim(), 1);
  Shape wshape;
  std::vector<int64_t> wsrc, wdst;
  for (size_t k = 0; k < wdims.size(); ++k) {
    const int64_t ud = dn.update_window_dims[k];
    wsize[wdims[k]] = u.shape()[ud];
    wshape.push_back(u.shape()[ud]);
    wsrc.push_back(ustr[ud]);
    wdst.push_back(ostr[wdims[k]]);
  }
  std::vector<int64_t> scatter_upd_dims;
  for (int64_t d = 0; d < u.ndim(); ++d)
    if (!contains(dn.update_window_dims, d)) scatter_upd_dims.push_back(d);

  std::vector<int64_t> start(x.ndim());
  dispatch_dtype(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* o = out.mutable_data<T>();
    const T* up = u.data<T>();
    for_each_coord(batch_shape, [&](const std::vector<int64_t>& g, int64_t b) {
      std::fill(start.begin(), start.end(), 0);
      for (size_t i = 0; i < dn.operand_batching_dims.size(); ++i)
        start[dn.operand_batching_dims[i]] = g[dn.scatter_indices_batching_dims[i]];
      bool inside = true;
      for (int64_t k = 0; k < nvec; ++k) {
        const int64_t d = dn.scatter_dims_to_operand_dims[k], hi = x.shape()[d] - wsize[d];
        const int64_t s = iv[b * nvec + k];
        if (clip)
          start[d] = std::clamp<int64_t>(s, 0, std::max<int64_t>(hi, 0));
        else if (s < 0 || s > hi)
          inside = false;
        else
          start[d] = s;
      }
      // XLA drops an update window that does not fit entirely.
      if (!inside) return;
      int64_t uoff = 0, ooff = 0;
      for (size_t j = 0; j < scatter_upd_dims.size(); ++j) uoff += g[j] * ustr[scatter_upd_dims[j]];
      for (int64_t d = 0; d < x.ndim(); ++d) ooff += start[d] * ostr[d];
      for_each_pair(wshape, wsrc, wdst, uoff, ooff, [&](int64_t a, int64_t c) { o[c] = combine(o[c], up[a]); });
    });
  });
  return {out};
}

std::vector<Array> scatter_add_impl(std::span<const Array> in, const Params& params,
                                    std::span<const ShapedArray> outs) {
  return scatter_kernel(in, params, outs, [](auto a, auto b) { return add_elems(a, b); });
}

// Replacement: where windows overlap, the update visited last wins (what
// XLA's CPU scatter does in practice; JAX leaves the order unspecified).
std::vector<Array> scatter_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> outs) {
  return scatter_kernel(in, params, outs, [](auto, auto b) { return b; });
}

const Primitive& prim(std::string_view name) { return get_primitive(name); }

// The `add` of two scalars that JAX records as scatter-add's update_jaxpr,
// traced once per dtype.
ClosedJaxprPtr add_update_jaxpr(DType dtype) {
  static std::mutex mu;
  static std::map<DType, ClosedJaxprPtr> cache;
  std::lock_guard<std::mutex> lock(mu);
  ClosedJaxprPtr& slot = cache[dtype];
  if (!slot) {
    ShapedArray s{{}, dtype, false};
    std::vector<ShapedArray> avals{s, s};
    slot = std::make_shared<const ClosedJaxpr>(trace_to_jaxpr(
        [](std::span<const Value> a) { return std::vector<Value>{lax::add(a[0], a[1])}; }, avals));
  }
  return slot;
}

}  // namespace

namespace lax {

Value slice(const Value& x, const std::vector<int64_t>& start_indices, const std::vector<int64_t>& limit_indices,
            const std::vector<int64_t>& strides) {
  static const Primitive& p = prim("slice");
  // As lax.slice: explicit strides are kept even when all 1 (JAX prints
  // strides=(1,) then); only omitted ones become None.
  return bind1(p, {x},
               {{"start_indices", Param::ints(start_indices)},
                {"limit_indices", Param::ints(limit_indices)},
                {"strides", strides.empty() ? Param::none() : Param::ints(strides)}});
}

Value dynamic_slice(const Value& x, const std::vector<Value>& start_indices, const std::vector<int64_t>& slice_sizes) {
  static const Primitive& p = prim("dynamic_slice");
  std::vector<Value> args{x};
  args.insert(args.end(), start_indices.begin(), start_indices.end());
  return bind1(p, args, {{"slice_sizes", Param::ints(slice_sizes)}});
}

Value dynamic_update_slice(const Value& x, const Value& update, const std::vector<Value>& start_indices) {
  static const Primitive& p = prim("dynamic_update_slice");
  std::vector<Value> args{x, update};
  args.insert(args.end(), start_indices.begin(), start_indices.end());
  return bind1(p, args, {});
}

Value gather(const Value& operand, const Value& indices, const GatherDimensionNumbers& dnums,
             const std::vector<int64_t>& slice_sizes, GatherScatterMode mode, bool indices_are_sorted,
             bool unique_indices) {
  static const Primitive& p = prim("gather");
  return bind1(p, {operand, indices},
               {{"dimension_numbers", gather_dnums_param(dnums)},
                {"slice_sizes", Param::ints(slice_sizes)},
                {"unique_indices", Param::boolean(unique_indices)},
                {"indices_are_sorted", Param::boolean(indices_are_sorted)},
                {"mode", gather_mode_param(mode)},
                {"fill_value", mode == GatherScatterMode::FillOrDrop ? fill_param(operand.dtype()) : Param::none()}});
}

Value scatter_add(const Value& operand, const Value& indices, const Value& updates,
                  const ScatterDimensionNumbers& dnums, GatherScatterMode mode, bool indices_are_sorted,
                  bool unique_indices) {
  static const Primitive& p = prim("scatter-add");
  return bind1(p, {operand, indices, updates},
               {{"update_jaxpr", Param::jaxpr(add_update_jaxpr(operand.dtype()))},
                {"update_consts", Param::tuple({})},
                {"dimension_numbers", scatter_dnums_param(dnums)},
                {"indices_are_sorted", Param::boolean(indices_are_sorted)},
                {"unique_indices", Param::boolean(unique_indices)},
                {"mode", gather_mode_param(mode)}});
}

Value scatter(const Value& operand, const Value& indices, const Value& updates, const ScatterDimensionNumbers& dnums,
              GatherScatterMode mode, bool indices_are_sorted, bool unique_indices) {
  static const Primitive& p = prim("scatter");
  // As lax.scatter: no update computation (update_jaxpr=None).
  return bind1(p, {operand, indices, updates},
               {{"update_jaxpr", Param::none()},
                {"update_consts", Param::tuple({})},
                {"dimension_numbers", scatter_dnums_param(dnums)},
                {"indices_are_sorted", Param::boolean(indices_are_sorted)},
                {"unique_indices", Param::boolean(unique_indices)},
                {"mode", gather_mode_param(mode)}});
}

Param gather_dnums_param(const GatherDimensionNumbers& d) {
  return Param::record("GatherDimensionNumbers", {{"offset_dims", Param::ints(d.offset_dims)},
                                                  {"collapsed_slice_dims", Param::ints(d.collapsed_slice_dims)},
                                                  {"start_index_map", Param::ints(d.start_index_map)},
                                                  {"operand_batching_dims", Param::ints(d.operand_batching_dims)},
                                                  {"start_indices_batching_dims",
                                                   Param::ints(d.start_indices_batching_dims)}});
}

GatherDimensionNumbers gather_dnums_from_param(const Param& p) {
  if (p.kind() != Param::Kind::Record || p.as_str() != "GatherDimensionNumbers")
    throw_type_error("gather dimension_numbers must be a GatherDimensionNumbers, got " + p.str());
  return {p.field("offset_dims").as_ints(), p.field("collapsed_slice_dims").as_ints(),
          p.field("start_index_map").as_ints(), p.field("operand_batching_dims").as_ints(),
          p.field("start_indices_batching_dims").as_ints()};
}

Param scatter_dnums_param(const ScatterDimensionNumbers& d) {
  return Param::record("ScatterDimensionNumbers",
                       {{"update_window_dims", Param::ints(d.update_window_dims)},
                        {"inserted_window_dims", Param::ints(d.inserted_window_dims)},
                        {"scatter_dims_to_operand_dims", Param::ints(d.scatter_dims_to_operand_dims)},
                        {"operand_batching_dims", Param::ints(d.operand_batching_dims)},
                        {"scatter_indices_batching_dims", Param::ints(d.scatter_indices_batching_dims)}});
}

ScatterDimensionNumbers scatter_dnums_from_param(const Param& p) {
  if (p.kind() != Param::Kind::Record || p.as_str() != "ScatterDimensionNumbers")
    throw_type_error("scatter dimension_numbers must be a ScatterDimensionNumbers, got " + p.str());
  return {p.field("update_window_dims").as_ints(), p.field("inserted_window_dims").as_ints(),
          p.field("scatter_dims_to_operand_dims").as_ints(), p.field("operand_batching_dims").as_ints(),
          p.field("scatter_indices_batching_dims").as_ints()};
}

Param gather_mode_param(GatherScatterMode m) {
  switch (m) {
    case GatherScatterMode::Clip: return Param::str("GatherScatterMode.CLIP");
    case GatherScatterMode::FillOrDrop: return Param::str("GatherScatterMode.FILL_OR_DROP");
    case GatherScatterMode::PromiseInBounds: return Param::str("GatherScatterMode.PROMISE_IN_BOUNDS");
  }
  return Param::str("GatherScatterMode.FILL_OR_DROP");
}

GatherScatterMode gather_mode_from_param(const Param& p) {
  if (p.kind() == Param::Kind::Str) {
    const std::string& s = p.as_str();
    if (s == "GatherScatterMode.CLIP") return GatherScatterMode::Clip;
    if (s == "GatherScatterMode.FILL_OR_DROP") return GatherScatterMode::FillOrDrop;
    if (s == "GatherScatterMode.PROMISE_IN_BOUNDS") return GatherScatterMode::PromiseInBounds;
  }
  throw_value_error("Unknown gather mode \"" + p.str() + "\"");
}

}  // namespace lax

void register_indexing_primitives() {
  {
    Primitive& p = define_primitive("slice");
    p.synopsis = "static slice [start_indices, limit_indices) with optional strides";
    p.abstract_eval = slice_rule;
    p.impl = slice_impl;
  }
  {
    Primitive& p = define_primitive("dynamic_slice");
    p.synopsis = "slice of slice_sizes at traced start indices, clamped to stay in bounds";
    p.abstract_eval = dynamic_slice_rule;
    p.impl = dynamic_slice_impl;
  }
  {
    Primitive& p = define_primitive("dynamic_update_slice");
    p.synopsis = "overwrite a block at traced start indices, clamped to stay in bounds";
    p.abstract_eval = dynamic_update_slice_rule;
    p.impl = dynamic_update_slice_impl;
  }
  {
    Primitive& p = define_primitive("gather");
    p.synopsis = "XLA gather: slices of the operand at each index vector (advanced indexing)";
    p.abstract_eval = gather_rule;
    p.impl = gather_impl;
  }
  {
    Primitive& p = define_primitive("scatter-add");
    p.synopsis = "XLA scatter with addition: accumulate update windows into the operand";
    p.abstract_eval = scatter_add_rule;
    p.impl = scatter_add_impl;
  }
  {
    Primitive& p = define_primitive("scatter");
    p.synopsis = "XLA scatter: overwrite the operand with update windows";
    p.abstract_eval = scatter_rule;
    p.impl = scatter_impl;
  }
}

}  // namespace jxr
