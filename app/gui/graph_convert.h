// The graph view's data from an engine jaxpr: jaxpr_graph's nodes, edges and
// clusters as Qt strings, each node tagged with its top-level equation.
#pragma once

#include "engine/jaxpr/jaxpr.h"
#include "views/graph_data.h"

namespace jxr::gui {

views::GraphData graph_data(const Jaxpr& jaxpr);

}  // namespace jxr::gui
