// jax.random on raw uint32[2] threefry keys (what jax.random.key_data gives),
// bit-for-bit equal to JAX 0.10.2 in its default partitionable mode.
#pragma once

#include <cstdint>

#include "engine/numpy/numpy.h"

namespace jxr::random {

// key_data(jax.random.PRNGKey(seed)).
Value PRNGKey(int64_t seed);
// Keys of shape (num, 2).
Value split(const Value& key, int64_t num = 2);
Value fold_in(const Value& key, uint32_t data);
// uint32 random bits of `shape`.
Value bits(const Value& key, const Shape& shape);
// float32 samples; minval <= x < maxval.
Value uniform(const Value& key, const Shape& shape, double minval = 0, double maxval = 1);
Value normal(const Value& key, const Shape& shape);
Value bernoulli(const Value& key, double p, const Shape& shape);
// int32 samples; minval <= x < maxval.
Value randint(const Value& key, const Shape& shape, int64_t minval, int64_t maxval);
// A shuffled arange(n), or x shuffled along its first axis.
Value permutation(const Value& key, int64_t n);
Value permutation(const Value& key, const Value& x);

}  // namespace jxr::random
