// Transformation benchmarks, each beside its baseline in the same process:
// - reverse mode: value_and_grad of a 3-layer MLP loss evaluated eagerly,
//   against the forward pass alone (the ratio should be a small constant);
// - vmap: a per-example function mapped over a batch, against a loop that
//   calls it once per example and stacks the results.
#include <benchmark/benchmark.h>

#include <random>

#include "engine/numpy/numpy.h"
#include "engine/transforms.h"

using namespace jxr;

namespace {

constexpr int64_t kBatch = 64, kIn = 64, kHidden = 128, kOut = 10;

Array randn(Shape shape, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.0f, 0.1f);
  int64_t size = 1;
  for (int64_t d : shape) size *= d;
  std::vector<float> v(static_cast<size_t>(size));
  for (float& x : v) x = n(rng);
  return Array::from_vector<float>(v, std::move(shape));
}

struct Mlp {
  std::vector<Tree> params;  // W1 b1 W2 b2 W3 b3
  Array x = randn({kBatch, kIn}, 7);
  Mlp() {
    int64_t sizes[] = {kIn, kHidden, kHidden, kOut};
    for (int l = 0; l < 3; ++l) {
      params.emplace_back(randn({sizes[l], sizes[l + 1]}, 10 + l));
      params.emplace_back(randn({sizes[l + 1]}, 20 + l));
    }
  }
};

// Mean squared activation of a tanh MLP: 3 matmuls, 3 adds, 2 tanh, a mean.
Value mlp_loss(const std::vector<Tree>& p, const Value& x) {
  Value h = x;
  for (int l = 0; l < 3; ++l) {
    h = jnp::matmul(h, p[2 * l].leaf()) + p[2 * l + 1].leaf();
    if (l < 2) h = jnp::tanh(h);
  }
  return jnp::mean(h * h);
}

void BM_MlpForward(benchmark::State& state) {
  Mlp m;
  for (auto _ : state) benchmark::DoNotOptimize(mlp_loss(m.params, m.x));
}
BENCHMARK(BM_MlpForward)->Unit(benchmark::kMicrosecond);

void BM_MlpValueAndGrad(benchmark::State& state) {
  Mlp m;
  GradOptions o;
  o.argnums = {0, 1, 2, 3, 4, 5};
  o.argnums_tuple = true;
  TreeFn loss = [&m](const std::vector<Tree>& p) { return Tree(mlp_loss(p, m.x)); };
  TreeFn vg = value_and_grad(loss, o);
  for (auto _ : state) benchmark::DoNotOptimize(vg(m.params));
}
BENCHMARK(BM_MlpValueAndGrad)->Unit(benchmark::kMicrosecond);

// One example's loss, for vmap against a loop.
Value example_fn(const Value& w, const Value& x) { return jnp::sum(jnp::tanh(jnp::matmul(x, w))); }

void BM_VmapBatch(benchmark::State& state) {
  Mlp m;
  Value w = m.params[0].leaf();
  VmapOptions o;
  o.in_axes = Tree::tuple({Tree::none(), axis(0)});
  TreeFn f = vmap([](const std::vector<Tree>& a) { return Tree(example_fn(a[0].leaf(), a[1].leaf())); }, o);
  for (auto _ : state) benchmark::DoNotOptimize(f({Tree(w), Tree(m.x)}));
}
BENCHMARK(BM_VmapBatch)->Unit(benchmark::kMicrosecond);

void BM_LoopBatch(benchmark::State& state) {
  Mlp m;
  Value w = m.params[0].leaf();
  Value xs = m.x;
  for (auto _ : state) {
    std::vector<Value> outs;
    for (int64_t i = 0; i < kBatch; ++i) outs.push_back(example_fn(w, jnp::index(xs, {jnp::Index(i)})));
    benchmark::DoNotOptimize(jnp::stack(outs));
  }
}
BENCHMARK(BM_LoopBatch)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
