// What the `flows map` formats share: an endpoint's name and namespace,
// edge figures (bytes, error rate), the traffic order, and humane units.
// The server's answer is untrusted: labels may be empty, repeated, or hold
// any byte; figures may be zero or absurd. Nothing here trusts them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graph/graph.pb.h"

namespace flows::cli {

// The endpoint's label ("demo-app/Deployment/frontend", "world:x.com"), or
// one made from its fields when the server sent none.
std::string EndpointLabel(const graph::Endpoint& e);
// The namespace it belongs in (its clusters/subgraphs); "" for the host,
// remote nodes, the world, and namespaces themselves.
std::string EndpointNamespace(const graph::Endpoint& e);
// "workload", "host", "remote-node", "world", "service", "namespace".
std::string_view EndpointKindName(graph::Endpoint::Kind kind);

std::uint64_t EdgeBytes(const graph::Edge& e);
// errors / requests in [0, 1]: errors without requests (refused
// connections only) are a 100% error rate.
double ErrorRate(std::uint64_t errors, std::uint64_t requests);
// "3550/TCP"; the protocol alone when there is no port (ICMP).
std::string PortProto(const graph::Edge& e);

// Most bytes first, then most requests, then by labels, port, protocols:
// the same order whatever order the server sent.
std::vector<const graph::Edge*> EdgesByTraffic(const graph::GetGraphResponse& graph);

// "512 B", "1.2 KiB", "3.4 MiB".
std::string HumanBytes(std::uint64_t bytes);
// "850ns", "12µs", "1.5ms", "250ms", "1.2s"; "-" for 0 (no measurement).
std::string HumanDuration(std::uint64_t ns);
// "25.0%".
std::string HumanPercent(double rate);
// "12s ago", "3m ago", "2h ago", "5d ago"; "-" when unset.
std::string HumanAge(const google::protobuf::Timestamp& t, std::chrono::system_clock::time_point now);

// Text safe for one cell of a terminal table: control bytes (including
// line breaks and tabs, which would break the columns) and C1 controls
// written as \xNN.
std::string TerminalCell(std::string_view text);

// Columns a terminal gives the text: UTF-8 continuation bytes take none.
std::size_t DisplayWidth(std::string_view text);

// The graph's endpoints, one per label (the first edge that names it wins),
// sorted by label; `ns` is EndpointNamespace.
struct MapNode {
  std::string label;
  std::string ns;
  const graph::Endpoint* endpoint;
};
std::vector<MapNode> MapNodes(const graph::GetGraphResponse& graph);
// The label drawn inside its namespace's box, which is titled with the
// namespace: "demo-app/Deployment/frontend" is "Deployment/frontend".
std::string ShortLabel(const MapNode& node);
// The namespaces of `nodes`, sorted, without "".
std::vector<std::string> MapNamespaces(const std::vector<MapNode>& nodes);

// "partial: node-b, node-c did not answer"; "" when every node answered.
std::string PartialNote(const graph::GetGraphResponse& graph);

}  // namespace flows::cli
