// Trace store benchmarks: values written per second (MB/s of 1 MB float32
// arrays, statistics included) and the time to open a large trace and list
// its runs. The large trace is generated first in a temporary folder;
// JAXRAY_BENCH_TRACE_MB sets its size (default 200; docs/trace_format.md
// reports 1024).
#include <benchmark/benchmark.h>

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "trace_store/trace_reader.h"
#include "trace_store/trace_writer.h"

using namespace jxr;
using namespace jxr::trace;
namespace fs = std::filesystem;

namespace {

// A fresh temporary folder for the process, removed at exit.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "jaxray_bench_XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

const fs::path& temp_dir() {
  static TempDir dir;
  return dir.path;
}

constexpr int64_t kMB = 1 << 20;

int64_t program_jaxpr(TraceWriter& w) {
  return w.add_jaxpr(w.add_program("f", "def f(x): return x", Language::Python), "f", "{ lambda ; }", {});
}

void BM_WriteValues1MB(benchmark::State& state) {
  fs::path path = temp_dir() / "write.jaxray";
  fs::remove(path);
  TraceWriter w(path.string());
  int64_t jaxpr = program_jaxpr(w);
  Array value = Array::full({kMB / 4}, 1.5, DType::F32);
  w.begin_run(jaxpr, RunMode::Eval, "{}");
  int64_t i = 0;
  for (auto _ : state) {
    int64_t step = w.add_step(i, Phase::Forward, "f", 0);
    w.add_value(step, "x", Role::Primal, value);
    ++i;
  }
  w.finish_run();  // the final commit is part of the cost
  state.SetBytesProcessed(state.iterations() * kMB);
}
BENCHMARK(BM_WriteValues1MB)->Unit(benchmark::kMillisecond)->UseRealTime();

// A trace of about `mb` megabytes: runs of 10 MB, each 50 steps with a
// 100 KB primal and cotangent.
fs::path large_trace(int64_t mb) {
  fs::path path = temp_dir() / "large.jaxray";
  TraceWriter w(path.string());
  int64_t jaxpr = program_jaxpr(w);
  Array value = Array::full({25 * 1024}, 0.25, DType::F32);
  for (int64_t written = 0, run = 0; written < mb * kMB; ++run) {
    w.begin_run(jaxpr, RunMode::Vjp, "{}");
    for (int s = 0; s < 50; ++s) {
      int64_t step = w.add_step(s, s < 25 ? Phase::Forward : Phase::Backward, "f", s);
      w.add_value(step, "x", Role::Primal, value);
      w.add_value(step, "ct", Role::Cotangent, value);
      written += 2 * int64_t(value.nbytes());
    }
    w.finish_run();
  }
  return path;
}

void BM_OpenAndListRuns(benchmark::State& state) {
  const char* env = std::getenv("JAXRAY_BENCH_TRACE_MB");
  int64_t mb = env ? std::atoll(env) : 200;
  static const fs::path path = large_trace(mb);
  size_t runs = 0;
  for (auto _ : state) {
    TraceReader r(path.string());
    runs = r.runs().size();
    benchmark::DoNotOptimize(runs);
  }
  state.counters["file_MB"] = double(fs::file_size(path)) / kMB;
  state.counters["runs"] = double(runs);
}
BENCHMARK(BM_OpenAndListRuns)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
