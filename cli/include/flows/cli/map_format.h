// `flows map` output: one pure function per format, GetGraphResponse ->
// text, so each is tested on a fixed answer (golden files). Every string in
// the answer comes from the cluster and is escaped for the format it lands
// in; none of them can break the syntax or reach a terminal as a control
// byte.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "flows/common/result.h"
#include "graph/graph.pb.h"

namespace flows::cli {

enum class MapFormat { kTable, kDot, kMermaid, kJson };

// "table", "dot", "mermaid", "json"; nullopt for anything else.
std::optional<MapFormat> ParseMapFormat(std::string_view name);

// Edges by traffic, humane units; LAST SEEN is relative to `now`. A footer
// names the nodes that did not answer.
std::string FormatMapTable(const graph::GetGraphResponse& graph, std::chrono::system_clock::time_point now);
// Graphviz digraph: a `cluster_<namespace>` subgraph per namespace.
std::string FormatMapDot(const graph::GetGraphResponse& graph);
// Mermaid `flowchart LR`, a subgraph per namespace.
std::string FormatMapMermaid(const graph::GetGraphResponse& graph);
// Cytoscape.js elements JSON, with every counter of every edge: the input
// of `flows map diff` (ParseMapJson reads it back without loss).
std::string FormatMapJson(const graph::GetGraphResponse& graph);

std::string FormatMap(MapFormat format, const graph::GetGraphResponse& graph,
                      std::chrono::system_clock::time_point now);

// Reads FormatMapJson's output back. The error names the first problem
// with its JSON path ("elements.edges[2].data.source: no node with id ...").
Result<graph::GetGraphResponse> ParseMapJson(std::string_view text);

}  // namespace flows::cli
