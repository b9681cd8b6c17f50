// What the graph knows about one edge over some time: connections, packets
// and bytes each way, HTTP requests by method and status class, DNS answers
// by rcode, a latency histogram, refused connections, resets, drops.
// Used for the open minute (mutable, updated per observation), for decoded
// buckets and for query results (sums over a window).
#pragma once

#include <cstdint>

#include "flows/flowd/graph/latency_histogram.h"
#include "flows/flowd/graph/observation.h"
#include "flows/flowd/graph/sparse_counts.h"

namespace flows::flowd::graph {

struct EdgeCounters {
  std::uint64_t connections = 0;
  std::uint64_t packets_to_server = 0;
  std::uint64_t packets_to_client = 0;
  std::uint64_t bytes_to_server = 0;
  std::uint64_t bytes_to_client = 0;
  std::uint64_t refused = 0;
  std::uint64_t resets = 0;
  std::uint64_t drops = 0;
  SparseCounts http;  // key: HttpKey(method, status class)
  SparseCounts dns;   // key: rcode
  LatencyHistogram latency;

  static std::uint16_t HttpKey(HttpMethod method, int status_class) {
    return static_cast<std::uint16_t>(static_cast<int>(method) * kHttpClassCount + status_class);
  }
  static HttpMethod HttpKeyMethod(std::uint16_t key) {
    return static_cast<HttpMethod>(key / kHttpClassCount);
  }
  static int HttpKeyClass(std::uint16_t key) { return key % kHttpClassCount; }

  // Applies one (counted) observation.
  void Add(const Observation& obs);
  void Merge(const EdgeCounters& other);
  void Clear();

  std::uint64_t HttpRequests() const { return http.Total(); }
  std::uint64_t HttpRequests(int status_class) const;
  std::uint64_t HttpRequests(HttpMethod method, int status_class) const {
    return http.Get(HttpKey(method, status_class));
  }
  std::uint64_t DnsResponses() const { return dns.Total(); }
  std::uint64_t DnsResponses(std::uint16_t rcode) const { return dns.Get(rcode); }
  // HTTP responses + DNS responses; the connections for an edge with neither.
  std::uint64_t Requests() const;
  // HTTP 5xx + DNS answers other than NOERROR(0) and NXDOMAIN(3) + refused.
  std::uint64_t Errors() const;
  std::uint64_t Bytes() const { return bytes_to_server + bytes_to_client; }
  std::uint64_t Packets() const { return packets_to_server + packets_to_client; }
  bool empty() const;
  std::size_t HeapBytes() const { return http.HeapBytes() + dns.HeapBytes() + latency.cells().HeapBytes(); }
  friend bool operator==(const EdgeCounters&, const EdgeCounters&) = default;
};

}  // namespace flows::flowd::graph
