// Merging connectivity graphs answered by several nodes (flows-relay), and
// the derived fields of an edge (requests, errors, p50/p95/p99), computed
// the same way wherever a GetGraphResponse is built.
//
// With the count-once rule (flowd/graph/include/.../count_once.h) each
// connection is counted on one node only, so adding the nodes' figures up
// counts nothing twice.
#pragma once

#include <cstdint>
#include <span>

#include "graph/graph.pb.h"

namespace flows::api::graph {

struct MergeOptions {
  // Edges with fewer requests once merged are left out (a node's share of
  // an edge may be below the threshold while the sum is not, so nodes are
  // asked without it).
  std::uint64_t min_requests = 0;
};

// The same edge (same source label, destination label, port, L4 and L7)
// from several responses: counters summed, HTTP/DNS/latency cells merged,
// nodes unioned, earliest first_seen and latest last_seen, derived fields
// recomputed. The window is the union of the responses' windows; nodes and
// unavailable_nodes are unioned and sorted. Edges come out most bytes
// first, then most requests, then by labels, port and protocols.
flows::graph::GetGraphResponse MergeGraphs(std::span<const flows::graph::GetGraphResponse> parts,
                                           const MergeOptions& options = {});

// Recomputes requests, errors and the latency quantiles from the counters.
// Leaves http, dns and latency cells sorted by their key.
void DeriveFields(flows::graph::Edge& edge);

// HTTP + DNS responses; the connections for an edge with neither (an edge
// without L7).
std::uint64_t EdgeRequests(const flows::graph::Edge& edge);

// Most bytes first, then most requests, then labels, port, protocols.
void SortEdges(google::protobuf::RepeatedPtrField<flows::graph::Edge>& edges);

}  // namespace flows::api::graph
