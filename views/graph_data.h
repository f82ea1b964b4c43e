// The dataflow graph of a jaxpr as plain Qt data for the graph view: the
// same nodes, edges and clusters as the engine's JaxprGraph
// (engine/debug/jaxpr_dot.h), plus the top-level equation each node belongs
// to so that the view maps nodes to the equations other panels show.
#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

namespace jxr::views {

struct GraphNodeData {
  enum class Kind { Input, Const, Equation, Output };
  Kind kind = Kind::Equation;
  QString id;            // unique: `in0`, `const0`, `eqn0`, `out0`
  QString label;         // a variable's name, `out 0`, or `primitive[params]`
  QStringList avals;     // the variable's type; an equation's results' types
  QStringList literals;  // literal operands, which have no edge
  int cluster = -1;      // index into GraphData::clusters, -1: top level
  // The top-level equation this node is (or lies inside, for nodes of a
  // sub-jaxpr drawn as a cluster); -1 for inputs, consts and outputs.
  int equation = -1;
};

struct GraphEdgeData {
  QString from, to;  // node ids
  QString var;       // the operand's name in the full print of the jaxpr
  QString aval;      // its type, `f32[3]`
};

struct GraphClusterData {
  QString id;         // `cluster0` ...
  QString label;      // the equation holding the sub-jaxpr: `jit[name=f]`
  int parent = -1;    // enclosing cluster, -1: top level
  int equation = -1;  // the top-level equation holding it
};

// Nodes come in evaluation order (consts, inputs, equations, outputs): the
// view measures how far an edge reaches by the distance of its ends in this
// order.
struct GraphData {
  QVector<GraphNodeData> nodes;
  QVector<GraphEdgeData> edges;
  QVector<GraphClusterData> clusters;
};

}  // namespace jxr::views
