// The graph's input: one Observation per flow event, after identity.
#pragma once

#include <cstdint>

#include "flows/flowd/graph/endpoint.h"
#include "flows/flowd/graph/types.h"

namespace flows::flowd::graph {

using NodeId = std::uint16_t;

enum class EventKind : std::uint8_t {
  kConnectionOpened = 0,  // SYN / first packet of a UDP flow
  kStats = 1,             // only the packet/byte deltas below
  kHttpResponse = 2,      // http_method, http_status, latency_ns
  kDnsResponse = 3,       // dns_rcode, latency_ns (0 when unknown)
  kRefused = 4,           // RST answering a SYN, ICMP unreachable
  kReset = 5,             // RST on an established connection
  kDrop = 6,              // `drops` packets dropped
};

struct Observation {
  // The edge: client -> server on the server's port.
  EndpointRef client;
  EndpointRef server;
  std::uint16_t port = 0;
  L4Proto l4 = L4Proto::kTcp;
  L7Proto l7 = L7Proto::kNone;

  // Who saw it (ConnectivityGraph::InternNode), and from where; see
  // count_once.h for how these decide whether it is counted.
  NodeId node = 0;
  Vantage vantage = Vantage::kClient;
  bool client_observed = false;  // the client is a pod whose veth flows observes

  EventKind kind = EventKind::kStats;
  TimeNs time_ns = 0;

  // Added for every kind when non-zero ("to_server" = client -> server).
  std::uint64_t packets_to_server = 0;
  std::uint64_t packets_to_client = 0;
  std::uint64_t bytes_to_server = 0;
  std::uint64_t bytes_to_client = 0;

  HttpMethod http_method = HttpMethod::kGet;  // kHttpResponse
  std::uint16_t http_status = 0;              // kHttpResponse
  std::uint16_t dns_rcode = 0;                // kDnsResponse (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, ...)
  std::int64_t latency_ns = 0;                // kHttpResponse, kDnsResponse; <= 0: unknown
  std::uint32_t drops = 0;                    // kDrop
};

}  // namespace flows::flowd::graph
