// The graph view on real jaxprs: the seed program, its gradient, a jitted
// function's gradient (clusters) and an MLP's gradient (long residual edges
// cut into stubs), laid out by Graphviz and driven with clicks and keys.
#include <QFile>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QXmlStreamReader>
#include <random>

#include "app/gui/graph_convert.h"
#include "engine/api.h"
#include "engine/jaxpr/parse.h"
#include "engine/numpy/numpy.h"
#include "engine/transforms.h"
#include "views/graph_view.h"

using jxr::views::GraphClusterItem;
using jxr::views::GraphData;
using jxr::views::GraphEdgeItem;
using jxr::views::GraphNodeItem;
using jxr::views::GraphView;

namespace {

const char* kSeed = R"({ lambda ; a:f32[5]. let
    b:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a
    c:f32[] = squeeze[dimensions=(0,)] b
    d:f32[1] = slice[limit_indices=(1,) start_indices=(0,) strides=None] a
    e:f32[] = squeeze[dimensions=(0,)] d
    f:f32[1] = slice[limit_indices=(2,) start_indices=(1,) strides=None] a
    g:f32[] = squeeze[dimensions=(0,)] f
    h:f32[] = mul e g
    i:f32[] = add c h
  in (i,) })";

GraphData seed_graph() { return jxr::gui::graph_data(*jxr::parse_jaxpr(kSeed).jaxpr); }

// grad of the parsed seed program, through the engine's transformation.
GraphData seed_grad_graph() {
  const jxr::ClosedJaxpr seed = jxr::parse_jaxpr(kSeed);
  auto f = [seed](const jxr::Value& x) {
    const jxr::Value args[] = {x};
    return jxr::eval_jaxpr(*seed.jaxpr, seed.consts, args)[0];
  };
  const jxr::Value x = jxr::Array::from_vector<float>({2, 3, 4, 5, 6}, {5});
  return jxr::gui::graph_data(*jxr::make_jaxpr(jxr::grad(f), x).jaxpr);
}

// grad of a jitted sin(x) * x: two jit equations, drawn as clusters.
GraphData jit_grad_graph() {
  auto jitted = jxr::jit([](const jxr::Value& x) { return jxr::jnp::sin(x) * x; }, {"sin_x", {}});
  auto f = [jitted](const jxr::Value& x) { return jitted(x); };
  return jxr::gui::graph_data(*jxr::make_jaxpr(jxr::grad(f), jxr::Value(jxr::Array::scalar(0.5, jxr::DType::F32))).jaxpr);
}

// grad of a `layers`-deep tanh MLP's mean squared output, with respect to
// its weights: the forward pass's residuals are read far down the backward pass.
GraphData mlp_grad_graph(int layers) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0, 0.1f);
  auto randn = [&](jxr::Shape shape) {
    int64_t size = 1;
    for (int64_t d : shape) size *= d;
    std::vector<float> v(static_cast<size_t>(size));
    for (float& x : v) x = normal(rng);
    return jxr::Tree(jxr::Value(jxr::Array::from_vector<float>(v, std::move(shape))));
  };
  std::vector<jxr::Tree> params;
  for (int l = 0; l < layers; ++l) params.push_back(randn({8, 8}));
  const jxr::Value x = randn({4, 8}).leaf();
  jxr::GradOptions o;
  o.argnums = {0};
  jxr::TreeFn loss = [x](const std::vector<jxr::Tree>& p) {
    jxr::Value h = x;
    for (const jxr::Tree& w : p[0].children()) h = jxr::jnp::tanh(jxr::jnp::matmul(h, w.leaf()));
    return jxr::Tree(jxr::jnp::mean(h * h));
  };
  return jxr::gui::graph_data(*jxr::make_jaxpr(jxr::grad(loss, o), {jxr::Tree::tuple(params)}).jaxpr);
}

}  // namespace

class TestGraphView : public QObject {
  Q_OBJECT

 private:
  std::unique_ptr<GraphView> view_;

  void show(GraphData g) {
    QSignalSpy done(view_.get(), &GraphView::layout_finished);
    view_->set_graph(std::move(g));
    QVERIFY(view_->is_layout_running());
    QVERIFY(done.wait(30000));
    QVERIFY(!view_->is_layout_running());
  }
  QPoint viewport_point(const QPointF& scene_point) const {
    return view_->graphics_view()->mapFromScene(scene_point);
  }
  void click_scene(const QPointF& scene_point) {
    view_->graphics_view()->centerOn(scene_point);
    QTest::mouseClick(view_->graphics_view()->viewport(), Qt::LeftButton, {}, viewport_point(scene_point));
  }
  QRectF box(const GraphNodeItem* n) const { return n->sceneBoundingRect().adjusted(4, 4, -4, -4); }

  // Every node inside the scene, no two overlapping, every edge from the
  // edge of its maker's box to its reader's, which lies below (dataflow
  // runs downward).
  void check_geometry() {
    const QRectF scene = view_->scene()->sceneRect();
    QVector<GraphNodeItem*> nodes;
    for (QGraphicsItem* i : view_->scene()->items())
      if (auto* n = dynamic_cast<GraphNodeItem*>(i)) nodes << n;
    QCOMPARE(nodes.size(), view_->node_count());
    for (GraphNodeItem* n : nodes) {
      QVERIFY2(scene.contains(box(n)), qPrintable(n->id()));
      QVERIFY(box(n).width() > 20 && box(n).height() > 10);
    }
    for (int i = 0; i < nodes.size(); ++i)
      for (int j = i + 1; j < nodes.size(); ++j)
        QVERIFY2(!box(nodes[i]).adjusted(1, 1, -1, -1).intersects(box(nodes[j])),
                 qPrintable(nodes[i]->id() + " " + nodes[j]->id()));
    for (GraphEdgeItem* e : view_->edge_items()) {
      const GraphNodeItem* from = view_->node_item(e->from());
      const GraphNodeItem* to = view_->node_item(e->to());
      QVERIFY2(from && to, qPrintable(e->from() + " -> " + e->to()));
      const QPointF start = e->path().pointAtPercent(0);
      const QPointF tip = e->path().pointAtPercent(1);
      QVERIFY2(box(from).adjusted(-3, -3, 3, 3).contains(start), qPrintable(e->from() + " -> " + e->to()));
      QVERIFY2(box(to).adjusted(-3, -3, 3, 3).contains(tip), qPrintable(e->from() + " -> " + e->to()));
      QVERIFY(box(from).center().y() < box(to).center().y());
    }
  }

 private slots:
  void init() {
    view_ = std::make_unique<GraphView>();
    view_->resize(900, 700);
    view_->show();
    QVERIFY(QTest::qWaitForWindowExposed(view_.get()));
  }
  void cleanup() {
    view_.reset();
    QThreadPool::globalInstance()->waitForDone();
  }

  void seed_program_is_laid_out() {
    show(seed_graph());
    QCOMPARE(view_->node_count(), 10);  // a, eight equations, out 0
    QCOMPARE(view_->edge_items().size(), 11);
    QCOMPARE(view_->node_item("in0")->kind(), GraphNodeItem::Kind::Input);
    QCOMPARE(view_->node_item("in0")->lines(), QStringList{"a: f32[5]"});
    QCOMPARE(view_->node_item("out0")->kind(), GraphNodeItem::Kind::Output);
    QCOMPARE(view_->node_item("eqn6")->lines(), (QStringList{"mul", "f32[]"}));
    QCOMPARE(view_->node_item("eqn6")->equation(), 6);
    QCOMPARE(view_->node_item("in0")->equation(), -1);
    check_geometry();
    // The input sits above everything, the output below everything.
    for (QGraphicsItem* i : view_->scene()->items())
      if (auto* n = dynamic_cast<GraphNodeItem*>(i); n && n->kind() == GraphNodeItem::Kind::Equation) {
        QVERIFY(n->y() > view_->node_item("in0")->y());
        QVERIFY(n->y() < view_->node_item("out0")->y());
      }
  }

  void grad_of_seed_is_laid_out_whole() {
    const GraphData g = seed_grad_graph();
    show(g);
    int equations = 0;
    for (const auto& n : g.nodes) equations += n.kind == jxr::views::GraphNodeData::Kind::Equation;
    QCOMPARE(equations, 18);
    QCOMPARE(view_->node_count(), 20);
    // Small graphs keep every edge: no stubs.
    QCOMPARE(view_->edge_items().size(), g.edges.size());
    for (int k = 0; k < 18; ++k) QCOMPARE(view_->node_item(QStringLiteral("eqn%1").arg(k))->equation(), k);
    check_geometry();
  }

  void clicking_a_node_activates_its_equation() {
    show(seed_grad_graph());
    QSignalSpy activated(view_.get(), &GraphView::equation_activated);
    GraphNodeItem* mul = view_->node_item("eqn6");
    click_scene(mul->pos());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated[0][0].toInt(), 6);
    QCOMPARE(view_->selected_node(), mul);
    QVERIFY(mul->is_chosen());
    // An input is selected but has no equation.
    click_scene(view_->node_item("in0")->pos());
    QCOMPARE(activated.size(), 1);
    QCOMPARE(view_->selected_node()->id(), QString("in0"));
    QVERIFY(!mul->is_chosen());
    // A click on empty canvas does nothing.
    click_scene(view_->scene()->sceneRect().topLeft() + QPointF(2, 2));
    QCOMPARE(activated.size(), 1);
  }

  void current_equation_is_highlighted() {
    show(seed_grad_graph());
    view_->set_current_equation(9);
    int current = 0;
    for (QGraphicsItem* i : view_->scene()->items())
      if (auto* n = dynamic_cast<GraphNodeItem*>(i); n && n->is_current()) ++current;
    QCOMPARE(current, 1);
    QVERIFY(view_->node_item("eqn9")->is_current());
    // Scrolled into view.
    const QRectF visible = view_->graphics_view()->mapToScene(view_->graphics_view()->viewport()->rect()).boundingRect();
    QVERIFY(visible.intersects(view_->node_item("eqn9")->sceneBoundingRect()));
    view_->set_current_equation(-1);
    QVERIFY(!view_->node_item("eqn9")->is_current());
    // Set before the layout: applied once drawn.
    view_->set_current_equation(2);
    show(seed_graph());
    QVERIFY(view_->node_item("eqn2")->is_current());
  }

  void search_selects_matching_nodes_in_turn() {
    show(seed_graph());
    QLineEdit* field = view_->search_field();
    QTest::keyClicks(field, "squeeze");
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(view_->selected_node()->id(), QString("eqn1"));
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(view_->selected_node()->id(), QString("eqn3"));
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(view_->selected_node()->id(), QString("eqn5"));
    QTest::keyClick(field, Qt::Key_Return);  // wraps around
    QCOMPARE(view_->selected_node()->id(), QString("eqn1"));
    // A variable: the node that makes it.
    field->clear();
    QTest::keyClicks(field, "h");
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(view_->selected_node()->id(), QString("eqn6"));
    field->clear();
    QTest::keyClicks(field, "no such thing");
    QTest::keyClick(field, Qt::Key_Return);
    QCOMPARE(view_->selected_node()->id(), QString("eqn6"));
  }

  void clusters_collapse_and_expand() {
    const GraphData g = jit_grad_graph();
    QCOMPARE(g.clusters.size(), 2);
    QCOMPARE(g.clusters[0].equation, 0);
    QCOMPARE(g.clusters[1].equation, 1);
    show(g);
    const int expanded = view_->node_count();
    GraphClusterItem* frame = view_->cluster_item("cluster1");
    QVERIFY(frame);
    QVERIFY(frame->label().startsWith("jit"));
    // Its insides lie in its frame, below the header.
    int inside = 0;
    for (const auto& n : g.nodes)
      if (n.cluster == 1) {
        ++inside;
        const GraphNodeItem* item = view_->node_item(n.id);
        QVERIFY(frame->boundingRect().contains(item->sceneBoundingRect()));
        QVERIFY(item->sceneBoundingRect().top() > frame->header().bottom() - 4);
        QCOMPARE(item->equation(), 1);
      }
    QVERIFY(inside >= 3);
    view_->set_current_equation(1);
    QVERIFY(frame->is_current());

    QSignalSpy done(view_.get(), &GraphView::layout_finished);
    click_scene(frame->header().center());
    QVERIFY(view_->is_cluster_collapsed("cluster1"));
    QVERIFY(done.wait(30000));
    QVERIFY(!view_->cluster_item("cluster1"));
    GraphNodeItem* box = view_->node_item("cluster1");
    QVERIFY(box);
    QCOMPARE(box->kind(), GraphNodeItem::Kind::Cluster);
    QCOMPARE(view_->node_count(), expanded - inside + 1);
    QVERIFY(box->is_current());  // the highlight follows the cluster
    check_geometry();

    // A click below its header selects it; on the header expands it.
    QSignalSpy activated(view_.get(), &GraphView::equation_activated);
    click_scene(box->pos() + QPointF(0, box->boundingRect().height() / 2 - 6));
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated[0][0].toInt(), 1);
    click_scene(box->pos() + QPointF(0, box->boundingRect().top() + 8));
    QVERIFY(done.wait(30000));
    QVERIFY(!view_->is_cluster_collapsed("cluster1"));
    QVERIFY(view_->cluster_item("cluster1"));
    QCOMPARE(view_->node_count(), expanded);

    // A search finds nodes inside a collapsed cluster: it expands it.
    view_->set_cluster_collapsed("cluster1", true);
    QVERIFY(done.wait(30000));
    QTest::keyClicks(view_->search_field(), "add_any");
    QTest::keyClick(view_->search_field(), Qt::Key_Return);
    QVERIFY(done.wait(30000));
    QVERIFY(!view_->is_cluster_collapsed("cluster1"));
    QVERIFY(view_->selected_node());
    QCOMPARE(view_->selected_node()->lines().first(), QString("add_any"));
    QVERIFY(view_->selected_node()->is_chosen());
  }

  void long_edges_of_a_deep_grad_become_stubs() {
    const GraphData g = mlp_grad_graph(12);
    show(g);
    check_geometry();
    int stubs = 0;
    for (QGraphicsItem* i : view_->scene()->items())
      if (auto* n = dynamic_cast<GraphNodeItem*>(i); n && n->kind() == GraphNodeItem::Kind::Stub) {
        ++stubs;
        QVERIFY(view_->node_item(n->target()));
      }
    QVERIFY(stubs > 5);
    QVERIFY(view_->edge_items().size() < g.edges.size() + stubs);
    // A click on a stub selects the node its variable comes from.
    GraphNodeItem* stub = nullptr;
    for (QGraphicsItem* i : view_->scene()->items())
      if (auto* n = dynamic_cast<GraphNodeItem*>(i); n && n->kind() == GraphNodeItem::Kind::Stub) stub = n;
    click_scene(stub->pos());
    QCOMPARE(view_->selected_node()->id(), stub->target());
    QVERIFY(view_->last_layout_seconds() < 10);
  }

  void big_graphs_are_laid_out_in_parts_side_by_side() {
    const GraphData g = mlp_grad_graph(120);
    QVERIFY(g.nodes.size() > 1000);
    show(g);
    check_geometry();
    // The parts stand side by side: the first input's column and the
    // output's are apart, the whole wider than tall would be for one column.
    const GraphNodeItem* first = view_->node_item("in0");
    const GraphNodeItem* last = view_->node_item("out0");
    QVERIFY(last->x() > first->sceneBoundingRect().right());
    // Edges between parts are stubs; every stub's variable has a maker.
    for (GraphEdgeItem* e : view_->edge_items())
      if (view_->node_item(e->from())->kind() == GraphNodeItem::Kind::Stub)
        QVERIFY(view_->node_item(view_->node_item(e->from())->target()));
    QVERIFY(view_->last_layout_seconds() < 20);
    // It opens readable, at its top, not as a fitted speck.
    QVERIFY(view_->graphics_view()->transform().m11() >= 0.4);
    const QRectF visible =
        view_->graphics_view()->mapToScene(view_->graphics_view()->viewport()->rect()).boundingRect();
    QVERIFY(visible.contains(first->sceneBoundingRect()));
  }

  void export_svg_png_dot() {
    show(seed_grad_graph());
    QTemporaryDir dir;
    QString error;
    QVERIFY2(view_->export_to(dir.filePath("g.svg"), &error), qPrintable(error));
    QFile svg(dir.filePath("g.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&svg);
    QStringList texts;
    int paths = 0;
    QVERIFY(xml.readNextStartElement());
    QCOMPARE(xml.name(), QString("svg"));
    while (!xml.atEnd()) {
      if (xml.readNext() != QXmlStreamReader::StartElement) continue;
      if (xml.name() == QString("text")) texts << xml.readElementText();
      if (xml.name() == QString("path")) ++paths;
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(texts.contains("a: f32[5]"));
    QVERIFY(texts.contains("add_any"));
    QVERIFY(texts.contains("out 0: f32[5]"));
    QCOMPARE(paths, view_->edge_items().size());

    QVERIFY(view_->export_to(dir.filePath("g.png"), &error));
    QImage png(dir.filePath("g.png"));
    QVERIFY(!png.isNull());
    const QRectF r = view_->scene()->sceneRect();
    QCOMPARE(png.size(), QSize(int(std::ceil(r.width())), int(std::ceil(r.height()))));
    QCOMPARE(png.pixelColor(1, 1), QColor(Qt::white));
    const QPointF mul = view_->node_item("eqn6")->pos() - r.topLeft();
    QVERIFY(png.pixelColor(mul.toPoint()) != QColor(Qt::white));

    QVERIFY(view_->export_to(dir.filePath("g.dot"), &error));
    QFile dot(dir.filePath("g.dot"));
    QVERIFY(dot.open(QIODevice::ReadOnly));
    const QString text = dot.readAll();
    QVERIFY(text.startsWith("digraph jaxpr {"));
    QVERIFY(text.contains("\"in0\" [label=\"a:f32[5]\" shape=ellipse];"));
    QVERIFY(text.contains("\"eqn6\" -> \"eqn7\" [label=\"f32[]\"];"));

    QVERIFY(!view_->export_to(dir.filePath("g.bmp"), &error));
    QVERIFY(error.contains(".svg"));
    QVERIFY(!view_->export_to(dir.filePath("missing/dir/g.svg"), &error));
    QVERIFY(error.contains("cannot write"));
  }

  void export_before_any_layout_says_so() {
    QString error;
    QTemporaryDir dir;
    QVERIFY(!view_->export_to(dir.filePath("g.svg"), &error));
    QCOMPARE(error, QString("no graph to export yet"));
  }

  void cancelled_and_superseded_layouts_are_dropped() {
    QSignalSpy done(view_.get(), &GraphView::layout_finished);
    QSignalSpy failed(view_.get(), &GraphView::layout_failed);
    view_->set_graph(mlp_grad_graph(12));
    QVERIFY(view_->is_layout_running());
    view_->cancel_layout();
    QVERIFY(!view_->is_layout_running());
    QThreadPool::globalInstance()->waitForDone();
    QTest::qWait(50);
    QCOMPARE(done.size(), 0);
    QCOMPARE(failed.size(), 0);
    QCOMPARE(view_->node_count(), 0);
    // A newer graph wins over one still being laid out.
    view_->set_graph(mlp_grad_graph(12));
    view_->set_graph(seed_graph());
    QVERIFY(done.wait(30000));
    QThreadPool::globalInstance()->waitForDone();
    QTest::qWait(50);
    QCOMPARE(done.size(), 1);
    QCOMPARE(view_->node_count(), 10);
  }

  void empty_graph_draws_nothing() {
    show(seed_graph());
    show(GraphData{});
    QCOMPARE(view_->node_count(), 0);
    QCOMPARE(view_->edge_items().size(), 0);
    QString error;
    QTemporaryDir dir;
    QVERIFY(view_->export_to(dir.filePath("g.dot"), &error));
  }

  void malformed_graph_data_is_drawn_as_far_as_it_makes_sense() {
    GraphData g;
    using Kind = jxr::views::GraphNodeData::Kind;
    g.nodes = {{Kind::Input, "x", "x", {"f32[]"}, {}, -1, -1},
               {Kind::Equation, "e", "sin", {}, {}, 7, 0},  // no types
               {Kind::Equation, "q \"quoted\"", "cos", {"f32[]"}, {}, 0, 5},  // no such cluster
               {Kind::Output, "o", "out 0", {}, {}, -1, -1}};   // no type
    g.clusters = {{"c0", "jit", 1, 1}, {"c1", "pjit", 0, 1}};  // each the other's parent
    g.edges = {{"x", "e", "x", "f32[]"}, {"x", "nowhere", "x", "f32[]"}, {"e", "e", "y", "f32[]"},
               {"e", "q \"quoted\"", "y", "f32[]"}, {"q \"quoted\"", "o", "z", "f32[]"}};
    show(g);
    QCOMPARE(view_->node_count(), 4);
    QCOMPARE(view_->edge_items().size(), 3);
    QVERIFY(view_->cluster_item("c0"));
    QVERIFY(!view_->cluster_item("c1"));  // empty: no frame
    check_geometry();
    QTemporaryDir dir;
    QString error;
    QVERIFY(view_->export_to(dir.filePath("g.dot"), &error));
    QFile dot(dir.filePath("g.dot"));
    QVERIFY(dot.open(QIODevice::ReadOnly));
    const QByteArray text = dot.readAll();
    QVERIFY(text.contains("\"q \\\"quoted\\\"\" -> \"o\""));
    QVERIFY(text.contains("  \"q \\\"quoted\\\"\" [label=\"cos\""));  // at top level
    QVERIFY(text.contains("subgraph c0 {"));
  }

  void magnitudes_colour_edges() {
    show(seed_graph());
    auto pen_of = [&](const QString& var) {
      for (GraphEdgeItem* e : view_->edge_items())
        if (e->var() == var) return e->pen();
      return QPen();
    };
    const QPen plain = pen_of("h");
    QCOMPARE(pen_of("c").color(), plain.color());
    view_->set_edge_magnitudes({{"h", 1e-6}, {"c", 1e3}, {"e", 1.0}, {"g", std::nan("")}});
    QVERIFY(pen_of("h").color() != plain.color());
    QVERIFY(pen_of("c").color() != pen_of("h").color());
    QVERIFY(pen_of("c").widthF() > pen_of("e").widthF());
    QVERIFY(pen_of("e").widthF() > pen_of("h").widthF());
    QCOMPARE(pen_of("g").style(), Qt::DashLine);       // NaN stands out
    QCOMPARE(pen_of("b").color(), plain.color());      // not given: plain
    QVERIFY(view_->findChild<QLabel*>("graph_status")->text().contains("1e-06 blue \u2026 1e+03 red"));
    view_->set_edge_magnitudes({});
    QCOMPARE(pen_of("c").color(), plain.color());
    QCOMPARE(pen_of("g").style(), Qt::SolidLine);
  }

  void keys_zoom_and_fit() {
    show(seed_grad_graph());
    QGraphicsView* gv = view_->graphics_view();
    const double fitted = gv->transform().m11();
    QTest::keyClick(gv, Qt::Key_Plus);
    QVERIFY(gv->transform().m11() > fitted * 1.2);
    QTest::keyClick(gv, Qt::Key_Minus);
    QTest::keyClick(gv, Qt::Key_Minus);
    QVERIFY(gv->transform().m11() < fitted);
    QTest::keyClick(gv, Qt::Key_F);
    QCOMPARE(gv->transform().m11(), fitted);
    const QRectF visible = gv->mapToScene(gv->viewport()->rect()).boundingRect();
    QVERIFY(visible.adjusted(-1, -1, 1, 1).contains(view_->scene()->sceneRect()));
    gv->setFocus();
    QTest::keyClick(gv, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(view_->search_field()->hasFocus());
    QCOMPARE(gv->transform().m11(), fitted);
  }
};

QTEST_MAIN(TestGraphView)
#include "tst_graph_view.moc"
