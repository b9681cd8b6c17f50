#include "flows/flowd/graph/edge_counters.h"

namespace flows::flowd::graph {

void EdgeCounters::Add(const Observation& obs) {
  packets_to_server += obs.packets_to_server;
  packets_to_client += obs.packets_to_client;
  bytes_to_server += obs.bytes_to_server;
  bytes_to_client += obs.bytes_to_client;
  switch (obs.kind) {
    case EventKind::kConnectionOpened:
      ++connections;
      break;
    case EventKind::kStats:
      break;
    case EventKind::kHttpResponse:
      http.Add(HttpKey(obs.http_method, HttpStatusClass(obs.http_status)), 1);
      if (obs.latency_ns > 0) latency.Record(obs.latency_ns);
      break;
    case EventKind::kDnsResponse:
      dns.Add(obs.dns_rcode, 1);
      if (obs.latency_ns > 0) latency.Record(obs.latency_ns);
      break;
    case EventKind::kRefused:
      ++refused;
      break;
    case EventKind::kReset:
      ++resets;
      break;
    case EventKind::kDrop:
      drops += obs.drops;
      break;
  }
}

void EdgeCounters::Merge(const EdgeCounters& o) {
  connections += o.connections;
  packets_to_server += o.packets_to_server;
  packets_to_client += o.packets_to_client;
  bytes_to_server += o.bytes_to_server;
  bytes_to_client += o.bytes_to_client;
  refused += o.refused;
  resets += o.resets;
  drops += o.drops;
  http.Merge(o.http);
  dns.Merge(o.dns);
  latency.Merge(o.latency);
}

void EdgeCounters::Clear() {
  connections = packets_to_server = packets_to_client = bytes_to_server = bytes_to_client = 0;
  refused = resets = drops = 0;
  http.Clear();
  dns.Clear();
  latency.Clear();
}

std::uint64_t EdgeCounters::HttpRequests(int status_class) const {
  std::uint64_t n = 0;
  for (const auto& c : http.cells()) {
    if (HttpKeyClass(c.key) == status_class) n += c.count;
  }
  return n;
}

std::uint64_t EdgeCounters::Requests() const {
  if (http.empty() && dns.empty()) return connections;
  return http.Total() + dns.Total();
}

std::uint64_t EdgeCounters::Errors() const {
  std::uint64_t n = HttpRequests(5) + refused;
  for (const auto& c : dns.cells()) {
    if (c.key != 0 && c.key != 3) n += c.count;
  }
  return n;
}

bool EdgeCounters::empty() const {
  return connections == 0 && packets_to_server == 0 && packets_to_client == 0 && bytes_to_server == 0 &&
         bytes_to_client == 0 && refused == 0 && resets == 0 && drops == 0 && http.empty() && dns.empty() &&
         latency.empty();
}

}  // namespace flows::flowd::graph
