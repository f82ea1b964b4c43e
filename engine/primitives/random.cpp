// Random-bit primitives on raw uint32[2] keys: threefry2x32 (the Threefry-2x32
// hash with 20 rounds, as JAX's _threefry2x32_lowering) and random_bits (JAX
// 0.10's partitionable threefry_random_bits), with their lax wrappers.
#include <array>
#include <set>
#include <string>
#include <vector>

#include "engine/core/primitive.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

uint32_t rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

// Threefry-2x32, 20 rounds: five groups of four, a key injection after each.
std::array<uint32_t, 2> threefry(uint32_t k0, uint32_t k1, uint32_t x0, uint32_t x1) {
  static constexpr int kRot[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  const uint32_t ks[3] = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
  x0 += ks[0];
  x1 += ks[1];
  for (uint32_t g = 0; g < 5; ++g) {
    for (int r : kRot[g % 2]) {
      x0 += x1;
      x1 = rotl(x1, r);
      x1 ^= x0;
    }
    x0 += ks[(g + 1) % 3];
    x1 += ks[(g + 2) % 3] + g + 1;
  }
  return {x0, x1};
}

std::vector<ShapedArray> threefry_abstract_eval(std::span<const ShapedArray> in, const Params&) {
  auto shapes = [&] {
    std::string s;
    for (const ShapedArray& a : in) s += (s.empty() ? "" : ", ") + a.str_short();
    return s;
  };
  if (in.size() != 4) throw_type_error("threefry2x32 takes 4 operands (key0, key1, x0, x1), got " + shapes());
  for (const ShapedArray& a : in)
    if (a.dtype != DType::U32) throw_type_error("Arguments to threefry2x32 must have uint32 type, got " + shapes());
  // JAX's broadcasting_shape_rule: rank-0 operands broadcast to anything;
  // the others need equal ranks, and each dimension equal sizes or 1.
  std::vector<const Shape*> ranked;
  for (const ShapedArray& a : in)
    if (a.ndim() > 0) ranked.push_back(&a.shape);
  if (ranked.empty()) return {ShapedArray{{}, DType::U32}, ShapedArray{{}, DType::U32}};
  std::set<size_t> ranks;
  for (const Shape* s : ranked) ranks.insert(s->size());
  if (ranks.size() != 1) {
    std::string msg = "threefry2x32: arrays must have the same number of dimensions, got {";
    for (size_t r : ranks) msg += (msg.back() == '{' ? "" : ", ") + std::to_string(r);
    throw_type_error(msg + "}");
  }
  Shape shape(ranked[0]->size(), 1);
  for (size_t d = 0; d < shape.size(); ++d)
    for (const Shape* s : ranked) {
      if ((*s)[d] == 1) continue;
      if (shape[d] != 1 && shape[d] != (*s)[d]) {
        std::string msg = "threefry2x32 got incompatible shapes for broadcasting: ";
        for (size_t i = 0; i < ranked.size(); ++i) msg += (i ? ", " : "") + shape_str(*ranked[i]);
        throw_type_error(msg + ".");
      }
      shape[d] = (*s)[d];
    }
  return {ShapedArray{shape, DType::U32}, ShapedArray{shape, DType::U32}};
}

std::vector<Array> threefry_impl(std::span<const Array> in, const Params&, std::span<const ShapedArray> out_avals) {
  Array o0 = Array::allocate(out_avals[0]), o1 = Array::allocate(out_avals[1]);
  uint32_t* y0 = o0.mutable_data<uint32_t>();
  uint32_t* y1 = o1.mutable_data<uint32_t>();
  const int64_t n = o0.size();
  const Shape& shape = out_avals[0].shape;
  const size_t rank = shape.size();
  // Each operand's element strides over the output: 0 along its size-1
  // dimensions (and everywhere for a rank-0 operand), as the lowering's
  // broadcast_in_dim of every operand to the output shape.
  std::array<const uint32_t*, 4> data;
  std::array<std::vector<int64_t>, 4> strides;
  for (size_t k = 0; k < 4; ++k) {
    data[k] = in[k].data<uint32_t>();
    strides[k].assign(rank, 0);
    if (in[k].ndim() == 0) continue;
    int64_t acc = 1;
    for (size_t d = rank; d-- > 0;) {
      strides[k][d] = in[k].shape()[d] == 1 ? 0 : acc;
      acc *= in[k].shape()[d];
    }
  }
  std::vector<int64_t> idx(rank, 0);
  std::array<int64_t, 4> off{};
  for (int64_t i = 0; i < n; ++i) {
    auto r = threefry(data[0][off[0]], data[1][off[1]], data[2][off[2]], data[3][off[3]]);
    y0[i] = r[0];
    y1[i] = r[1];
    // Step the output index like an odometer, carrying the operand offsets.
    for (size_t d = rank; d-- > 0;) {
      for (size_t k = 0; k < 4; ++k) off[k] += strides[k][d];
      if (++idx[d] < shape[d]) break;
      for (size_t k = 0; k < 4; ++k) off[k] -= strides[k][d] * shape[d];
      idx[d] = 0;
    }
  }
  return {o0, o1};
}

std::vector<ShapedArray> random_bits_abstract_eval(std::span<const ShapedArray> in, const Params& params) {
  const int64_t bit_width = params.get_int("bit_width");
  const Shape shape = params.get_ints("shape");
  std::string where = "random_bits[bit_width=" + std::to_string(bit_width) + " shape=" + shape_str(shape) + "]";
  if (in.size() != 1) throw_type_error(where + " takes one key operand, got " + std::to_string(in.size()));
  const ShapedArray& key = in[0];
  if (key.dtype != DType::U32 || key.ndim() < 1 || key.shape.back() != 2)
    throw_type_error(where + ": threefry_random_bits got invalid prng key: " + key.str_short() +
                     " (a raw key is uint32[2], or uint32[..., 2] for a batch of keys)");
  if (bit_width != 8 && bit_width != 16 && bit_width != 32 && bit_width != 64)
    throw_type_error(where + ": requires 8-, 16-, 32- or 64-bit field width.");
  if (bit_width != 32)
    throw_type_error(where + ": jaxray has no uint" + std::to_string(bit_width) +
                     " dtype; only bit_width=32 is supported");
  for (int64_t d : shape)
    if (d < 0) throw_value_error(where + ": negative dimension in shape");
  Shape out(key.shape.begin(), key.shape.end() - 1);
  out.insert(out.end(), shape.begin(), shape.end());
  return {ShapedArray{out, DType::U32}};
}

// Partitionable scheme: element i of the output hashes the 64-bit counter i
// (hi word, lo word) under the key and xors the two output words.
std::vector<Array> random_bits_impl(std::span<const Array> in, const Params& params,
                                    std::span<const ShapedArray> out_avals) {
  Array out = Array::allocate(out_avals[0]);
  const int64_t per_key = shape_size(params.get_ints("shape"));
  const int64_t num_keys = in[0].size() / 2;
  const uint32_t* keys = in[0].data<uint32_t>();
  uint32_t* y = out.mutable_data<uint32_t>();
  for (int64_t k = 0; k < num_keys; ++k)
    for (int64_t i = 0; i < per_key; ++i) {
      uint64_t c = static_cast<uint64_t>(i);
      auto r = threefry(keys[2 * k], keys[2 * k + 1], uint32_t(c >> 32), uint32_t(c));
      y[k * per_key + i] = r[0] ^ r[1];
    }
  return {out};
}

}  // namespace

namespace lax {

std::array<Value, 2> threefry2x32(const Value& k0, const Value& k1, const Value& x0, const Value& x1) {
  static const Primitive& prim = get_primitive("threefry2x32");
  std::vector<Value> args{k0, k1, x0, x1};
  std::vector<Value> outs = jxr::bind(prim, args);
  return {outs[0], outs[1]};
}

Value random_bits(const Value& key, int64_t bit_width, const Shape& shape) {
  static const Primitive& prim = get_primitive("random_bits");
  return bind1(prim, {key}, {{"bit_width", Param::integer(bit_width)}, {"shape", Param::ints(shape)}});
}

}  // namespace lax

void register_random_primitives() {
  Primitive& t = define_primitive("threefry2x32");
  t.synopsis = "Threefry-2x32 hash (20 rounds) of counters (x0, x1) under key (key0, key1)";
  t.abstract_eval = threefry_abstract_eval;
  t.impl = threefry_impl;

  Primitive& r = define_primitive("random_bits");
  r.synopsis = "uniform random bits from a raw uint32[2] threefry key (jax.random.bits)";
  r.abstract_eval = random_bits_abstract_eval;
  r.impl = random_bits_impl;
}

}  // namespace jxr
