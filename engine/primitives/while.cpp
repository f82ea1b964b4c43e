// The `while` primitive (lax.while_loop, lax.fori_loop): its operands are
// the cond consts, the body consts and the carry; cond_jaxpr maps (cond
// consts, carry) to a boolean predicate and body_jaxpr maps (body consts,
// carry) to the next carry. After vmap with a batched predicate the
// predicate is a boolean array whose shape leads every carry's shape: the
// loop then runs while any element is true and only the elements whose
// predicate holds take the body's result, as JAX's lowering does.
#include <algorithm>

#include "engine/core/error.h"
#include "engine/jaxpr/jaxpr.h"
#include "engine/lax.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

struct WhileParts {
  const ClosedJaxpr& cond;
  const ClosedJaxpr& body;
  size_t cond_nconsts, body_nconsts;
};

WhileParts parts_of(const Params& params) {
  return {*params.get("cond_jaxpr").as_jaxpr(), *params.get("body_jaxpr").as_jaxpr(),
          static_cast<size_t>(params.get_int("cond_nconsts")), static_cast<size_t>(params.get_int("body_nconsts"))};
}

std::string avals_list(const std::vector<ShapedArray>& avals) {
  std::string s = "[";
  for (size_t i = 0; i < avals.size(); ++i) s += (i ? ", " : "") + avals[i].str();
  return s + "]";
}

bool is_prefix(const Shape& p, const Shape& s) {
  return p.size() <= s.size() && std::equal(p.begin(), p.end(), s.begin());
}

// JAX's _while_loop_abstract_eval checks the operand counts (with its
// JaxprTypeError texts); jaxray also checks the types that JAX's while_loop
// checks before binding, so that a hand-written or parsed jaxpr gets them.
std::vector<ShapedArray> while_abstract_eval(std::span<const ShapedArray> in, const Params& params) {
  WhileParts w = parts_of(params);
  if (w.cond_nconsts + w.body_nconsts > in.size())
    throw_type_error("while_loop cond_nconsts=" + std::to_string(w.cond_nconsts) + " and body_nconsts=" +
                     std::to_string(w.body_nconsts) + " exceed the " + std::to_string(in.size()) + " operands");
  std::vector<ShapedArray> cconsts(in.begin(), in.begin() + w.cond_nconsts);
  std::vector<ShapedArray> bconsts(in.begin() + w.cond_nconsts, in.begin() + w.cond_nconsts + w.body_nconsts);
  std::vector<ShapedArray> carry(in.begin() + w.cond_nconsts + w.body_nconsts, in.end());
  std::vector<ShapedArray> cond_in = w.cond.in_avals(), body_in = w.body.in_avals();
  if (cond_in.size() != cconsts.size() + carry.size())
    throw_type_error("while_loop len(cond_jaxpr.in_avals)=" + std::to_string(cond_in.size()) +
                     " but len(cond_consts_avals) + len(in_avals)=" + std::to_string(cconsts.size() + carry.size()));
  if (body_in.size() != bconsts.size() + carry.size())
    throw_type_error("while_loop len(body_jaxpr.in_avals)=" + std::to_string(body_in.size()) +
                     " but len(body_consts_avals) + len(in_avals)=" + std::to_string(bconsts.size() + carry.size()));
  auto check_inputs = [](const std::vector<ShapedArray>& want, const std::vector<ShapedArray>& consts,
                         const std::vector<ShapedArray>& carry, const char* which) {
    for (size_t i = 0; i < want.size(); ++i) {
      const ShapedArray& got = i < consts.size() ? consts[i] : carry[i - consts.size()];
      if (!want[i].same_type(got))
        throw_type_error(std::string("while_loop ") + which + " function input type error: " + got.type_str() +
                         " != " + want[i].type_str());
    }
  };
  check_inputs(cond_in, cconsts, carry, "cond");
  check_inputs(body_in, bconsts, carry, "body");
  std::vector<ShapedArray> cond_out = w.cond.out_avals(), body_out = w.body.out_avals();
  if (cond_out.size() != 1 || cond_out[0].dtype != DType::Bool)
    throw_type_error("cond_fun must return a boolean scalar, but got output type(s) " + avals_list(cond_out) + ".");
  for (const ShapedArray& c : carry)
    if (!is_prefix(cond_out[0].shape, c.shape))
      throw_type_error("cond_fun must return a boolean scalar, but got output type(s) " + avals_list(cond_out) +
                       ".");
  if (body_out.size() != carry.size())
    throw_type_error("while_loop body function returns " + std::to_string(body_out.size()) + " carry values for " +
                     std::to_string(carry.size()) + " carry inputs");
  for (size_t i = 0; i < carry.size(); ++i)
    if (!body_out[i].same_type(carry[i]))
      throw_type_error("while_loop body function carry input and carry output must have equal types, but carry " +
                       std::to_string(i) + " has type " + carry[i].type_str() +
                       " and the corresponding output carry component has type " + body_out[i].type_str());
  return body_out;
}

std::vector<Array> while_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray>) {
  WhileParts w = parts_of(params);
  std::vector<Value> cconsts(in.begin(), in.begin() + w.cond_nconsts);
  std::vector<Value> bconsts(in.begin() + w.cond_nconsts, in.begin() + w.cond_nconsts + w.body_nconsts);
  std::vector<Value> carry(in.begin() + w.cond_nconsts + w.body_nconsts, in.end());
  auto predicate = [&] {
    std::vector<Value> args = cconsts;
    args.insert(args.end(), carry.begin(), carry.end());
    return eval_closed_jaxpr(w.cond, args)[0];
  };
  auto step = [&] {
    std::vector<Value> args = bconsts;
    args.insert(args.end(), carry.begin(), carry.end());
    return eval_closed_jaxpr(w.body, args);
  };
  for (Value pred = predicate();; pred = predicate()) {
    if (pred.ndim() == 0) {
      if (!pred.array().item(0)) break;
      carry = step();
      continue;
    }
    std::vector<int64_t> all_axes;
    for (int i = 0; i < pred.ndim(); ++i) all_axes.push_back(i);
    if (!lax::reduce_or(pred, all_axes).array().item(0)) break;
    std::vector<Value> next = step();
    for (size_t i = 0; i < carry.size(); ++i)
      carry[i] = lax::select_n(lax::broadcast_in_dim(pred, carry[i].shape(), all_axes), {carry[i], next[i]});
  }
  std::vector<Array> out;
  for (const Value& v : carry) out.push_back(v.array());
  return out;
}

}  // namespace

void register_while_primitives() {
  Primitive& w = define_primitive("while");
  w.synopsis = "repeat body_jaxpr on the carry while cond_jaxpr holds (lax.while_loop)";
  w.abstract_eval = while_abstract_eval;
  w.impl = while_impl;
}

}  // namespace jxr
