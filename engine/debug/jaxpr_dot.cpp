// The dataflow graph of a jaxpr and its DOT text.
#include "engine/debug/jaxpr_dot.h"

#include <unordered_map>

#include "engine/debug/eqn_text.h"
#include "engine/jaxpr/print.h"

namespace jxr {

namespace {

// Where a variable's value comes from: a node, or a literal that a call
// passed into its body.
struct Source {
  std::string node;
  std::string literal;
};

class GraphBuilder {
 public:
  explicit GraphBuilder(const Jaxpr& top) : names_(top) {}

  JaxprGraph build(const Jaxpr& top) {
    for (size_t k = 0; k < top.constvars.size(); ++k)
      binder(GraphNode::Kind::Const, "const" + std::to_string(k), top.constvars[k]);
    for (size_t k = 0; k < top.invars.size(); ++k)
      binder(GraphNode::Kind::Input, "in" + std::to_string(k), top.invars[k]);
    equations(top, -1);
    for (size_t k = 0; k < top.outvars.size(); ++k) {
      GraphNode out{GraphNode::Kind::Output, "out" + std::to_string(k), "out " + std::to_string(k),
                    {top.outvars[k].aval().str_short()}, {}, -1};
      operand(out, top.outvars[k]);
      graph_.nodes.push_back(std::move(out));
    }
    return std::move(graph_);
  }

 private:
  void binder(GraphNode::Kind kind, std::string id, const VarPtr& v) {
    sources_[v.get()] = {id, ""};
    graph_.nodes.push_back({kind, std::move(id), names_.atom(v), {v->aval.str_short()}, {}, -1});
  }

  // An edge into `node` for a variable operand, a literal otherwise.
  void operand(GraphNode& node, const Atom& a) {
    if (a.is_literal()) {
      node.literals.push_back(names_.atom(a));
      return;
    }
    const Source& s = sources_.at(a.var().get());
    if (s.node.empty()) node.literals.push_back(s.literal);
    else graph_.edges.push_back({s.node, node.id, names_.atom(a), a.aval().str_short()});
  }

  static const Jaxpr* inline_body(const Eqn& e) {
    auto subs = sub_jaxprs(e);
    if (subs.size() != 1) return nullptr;
    const Jaxpr* body = subs[0].second;
    bool call_like = body->constvars.empty() && body->invars.size() == e.inputs.size() &&
                     body->outvars.size() == e.outputs.size();
    return call_like ? body : nullptr;
  }

  void equations(const Jaxpr& j, int cluster) {
    for (const Eqn& e : j.eqns) {
      if (const Jaxpr* body = inline_body(e)) {
        int inner = static_cast<int>(graph_.clusters.size());
        graph_.clusters.push_back({"cluster" + std::to_string(inner), eqn_label(e), cluster});
        for (size_t k = 0; k < e.inputs.size(); ++k) sources_[body->invars[k].get()] = source(e.inputs[k]);
        equations(*body, inner);
        for (size_t k = 0; k < e.outputs.size(); ++k) sources_[e.outputs[k].get()] = source(body->outvars[k]);
        continue;
      }
      GraphNode node{GraphNode::Kind::Equation, "eqn" + std::to_string(next_eqn_++), eqn_label(e), {}, {}, cluster};
      for (const VarPtr& v : e.outputs) node.avals.push_back(v->aval.str_short());
      for (const Atom& a : e.inputs) operand(node, a);
      for (const VarPtr& v : e.outputs) sources_[v.get()] = {node.id, ""};
      graph_.nodes.push_back(std::move(node));
    }
  }

  Source source(const Atom& a) {
    if (a.is_literal()) return {"", names_.atom(a)};
    return sources_.at(a.var().get());
  }

  JaxprNames names_;
  JaxprGraph graph_;
  std::unordered_map<const Var*, Source> sources_;
  int next_eqn_ = 0;
};

// A DOT string of `lines`, joined with `\n` (Graphviz's centred line break).
std::string quoted(const std::vector<std::string>& lines) {
  std::string out = "\"";
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "\\n";
    for (char c : lines[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out + "\"";
}

void dot_node(const GraphNode& n, const std::string& indent, std::string& out) {
  std::vector<std::string> label{n.label};
  std::string attrs;
  switch (n.kind) {
    case GraphNode::Kind::Input: label[0] += ":" + n.avals[0]; attrs = " shape=ellipse"; break;
    case GraphNode::Kind::Const: label[0] += ":" + n.avals[0]; attrs = " shape=ellipse style=dashed"; break;
    case GraphNode::Kind::Output: label[0] += ":" + n.avals[0]; attrs = " shape=ellipse peripheries=2"; break;
    case GraphNode::Kind::Equation: attrs = " shape=box"; break;
  }
  // Literal operands have no edge: they go under the label.
  if (!n.literals.empty()) {
    std::string lits;
    for (const std::string& l : n.literals) lits += (lits.empty() ? "" : " ") + l;
    label.push_back(lits);
  }
  out += indent + n.id + " [label=" + quoted(label) + attrs + "];\n";
}

void dot_cluster(const JaxprGraph& g, int cluster, const std::string& indent, std::string& out) {
  for (const GraphNode& n : g.nodes)
    if (n.cluster == cluster) dot_node(n, indent, out);
  for (size_t c = 0; c < g.clusters.size(); ++c) {
    if (g.clusters[c].parent != cluster) continue;
    out += indent + "subgraph " + g.clusters[c].id + " {\n";
    out += indent + "  label=" + quoted({g.clusters[c].label}) + ";\n";
    dot_cluster(g, static_cast<int>(c), indent + "  ", out);
    out += indent + "}\n";
  }
}

}  // namespace

JaxprGraph jaxpr_graph(const Jaxpr& jaxpr) { return GraphBuilder(jaxpr).build(jaxpr); }

std::string graph_dot(const JaxprGraph& graph) {
  std::string out =
      "digraph jaxpr {\n"
      "  node [fontname=\"monospace\" fontsize=10];\n"
      "  edge [fontname=\"monospace\" fontsize=9];\n";
  dot_cluster(graph, -1, "  ", out);
  for (const GraphEdge& e : graph.edges) out += "  " + e.from + " -> " + e.to + " [label=" + quoted({e.aval}) + "];\n";
  return out + "}\n";
}

}  // namespace jxr
