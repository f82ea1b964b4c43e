// `jaxray-cli export FILE --format dot|svg|json [-o OUT]`: a jaxpr's
// dataflow graph for other tools.
#pragma once

#include <string>
#include <vector>

#include "engine/debug/jaxpr_dot.h"

namespace jxr::cli {

extern const char* const kExportUsage;

// Runs `export` on the arguments after the command name. Returns the exit
// status: 0 written, 1 unreadable input or failed output, 2 bad usage.
int run_export(const std::vector<std::string>& args);

// The graph as JSON: {"nodes": [...], "edges": [...], "clusters": [...]},
// two-space indented, fields as in jaxpr_dot.h.
std::string graph_json(const JaxprGraph& graph);

// DOT text laid out and drawn by Graphviz ("dot" layout) as an SVG document.
// Throws jxr::Error when Graphviz cannot read or lay it out.
std::string dot_to_svg(const std::string& dot);

}  // namespace jxr::cli
