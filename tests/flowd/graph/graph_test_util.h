// Builders for connectivity graph tests: endpoints, observations, and a
// lookup of one edge in a query result.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flows/flowd/graph/connectivity_graph.h"

// Asserts a Status is ok, printing its error otherwise.
#define ASSERT_OK(expr)                                   \
  do {                                                    \
    const auto& status_ = (expr);                         \
    ASSERT_TRUE(status_.ok()) << status_.error().message; \
  } while (0)
// Asserts a Result is ok and moves its value into `lhs`.
#define ASSERT_OK_AND_ASSIGN(lhs, expr)                   \
  do {                                                    \
    auto result_ = (expr);                                \
    ASSERT_TRUE(result_.ok()) << result_.error().message; \
    lhs = std::move(*result_);                            \
  } while (0)

namespace flows::flowd::graph::testing {

// Start of a round minute (2023-12-07 11:13:00 UTC), so buckets are easy to reason about.
inline constexpr TimeNs kT0 = 1'701'947'580LL * kSecondNs;

inline EndpointRef Workload(std::string_view ns, std::string_view kind, std::string_view name,
                            std::string_view pod = {}) {
  EndpointRef e;
  e.kind = EndpointKind::kWorkload;
  e.namespace_ = ns;
  e.workload_kind = kind;
  e.workload_name = name;
  e.pod = pod;
  return e;
}

inline EndpointRef ViaService(EndpointRef e, std::string_view svc_ns, std::string_view svc) {
  e.service_namespace = svc_ns;
  e.service_name = svc;
  return e;
}

inline EndpointRef World(std::string_view name) {
  EndpointRef e;
  e.kind = EndpointKind::kWorld;
  e.name = name;
  return e;
}

inline EndpointRef Host() {
  EndpointRef e;
  e.kind = EndpointKind::kHost;
  return e;
}

inline const EndpointRef kFrontend =
    Workload("demo-app", "Deployment", "frontend", "frontend-7c9d8b5f4-x2x9k");
inline const EndpointRef kCatalog =
    ViaService(Workload("demo-app", "Deployment", "productcatalog", "productcatalog-6c8f9d7b5-k7p2m"),
               "demo-app", "productcatalog");
inline const EndpointRef kCoredns = ViaService(
    Workload("kube-system", "Deployment", "coredns", "coredns-5d78c9869d-hq4vz"), "kube-system", "kube-dns");
inline const EndpointRef kProber = Workload("monitoring", "DaemonSet", "prober", "prober-abcde");

// An observation of client -> server:port, counted (client veth, observed client).
inline Observation Obs(const EndpointRef& client, const EndpointRef& server, std::uint16_t port,
                       EventKind kind, TimeNs t, NodeId node = 0) {
  Observation o;
  o.client = client;
  o.server = server;
  o.port = port;
  o.l4 = L4Proto::kTcp;
  o.l7 = L7Proto::kNone;
  o.node = node;
  o.vantage = Vantage::kClient;
  o.client_observed = true;
  o.kind = kind;
  o.time_ns = t;
  return o;
}

inline Observation Http(const EndpointRef& client, const EndpointRef& server, std::uint16_t port,
                        HttpMethod method, int status, TimeNs latency, TimeNs t, NodeId node = 0) {
  Observation o = Obs(client, server, port, EventKind::kHttpResponse, t, node);
  o.l7 = L7Proto::kHttp;
  o.http_method = method;
  o.http_status = static_cast<std::uint16_t>(status);
  o.latency_ns = latency;
  return o;
}

inline Observation Bytes(Observation o, std::uint64_t pkts_out, std::uint64_t bytes_out,
                         std::uint64_t pkts_in, std::uint64_t bytes_in) {
  o.packets_to_server = pkts_out;
  o.bytes_to_server = bytes_out;
  o.packets_to_client = pkts_in;
  o.bytes_to_client = bytes_in;
  return o;
}

inline Graph QueryAll(const ConnectivityGraph& g, Query q = {}) {
  Result<Graph> out = g.Query(q);
  if (!out) {
    ADD_FAILURE() << out.error().message;
    return {};
  }
  return std::move(*out);
}

// The edge from `src` to `dst` (labels as Endpoint::Label) on `port`, or null.
inline const GraphEdge* FindEdge(const Graph& g, std::string_view src, std::string_view dst,
                                 std::uint16_t port) {
  for (const GraphEdge& e : g.edges) {
    if (e.source.Label() == src && e.destination.Label() == dst && e.port == port) return &e;
  }
  return nullptr;
}

inline std::vector<std::string> Labels(const Graph& g) {
  std::vector<std::string> out;
  for (const GraphEdge& e : g.edges) {
    out.push_back(e.source.Label() + " -> " + e.destination.Label() + ":" + std::to_string(e.port));
  }
  return out;
}

}  // namespace flows::flowd::graph::testing
