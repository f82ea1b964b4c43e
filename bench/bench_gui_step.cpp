// The debugger's responsiveness: one step on a 10,000-equation jaxpr, from
// the request to every panel updated (the session's worker answers, the
// jaxpr, variables, script and inspector panels redraw), under the
// offscreen Qt platform; target <= 16 ms, a frame at 60 Hz.
// - BM_StepForward: F10 through the program (eval), restarting at the end;
// - BM_StepBack: Shift+F10 back from the end;
// - BM_StepVjpBackward: a step of vjp's backward pass (the linear jaxpr shown).
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QComboBox>
#include <chrono>
#include <memory>

#include "app/gui/main_window.h"
#include "app/gui/stepper_session.h"

namespace {

constexpr int kEquations = 10000;

// A chain of elementwise equations on f32[64], three primitives in turn.
QString long_program() {
  QString text = QStringLiteral("{ lambda ; a:f32[64]. let\n");
  QString prev = QStringLiteral("a");
  const char* prims[] = {"sin", "cos", "tanh"};
  for (int i = 0; i < kEquations; ++i) {
    const QString v = QStringLiteral("v%1").arg(i);
    text += QStringLiteral("    %1:f32[64] = %2 %3\n").arg(v, QLatin1String(prims[i % 3]), prev);
    prev = v;
  }
  return text + QStringLiteral("  in (%1,) }\n").arg(prev);
}

struct App {
  jxr::gui::StepperSession session;
  jxr::gui::MainWindow window{session};

  App() {
    window.resize(1500, 900);
    window.show();
    session.load_text(long_program(), QStringLiteral("long.jaxpr"));
    settle();
  }
  // The session's answers delivered and drawn.
  void settle() {
    while (!session.idle()) QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    QApplication::processEvents();
  }
  void set_mode(const QString& name) {
    QComboBox* mode = window.mode_box();
    mode->setCurrentIndex(mode->findText(name));
    emit mode->activated(mode->currentIndex());
    settle();
  }
};

App& app() {
  static App a;
  return a;
}

void time_one(benchmark::State& state, const std::function<void()>& request) {
  App& a = app();
  const auto t0 = std::chrono::steady_clock::now();
  request();
  a.settle();
  const auto t1 = std::chrono::steady_clock::now();
  state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
}

void BM_StepForward(benchmark::State& state) {
  App& a = app();
  a.set_mode(QStringLiteral("eval"));
  a.session.restart();
  a.settle();
  int steps = 0;
  for (auto _ : state) {
    if (++steps == kEquations) {
      state.PauseTiming();
      a.session.restart();
      a.settle();
      steps = 0;
      state.ResumeTiming();
    }
    time_one(state, [&] { a.session.step_over(); });
  }
  state.counters["equations"] = kEquations;
}
BENCHMARK(BM_StepForward)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(300);

void BM_StepBack(benchmark::State& state) {
  App& a = app();
  a.set_mode(QStringLiteral("eval"));
  a.session.continue_run();
  a.settle();
  for (auto _ : state) time_one(state, [&] { a.session.step_back(); });
}
BENCHMARK(BM_StepBack)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(300);

void BM_StepVjpBackward(benchmark::State& state) {
  App& a = app();
  a.set_mode(QStringLiteral("vjp"));
  // The forward pass whole, then into the backward pass.
  for (int i = 0; i <= kEquations; ++i) a.session.step_over();
  a.settle();
  for (auto _ : state) time_one(state, [&] { a.session.step_over(); });
}
BENCHMARK(BM_StepVjpBackward)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(300);

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication qt(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
