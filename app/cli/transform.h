// `jaxray-cli jaxpr transform`: a parsed jaxpr, as the function
// f(*args) = eval_closed_jaxpr(jaxpr, args), through a chain of
// transformations (jvp, vjp, grad, vmap, jacfwd, jacrev, hessian, jit), traced
// back to a jaxpr with make_jaxpr.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.h"
#include "engine/jaxpr/jaxpr.h"

namespace jxr::cli {

struct TransformStep {
  enum class Kind { Jvp, Vjp, Grad, Vmap, Jacfwd, Jacrev, Hessian, Jit };
  Kind kind = Kind::Grad;
  std::string flag;                      // as written on the command line, for messages
  std::vector<int> argnums = {0};        // --grad
  bool argnums_tuple = false;            // --grad=0,1: grads come back as a tuple
  std::vector<std::optional<int>> axes;  // --vmap: one entry (all inputs) or one per input; nullopt: none
};

struct TransformSpec {
  std::vector<TransformStep> steps;  // applied left to right: steps[1](steps[0](f))
  int64_t axis_size = 2;             // batch size of the example arguments --vmap maps
};

// Parses the options after FILE. Returns an error message for bad usage
// (unknown flag, malformed value, no transformation), nullopt on success.
std::optional<std::string> parse_transform_flags(const std::vector<std::string>& args, TransformSpec* spec);

// Parses a chain as JAX spells it, innermost applied first: `grad(vmap(f))`,
// or a bare `grad`. The innermost name that is no transformation names the
// function. Each step's `flag` is its name; vmap maps axis 0 of every input
// and grad takes argnum 0. Returns an error message, nullopt on success.
std::optional<std::string> parse_transform_chain(std::string_view chain, TransformSpec* spec);

// The chain applied to `fn`, as parse_transform_chain reads it: `grad(vmap(f))`.
std::string chain_text(const TransformSpec& spec, std::string_view fn);

// A transformation that failed: `flag` names it, what() is the engine's message.
class TransformError : public Error {
 public:
  TransformError(ErrorKind kind, std::string flag, const std::string& msg)
      : Error(kind, msg), flag_(std::move(flag)) {}
  const std::string& flag() const { return flag_; }

 private:
  std::string flag_;
};

// make_jaxpr of the transformed function at example arguments: zeros of the
// jaxpr's input avals, extended as each transformation needs (tangents,
// cotangents, batch axes). Throws TransformError naming the failing step.
ClosedJaxpr transform_jaxpr(const ClosedJaxpr& cj, const TransformSpec& spec);

}  // namespace jxr::cli
