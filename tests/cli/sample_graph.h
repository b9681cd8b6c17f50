// A fixed GetGraphResponse shaped like the demo's (make demo): frontend
// calling productcatalog:3550 over HTTP with some 500s, DNS to coredns
// (with SERVFAILs), productcatalog calling out to the world, the kubelet's
// probes from the host; and a relay that could not reach node-c.
#pragma once

#include <google/protobuf/text_format.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "graph/graph.pb.h"

namespace flows::cli::testing {

// "Now" for LAST SEEN: 2026-11-22T03:20:00Z.
inline constexpr std::int64_t kGraphNowSeconds = 1795317600;

inline std::chrono::system_clock::time_point GraphNow() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(kGraphNowSeconds));
}

inline graph::GetGraphResponse Graph(const std::string& text) {
  graph::GetGraphResponse g;
  if (!google::protobuf::TextFormat::ParseFromString(text, &g)) std::abort();
  return g;
}

inline graph::GetGraphResponse SampleGraph() {
  const std::string frontend =
      "kind: WORKLOAD namespace: 'demo-app' workload_kind: 'Deployment' workload_name: 'frontend'"
      " label: 'demo-app/Deployment/frontend'";
  return Graph(
      "since { seconds: 1795314000 } until { seconds: 1795317600 } group_by: GROUP_BY_WORKLOAD"
      " nodes: 'node-a' nodes: 'node-b' unavailable_nodes: 'node-c'"
      // frontend -> productcatalog: 200 HTTP requests, 20 of them 500s.
      " edges { source { " +
      frontend +
      " } destination { kind: WORKLOAD namespace: 'demo-app' workload_kind: 'Deployment'"
      "   workload_name: 'productcatalog' service_namespace: 'demo-app' service_name: 'productcatalog'"
      "   label: 'demo-app/Deployment/productcatalog' }"
      "   port: 3550 l4_protocol: 'TCP' l7_protocol: 'http' connections: 40"
      "   packets_to_server: 400 packets_to_client: 1200 bytes_to_server: 48000 bytes_to_client: 1250000"
      "   http { method: 'GET' status_class: 2 count: 170 } http { method: 'GET' status_class: 4 count: 10 }"
      "   http { method: 'GET' status_class: 5 count: 20 }"
      "   latency { index: 40 count: 150 } latency { index: 60 count: 50 }"
      "   requests: 200 errors: 20 latency_p50_ns: 1200000 latency_p95_ns: 30000000 latency_p99_ns: 250000000"
      "   first_seen { seconds: 1795310000 } last_seen { seconds: 1795317588 } nodes: 'node-a' }"
      // frontend -> coredns: 420 lookups, 12 NXDOMAIN (not errors), 8 SERVFAIL.
      " edges { source { " +
      frontend +
      " } destination { kind: WORKLOAD namespace: 'kube-system' workload_kind: 'Deployment'"
      "   workload_name: 'coredns' service_namespace: 'kube-system' service_name: 'kube-dns'"
      "   label: 'kube-system/Deployment/coredns' }"
      "   port: 53 l4_protocol: 'UDP' l7_protocol: 'dns' connections: 420"
      "   packets_to_server: 420 packets_to_client: 420 bytes_to_server: 25200 bytes_to_client: 42000"
      "   dns { rcode: 0 count: 400 } dns { rcode: 2 count: 8 } dns { rcode: 3 count: 12 }"
      "   latency { index: 20 count: 410 } latency { index: 30 count: 10 }"
      "   requests: 420 errors: 8 latency_p50_ns: 180000 latency_p95_ns: 900000 latency_p99_ns: 2100000"
      "   first_seen { seconds: 1795310000 } last_seen { seconds: 1795317598 } nodes: 'node-a' nodes: "
      "'node-b' }"
      // productcatalog -> the world, by the DNS name it resolved; one refused.
      " edges { source { kind: WORKLOAD namespace: 'demo-app' workload_kind: 'Deployment'"
      "   workload_name: 'productcatalog' label: 'demo-app/Deployment/productcatalog' }"
      "   destination { kind: WORLD name: 'api.example.com' label: 'world:api.example.com' }"
      "   port: 443 l4_protocol: 'TCP' connections: 6 refused: 1"
      "   packets_to_server: 900 packets_to_client: 7000 bytes_to_server: 120000 bytes_to_client: 9800000"
      "   requests: 6 errors: 1"
      "   first_seen { seconds: 1795312000 } last_seen { seconds: 1795317420 } nodes: 'node-b' }"
      // The kubelet's probes, from the node's host network.
      " edges { source { kind: HOST label: 'host' }"
      "   destination { " +
      frontend +
      " } port: 8080 l4_protocol: 'TCP' l7_protocol: 'http' connections: 120"
      "   packets_to_server: 600 packets_to_client: 600 bytes_to_server: 14000 bytes_to_client: 16000"
      "   http { method: 'GET' status_class: 2 count: 120 }"
      "   requests: 120 errors: 0 latency_p50_ns: 400000 latency_p95_ns: 800000 latency_p99_ns: 900000"
      "   first_seen { seconds: 1795300000 } last_seen { seconds: 1795310400 } nodes: 'node-a' }");
}

}  // namespace flows::cli::testing
