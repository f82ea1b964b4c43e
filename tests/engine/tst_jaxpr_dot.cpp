// The dataflow graph of a jaxpr and its DOT text, compared exactly.
#include <QtTest>

#include "engine/debug/jaxpr_dot.h"
#include "engine/jaxpr/parse.h"

using namespace jxr;

class TestJaxprDot : public QObject {
  Q_OBJECT
 private slots:
  void small_jaxpr();
  void jit_body_is_a_cluster();
};

void TestJaxprDot::small_jaxpr() {
  ClosedJaxpr cj = parse_jaxpr(
      "{ lambda ; a:f32[3] b:f32[]. let c:f32[3] = mul a 2.0:f32[]; d:f32[] = reduce_sum[axes=(0,) out_sharding=None] c;"
      " e:f32[] = add d b in (e, c) }");
  QCOMPARE(QString::fromStdString(graph_dot(jaxpr_graph(*cj.jaxpr))), QString(R"(digraph jaxpr {
  node [fontname="monospace" fontsize=10];
  edge [fontname="monospace" fontsize=9];
  in0 [label="a:f32[3]" shape=ellipse];
  in1 [label="b:f32[]" shape=ellipse];
  eqn0 [label="mul\n2.0:f32[]" shape=box];
  eqn1 [label="reduce_sum[axes=(0,) out_sharding=None]" shape=box];
  eqn2 [label="add" shape=box];
  out0 [label="out 0:f32[]" shape=ellipse peripheries=2];
  out1 [label="out 1:f32[3]" shape=ellipse peripheries=2];
  in0 -> eqn0 [label="f32[3]"];
  eqn0 -> eqn1 [label="f32[3]"];
  eqn1 -> eqn2 [label="f32[]"];
  in1 -> eqn2 [label="f32[]"];
  eqn2 -> out0 [label="f32[]"];
  eqn0 -> out1 [label="f32[3]"];
}
)"));
}

void TestJaxprDot::jit_body_is_a_cluster() {
  ClosedJaxpr cj = parse_jaxpr(
      "{ lambda ; a:f32[]. let b:f32[] = jit[name=f jaxpr={ lambda ; c:f32[] d:f32[]. let e:f32[] = mul c d in (e,) }]"
      " a 3.0:f32[]; f:f32[] = sin b in (f,) }");
  QCOMPARE(QString::fromStdString(graph_dot(jaxpr_graph(*cj.jaxpr))), QString(R"(digraph jaxpr {
  node [fontname="monospace" fontsize=10];
  edge [fontname="monospace" fontsize=9];
  in0 [label="a:f32[]" shape=ellipse];
  eqn1 [label="sin" shape=box];
  out0 [label="out 0:f32[]" shape=ellipse peripheries=2];
  subgraph cluster0 {
    label="jit[name=f]";
    eqn0 [label="mul\n3.0:f32[]" shape=box];
  }
  in0 -> eqn0 [label="f32[]"];
  eqn0 -> eqn1 [label="f32[]"];
  eqn1 -> out0 [label="f32[]"];
}
)"));
}

QTEST_GUILESS_MAIN(TestJaxprDot)
#include "tst_jaxpr_dot.moc"
