// The bundled CLI demos. Each shows the Python it mirrors, the jaxpr that
// tracing the C++ version gives (identical to JAX's) and the evaluated result.
#include "app/cli/demos.h"

#include <cstdio>

#include "app/cli/json_values.h"
#include "engine/api.h"
#include "engine/jaxpr/print.h"
#include "engine/numpy/numpy.h"
#include "engine/numpy/random.h"

namespace jxr::cli {

namespace {

void show(const char* python, const ClosedJaxpr& cj, const std::vector<Value>& result) {
  std::printf("%s\njaxpr:\n%s\n\nresult: %s\n", python, print_closed_jaxpr(cj).c_str(),
              values_to_json(result).c_str());
}

// The seed article's example: slice and squeeze equations for x[0], x[1].
void seed() {
  // C++ leaves the order of operand evaluation unspecified; naming the
  // operands stages the equations in Python's left-to-right order.
  auto f = [](const Value& x) {
    Value a = jnp::index(x, {0});
    Value b = jnp::index(x, {0});
    Value c = jnp::index(x, {1});
    return a + b * c;
  };
  Value x = jnp::ones({5});
  show("def f(x):\n    return x[0] + x[0] * x[1]\n\nx = jnp.ones(5)\n", make_jaxpr(f, x), {f(x)});
}

void mlp() {
  auto layer = [](const std::vector<Tree>& a) {
    const Value &w = a[0].leaf(), &b = a[1].leaf(), &x = a[2].leaf();
    return Tree(jnp::tanh(jnp::matmul(x, w) + b));
  };
  Value w = jnp::reshape(jnp::linspace(-1, 1, 6), {3, 2}), b = jnp::array({0.1, -0.1}), x = jnp::ones({4, 3});
  std::vector<Tree> args{Tree(w), Tree(b), Tree(x)};
  show("def layer(w, b, x):\n    return jnp.tanh(x @ w + b)\n\nw = jnp.linspace(-1, 1, 6).reshape(3, 2)\n"
       "b = jnp.array([0.1, -0.1]); x = jnp.ones((4, 3))\n",
       make_jaxpr(layer, args), {layer(args).leaf()});
}

void softmax() {
  auto f = [](const Value& x) { return jnp::exp(x - jnp::logsumexp(x)); };
  Value x = jnp::array({1, 2, 3, 4});
  show("def softmax(x):\n    return jnp.exp(x - jax.nn.logsumexp(x))\n\nx = jnp.array([1., 2., 3., 4.])\n",
       make_jaxpr(f, x), {f(x)});
}

void jit_demo() {
  Jitted inner = jit([](const Value& y) { return jnp::sin(y) * 2.0; });
  Jitted outer = jit([inner](const Value& z) { return inner(z) + 1.0; });
  Value x = jnp::arange(3.0);
  show("inner = jax.jit(lambda y: jnp.sin(y) * 2.0)\nouter = jax.jit(lambda z: inner(z) + 1.0)\n\n"
       "x = jnp.arange(3.0)\n",
       make_jaxpr([&](const Value& v) { return outer(v); }, x), {outer(x)});
}

void random_demo() {
  Value key = random::PRNGKey(0);
  Value keys = random::split(key);
  Value sub = jnp::index(keys, {1});
  auto f = [](const Value& k) { return random::normal(k, {3}); };
  show("key = jax.random.PRNGKey(0)\n_, sub = jax.random.split(key)\n"
       "jax.random.normal(sub, (3,))   # same values as JAX\n",
       make_jaxpr(f, sub), {f(sub)});
}

}  // namespace

const std::vector<Demo>& demos() {
  static const std::vector<Demo> all = {
      {"seed", "x[0] + x[0] * x[1] on jnp.ones(5): the seed article's jaxpr", seed},
      {"mlp", "one tanh layer of a multilayer perceptron: dot_general and broadcasting", mlp},
      {"softmax", "softmax through logsumexp: reductions and stop_gradient", softmax},
      {"jit", "nested jit calls: the jit primitive and its sub-jaxprs", jit_demo},
      {"random", "threefry keys: split and normal, bit for bit as JAX", random_demo},
  };
  return all;
}

}  // namespace jxr::cli
