// `jaxray-cli export`: the jaxpr_dot graph as DOT, JSON, or SVG through
// Graphviz's C library (linked here only, never into the engine).
#include "app/cli/export.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/jaxpr_source.h"
#include "engine/core/error.h"

namespace jxr::cli {

const char* const kExportUsage = R"(usage: jaxray-cli export FILE [--format dot|svg|json] [-o OUT]

Writes the dataflow graph of the jaxpr in FILE (a jaxpr text file, - for
standard input): one node per input, const, equation and output, one edge per
operand labelled with its type (f32[3]); the body of a jit (or another call)
is a cluster labelled with its equation.

options:
  --format dot           Graphviz DOT text (the default)
  --format svg           the graph laid out by Graphviz's dot, as SVG
  --format json          {"nodes": [...], "edges": [...], "clusters": [...]}
  -o OUT                 write to OUT instead of standard output
  -h, --help             show this help

exit status: 0 written, 1 an input that cannot be read or parsed or an output
that cannot be written, 2 bad usage.
)";

namespace {

const char* kind_name(GraphNode::Kind kind) {
  switch (kind) {
    case GraphNode::Kind::Input: return "input";
    case GraphNode::Kind::Const: return "const";
    case GraphNode::Kind::Equation: return "equation";
    case GraphNode::Kind::Output: return "output";
  }
  return "?";
}

nlohmann::ordered_json cluster_ref(const JaxprGraph& g, int cluster) {
  return cluster < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(g.clusters[cluster].id);
}

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "jaxray-cli: export: %s\n(see jaxray-cli export --help)\n", msg.c_str());
  return 2;
}

}  // namespace

std::string graph_json(const JaxprGraph& g) {
  using json = nlohmann::ordered_json;
  json nodes = json::array(), edges = json::array(), clusters = json::array();
  for (const GraphNode& n : g.nodes)
    nodes.push_back({{"id", n.id}, {"kind", kind_name(n.kind)}, {"label", n.label}, {"avals", n.avals},
                     {"literals", n.literals}, {"cluster", cluster_ref(g, n.cluster)}});
  for (const GraphEdge& e : g.edges) edges.push_back({{"from", e.from}, {"to", e.to}, {"var", e.var}, {"aval", e.aval}});
  for (const GraphCluster& c : g.clusters)
    clusters.push_back({{"id", c.id}, {"label", c.label}, {"parent", cluster_ref(g, c.parent)}});
  return json{{"nodes", nodes}, {"edges", edges}, {"clusters", clusters}}.dump(2) + "\n";
}

std::string dot_to_svg(const std::string& dot) {
  std::unique_ptr<GVC_t, int (*)(GVC_t*)> gvc(gvContext(), gvFreeContext);
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> graph(agmemread(dot.c_str()), agclose);
  if (!graph) throw Error(ErrorKind::Value, "Graphviz cannot read the DOT text");
  if (gvLayout(gvc.get(), graph.get(), "dot") != 0) throw Error(ErrorKind::Value, "Graphviz dot layout failed");
  char* data = nullptr;
  unsigned int size = 0;
  int rc = gvRenderData(gvc.get(), graph.get(), "svg", &data, &size);
  std::string svg = rc == 0 && data ? std::string(data, size) : "";
  gvFreeRenderData(data);
  gvFreeLayout(gvc.get(), graph.get());
  if (rc != 0) throw Error(ErrorKind::Value, "Graphviz cannot render SVG");
  return svg;
}

int run_export(const std::vector<std::string>& args) {
  std::string format = "dot", out_path, file;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kExportUsage, stdout);
      return 0;
    }
    if ((a == "--format" || a == "-o") && i + 1 < args.size()) {
      (a == "-o" ? out_path : format) = args[++i];
    } else if (a.rfind("--format=", 0) == 0) {
      format = a.substr(9);
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("unknown option or missing value '" + a + "'");
    } else if (file.empty()) {
      file = a;
    } else {
      return usage_error("more than one FILE");
    }
  }
  if (file.empty()) return usage_error("export needs a FILE");
  if (format != "dot" && format != "svg" && format != "json")
    return usage_error("unknown format '" + format + "' (dot, svg or json)");
  std::string text;
  try {
    ClosedJaxpr cj = load_jaxpr(file);
    JaxprGraph graph = jaxpr_graph(*cj.jaxpr);
    text = format == "json" ? graph_json(graph) : graph_dot(graph);
    if (format == "svg") text = dot_to_svg(text);
  } catch (const Error& e) {
    std::fprintf(stderr, "jaxray-cli: export: %s\n", e.what());
    return 1;
  }
  if (out_path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::ofstream out(out_path, std::ios::binary);
  out << text;
  if (!out.flush()) {
    std::fprintf(stderr, "jaxray-cli: export: cannot write '%s'\n", out_path.c_str());
    return 1;
  }
  return 0;
}

}  // namespace jxr::cli
