// jnp indexing, lowered as JAX's rewriting_take: static ints and slices to
// slice/rev/squeeze/expand_dims, traced scalar indices to dynamic_slice with
// lt/add/select_n normalisation, integer arrays to gather; x.at[...].add and
// .set to scatter-add and scatter with the same index arrays.
#include <algorithm>

#include "engine/numpy/numpy.h"

namespace jxr::jnp {

namespace {

using detail::convert;

bool consumes_axis(const Index& i) { return i.kind() != Index::Kind::None && i.kind() != Index::Kind::Ellipsis; }

// The index with its Ellipsis replaced by full slices (and full slices for
// trailing axes), as NDIndexer.expand_ellipses.
std::vector<Index> expand_ellipsis(const Value& x, const std::vector<Index>& idx) {
  int64_t consumed = 0, ellipses = 0;
  for (const Index& i : idx) {
    consumed += consumes_axis(i);
    ellipses += i.kind() == Index::Kind::Ellipsis;
  }
  if (ellipses > 1) throw_index_error("An index can only have a single ellipsis ('...')");
  if (consumed > x.ndim())
    throw_index_error("Too many indices: " + std::to_string(x.ndim()) + "-dimensional array indexed with " +
                      std::to_string(consumed) + " regular indices.");
  std::vector<Index> out;
  for (const Index& i : idx) {
    if (i.kind() == Index::Kind::Ellipsis) {
      for (int64_t k = 0; k < x.ndim() - consumed; ++k) out.push_back(all);
    } else {
      out.push_back(i);
    }
  }
  if (ellipses == 0)
    for (int64_t k = 0; k < x.ndim() - consumed; ++k) out.push_back(all);
  return out;
}

// Python's slice.indices(size).
struct SliceBounds {
  int64_t start, stop, step;
};
SliceBounds slice_indices(const Slice& s, int64_t size) {
  int64_t step = s.step.value_or(1);
  if (step == 0) throw_value_error("slice step cannot be zero");
  auto norm = [&](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t i = *v < 0 ? *v + size : *v;
    return step > 0 ? std::clamp<int64_t>(i, 0, size) : std::clamp<int64_t>(i, -1, size - 1);
  };
  return step > 0 ? SliceBounds{norm(s.start, 0), norm(s.stop, size), step}
                  : SliceBounds{norm(s.start, size - 1), norm(s.stop, -1), step};
}

bool is_full_slice(const Index& i) {
  return i.kind() == Index::Kind::Slice && !i.slice().start && !i.slice().stop &&
         (!i.slice().step || *i.slice().step == 1);
}

void check_int_index(const Value& v, size_t position) {
  if (!is_integer(v.dtype()))
    throw_type_error("Indexer must have integer or boolean type, got indexer with type " +
                     std::string(dtype_name(v.dtype())) + " at position " + std::to_string(position) +
                     ", indexer value " + (v.is_tracer() ? std::string("Traced<") + v.aval().str_short() + ">"
                                                         : v.array().str()));
}

int64_t check_static_int(int64_t i, int64_t axis, int64_t size) {
  int64_t n = i < 0 ? i + size : i;
  if (n < 0 || n >= size)
    throw_index_error("index " + std::to_string(i) + " is out of bounds for axis " + std::to_string(axis) +
                      " with size " + std::to_string(size));
  return n;
}

// Static ints, slices and None (Ellipsis already expanded).
Value static_take(const Value& x, const std::vector<Index>& idx) {
  std::vector<int64_t> start, limit, strides, rev_axes, squeeze_axes, newaxis_dims;
  for (const Index& i : idx) {
    int64_t axis = static_cast<int64_t>(start.size());
    switch (i.kind()) {
      case Index::Kind::None:
        newaxis_dims.push_back(axis - static_cast<int64_t>(squeeze_axes.size()) +
                               static_cast<int64_t>(newaxis_dims.size()));
        break;
      case Index::Kind::Int: {
        int64_t n = check_static_int(i.integer(), axis, x.shape()[axis]);
        start.push_back(n);
        limit.push_back(n + 1);
        strides.push_back(1);
        squeeze_axes.push_back(axis);
        break;
      }
      case Index::Kind::Slice: {
        int64_t size = x.shape()[axis];
        SliceBounds b = slice_indices(i.slice(), size);
        if (b.step < 0) {
          int64_t s = -b.step;
          int64_t new_start = std::min(size, b.stop + 1 + std::abs(b.start - b.stop - 1) % s);
          start.push_back(new_start);
          limit.push_back(std::max(new_start, b.start + 1));
          strides.push_back(s);
          rev_axes.push_back(axis);
        } else {
          start.push_back(b.start);
          limit.push_back(std::max(b.start, b.stop));
          strides.push_back(b.step);
        }
        break;
      }
      default:
        throw_type_error("static_take: unexpected index");
    }
  }
  bool unit = std::all_of(strides.begin(), strides.end(), [](int64_t s) { return s == 1; });
  bool trivial = unit;
  for (size_t a = 0; a < start.size() && trivial; ++a) trivial = start[a] == 0 && limit[a] == x.shape()[a];
  Value r = trivial ? x : lax::slice(x, start, limit, unit ? std::vector<int64_t>{} : strides);
  if (!rev_axes.empty()) r = lax::rev(r, rev_axes);
  r = lax::squeeze(r, squeeze_axes);
  if (!newaxis_dims.empty()) r = lax::expand_dims(r, newaxis_dims);
  return r;
}

// A start index: a Python int (normalised statically) or an array
// (normalised in the jaxpr).
struct StartIndex {
  StartIndex(int64_t i) : is_int(true), i(i) {}  // NOLINT
  StartIndex(Value v) : v(std::move(v)) {}       // NOLINT
  bool is_int = false;
  int64_t i = 0;
  Value v;
};

Value normalize_start(const StartIndex& s, int64_t size) {
  if (s.is_int) return Array::scalar(static_cast<double>(s.i < 0 ? s.i + size : s.i), DType::I32);
  const Value& v = s.v;
  Value neg = lax::lt(v, Array::scalar(0, v.dtype()));
  Value wrapped = lax::add(v, Array::scalar(static_cast<double>(size), v.dtype()));
  return lax::select_n(neg, {v, wrapped});
}

Value dynamic_slice_normalized(const Value& x, const std::vector<StartIndex>& starts, const std::vector<int64_t>& sizes) {
  if (starts.size() != static_cast<size_t>(x.ndim()) || sizes.size() != starts.size())
    throw_type_error("dynamic_slice: for an operand of shape " + shape_str(x.shape()) + ", got " +
                     std::to_string(starts.size()) + " start indices and slice_sizes " + Param::ints(sizes).str());
  std::vector<Value> norm;
  for (size_t a = 0; a < starts.size(); ++a) norm.push_back(normalize_start(starts[a], x.shape()[a]));
  return lax::dynamic_slice(x, norm, sizes);
}

bool is_scalar_array(const Index& i) { return i.kind() == Index::Kind::Array && i.value().ndim() == 0; }

// Scalar integer arrays (traced or not) with unit-step slices: dynamic_slice.
Value dynamic_take(const Value& x, const std::vector<Index>& idx) {
  std::vector<StartIndex> starts;
  std::vector<int64_t> sizes, rev_axes, squeeze_axes, newaxis_dims;
  for (const Index& i : idx) {
    int64_t axis = static_cast<int64_t>(starts.size());
    if (i.kind() == Index::Kind::None) {
      newaxis_dims.push_back(axis - static_cast<int64_t>(squeeze_axes.size()) +
                               static_cast<int64_t>(newaxis_dims.size()));
    } else if (i.kind() == Index::Kind::Int || i.kind() == Index::Kind::Array) {
      if (x.shape()[axis] == 0)
        throw_index_error("index is out of bounds for axis " + std::to_string(axis) + " with size 0");
      if (i.kind() == Index::Kind::Int) check_static_int(i.integer(), axis, x.shape()[axis]);
      starts.push_back(i.kind() == Index::Kind::Int ? Value(Array::scalar(static_cast<double>(i.integer()), DType::I32))
                                                    : i.value());
      sizes.push_back(1);
      squeeze_axes.push_back(axis);
    } else {
      int64_t size = x.shape()[axis];
      SliceBounds b = slice_indices(i.slice(), size);
      if (b.step < 0) {
        int64_t new_start = b.stop + 1 + std::abs(b.start - b.stop - 1) % (-b.step);
        starts.push_back(new_start);
        sizes.push_back(std::max<int64_t>(0, b.start + 1 - new_start));
        rev_axes.push_back(axis);
      } else {
        starts.push_back(b.start);
        sizes.push_back(std::max<int64_t>(0, b.stop - b.start));
      }
    }
  }
  // dynamic_slice needs one index dtype: JAX converts them all to int32.
  if (starts.size() > 1)
    for (StartIndex& s : starts) {
      s = s.is_int ? StartIndex(Value(Array::scalar(static_cast<double>(s.i), DType::I32)))
                   : StartIndex(convert(s.v, DType::I32, false));
    }
  Value r = dynamic_slice_normalized(x, starts, sizes);
  if (!rev_axes.empty()) r = lax::rev(r, rev_axes);
  r = lax::squeeze(r, squeeze_axes);
  if (!newaxis_dims.empty()) r = lax::expand_dims(r, newaxis_dims);
  return r;
}

// Index arrays and dimension numbers shared by gather and scatter-add.
struct GatherPlan {
  Value operand;  // after static slices were applied
  Value indices;
  std::vector<int64_t> offset_dims, collapsed, start_index_map, slice_sizes;
  Shape out_shape;
  // Only static ints index: JAX then promises sorted, unique indices.
  bool static_indices = true;
};

GatherPlan plan_gather(const Value& x, const std::vector<Index>& expanded, bool allow_partial_slices) {
  GatherPlan p;
  // Partial slices first, as a static slice of the operand; numpy's result
  // is the same and the advanced indices then see full axes.
  std::vector<Index> pre;
  std::vector<Index> rest;
  bool any_partial = false;
  for (const Index& i : expanded) {
    if (i.kind() == Index::Kind::None)
      throw_index_error("None (newaxis) together with integer array indices is not supported");
    if (i.kind() == Index::Kind::Slice && !is_full_slice(i)) {
      if (!allow_partial_slices) throw_index_error("x.at[...]: only full slices (:) are supported with array indices");
      any_partial = true;
      pre.push_back(i);
    } else {
      pre.push_back(all);
    }
    rest.push_back(i.kind() == Index::Kind::Slice ? Index(all) : i);
  }
  p.operand = any_partial ? static_take(x, pre) : x;
  const Value& y = p.operand;
  std::vector<int64_t> adv_axes;
  std::vector<Value> arrays;
  for (size_t a = 0; a < rest.size(); ++a) {
    const Index& i = rest[a];
    if (i.kind() == Index::Kind::Slice) continue;
    int64_t size = y.shape()[a];
    if (size == 0) throw_index_error("index is out of bounds for axis " + std::to_string(a) + " with size 0");
    // Static ints are normalised on the host, as JAX's normalize_indices.
    Value v = i.value();
    if (i.kind() == Index::Kind::Int)
      v = Array::scalar(static_cast<double>(check_static_int(i.integer(), static_cast<int64_t>(a), size)), DType::I32);
    else
      p.static_indices = false;
    check_int_index(v, a);
    adv_axes.push_back(static_cast<int64_t>(a));
    arrays.push_back(v);
  }
  std::vector<Shape> shapes;
  for (const Value& v : arrays) shapes.push_back(v.shape());
  Shape b = broadcast_shapes(shapes);
  int64_t nb = static_cast<int64_t>(b.size());
  std::vector<Value> cols;
  for (size_t k = 0; k < arrays.size(); ++k) {
    Value v = convert(arrays[k], DType::I32, false);
    if (rest[adv_axes[k]].kind() != Index::Kind::Int) v = normalize_start(v, y.shape()[adv_axes[k]]);
    v = broadcast_to(v, b);
    Shape s = b;
    s.push_back(1);
    std::vector<int64_t> dims;
    for (int64_t d = 0; d < nb; ++d) dims.push_back(d);
    cols.push_back(lax::broadcast_in_dim(v, s, dims));
  }
  p.indices = lax::concatenate(cols, nb);
  bool adjacent = true;
  for (size_t k = 1; k < adv_axes.size(); ++k) adjacent = adjacent && adv_axes[k] == adv_axes[k - 1] + 1;
  int64_t batch_pos = 0;
  for (int64_t d = 0; d < y.ndim(); ++d) {
    bool advanced = std::find(adv_axes.begin(), adv_axes.end(), d) != adv_axes.end();
    p.slice_sizes.push_back(advanced ? 1 : y.shape()[d]);
    if (!advanced && adjacent && d < adv_axes[0]) ++batch_pos;
  }
  int64_t k = 0;
  for (int64_t d = 0; d < y.ndim(); ++d) {
    if (std::find(adv_axes.begin(), adv_axes.end(), d) != adv_axes.end()) continue;
    p.offset_dims.push_back(k < batch_pos ? k : k + nb);
    ++k;
  }
  p.collapsed = adv_axes;
  p.start_index_map = adv_axes;
  int64_t out_rank = k + nb;
  p.out_shape.assign(out_rank, 0);
  for (int64_t d = 0, o = 0; d < y.ndim(); ++d)
    if (std::find(adv_axes.begin(), adv_axes.end(), d) == adv_axes.end()) p.out_shape[p.offset_dims[o++]] = y.shape()[d];
  for (int64_t d = 0; d < nb; ++d) p.out_shape[batch_pos + d] = b[d];
  return p;
}

Value gather_take(const GatherPlan& p) {
  lax::GatherDimensionNumbers dn;
  dn.offset_dims = p.offset_dims;
  dn.collapsed_slice_dims = p.collapsed;
  dn.start_index_map = p.start_index_map;
  return lax::gather(p.operand, p.indices, dn, p.slice_sizes);
}

}  // namespace

Value index(const Value& x, const std::vector<Index>& idx) {
  std::vector<Index> expanded = expand_ellipsis(x, idx);
  bool has_array = false, all_scalar_arrays = true, unit_steps = true;
  for (size_t k = 0; k < expanded.size(); ++k) {
    const Index& i = expanded[k];
    if (i.kind() == Index::Kind::Array) {
      check_int_index(i.value(), k);
      has_array = true;
      all_scalar_arrays = all_scalar_arrays && is_scalar_array(i);
    }
    if (i.kind() == Index::Kind::Slice) {
      int64_t st = i.slice().step.value_or(1);
      unit_steps = unit_steps && (st == 1 || st == -1);
    }
  }
  if (!has_array) return static_take(x, expanded);
  if (all_scalar_arrays && unit_steps) return dynamic_take(x, expanded);
  return gather_take(plan_gather(x, expanded, true));
}

Value at_get(const Value& x, const std::vector<Index>& idx) { return index(x, idx); }

namespace {
using Scatter = Value (*)(const Value&, const Value&, const Value&, const lax::ScatterDimensionNumbers&,
                          lax::GatherScatterMode, bool, bool);

// x.at[idx].add / .set: the updates scattered with the gather's indices.
Value at_scatter(const Value& x, const std::vector<Index>& idx, const Value& u, Scatter scatter) {
  GatherPlan p = plan_gather(x, expand_ellipsis(x, idx), false);
  Value upd = broadcast_to(convert(u, x.dtype(), x.weak_type()), p.out_shape);
  lax::ScatterDimensionNumbers dn;
  dn.update_window_dims = p.offset_dims;
  dn.inserted_window_dims = p.collapsed;
  dn.scatter_dims_to_operand_dims = p.start_index_map;
  return scatter(x, p.indices, upd, dn, lax::GatherScatterMode::FillOrDrop, p.static_indices, p.static_indices);
}
}  // namespace

Value at_add(const Value& x, const std::vector<Index>& idx, const Value& u) {
  return at_scatter(x, idx, u, lax::scatter_add);
}

Value at_set(const Value& x, const std::vector<Index>& idx, const Value& u) {
  return at_scatter(x, idx, u, lax::scatter);
}

Value dynamic_slice(const Value& x, const std::vector<Index>& start, const std::vector<int64_t>& sizes) {
  std::vector<StartIndex> starts;
  for (size_t k = 0; k < start.size(); ++k) {
    const Index& i = start[k];
    if (i.kind() == Index::Kind::Int) {
      starts.push_back(i.integer());
    } else if (is_scalar_array(i)) {
      check_int_index(i.value(), k);
      starts.push_back(i.value());
    } else {
      throw_type_error("dynamic_slice: start indices must be integers or integer scalars");
    }
  }
  return dynamic_slice_normalized(x, starts, sizes);
}

}  // namespace jxr::jnp
