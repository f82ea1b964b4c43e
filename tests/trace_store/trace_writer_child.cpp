// A writer for tst_trace_store to kill: writes `finished` complete runs,
// saying "finished <run id>" after each, then begins one more run, says
// "in run" after its first value and keeps adding values until killed.
// Usage: trace_writer_child <path> <finished> <commit_every_bytes>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "trace_store/trace_writer.h"

using namespace jxr;
using namespace jxr::trace;

namespace {

constexpr int64_t kElems = 64 * 1024;  // 256 KB of float32 per value
constexpr int kUnfinishedValues = 400;

void add_values(TraceWriter& w, int run, int count, bool announce) {
  for (int i = 0; i < count; ++i) {
    int64_t step = w.add_step(i, Phase::Forward, "f", i);
    w.add_value(step, "v" + std::to_string(i), Role::Primal, Array::full({kElems}, run * 1000 + i, DType::F32));
    if (announce && i == 0) {
      std::printf("in run\n");
      std::fflush(stdout);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  TraceWriter w(argv[1], {.commit_every_bytes = std::atoll(argv[3])});
  int64_t program = w.add_program("f", "def f(x): return x", Language::Python);
  int64_t jaxpr = w.add_jaxpr(program, "f", "{ lambda ; a:f32[]. let  in (a,) }", {});
  for (int run = 0, n = std::atoi(argv[2]); run < n; ++run) {
    w.begin_run(jaxpr, RunMode::Eval, "{}");
    add_values(w, run, 5, false);
    w.finish_run();
    std::printf("finished %d\n", run);
    std::fflush(stdout);
  }
  w.begin_run(jaxpr, RunMode::Eval, "{}");
  add_values(w, 99, kUnfinishedValues, true);
  pause();  // bounded disk use: wait here to be killed
}
