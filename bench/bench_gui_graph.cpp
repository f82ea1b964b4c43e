// The graph view's layout and drawing on gradient jaxprs, Graphviz's worst
// case (forward residuals read far down the backward pass): from set_graph
// to the scene drawn, under the offscreen Qt platform.
// - BM_GraphTrainStep: one SGD step of a deep tanh MLP (grad of its loss,
//   then params - lr * grads), about 1,000 equations; target <= 2 s;
// - BM_GraphVjp: the gradient alone of a shallower MLP, about 300 equations.
// Counters: equations, drawn nodes, and the seconds inside Graphviz and
// building the scene.
#include <benchmark/benchmark.h>

#include <QApplication>
#include <QEventLoop>
#include <QTimer>
#include <random>

#include "app/gui/graph_convert.h"
#include "engine/api.h"
#include "engine/numpy/numpy.h"
#include "engine/transforms.h"
#include "views/graph_view.h"

using namespace jxr;

namespace {

constexpr int64_t kWidth = 16, kBatch = 8;

Tree randn(Shape shape, std::mt19937& rng) {
  std::normal_distribution<float> n(0.0f, 0.1f);
  int64_t size = 1;
  for (int64_t d : shape) size *= d;
  std::vector<float> v(static_cast<size_t>(size));
  for (float& x : v) x = n(rng);
  return Tree(Value(Array::from_vector<float>(v, std::move(shape))));
}

// The loss of a `layers`-deep tanh MLP with biases on a fixed batch.
Value loss(const Tree& params, const Value& x, const Value& y) {
  Value h = x;
  for (const Tree& layer : params.children())
    h = jnp::tanh(jnp::matmul(h, layer.children()[0].leaf()) + layer.children()[1].leaf());
  Value d = h - y;
  return jnp::mean(d * d);
}

struct Mlp {
  Tree params;
  Value x, y;
  explicit Mlp(int layers) {
    std::mt19937 rng(3);
    std::vector<Tree> ls;
    for (int l = 0; l < layers; ++l) ls.push_back(Tree::tuple({randn({kWidth, kWidth}, rng), randn({kWidth}, rng)}));
    params = Tree::tuple(ls);
    x = randn({kBatch, kWidth}, rng).leaf();
    y = randn({kBatch, kWidth}, rng).leaf();
  }
  TreeFn loss_fn() const {
    return [x = x, y = y](const std::vector<Tree>& a) { return Tree(loss(a[0], x, y)); };
  }
};

ClosedJaxpr train_step(int layers) {
  Mlp m(layers);
  TreeFn g = grad(m.loss_fn());
  TreeFn step = [g](const std::vector<Tree>& a) {
    const Tree grads = g(a);
    std::vector<Tree> out;
    for (size_t l = 0; l < a[0].children().size(); ++l) {
      std::vector<Tree> layer;
      for (size_t k = 0; k < 2; ++k)
        layer.emplace_back(a[0].children()[l].children()[k].leaf() -
                           Value(Array::scalar(0.01, DType::F32)) * grads.children()[l].children()[k].leaf());
      out.push_back(Tree::tuple(layer));
    }
    return Tree::tuple(out);
  };
  return make_jaxpr(step, {m.params});
}

ClosedJaxpr vjp_graph(int layers) {
  Mlp m(layers);
  return make_jaxpr(grad(m.loss_fn()), {m.params});
}

// The smallest depth whose jaxpr has at least `equations` equations.
ClosedJaxpr with_equations(ClosedJaxpr (*make)(int), int equations) {
  for (int layers = 1;; ++layers) {
    ClosedJaxpr j = make(layers);
    if (static_cast<int>(j.jaxpr->eqns.size()) >= equations) return j;
  }
}

void lay_out(benchmark::State& state, const ClosedJaxpr& j) {
  const views::GraphData data = gui::graph_data(*j.jaxpr);
  views::GraphView view;
  view.resize(1200, 900);
  view.show();
  double graphviz = 0, scene = 0;
  for (auto _ : state) {
    QEventLoop loop;
    QObject::connect(&view, &views::GraphView::layout_finished, &loop, &QEventLoop::quit);
    QObject::connect(&view, &views::GraphView::layout_failed, &loop, [&] {
      state.SkipWithError("layout failed");
      loop.quit();
    });
    view.set_graph(data);
    loop.exec();
    graphviz += view.last_layout_seconds();
    scene += view.last_scene_seconds();
  }
  state.counters["equations"] = static_cast<double>(j.jaxpr->eqns.size());
  state.counters["nodes"] = view.node_count();
  state.counters["graphviz_s"] = graphviz / static_cast<double>(state.iterations());
  state.counters["scene_s"] = scene / static_cast<double>(state.iterations());
}

void BM_GraphTrainStep(benchmark::State& state) { lay_out(state, with_equations(train_step, 1000)); }
BENCHMARK(BM_GraphTrainStep)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_GraphVjp(benchmark::State& state) { lay_out(state, with_equations(vjp_graph, 300)); }
BENCHMARK(BM_GraphVjp)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
