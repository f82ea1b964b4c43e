// The graph view's data from an engine jaxpr.
#include "app/gui/graph_convert.h"

#include "engine/debug/eqn_text.h"
#include "engine/debug/jaxpr_dot.h"

namespace jxr::gui {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

QStringList qs(const std::vector<std::string>& v) {
  QStringList out;
  out.reserve(static_cast<qsizetype>(v.size()));
  for (const std::string& s : v) out << qs(s);
  return out;
}

views::GraphNodeData::Kind kind(GraphNode::Kind k) {
  switch (k) {
    case GraphNode::Kind::Input: return views::GraphNodeData::Kind::Input;
    case GraphNode::Kind::Const: return views::GraphNodeData::Kind::Const;
    case GraphNode::Kind::Output: return views::GraphNodeData::Kind::Output;
    case GraphNode::Kind::Equation: break;
  }
  return views::GraphNodeData::Kind::Equation;
}

// Whether jaxpr_graph draws `e`'s body inline as a cluster rather than `e` as
// one node: the rule of engine/debug/jaxpr_dot.cpp, which the graph does not
// record per equation.
bool drawn_as_cluster(const Eqn& e) {
  auto subs = sub_jaxprs(e);
  if (subs.size() != 1) return false;
  const Jaxpr* body = subs[0].second;
  return body->constvars.empty() && body->invars.size() == e.inputs.size() &&
         body->outvars.size() == e.outputs.size();
}

}  // namespace

views::GraphData graph_data(const Jaxpr& jaxpr) {
  const JaxprGraph g = jaxpr_graph(jaxpr);
  views::GraphData out;
  for (const GraphCluster& c : g.clusters) out.clusters.push_back({qs(c.id), qs(c.label), c.parent, -1});
  for (const GraphNode& n : g.nodes)
    out.nodes.push_back({kind(n.kind), qs(n.id), qs(n.label), qs(n.avals), qs(n.literals), n.cluster, -1});
  for (const GraphEdge& e : g.edges) out.edges.push_back({qs(e.from), qs(e.to), qs(e.var), qs(e.aval)});

  // Top-level equations map in order onto the top-level equation nodes and
  // the top-level clusters, both of which the graph lists in jaxpr order.
  QVector<int> top_nodes, top_clusters;
  for (int i = 0; i < out.nodes.size(); ++i)
    if (out.nodes[i].kind == views::GraphNodeData::Kind::Equation && out.nodes[i].cluster < 0) top_nodes << i;
  for (int c = 0; c < out.clusters.size(); ++c)
    if (out.clusters[c].parent < 0) top_clusters << c;
  qsizetype next_node = 0, next_cluster = 0;
  for (size_t k = 0; k < jaxpr.eqns.size(); ++k) {
    const int eqn = static_cast<int>(k);
    if (drawn_as_cluster(jaxpr.eqns[k])) {
      if (next_cluster < top_clusters.size()) out.clusters[top_clusters[next_cluster++]].equation = eqn;
    } else if (next_node < top_nodes.size()) {
      out.nodes[top_nodes[next_node++]].equation = eqn;
    }
  }
  // Nested clusters and their nodes belong to their top-level cluster's
  // equation; parents precede children in the list.
  for (views::GraphClusterData& c : out.clusters)
    if (c.parent >= 0) c.equation = out.clusters[c.parent].equation;
  for (views::GraphNodeData& n : out.nodes)
    if (n.cluster >= 0) n.equation = out.clusters[n.cluster].equation;
  return out;
}

}  // namespace jxr::gui
