// jax.random over threefry2x32 and random_bits, following JAX 0.10.2's
// partitionable threefry: split and fold_in hash (high, low) counters, and
// samplers transform 32 random bits exactly as jax.random does.
#include "engine/numpy/random.h"

#include <cmath>
#include <limits>

namespace jxr::random {

namespace {

void check_key(const Value& key, const char* who) {
  if (key.dtype() != DType::U32 || key.shape() != Shape{2})
    throw_type_error(std::string(who) + ": expected a raw threefry key of type uint32[2], got " + key.aval().str_short());
}

void check_shape(const Shape& shape, const char* who) {
  for (int64_t d : shape)
    if (d < 0) throw_value_error(std::string(who) + ": negative dimensions are not allowed in shape " + shape_str(shape));
}

Value u32(double v) { return Array::scalar(v, DType::U32); }

// threefry2x32 of the key halves over counter pairs of one shape.
std::array<Value, 2> hash(const Value& key, const Value& hi, const Value& lo) {
  Value k0 = jnp::index(key, {0}), k1 = jnp::index(key, {1});
  if (hi.ndim() > 0) {
    k0 = lax::broadcast_in_dim(k0, hi.shape(), {});
    k1 = lax::broadcast_in_dim(k1, hi.shape(), {});
  }
  return lax::threefry2x32(k0, k1, hi, lo);
}

}  // namespace

Value PRNGKey(int64_t seed) {
  if (!x64_enabled() && (seed < std::numeric_limits<int32_t>::min() || seed > std::numeric_limits<int32_t>::max()))
    throw_value_error("Python int " + std::to_string(seed) + " too large to convert to int32");
  // The seed bit-cast to (high, low) uint32 words; 32-bit seeds have no high word.
  uint64_t u = static_cast<uint64_t>(seed);
  uint32_t hi = x64_enabled() ? static_cast<uint32_t>(u >> 32) : 0u;
  return Array::from_vector<uint32_t>({hi, static_cast<uint32_t>(u)}, {2});
}

Value split(const Value& key, int64_t num) {
  check_key(key, "split");
  if (num < 0) throw_value_error("split: num must be non-negative, got " + std::to_string(num));
  // Counters 0..num-1 as (high, low) words, hashed; the two outputs are the
  // two words of each new key.
  Value hi = jnp::zeros({num}, DType::U32);
  Value lo = lax::iota(DType::U32, {num}, 0);
  auto [b0, b1] = hash(key, hi, lo);
  return lax::concatenate({lax::expand_dims(b0, {1}), lax::expand_dims(b1, {1})}, 1);
}

Value fold_in(const Value& key, uint32_t data) {
  check_key(key, "fold_in");
  // threefry_2x32 over the seed words (0, data) of `data`.
  Value hi = jnp::zeros({1}, DType::U32);
  Value lo = lax::broadcast_in_dim(u32(data), {1}, {});
  auto [b0, b1] = hash(key, hi, lo);
  return lax::concatenate({b0, b1}, 0);
}

Value bits(const Value& key, const Shape& shape) {
  check_key(key, "bits");
  check_shape(shape, "bits");
  return lax::random_bits(key, 32, shape);
}

Value uniform(const Value& key, const Shape& shape, double minval, double maxval) {
  check_key(key, "uniform");
  check_shape(shape, "uniform");
  Value b = lax::random_bits(key, 32, shape);
  // JAX sets the top 23 random bits as the mantissa of a float in [1, 2)
  // and subtracts 1: exactly (bits >> 9) * 2^-23, which these ops compute
  // without a bitcast.
  Value mant = lax::div(b, u32(512));
  Value floats = lax::mul(lax::convert_element_type(mant, DType::F32), Array::scalar(std::ldexp(1.0, -23), DType::F32));
  float lo = static_cast<float>(minval), hi = static_cast<float>(maxval);
  Value scaled = lax::add(lax::mul(floats, Array::scalar(hi - lo, DType::F32)), Array::scalar(lo, DType::F32));
  return lax::max(Array::scalar(lo, DType::F32), scaled);
}

Value normal(const Value& key, const Shape& shape) {
  float lo = std::nextafter(-1.0f, 0.0f);
  Value u = uniform(key, shape, lo, 1.0);
  return lax::mul(Array::scalar(static_cast<float>(std::sqrt(2.0)), DType::F32), lax::erf_inv(u));
}

Value bernoulli(const Value& key, double p, const Shape& shape) {
  return lax::lt(uniform(key, shape), Array::scalar(p, DType::F32));
}

Value randint(const Value& key, const Shape& shape, int64_t minval, int64_t maxval) {
  check_key(key, "randint");
  check_shape(shape, "randint");
  const int64_t imin = std::numeric_limits<int32_t>::min(), imax = std::numeric_limits<int32_t>::max();
  // Bounds clip into int32, and a maxval past int32's top widens the span by one.
  bool max_out_of_range = maxval > imax;
  int32_t lo = static_cast<int32_t>(std::clamp(minval, imin, imax));
  int32_t hi = static_cast<int32_t>(std::clamp(maxval, imin, imax));
  Value keys = split(key, 2);
  Value higher = lax::random_bits(jnp::index(keys, {0}), 32, shape);
  Value lower = lax::random_bits(jnp::index(keys, {1}), 32, shape);
  uint32_t span = static_cast<uint32_t>(static_cast<int64_t>(hi) - lo);
  if (hi <= lo) span = 1;
  if (max_out_of_range && hi > lo) span += 1;
  uint32_t mult = static_cast<uint32_t>(65536u % span);
  mult = static_cast<uint32_t>(mult * mult) % span;
  Value s = u32(span);
  Value off = lax::add(lax::mul(lax::rem(higher, s), u32(mult)), lax::rem(lower, s));
  off = lax::rem(off, s);
  return lax::add(Array::scalar(lo, DType::I32), lax::convert_element_type(off, DType::I32));
}

namespace {
Value shuffle(Value key, Value x) {
  // JAX's static number of sort rounds: enough 32-bit keys that collisions
  // are unlikely for x.size elements.
  double size = std::max<double>(1, static_cast<double>(x.size()));
  int rounds = static_cast<int>(std::ceil(3 * std::log(size) / std::log(4294967295.0)));
  for (int r = 0; r < rounds; ++r) {
    Value keys = split(key, 2);
    key = jnp::index(keys, {0});
    Value sort_keys = lax::random_bits(jnp::index(keys, {1}), 32, x.shape());
    x = lax::sort({sort_keys, x}, 0, true, 1)[1];
  }
  return x;
}
}  // namespace

Value permutation(const Value& key, int64_t n) {
  check_key(key, "permutation");
  if (n < 0) throw_value_error("permutation: n must be non-negative, got " + std::to_string(n));
  return shuffle(key, jnp::arange(n));
}

Value permutation(const Value& key, const Value& x) {
  check_key(key, "permutation");
  if (x.ndim() == 0) throw_type_error("x must be an integer or at least 1-dimensional");
  if (x.ndim() == 1) return shuffle(key, x);
  return jnp::index(x, {shuffle(key, jnp::arange(x.shape()[0]))});
}

}  // namespace jxr::random
