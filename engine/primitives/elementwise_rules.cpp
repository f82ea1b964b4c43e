// Transformation rules of the elementwise primitives, after jax/_src/lax/lax.py.
#include "engine/ad/rules.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

using ad::def_jvp;
using std::span;

// Sums ct over the axes along which an operand of aval `a` was broadcast
// (rank-0 operands broadcast against anything), as JAX's _unbroadcast.
Value unbroadcast(const ShapedArray& a, const Value& ct) {
  if (a.shape == ct.shape()) return ct;
  std::vector<int64_t> dims;
  for (int i = 0; i < ct.ndim(); ++i)
    if (a.ndim() == 0 || a.shape[i] != ct.shape()[i]) dims.push_back(i);
  Value s = lax::reduce_sum(ct, dims);
  if (a.ndim() == 0 || s.shape() == a.shape) return s;
  return lax::reshape(s, a.shape);
}

}  // namespace

void register_elementwise_rules() {
  auto& P = primitive_for_rules;
  for (const char* n : {"neg", "sin", "cos"}) ad::def_vectorized(P(n));
  for (const char* n : {"add", "sub", "mul", "add_any"}) ad::def_broadcasting(P(n));

  ad::def_linear(P("neg"), [](const Value& ct, span<const Value>, span<const ShapedArray>, const Params&) {
    return std::vector<Value>{lax::neg(ct)};
  });
  def_jvp(P("sin"), {[](const Value& t, span<const Value> x, const Params&) { return lax::mul(t, lax::cos(x[0])); }});
  def_jvp(P("cos"), {[](const Value& t, span<const Value> x, const Params&) {
            return lax::neg(lax::mul(t, lax::sin(x[0])));
          }});
  auto add_transpose = [](const Value& ct, span<const Value> args, span<const ShapedArray> avals, const Params&) {
    std::vector<Value> out(2);
    if (ad::is_zero(args[0])) out[0] = unbroadcast(avals[0], ct);
    if (ad::is_zero(args[1])) out[1] = unbroadcast(avals[1], ct);
    return out;
  };
  ad::def_linear(P("add"), add_transpose);
  ad::def_linear(P("add_any"), add_transpose);
  ad::def_linear(P("sub"), [](const Value& ct, span<const Value> args, span<const ShapedArray> avals, const Params&) {
    std::vector<Value> out(2);
    if (ad::is_zero(args[0])) out[0] = unbroadcast(avals[0], ct);
    if (ad::is_zero(args[1])) out[1] = unbroadcast(avals[1], lax::neg(ct));
    return out;
  });
  ad::def_bilinear(
      P("mul"),
      [](const Value& ct, const Value&, const Value& y, span<const ShapedArray> avals, const Params&) {
        return unbroadcast(avals[0], lax::mul(ct, y));
      },
      [](const Value& ct, const Value& x, const Value&, span<const ShapedArray> avals, const Params&) {
        return unbroadcast(avals[1], lax::mul(x, ct));
      });
}

}  // namespace jxr
