// jax.custom_jvp, jax.custom_vjp and jax.checkpoint (remat).
//
// A custom_jvp / custom_vjp function stages as one `custom_jvp_call` /
// `custom_vjp_call` equation holding the traced function (printed as JAX
// prints it) and the user's rules. Arguments listed in nondiff_argnums are
// passed to the rules as they are and get no tangent or cotangent.
#pragma once

#include <string>
#include <vector>

#include "engine/api.h"
#include "engine/ad/ad.h"

namespace jxr {

class CustomJvp {
 public:
  // jvp(primals, tangents) -> (outputs, output tangents): the trees have the
  // structure of the arguments (tangents hold Tree::none() at nondiff
  // positions) and of f's output. The rule may call the CustomJvp itself.
  using Rule = std::function<std::pair<Tree, Tree>(const std::vector<Tree>& primals,
                                                   const std::vector<Tree>& tangents)>;

  explicit CustomJvp(TreeFn f, std::string name = "<lambda>", std::vector<int> nondiff_argnums = {});
  // Printed as jvp=NAME in the equation.
  CustomJvp& defjvp(Rule jvp, std::string jvp_name = "<lambda>");
  Tree operator()(const std::vector<Tree>& args) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

class CustomVjp {
 public:
  // fwd(args) -> (output, residuals); bwd(residuals, output cotangent) -> one
  // cotangent tree per differentiable argument, in order.
  using Fwd = std::function<std::pair<Tree, Tree>(const std::vector<Tree>& args)>;
  using Bwd = std::function<std::vector<Tree>(const Tree& residuals, const Tree& ct)>;

  explicit CustomVjp(TreeFn f, std::string name = "<lambda>", std::vector<int> nondiff_argnums = {});
  CustomVjp& defvjp(Fwd fwd, Bwd bwd, std::string fwd_name = "<lambda>", std::string bwd_name = "<lambda>");
  Tree operator()(const std::vector<Tree>& args) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// jax.checkpoint: f stages as one `remat2` equation; under differentiation
// its residuals are recomputed in the backward pass instead of stored.
TreeFn checkpoint(TreeFn f);

}  // namespace jxr
