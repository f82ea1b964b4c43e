// DTypes of jaxray arrays, their names as JAX prints them, and JAX's type
// promotion lattice (including weak types for Python scalars).
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <optional>
#include <string_view>

namespace jxr {

enum class DType : uint8_t { Bool, I32, I64, U32, BF16, F16, F32, F64 };
inline constexpr int kNumDTypes = 8;

std::string_view dtype_name(DType d);        // "float32": numpy's name
std::string_view dtype_short_name(DType d);  // "f32": jaxpr text
std::optional<DType> dtype_from_name(std::string_view s);  // either form
int dtype_size(DType d);
bool is_floating(DType d);
bool is_integer(DType d);  // signed or unsigned, not bool
bool is_unsigned(DType d);
bool is_signed_int(DType d);

// JAX's x64 flag: off by default, as in JAX. With it off, 64-bit types
// canonicalize to their 32-bit counterparts when arrays are created.
bool x64_enabled();
void set_x64_enabled(bool on);
DType canonicalize_dtype(DType d);
DType default_int_dtype();    // i32, or i64 with x64
DType default_float_dtype();  // f32, or f64 with x64

// A dtype with its weak flag, the unit of type promotion.
struct TypedKind {
  DType dtype;
  bool weak = false;
};

// jnp.result_type over the promotion lattice: the least upper bound, then
// canonicalized. A result is weak only if it lands on a weak node.
TypedKind promote_types(TypedKind a, TypedKind b);

// 16-bit floats as stored bits with round-to-nearest-even conversion.
struct bfloat16 {
  uint16_t bits = 0;
  bfloat16() = default;
  explicit bfloat16(float f);
  explicit operator float() const {
    uint32_t u = uint32_t(bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
};
struct float16 {
  uint16_t bits = 0;
  float16() = default;
  explicit float16(float f);
  explicit operator float() const;
};

// Calls fn(T{}) with the C++ type of a dtype.
template <class F>
decltype(auto) dispatch_dtype(DType d, F&& fn) {
  switch (d) {
    case DType::Bool: return fn(bool{});
    case DType::I32: return fn(int32_t{});
    case DType::I64: return fn(int64_t{});
    case DType::U32: return fn(uint32_t{});
    case DType::BF16: return fn(bfloat16{});
    case DType::F16: return fn(float16{});
    case DType::F32: return fn(float{});
    case DType::F64: return fn(double{});
  }
  return fn(float{});
}

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }
template <> constexpr DType dtype_of<int32_t>() { return DType::I32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::I64; }
template <> constexpr DType dtype_of<uint32_t>() { return DType::U32; }
template <> constexpr DType dtype_of<bfloat16>() { return DType::BF16; }
template <> constexpr DType dtype_of<float16>() { return DType::F16; }
template <> constexpr DType dtype_of<float>() { return DType::F32; }
template <> constexpr DType dtype_of<double>() { return DType::F64; }

// Numeric conversion between element types as numpy's astype does it (bool
// is x != 0; float to int truncates toward zero).
template <class To, class From>
To convert_scalar(From v) {
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (std::is_same_v<To, bool>) {
    if constexpr (std::is_same_v<From, bfloat16> || std::is_same_v<From, float16>)
      return float(v) != 0.0f;
    else
      return v != From(0);
  } else if constexpr (std::is_same_v<From, bfloat16> || std::is_same_v<From, float16>) {
    return convert_scalar<To>(float(v));
  } else if constexpr (std::is_same_v<To, bfloat16> || std::is_same_v<To, float16>) {
    return To(static_cast<float>(v));
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To>) {
    // XLA's rule, which JAX follows: NaN becomes 0, out-of-range saturates.
    if (v != v) return To(0);
    if (v <= static_cast<From>(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace jxr
