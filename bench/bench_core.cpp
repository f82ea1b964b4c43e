// Engine core benchmarks: tracing speed (equations per second for a
// 10,000-equation function) and eager dispatch overhead per small op, each
// beside a baseline measured in the same process.
#include <benchmark/benchmark.h>

#include "engine/api.h"
#include "engine/lax.h"

using namespace jxr;

namespace {

constexpr int kChain = 10000;

// 10,000 equations: alternating sin and mul on a scalar.
Value chain(const Value& x) {
  Value y = x;
  for (int i = 0; i < kChain / 2; ++i) y = lax::mul(lax::sin(y), x);
  return y;
}

void BM_TraceChain10k(benchmark::State& state) {
  Value x = Array::scalar(1.0, DType::F32);
  for (auto _ : state) {
    ClosedJaxpr cj = make_jaxpr([](const Value& v) { return chain(v); }, x);
    benchmark::DoNotOptimize(cj.jaxpr->eqns.size());
  }
  state.counters["eqns/s"] = benchmark::Counter(double(kChain) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TraceChain10k)->Unit(benchmark::kMillisecond);

// Eager evaluation of the same chain: dispatch plus scalar kernels.
void BM_EagerChain10k(benchmark::State& state) {
  Value x = Array::scalar(1.0, DType::F32);
  for (auto _ : state) benchmark::DoNotOptimize(chain(x));
  state.counters["ops/s"] = benchmark::Counter(double(kChain) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EagerChain10k)->Unit(benchmark::kMillisecond);

void BM_EagerScalarAdd(benchmark::State& state) {
  Value a = Array::scalar(1.0, DType::F32), b = Array::scalar(2.0, DType::F32);
  for (auto _ : state) benchmark::DoNotOptimize(lax::add(a, b));
}
BENCHMARK(BM_EagerScalarAdd);

// Baseline for the eager op: the unavoidable part, allocating the result
// array and adding two floats, without dispatch.
void BM_BaselineScalarAlloc(benchmark::State& state) {
  Array a = Array::scalar(1.0, DType::F32), b = Array::scalar(2.0, DType::F32);
  for (auto _ : state) {
    Array out = Array::allocate(a.aval());
    *out.mutable_data<float>() = *a.data<float>() + *b.data<float>();
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_BaselineScalarAlloc);

void BM_EagerAdd1k(benchmark::State& state) {
  Value a = Array::full({1024}, 1.0, DType::F32), b = Array::full({1024}, 2.0, DType::F32);
  for (auto _ : state) benchmark::DoNotOptimize(lax::add(a, b));
}
BENCHMARK(BM_EagerAdd1k);

}  // namespace

BENCHMARK_MAIN();
