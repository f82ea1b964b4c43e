// Call primitives: `jit` (a closed call of a sub-jaxpr) and stop_gradient.
#include "engine/api.h"
#include "engine/primitives/families.h"

namespace jxr {

namespace {

std::vector<ShapedArray> jit_abstract_eval(std::span<const ShapedArray> in, const Params& params) {
  const ClosedJaxpr& cj = *params.get("jaxpr").as_jaxpr();
  std::vector<ShapedArray> want = cj.in_avals();
  if (want.size() != in.size())
    throw_type_error("jit: the jaxpr takes " + std::to_string(want.size()) + " arguments, got " +
                     std::to_string(in.size()));
  for (size_t i = 0; i < in.size(); ++i)
    if (!want[i].same_type(in[i]))
      throw_type_error("jit: argument " + std::to_string(i) + " has type " + in[i].str_short() +
                       " but the jaxpr expects " + want[i].str_short());
  return cj.out_avals();
}

std::vector<Array> jit_impl(std::span<const Array> in, const Params& params, std::span<const ShapedArray>) {
  const ClosedJaxpr& cj = *params.get("jaxpr").as_jaxpr();
  std::vector<Value> args(in.begin(), in.end());
  std::vector<Value> outs = eval_closed_jaxpr(cj, args);
  std::vector<Array> arrays;
  for (const Value& v : outs) arrays.push_back(v.array());
  return arrays;
}

// As JAX's _pjit_pp_rule: name first, then the jaxpr; other params only when
// they differ from their defaults (jaxray keeps none of those).
std::vector<std::pair<std::string, Param>> jit_print_params(const Params& params) {
  std::vector<std::pair<std::string, Param>> out;
  out.emplace_back("name", params.get("name"));
  out.emplace_back("jaxpr", params.get("jaxpr"));
  for (const auto& kv : sorted_params(params))
    if (kv.first != "name" && kv.first != "jaxpr") out.push_back(kv);
  return out;
}

}  // namespace

void register_call_primitives() {
  Primitive& jit = define_primitive("jit");
  jit.synopsis = "call a sub-jaxpr as one compiled unit (jax.jit)";
  jit.abstract_eval = jit_abstract_eval;
  jit.impl = jit_impl;
  jit.print_params = jit_print_params;

  Primitive& sg = define_primitive("stop_gradient");
  sg.synopsis = "identity whose derivative is zero";
  sg.abstract_eval = [](std::span<const ShapedArray> in, const Params&) {
    if (in.size() != 1) throw_type_error("stop_gradient takes one operand");
    return std::vector<ShapedArray>{in[0]};
  };
  sg.impl = [](std::span<const Array> in, const Params&, std::span<const ShapedArray>) {
    return std::vector<Array>{in[0]};
  };
}

}  // namespace jxr
