// The dataflow graph of a jaxpr as plain data, for the debugger's graph view
// and `jaxray-cli export`, and its Graphviz DOT text.
//
// Nodes are the inputs, the consts, the equations and the outputs; an edge
// is one operand: the variable a node reads, from the node that defines it.
// The body of a call-like equation (one sub-jaxpr taking the equation's
// operands and giving its results: jit, custom_jvp_call, custom_vjp_call)
// is drawn inline as a cluster labelled with the equation, so edges go
// straight to the equations inside. Other equations with sub-jaxprs
// (scatter's update_jaxpr) are single nodes.
#pragma once

#include <string>
#include <vector>

#include "engine/jaxpr/jaxpr.h"

namespace jxr {

struct GraphNode {
  enum class Kind { Input, Const, Equation, Output };
  Kind kind = Kind::Equation;
  std::string id;                     // `in0`, `const0`, `eqn0`, `out0`: unique, in jaxpr order
  std::string label;                  // a variable's name, `out 0`, or `primitive[params]`
  std::vector<std::string> avals;     // the variable's type; an equation's results' types
  std::vector<std::string> literals;  // literal operands (`1.0:f32[]`), which have no edge
  int cluster = -1;                   // index into JaxprGraph::clusters, -1: top level
};

struct GraphEdge {
  std::string from, to;  // node ids
  std::string var;       // the operand's name in the full print of the jaxpr
  std::string aval;      // its type, `f32[3]`
};

struct GraphCluster {
  std::string id;     // `cluster0` ...
  std::string label;  // the equation holding the sub-jaxpr: `jit[name=f]`
  int parent = -1;
};

struct JaxprGraph {
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  std::vector<GraphCluster> clusters;
};

JaxprGraph jaxpr_graph(const Jaxpr& jaxpr);

// `digraph jaxpr { ... }`, the same text for the same graph: nodes and
// clusters in graph order, edges labelled with their types.
std::string graph_dot(const JaxprGraph& graph);

}  // namespace jxr
