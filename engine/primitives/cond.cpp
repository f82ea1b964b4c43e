// The `cond` primitive (jax.lax.cond, jax.lax.switch): operand 0 is an int32
// index choosing one of the closed jaxprs in `branches`, which all take the
// remaining operands and give outputs of one type.
#include <algorithm>

#include "engine/api.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

const std::vector<Param>& branches_of(const Params& params) { return params.get("branches").items(); }

std::vector<ShapedArray> cond_abstract_eval(std::span<const ShapedArray> in, const Params& params) {
  const std::vector<Param>& branches = branches_of(params);
  if (branches.empty()) throw_type_error("cond: no branches");
  if (in.empty() || in[0].dtype != DType::I32 || in[0].ndim() != 0)
    throw_type_error("cond: the index operand must be an int32 scalar, got " +
                     (in.empty() ? std::string("no operands") : in[0].str_short()));
  std::vector<ShapedArray> out = branches[0].as_jaxpr()->out_avals();
  for (size_t b = 0; b < branches.size(); ++b) {
    const ClosedJaxpr& cj = *branches[b].as_jaxpr();
    std::vector<ShapedArray> want = cj.in_avals();
    if (want.size() != in.size() - 1)
      throw_type_error("cond: branch " + std::to_string(b) + " takes " + std::to_string(want.size()) +
                       " operands, got " + std::to_string(in.size() - 1));
    for (size_t i = 0; i < want.size(); ++i)
      if (!want[i].same_type(in[i + 1]))
        throw_type_error("cond: operand " + std::to_string(i) + " has type " + in[i + 1].str_short() +
                         " but branch " + std::to_string(b) + " expects " + want[i].str_short());
    std::vector<ShapedArray> outs = cj.out_avals();
    bool same = outs.size() == out.size();
    for (size_t i = 0; same && i < outs.size(); ++i) same = outs[i].same_type(out[i]);
    if (!same) throw_type_error("cond: branch " + std::to_string(b) + " has other output types than branch 0");
  }
  return out;
}

// Runs the chosen branch only; an index out of range is clamped, as XLA's
// Conditional does. The results take the equation's types, weak types included, whichever
// branch ran.
std::vector<Array> cond_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray> out) {
  const std::vector<Param>& branches = branches_of(params);
  int64_t i = std::clamp<int64_t>(static_cast<int64_t>(in[0].item()), 0, static_cast<int64_t>(branches.size()) - 1);
  std::vector<Value> args(in.begin() + 1, in.end());
  std::vector<Value> outs = eval_closed_jaxpr(*branches[static_cast<size_t>(i)].as_jaxpr(), args);
  std::vector<Array> arrays;
  for (size_t j = 0; j < outs.size(); ++j) arrays.push_back(outs[j].array().view(out[j]));
  return arrays;
}

}  // namespace

void register_cond_primitives() {
  Primitive& cond = define_primitive("cond");
  cond.synopsis = "run the branch jaxpr chosen by an index (lax.cond, lax.switch)";
  cond.abstract_eval = cond_abstract_eval;
  cond.impl = cond_impl;

  // JAX's empty2: what cond's linearization fills the residual slots of the
  // branches that do not produce them with (never read).
  Primitive& empty = define_primitive("empty2");
  empty.synopsis = "an uninitialized scalar of a dtype (filler for unused cond residuals)";
  empty.abstract_eval = [](std::span<const ShapedArray> in, const Params& params) {
    if (!in.empty()) throw_type_error("empty2 takes no operands");
    return std::vector<ShapedArray>{ShapedArray{{}, params.get_dtype("dtype"), false}};
  };
  empty.impl = [](std::span<const Array>, const Params&, std::span<const ShapedArray> out) {
    return std::vector<Array>{Array::zeros(out[0])};
  };
}

}  // namespace jxr
