// dot_general: JAX's shape, dtype and print rules, the lax wrapper and its
// dimension-numbers param, and an eager kernel (OpenBLAS gemm for f32/f64,
// loops for the other dtypes).
#include <cblas.h>

#include <algorithm>
#include <array>
#include <set>
#include <type_traits>

#include "engine/core/primitive.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace lax {

Param dot_dnums_param(const DotDimensionNumbers& d) {
  auto list = [](const std::vector<int64_t>& v) {
    std::vector<Param> items;
    for (int64_t i : v) items.push_back(Param::integer(i));
    return Param::list(std::move(items));
  };
  return Param::tuple({Param::tuple({list(d.lhs_contracting), list(d.rhs_contracting)}),
                       Param::tuple({list(d.lhs_batch), list(d.rhs_batch)})});
}

DotDimensionNumbers dot_dnums_from_param(const Param& p) {
  auto pair = [&](const Param& q) -> const std::vector<Param>& {
    if ((q.kind() != Param::Kind::Tuple && q.kind() != Param::Kind::List) || q.items().size() != 2)
      throw_value_error("dot_general: dimension_numbers must be ((lhs_contracting, rhs_contracting), "
                        "(lhs_batch, rhs_batch)), got " + p.str());
    return q.items();
  };
  const auto& outer = pair(p);
  const auto& contracting = pair(outer[0]);
  const auto& batch = pair(outer[1]);
  return {contracting[0].as_ints(), contracting[1].as_ints(), batch[0].as_ints(), batch[1].as_ints()};
}

// As lax._validate_preferred_element_type: the preferred type may widen the
// result but not change its kind or narrow it (ints may become floats).
static void validate_preferred(DType in, DType preferred) {
  auto fail = [&](const std::string& why) {
    throw_type_error("dot_general: " + why + " (input type " + std::string(dtype_name(in)) +
                     ", preferred_element_type " + std::string(dtype_name(preferred)) + ")");
  };
  bool int_to_float = is_integer(in) && is_floating(preferred);
  if (!int_to_float) {
    if ((is_integer(in) && !is_integer(preferred)) || (is_floating(in) && !is_floating(preferred)))
      fail("Input type is incompatible with `preferred_element_type`. The compatible combinations of "
           "(input_type, preferred_element_type) are (integral, integral), (integral, floating), "
           "(floating, floating), (complex, complex.");
    if (is_signed_int(in) && !is_signed_int(preferred))
      fail("`preferred_element_type` must have the same signedness as the original type.");
  }
  if (dtype_size(preferred) < dtype_size(in)) fail("`preferred_element_type` must not be narrower than the original type.");
}

Value dot_general(const Value& lhs, const Value& rhs, const DotDimensionNumbers& dnums,
                  std::optional<DType> preferred_element_type) {
  static const Primitive& prim = get_primitive("dot_general");
  Param preferred;
  if (preferred_element_type) {
    DType pt = canonicalize_dtype(*preferred_element_type);
    validate_preferred(lhs.dtype(), pt);
    validate_preferred(rhs.dtype(), pt);
    preferred = Param::dtype(pt);
  }
  return bind1(prim, {lhs, rhs},
               {{"dimension_numbers", dot_dnums_param(dnums)},
                {"precision", Param::none()},
                {"preferred_element_type", preferred}});
}

}  // namespace lax

namespace {

std::string ints_str(const std::vector<int64_t>& v) { return Param::ints(v).str(); }

// XLA's HigherPrecisionType ordering, as JAX's _dot_general_dtype_rule:
// (max exponent, mantissa bits, bit width, signed) compared lexicographically.
std::array<int, 4> type_properties(DType d) {
  switch (d) {
    case DType::F16: return {16, 10, 16, 1};
    case DType::BF16: return {128, 7, 16, 1};
    case DType::F32: return {128, 23, 32, 1};
    case DType::F64: return {1024, 52, 64, 1};
    case DType::Bool: return {-1, -1, 8, 1};
    case DType::U32: return {-1, -1, 32, 0};
    default: return {-1, -1, 8 * dtype_size(d), 1};
  }
}

// Names the lhs/rhs batch/contracting dims in messages as JAX does.
std::string dnums_str(const char* side, const std::vector<int64_t>& batch, const std::vector<int64_t>& contracting) {
  return std::string(side) + "_batch of " + ints_str(batch) + " and " + side + "_contracting of " +
         ints_str(contracting);
}

bool all_in_range(const std::vector<int64_t>& dims, int rank) {
  return std::all_of(dims.begin(), dims.end(), [&](int64_t d) { return d >= 0 && d < rank; });
}

bool distinct(const std::vector<int64_t>& dims) {
  return std::set<int64_t>(dims.begin(), dims.end()).size() == dims.size();
}

bool disjoint(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  return std::none_of(a.begin(), a.end(), [&](int64_t d) { return std::count(b.begin(), b.end(), d) > 0; });
}

Shape pick(const Shape& shape, const std::vector<int64_t>& dims) {
  Shape out;
  for (int64_t d : dims) out.push_back(shape[d]);
  return out;
}

// Dims of `rank` that are neither batch nor contracting, in order.
std::vector<int64_t> free_dims(int rank, const std::vector<int64_t>& batch, const std::vector<int64_t>& contracting) {
  std::vector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d)
    if (!std::count(batch.begin(), batch.end(), d) && !std::count(contracting.begin(), contracting.end(), d))
      out.push_back(d);
  return out;
}

// _dot_general_shape_rule: output dims are batch, lhs free, rhs free.
Shape dot_shape(const ShapedArray& lhs, const ShapedArray& rhs, const lax::DotDimensionNumbers& d) {
  if (!all_in_range(d.lhs_contracting, lhs.ndim()) || !all_in_range(d.lhs_batch, lhs.ndim()))
    throw_type_error("dot_general requires lhs dimension numbers to be nonnegative and less than the number of "
                     "axes of the lhs value, got " + dnums_str("lhs", d.lhs_batch, d.lhs_contracting) +
                     " for lhs of rank " + std::to_string(lhs.ndim()));
  if (!all_in_range(d.rhs_contracting, rhs.ndim()) || !all_in_range(d.rhs_batch, rhs.ndim()))
    throw_type_error("dot_general requires rhs dimension numbers to be nonnegative and less than the number of "
                     "axes of the rhs value, got " + dnums_str("rhs", d.rhs_batch, d.rhs_contracting) +
                     " for rhs of rank " + std::to_string(rhs.ndim()));
  if (d.lhs_batch.size() != d.rhs_batch.size())
    throw_type_error("dot_general requires equal numbers of lhs_batch and rhs_batch dimensions, got lhs_batch " +
                     ints_str(d.lhs_batch) + " and rhs_batch " + ints_str(d.rhs_batch) + ".");
  if (!distinct(d.lhs_batch))
    throw_type_error("dot_general requires lhs batch dimensions to be distinct, got lhs_batch " +
                     ints_str(d.lhs_batch) + ".");
  if (!distinct(d.rhs_batch))
    throw_type_error("dot_general requires rhs batch dimensions to be distinct, got rhs_batch " +
                     ints_str(d.rhs_batch) + ".");
  if (!distinct(d.lhs_contracting))
    throw_type_error("dot_general requires lhs contracting dimensions to be distinct, got lhs_contracting " +
                     ints_str(d.lhs_contracting) + ".");
  if (!distinct(d.rhs_contracting))
    throw_type_error("dot_general requires rhs contracting dimensions to be distinct, got rhs_contracting " +
                     ints_str(d.rhs_contracting) + ".");
  if (!disjoint(d.lhs_batch, d.lhs_contracting))
    throw_type_error("dot_general requires lhs batch dimensions to be disjoint from contracting dimensions, got "
                     "lhs_batch " + ints_str(d.lhs_batch) + " and lhs_contracting " + ints_str(d.lhs_contracting) + ".");
  if (!disjoint(d.rhs_batch, d.rhs_contracting))
    throw_type_error("dot_general requires rhs batch dimensions to be disjoint from contracting dimensions, got "
                     "rhs_batch " + ints_str(d.rhs_batch) + " and rhs_contracting " + ints_str(d.rhs_contracting) + ".");
  Shape lb = pick(lhs.shape, d.lhs_batch), rb = pick(rhs.shape, d.rhs_batch);
  if (lb != rb)
    throw_type_error("dot_general requires lhs batch dimensions and rhs batch dimensions to have the same shape, "
                     "got " + shape_str(lb) + " and " + shape_str(rb) + ".");
  Shape lc = pick(lhs.shape, d.lhs_contracting), rc = pick(rhs.shape, d.rhs_contracting);
  if (lc != rc)
    throw_type_error("dot_general requires contracting dimensions to have the same shape, got " + shape_str(lc) +
                     " and " + shape_str(rc) + " (lhs " + lhs.str_short() + ", rhs " + rhs.str_short() +
                     ", dimension_numbers=" + lax::dot_dnums_param(d).str() + ").");
  Shape out = lb;
  for (int64_t i : free_dims(lhs.ndim(), d.lhs_batch, d.lhs_contracting)) out.push_back(lhs.shape[i]);
  for (int64_t i : free_dims(rhs.ndim(), d.rhs_batch, d.rhs_contracting)) out.push_back(rhs.shape[i]);
  return out;
}

// _dot_general_dtype_rule with _maybe_upcast.
DType dot_dtype(DType l, DType r, const Param& preferred) {
  DType result;
  if (type_properties(l) > type_properties(r)) result = l;
  else if (type_properties(r) > type_properties(l)) result = r;
  else if (l != r)
    throw_type_error("lax.dot_general argument type error: " + std::string(dtype_name(l)) + ", " +
                     std::string(dtype_name(r)));
  else result = l;
  if (preferred.is_none() || preferred.as_dtype() == result) return result;
  DType p = preferred.as_dtype();
  if (!is_floating(result) && dtype_size(p) < dtype_size(result))
    throw_type_error("dot_general: `preferred_element_type` must not be narrower than the original type, got "
                     "preferred_element_type of " + std::string(dtype_name(p)) + " for result type of " +
                     std::string(dtype_name(result)) + ".");
  return p;
}

// A copy of `a` with its dims reordered by `perm`, converted to C.
template <class C>
std::vector<C> gather_permuted(const Array& a, const std::vector<int64_t>& perm) {
  const Shape& shape = a.shape();
  std::vector<int64_t> strides = row_major_strides(shape);
  std::vector<C> out(static_cast<size_t>(a.size()));
  if (out.empty()) return out;
  dispatch_dtype(a.dtype(), [&](auto t) {
    using T = decltype(t);
    const T* src = a.data<T>();
    std::vector<int64_t> idx(perm.size(), 0);
    int64_t off = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      out[i] = convert_scalar<C>(src[off]);
      for (size_t k = perm.size(); k-- > 0;) {
        int64_t d = perm[k];
        off += strides[d];
        if (++idx[k] < shape[d]) break;
        off -= strides[d] * shape[d];
        idx[k] = 0;
      }
    }
  });
  return out;
}

// acc + a*b in C; integers wrap (computed unsigned); bools, held as
// unsigned char (std::vector<bool> has no data()), are or-of-ands.
template <class C>
C mul_add(C acc, C a, C b) {
  if constexpr (std::is_same_v<C, unsigned char>) return acc | (a & b);
  else if constexpr (std::is_integral_v<C>) {
    using U = std::make_unsigned_t<C>;
    return C(U(acc) + U(a) * U(b));
  } else {
    return acc + a * b;
  }
}

// Batched [B,M,K] x [B,K,N] -> [B,M,N].
template <class C>
void batched_matmul(const C* a, const C* b, C* c, int64_t B, int64_t M, int64_t K, int64_t N) {
  std::fill(c, c + B * M * N, C(0));
  if (K == 0) return;
  for (int64_t s = 0; s < B; ++s) {
    const C* as = a + s * M * K;
    const C* bs = b + s * K * N;
    C* cs = c + s * M * N;
    if constexpr (std::is_same_v<C, float> || std::is_same_v<C, double>) {
      if (M == 0 || N == 0) continue;
      const int m = int(M), n = int(N), k = int(K);
      if constexpr (std::is_same_v<C, float>)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, as, k, bs, n, 0.0f, cs, n);
      else
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, as, k, bs, n, 0.0, cs, n);
    } else {
      for (int64_t i = 0; i < M; ++i)
        for (int64_t kk = 0; kk < K; ++kk) {
          C av = as[i * K + kk];
          for (int64_t j = 0; j < N; ++j) cs[i * N + j] = mul_add<C>(cs[i * N + j], av, bs[kk * N + j]);
        }
    }
  }
}

std::vector<Array> dot_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> out_avals) {
  lax::DotDimensionNumbers d = lax::dot_dnums_from_param(params.get("dimension_numbers"));
  const Array& lhs = in[0];
  const Array& rhs = in[1];
  std::vector<int64_t> lfree = free_dims(lhs.ndim(), d.lhs_batch, d.lhs_contracting);
  std::vector<int64_t> rfree = free_dims(rhs.ndim(), d.rhs_batch, d.rhs_contracting);
  auto prod = [](const Shape& s, const std::vector<int64_t>& dims) {
    int64_t n = 1;
    for (int64_t i : dims) n *= s[i];
    return n;
  };
  const int64_t B = prod(lhs.shape(), d.lhs_batch), M = prod(lhs.shape(), lfree),
                K = prod(lhs.shape(), d.lhs_contracting), N = prod(rhs.shape(), rfree);
  std::vector<int64_t> lperm = d.lhs_batch, rperm = d.rhs_batch;
  lperm.insert(lperm.end(), lfree.begin(), lfree.end());
  lperm.insert(lperm.end(), d.lhs_contracting.begin(), d.lhs_contracting.end());
  rperm.insert(rperm.end(), d.rhs_contracting.begin(), d.rhs_contracting.end());
  rperm.insert(rperm.end(), rfree.begin(), rfree.end());

  Array out = Array::allocate(out_avals[0]);
  dispatch_dtype(out.dtype(), [&](auto t) {
    using O = decltype(t);
    // 16-bit floats accumulate in f32; every other type in itself.
    using C = std::conditional_t<std::is_same_v<O, bfloat16> || std::is_same_v<O, float16>, float,
                                 std::conditional_t<std::is_same_v<O, bool>, unsigned char, O>>;
    std::vector<C> a = gather_permuted<C>(lhs, lperm);
    std::vector<C> b = gather_permuted<C>(rhs, rperm);
    if constexpr (std::is_same_v<C, O>) {
      batched_matmul<C>(a.data(), b.data(), out.mutable_data<O>(), B, M, K, N);
    } else {
      std::vector<C> c(static_cast<size_t>(B * M * N));
      batched_matmul<C>(a.data(), b.data(), c.data(), B, M, K, N);
      O* y = out.mutable_data<O>();
      for (size_t i = 0; i < c.size(); ++i) y[i] = convert_scalar<O>(c[i]);
    }
  });
  return {out};
}

}  // namespace

void register_linalg_primitives() {
  Primitive& p = define_primitive("dot_general");
  p.synopsis = "tensor contraction over contracting dims, batched over batch dims (out: batch, lhs free, rhs free)";
  p.abstract_eval = [](std::span<const ShapedArray> in, const Params& params) {
    if (in.size() != 2) throw_type_error("dot_general takes two operands, got " + std::to_string(in.size()));
    lax::DotDimensionNumbers d = lax::dot_dnums_from_param(params.get("dimension_numbers"));
    Shape shape = dot_shape(in[0], in[1], d);
    DType dtype = dot_dtype(in[0].dtype, in[1].dtype, params.get("preferred_element_type"));
    return std::vector<ShapedArray>{{shape, dtype, in[0].weak_type && in[1].weak_type}};
  };
  p.impl = dot_impl;
  // As JAX's _dot_general_pp_rule: None-valued params are not printed.
  p.print_params = [](const Params& params) {
    std::vector<std::pair<std::string, Param>> out;
    for (auto& kv : sorted_params(params))
      if (!kv.second.is_none()) out.push_back(kv);
    return out;
  };
  p.parse_params = [](Params& params, std::span<const ShapedArray>, std::span<const ShapedArray>) {
    if (!params.has("precision")) params.set("precision", Param::none());
    if (!params.has("preferred_element_type")) params.set("preferred_element_type", Param::none());
  };
}

}  // namespace jxr
