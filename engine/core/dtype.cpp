// DType names, sizes and JAX's type promotion lattice.
#include "engine/core/dtype.h"

#include <array>
#include <atomic>

namespace jxr {

namespace {

struct DTypeInfo {
  std::string_view name, short_name;
  int size;
};

constexpr std::array<DTypeInfo, kNumDTypes> kInfo = {{
    {"bool", "bool", 1},
    {"int32", "i32", 4},
    {"int64", "i64", 8},
    {"uint32", "u32", 4},
    {"bfloat16", "bf16", 2},
    {"float16", "f16", 2},
    {"float32", "f32", 4},
    {"float64", "f64", 8},
}};

std::atomic<bool> g_x64{false};

// Nodes of the promotion lattice: the concrete dtypes, then the weak int and
// weak float nodes (JAX's i* and f*). 8-bit and 16-bit integer nodes are left
// out: no jaxray dtype sits on them, and no least upper bound of two jaxray
// types lands there.
enum Node : int { kBool, kI32, kI64, kU32, kBF16, kF16, kF32, kF64, kWeakInt, kWeakFloat, kNumNodes };

using Bits = uint32_t;

// Each node's set of upper bounds, the transitive closure of JAX's lattice
// edges: b1->i*, i*->{u32,i32}, u32->{i64} (x64) or {i32} (x32, as JAX
// avoids forming 64-bit types from 32-bit inputs), i32->i64, i64->f*,
// f*->{bf16,f16}, bf16->f32, f16->f32, f32->f64.
std::array<Bits, kNumNodes> upper_bounds(bool x64) {
  std::array<Bits, kNumNodes> edges{};
  auto edge = [&](int a, int b) { edges[a] |= Bits(1) << b; };
  edge(kBool, kWeakInt);
  edge(kWeakInt, kU32);
  edge(kWeakInt, kI32);
  edge(kU32, x64 ? kI64 : kI32);
  edge(kU32, kI64);
  edge(kI32, kI64);
  edge(kI64, kWeakFloat);
  edge(kWeakFloat, kBF16);
  edge(kWeakFloat, kF16);
  edge(kBF16, kF32);
  edge(kF16, kF32);
  edge(kF32, kF64);
  std::array<Bits, kNumNodes> ub{};
  for (int n = 0; n < kNumNodes; ++n) {
    Bits cur = Bits(1) << n;
    for (;;) {
      Bits next = cur;
      for (int m = 0; m < kNumNodes; ++m)
        if (cur & (Bits(1) << m)) next |= edges[m];
      if (next == cur) break;
      cur = next;
    }
    ub[n] = cur;
  }
  return ub;
}

int node_of(TypedKind k) {
  if (k.weak && k.dtype != DType::Bool) {
    if (is_floating(k.dtype)) return kWeakFloat;
    return kWeakInt;
  }
  return static_cast<int>(k.dtype);
}

}  // namespace

std::string_view dtype_name(DType d) { return kInfo[static_cast<int>(d)].name; }
std::string_view dtype_short_name(DType d) { return kInfo[static_cast<int>(d)].short_name; }
int dtype_size(DType d) { return kInfo[static_cast<int>(d)].size; }

std::optional<DType> dtype_from_name(std::string_view s) {
  for (int i = 0; i < kNumDTypes; ++i)
    if (kInfo[i].name == s || kInfo[i].short_name == s) return static_cast<DType>(i);
  return std::nullopt;
}

bool is_floating(DType d) {
  return d == DType::BF16 || d == DType::F16 || d == DType::F32 || d == DType::F64;
}
bool is_unsigned(DType d) { return d == DType::U32; }
bool is_signed_int(DType d) { return d == DType::I32 || d == DType::I64; }
bool is_integer(DType d) { return is_unsigned(d) || is_signed_int(d); }

bool x64_enabled() { return g_x64.load(std::memory_order_relaxed); }
void set_x64_enabled(bool on) { g_x64.store(on); }

DType canonicalize_dtype(DType d) {
  if (x64_enabled()) return d;
  if (d == DType::I64) return DType::I32;
  if (d == DType::F64) return DType::F32;
  return d;
}
DType default_int_dtype() { return x64_enabled() ? DType::I64 : DType::I32; }
DType default_float_dtype() { return x64_enabled() ? DType::F64 : DType::F32; }

TypedKind promote_types(TypedKind a, TypedKind b) {
  static const std::array<Bits, kNumNodes> ub32 = upper_bounds(false);
  static const std::array<Bits, kNumNodes> ub64 = upper_bounds(true);
  const auto& ub = x64_enabled() ? ub64 : ub32;
  int na = node_of(a), nb = node_of(b);
  Bits common = ub[na] & ub[nb];
  int lub = -1;
  for (int n = 0; n < kNumNodes; ++n)
    if ((common & (Bits(1) << n)) && (common & ~ub[n]) == 0) lub = n;
  // The lattice is total over these nodes' common bounds; f64 bounds all.
  if (lub == kWeakInt) return {default_int_dtype(), true};
  if (lub == kWeakFloat) return {default_float_dtype(), true};
  return {canonicalize_dtype(static_cast<DType>(lub)), false};
}

bfloat16::bfloat16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) {  // NaN: keep it quiet, keep the sign
    bits = static_cast<uint16_t>((u >> 16) | 0x40);
    return;
  }
  uint32_t rounding = 0x7fffu + ((u >> 16) & 1u);
  bits = static_cast<uint16_t>((u + rounding) >> 16);
}

float16::float16(float f) {
  _Float16 h = static_cast<_Float16>(f);
  std::memcpy(&bits, &h, 2);
}

float16::operator float() const {
  _Float16 h;
  std::memcpy(&h, &bits, 2);
  return static_cast<float>(h);
}

}  // namespace jxr
