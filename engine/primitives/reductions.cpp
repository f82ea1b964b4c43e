// Reduction primitives: reduce_sum/max/min/prod/and/or, argmax/argmin and
// the cumulative reductions cumsum/cumprod/cummax/cummin, with JAX's shape
// rules and eager CPU kernels.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "engine/core/primitive.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

template <class T>
constexpr bool kHalf = std::is_same_v<T, bfloat16> || std::is_same_v<T, float16>;
template <class T>
constexpr bool kInt = std::is_integral_v<T> && !std::is_same_v<T, bool>;

// 16-bit floats are reduced in f32, as XLA's CPU backend does.
template <class T>
using Acc = std::conditional_t<kHalf<T>, float, T>;

template <class T>
Acc<T> load(T v) {
  if constexpr (kHalf<T>) return float(v);
  else return v;
}

// Integer arithmetic wraps around, as in XLA; done in unsigned to avoid UB.
template <class T>
T add(T a, T b) {
  if constexpr (kInt<T>) return T(std::make_unsigned_t<T>(a) + std::make_unsigned_t<T>(b));
  else return a + b;
}
template <class T>
T mul(T a, T b) {
  if constexpr (kInt<T>) return T(std::make_unsigned_t<T>(a) * std::make_unsigned_t<T>(b));
  else if constexpr (std::is_same_v<T, bool>) return a && b;
  else return a * b;
}

template <class T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return v != v;
  else return false;
}

// max/min that propagate NaN (XLA semantics).
template <class T>
T max_nan(T a, T b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return a < b ? b : a;
}
template <class T>
T min_nan(T a, T b) {
  if (is_nan(a)) return a;
  if (is_nan(b)) return b;
  return b < a ? b : a;
}

template <class T>
T lowest() {
  if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::lowest();
}
template <class T>
T highest() {
  if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
  else return std::numeric_limits<T>::max();
}

// Offsets (in elements) of every index tuple over `dims` of an array of
// `shape`, in row-major order of those dims.
std::vector<int64_t> offsets_over(const Shape& shape, const std::vector<int>& dims) {
  std::vector<int64_t> strides = row_major_strides(shape);
  int64_t total = 1;
  for (int d : dims) total *= shape[d];
  std::vector<int64_t> out(static_cast<size_t>(total));
  if (total == 0) return out;
  std::vector<int64_t> idx(dims.size(), 0);
  int64_t off = 0;
  for (int64_t i = 0; i < total; ++i) {
    out[i] = off;
    for (size_t k = dims.size(); k-- > 0;) {
      int d = dims[k];
      off += strides[d];
      if (++idx[k] < shape[d]) break;
      off -= strides[d] * shape[d];
      idx[k] = 0;
    }
  }
  return out;
}

// The split of an operand's dims into kept (output) and reduced ones.
struct ReductionPlan {
  std::vector<int64_t> out_base;  // input offset of each output element
  std::vector<int64_t> reduced;   // offsets of the reduced elements, relative
};

ReductionPlan plan_reduction(const Shape& shape, const std::vector<int64_t>& axes) {
  std::vector<bool> is_reduced(shape.size(), false);
  for (int64_t a : axes) is_reduced[a] = true;
  std::vector<int> kept, red;
  for (size_t d = 0; d < shape.size(); ++d) (is_reduced[d] ? red : kept).push_back(static_cast<int>(d));
  return {offsets_over(shape, kept), offsets_over(shape, red)};
}

std::string axes_str(const std::vector<int64_t>& axes) { return Param::ints(axes).str(); }

// _reduce_op_shape_rule: unique, in-range axes; the output drops them.
Shape reduced_shape(std::string_view prim, const ShapedArray& x, const std::vector<int64_t>& axes) {
  std::vector<int64_t> sorted = axes;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw_value_error(std::string(prim) + ": duplicate value in 'axes' of reduction: " + axes_str(axes));
  for (int64_t a : axes)
    if (a < 0 || a >= x.ndim())
      throw_value_error(std::string(prim) + ": reduction axes " + axes_str(axes) +
                        " contains out-of-bounds indices for " + x.str() + ".");
  Shape out;
  for (int d = 0; d < x.ndim(); ++d)
    if (!std::binary_search(sorted.begin(), sorted.end(), int64_t(d))) out.push_back(x.shape[d]);
  return out;
}

void check_one_operand(std::string_view prim, std::span<const ShapedArray> in) {
  if (in.size() != 1)
    throw_type_error(std::string(prim) + " takes one operand, got " + std::to_string(in.size()));
}

void check_number(std::string_view prim, DType d) {
  if (d == DType::Bool)
    throw_type_error(std::string(prim) + " does not accept dtype bool. Accepted dtypes are subtypes of number.");
}

// The reduced elements of one output element: read through precomputed
// offsets in general, or as one contiguous run when the reduced axes are the
// trailing ones (full reductions, sums over the last axis), which skips
// building the offsets.
template <class T>
struct Gathered {
  const T* base;
  const int64_t* offs;
  T operator[](int64_t i) const { return base[offs[i]]; }
};
template <class T>
struct Contiguous {
  const T* base;
  T operator[](int64_t i) const { return base[i]; }
};

// Pairwise summation: error grows as O(log n) rather than O(n), which keeps
// long f32 sums close to numpy's.
template <class T, class Src>
Acc<T> pairwise_sum(const Src& src, int64_t lo, int64_t n) {
  if (n <= 8) {
    Acc<T> s = Acc<T>(0);
    for (int64_t i = lo; i < lo + n; ++i) s = add<Acc<T>>(s, load(src[i]));
    return s;
  }
  int64_t h = n / 2;
  return pairwise_sum<T>(src, lo, h) + pairwise_sum<T>(src, lo + h, n - h);
}

enum class RedOp { Sum, Prod, Max, Min, And, Or };

template <class T, class Src>
Acc<T> reduce_run(RedOp op, const Src& src, int64_t n) {
  if constexpr (std::is_same_v<T, bool>) {
    // Bool max/min/and/or are any/all; sum and prod are rejected by dtype.
    bool any = false, all = true;
    for (int64_t i = 0; i < n; ++i) {
      any = any || src[i];
      all = all && src[i];
    }
    return (op == RedOp::Max || op == RedOp::Or) ? any : all;
  } else {
    using A = Acc<T>;
    switch (op) {
      case RedOp::Sum:
        if constexpr (std::is_floating_point_v<A>) return pairwise_sum<T>(src, 0, n);
        else {
          A s = 0;
          for (int64_t i = 0; i < n; ++i) s = add<A>(s, src[i]);
          return s;
        }
      case RedOp::Prod: {
        A p = A(1);
        for (int64_t i = 0; i < n; ++i) p = mul<A>(p, load(src[i]));
        return p;
      }
      case RedOp::Max: {
        A m = lowest<A>();
        for (int64_t i = 0; i < n; ++i) m = max_nan<A>(m, load(src[i]));
        return m;
      }
      case RedOp::Min: {
        A m = highest<A>();
        for (int64_t i = 0; i < n; ++i) m = min_nan<A>(m, load(src[i]));
        return m;
      }
      case RedOp::And:
      case RedOp::Or:
        if constexpr (kInt<T>) {
          T r = op == RedOp::And ? T(~T(0)) : T(0);
          for (int64_t i = 0; i < n; ++i) r = op == RedOp::And ? T(r & src[i]) : T(r | src[i]);
          return r;
        }
        break;
    }
    return A(0);
  }
}

// The number of elements each output reduces when the reduced axes are
// exactly the trailing ones, else 0.
int64_t trailing_run(const Shape& shape, std::vector<int64_t> axes) {
  std::sort(axes.begin(), axes.end());
  int64_t first = static_cast<int64_t>(shape.size() - axes.size()), run = 1;
  for (size_t k = 0; k < axes.size(); ++k) {
    if (axes[k] != first + static_cast<int64_t>(k)) return 0;
    run *= shape[axes[k]];
  }
  return run;
}

void define_reduce(const char* name, const char* synopsis, RedOp op) {
  Primitive& p = define_primitive(name);
  p.synopsis = synopsis;
  std::string prim = name;
  p.abstract_eval = [prim, op](std::span<const ShapedArray> in, const Params& params) {
    check_one_operand(prim, in);
    const ShapedArray& x = in[0];
    if (op == RedOp::Sum || op == RedOp::Prod) check_number(prim, x.dtype);
    if ((op == RedOp::And || op == RedOp::Or) && x.dtype != DType::Bool && !is_integer(x.dtype))
      throw_type_error(prim + ": logical reduction requires operand dtype bool or int, got " +
                       std::string(dtype_name(x.dtype)) + ".");
    Shape out = reduced_shape(prim, x, params.get_ints("axes"));
    // JAX strips weak types from the logical reductions only.
    bool weak = (op == RedOp::And || op == RedOp::Or) ? false : x.weak_type;
    return std::vector<ShapedArray>{{out, x.dtype, weak}};
  };
  p.impl = [op](std::span<const Array> in, const Params& params, std::span<const ShapedArray> out_avals) {
    Array out = Array::allocate(out_avals[0]);
    std::vector<int64_t> axes = params.get_ints("axes");
    int64_t run = trailing_run(in[0].shape(), axes);
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      T* y = out.mutable_data<T>();
      if (run > 0) {
        for (int64_t i = 0, n = out.size(); i < n; ++i)
          y[i] = convert_scalar<T>(reduce_run<T>(op, Contiguous<T>{x + i * run}, run));
        return;
      }
      ReductionPlan plan = plan_reduction(in[0].shape(), axes);
      const int64_t m = static_cast<int64_t>(plan.reduced.size());
      for (size_t i = 0; i < plan.out_base.size(); ++i)
        y[i] = convert_scalar<T>(reduce_run<T>(op, Gathered<T>{x + plan.out_base[i], plan.reduced.data()}, m));
    });
    return std::vector<Array>{out};
  };
}

// argmax/argmin: the first index of the extreme value; a NaN is more extreme
// than anything, so the first NaN wins (JAX's _ArgMinMaxReducer).
void define_argminmax(const char* name, const char* synopsis, bool is_max) {
  Primitive& p = define_primitive(name);
  p.synopsis = synopsis;
  std::string prim = name;
  p.abstract_eval = [prim](std::span<const ShapedArray> in, const Params& params) {
    check_one_operand(prim, in);
    const ShapedArray& x = in[0];
    std::vector<int64_t> axes = params.get_ints("axes");
    DType index_dtype = params.get_dtype("index_dtype");
    if (axes.size() != 1)
      throw_value_error(prim + ": expects exactly one axis, got axes=" + axes_str(axes) + " for operand " +
                        x.str());
    int64_t axis = axes[0];
    if (axis < 0 || axis >= x.ndim())
      throw_value_error(prim + ": Invalid axis " + std::to_string(axis) + " for operand shape " +
                        shape_str(x.shape));
    if (x.shape[axis] < 1)
      throw_value_error(prim + ": argmin and argmax require non-empty reduced dimension. operand.shape=" +
                        shape_str(x.shape) + " axis=" + std::to_string(axis));
    if (!is_integer(index_dtype))
      throw_type_error(prim + ": index_dtype must be an integer type, but got " +
                       std::string(dtype_name(index_dtype)));
    Shape out = x.shape;
    out.erase(out.begin() + axis);
    return std::vector<ShapedArray>{{out, index_dtype, false}};
  };
  p.impl = [is_max](std::span<const Array> in, const Params& params, std::span<const ShapedArray> out_avals) {
    Array out = Array::allocate(out_avals[0]);
    ReductionPlan plan = plan_reduction(in[0].shape(), params.get_ints("axes"));
    std::vector<int64_t> idx(plan.out_base.size());
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      const T* x = in[0].data<T>();
      for (size_t i = 0; i < plan.out_base.size(); ++i) {
        const T* base = x + plan.out_base[i];
        auto best = load(base[plan.reduced[0]]);
        int64_t best_k = 0;
        for (size_t k = 1; k < plan.reduced.size() && !is_nan(best); ++k) {
          auto v = load(base[plan.reduced[k]]);
          if (is_nan(v) || (is_max ? best < v : v < best)) {
            best = v;
            best_k = static_cast<int64_t>(k);
          }
        }
        idx[i] = best_k;
      }
    });
    dispatch_dtype(out.dtype(), [&](auto t) {
      using T = decltype(t);
      T* y = out.mutable_data<T>();
      for (size_t i = 0; i < idx.size(); ++i) y[i] = convert_scalar<T>(idx[i]);
    });
    return std::vector<Array>{out};
  };
}

enum class CumOp { Sum, Prod, Max, Min };

void define_cumulative(const char* name, const char* synopsis, CumOp op) {
  Primitive& p = define_primitive(name);
  p.synopsis = synopsis;
  std::string prim = name;
  p.abstract_eval = [prim](std::span<const ShapedArray> in, const Params& params) {
    check_one_operand(prim, in);
    const ShapedArray& x = in[0];
    int64_t axis = params.get_int("axis");
    if (axis < 0) throw_value_error(prim + ": XLA operations do not allow negative axes (axis=" +
                                    std::to_string(axis) + ")");
    if (axis >= x.ndim())
      throw_value_error(prim + ": axis " + std::to_string(axis) + " is out of bounds for array of shape " +
                        shape_str(x.shape));
    check_number(prim, x.dtype);
    return std::vector<ShapedArray>{x};
  };
  p.impl = [op](std::span<const Array> in, const Params& params, std::span<const ShapedArray> out_avals) {
    Array out = Array::allocate(out_avals[0]);
    const Shape& shape = in[0].shape();
    int axis = static_cast<int>(params.get_int("axis"));
    bool reverse = params.get_bool("reverse");
    std::vector<int> others;
    for (int d = 0; d < static_cast<int>(shape.size()); ++d)
      if (d != axis) others.push_back(d);
    std::vector<int64_t> bases = offsets_over(shape, others);
    const int64_t n = shape[axis];
    const int64_t stride = row_major_strides(shape)[axis];
    dispatch_dtype(in[0].dtype(), [&](auto t) {
      using T = decltype(t);
      if constexpr (!std::is_same_v<T, bool>) {
        using A = Acc<T>;
        const T* x = in[0].data<T>();
        T* y = out.mutable_data<T>();
        for (int64_t b : bases) {
          A acc = op == CumOp::Sum ? A(0) : op == CumOp::Prod ? A(1) : op == CumOp::Max ? lowest<A>() : highest<A>();
          for (int64_t k = 0; k < n; ++k) {
            int64_t o = b + (reverse ? n - 1 - k : k) * stride;
            A v = load(x[o]);
            switch (op) {
              case CumOp::Sum: acc = add<A>(acc, v); break;
              case CumOp::Prod: acc = mul<A>(acc, v); break;
              case CumOp::Max: acc = max_nan<A>(acc, v); break;
              case CumOp::Min: acc = min_nan<A>(acc, v); break;
            }
            y[o] = convert_scalar<T>(acc);
          }
        }
      }
    });
    return std::vector<Array>{out};
  };
}

}  // namespace

void register_reduction_primitives() {
  define_reduce("reduce_sum", "sum over axes", RedOp::Sum);
  define_reduce("reduce_prod", "product over axes", RedOp::Prod);
  define_reduce("reduce_max", "maximum over axes (NaN propagates)", RedOp::Max);
  define_reduce("reduce_min", "minimum over axes (NaN propagates)", RedOp::Min);
  define_reduce("reduce_and", "logical/bitwise AND over axes", RedOp::And);
  define_reduce("reduce_or", "logical/bitwise OR over axes", RedOp::Or);
  define_argminmax("argmax", "index of the first maximum along one axis (NaN counts as maximal)", true);
  define_argminmax("argmin", "index of the first minimum along one axis (NaN counts as minimal)", false);
  define_cumulative("cumsum", "running sum along an axis", CumOp::Sum);
  define_cumulative("cumprod", "running product along an axis", CumOp::Prod);
  define_cumulative("cummax", "running maximum along an axis", CumOp::Max);
  define_cumulative("cummin", "running minimum along an axis", CumOp::Min);
}

}  // namespace jxr
