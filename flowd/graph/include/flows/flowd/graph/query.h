// Queries over the graph and their results.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flows/common/result.h"
#include "flows/flowd/graph/edge_counters.h"
#include "flows/flowd/graph/endpoint.h"
#include "flows/flowd/graph/types.h"

namespace flows::flowd::graph {

enum class GroupBy : std::uint8_t {
  kWorkload = 0,   // endpoints as keyed (the pod dropped); the default
  kPod = 1,        // pods kept (needs GraphOptions::keep_pods, else same as kWorkload)
  kNamespace = 2,  // workloads collapse to their namespace; host, remote-node, world kept
  kService = 3,    // endpoints reached through a Service become the Service
};
std::string_view GroupByName(GroupBy g);
bool ParseGroupBy(std::string_view name, GroupBy* out);

struct Query {
  // The window [since, until). A bucket is included when it overlaps the
  // window (so hour buckets widen it to whole hours). until == 0: no end.
  TimeNs since = 0;
  TimeNs until = 0;
  // An edge is kept when one of its ends is in `namespaces` (empty: all),
  // and dropped when one of its ends is in `exclude_namespaces` or is an
  // excluded workload ("namespace/name", or "namespace/Kind/name").
  std::vector<std::string> namespaces;
  std::vector<std::string> exclude_namespaces;
  std::vector<std::string> exclude_workloads;
  GroupBy group_by = GroupBy::kWorkload;
  // Edges with fewer EdgeCounters::Requests() in the window are left out.
  std::uint64_t min_requests = 0;
};

// Checks a query; on error names the field ("until: before since").
Status ValidateQuery(const Query& q);

struct GraphEdge {
  Endpoint source;
  Endpoint destination;
  std::uint16_t port = 0;
  L4Proto l4 = L4Proto::kUnknown;
  L7Proto l7 = L7Proto::kNone;
  EdgeCounters counters;  // summed over the window
  // Over the edge's whole life on the reporting node(s), not the window.
  TimeNs first_seen = 0;
  TimeNs last_seen = 0;
  std::vector<std::string> nodes;  // reporting nodes, sorted
};

struct Graph {
  TimeNs since = 0;
  TimeNs until = 0;
  GroupBy group_by = GroupBy::kWorkload;
  std::vector<GraphEdge> edges;  // SortByTraffic order
};

// Most bytes first, then most requests, then by labels (stable output).
void SortByTraffic(std::vector<GraphEdge>& edges);

// Projects an endpoint for a grouping (what ConnectivityGraph::Query uses).
Endpoint Project(const Endpoint& e, GroupBy g);

// Merging node graphs is api/graph's MergeGraphs on their GetGraphResponses
// (graph_proto.h): one merge for the relay, the CLI and the tests.

}  // namespace flows::flowd::graph
