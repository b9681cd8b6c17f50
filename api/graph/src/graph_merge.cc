#include "flows/api/graph/graph_merge.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "flows/api/graph/latency_buckets.h"

namespace flows::api::graph {

namespace {

using flows::graph::Edge;
using flows::graph::GetGraphResponse;
using google::protobuf::Timestamp;

bool Before(const Timestamp& a, const Timestamp& b) {
  return a.seconds() != b.seconds() ? a.seconds() < b.seconds() : a.nanos() < b.nanos();
}

// An unset timestamp (0) means "unknown" for first/last seen and must not
// win a min.
bool IsSet(const Timestamp& t) {
  return t.seconds() != 0 || t.nanos() != 0;
}

// Views into the responses being merged (they outlive the index).
struct EdgeKey {
  std::string_view src, dst, l4, l7;
  std::uint32_t port;
  explicit EdgeKey(const Edge& e)
      : src(e.source().label()),
        dst(e.destination().label()),
        l4(e.l4_protocol()),
        l7(e.l7_protocol()),
        port(e.port()) {}
  bool operator==(const EdgeKey&) const = default;
};

struct EdgeKeyHash {
  std::size_t operator()(const EdgeKey& k) const {
    const std::hash<std::string_view> h;
    std::size_t x = h(k.src);
    for (std::size_t v : {h(k.dst), h(k.l4), h(k.l7), std::size_t{k.port}}) x = x * 0x9e3779b97f4a7c15ull + v;
    return x;
  }
};

// Adds `from` into `into` cell by cell; cells are keyed by `key_of`.
template <typename Cells, typename KeyOf, typename Add>
void MergeCells(Cells& into, const Cells& from, KeyOf key_of, Add add) {
  for (const auto& cell : from) {
    auto it =
        std::find_if(into.begin(), into.end(), [&](const auto& c) { return key_of(c) == key_of(cell); });
    if (it == into.end()) {
      *into.Add() = cell;
    } else {
      add(*it, cell);
    }
  }
}

void AddEdge(Edge& into, const Edge& from) {
  into.set_connections(into.connections() + from.connections());
  into.set_packets_to_server(into.packets_to_server() + from.packets_to_server());
  into.set_packets_to_client(into.packets_to_client() + from.packets_to_client());
  into.set_bytes_to_server(into.bytes_to_server() + from.bytes_to_server());
  into.set_bytes_to_client(into.bytes_to_client() + from.bytes_to_client());
  into.set_refused(into.refused() + from.refused());
  into.set_resets(into.resets() + from.resets());
  into.set_drops(into.drops() + from.drops());
  MergeCells(
      *into.mutable_http(), from.http(),
      [](const auto& c) { return std::make_pair(c.method(), c.status_class()); },
      [](auto& a, const auto& b) { a.set_count(a.count() + b.count()); });
  MergeCells(
      *into.mutable_dns(), from.dns(), [](const auto& c) { return c.rcode(); },
      [](auto& a, const auto& b) { a.set_count(a.count() + b.count()); });
  MergeCells(
      *into.mutable_latency(), from.latency(), [](const auto& c) { return c.index(); },
      [](auto& a, const auto& b) { a.set_count(a.count() + b.count()); });
  if (IsSet(from.first_seen()) &&
      (!IsSet(into.first_seen()) || Before(from.first_seen(), into.first_seen()))) {
    *into.mutable_first_seen() = from.first_seen();
  }
  if (Before(into.last_seen(), from.last_seen())) *into.mutable_last_seen() = from.last_seen();
  for (const std::string& n : from.nodes()) *into.add_nodes() = n;
}

void SortUnique(google::protobuf::RepeatedPtrField<std::string>& names) {
  if (names.size() < 2) return;
  std::vector<std::string> v(names.begin(), names.end());
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  names.Clear();
  for (std::string& s : v) names.Add(std::move(s));
}

}  // namespace

std::uint64_t EdgeRequests(const Edge& edge) {
  if (edge.http().empty() && edge.dns().empty()) return edge.connections();
  std::uint64_t n = 0;
  for (const auto& c : edge.http()) n += c.count();
  for (const auto& c : edge.dns()) n += c.count();
  return n;
}

void DeriveFields(Edge& edge) {
  auto& http = *edge.mutable_http();
  std::sort(http.begin(), http.end(), [](const auto& a, const auto& b) {
    return std::forward_as_tuple(a.method(), a.status_class()) <
           std::forward_as_tuple(b.method(), b.status_class());
  });
  auto& dns = *edge.mutable_dns();
  std::sort(dns.begin(), dns.end(), [](const auto& a, const auto& b) { return a.rcode() < b.rcode(); });
  auto& latency = *edge.mutable_latency();
  std::sort(latency.begin(), latency.end(),
            [](const auto& a, const auto& b) { return a.index() < b.index(); });

  std::uint64_t errors = edge.refused();
  for (const auto& c : http) {
    if (c.status_class() == 5) errors += c.count();
  }
  for (const auto& c : dns) {
    if (c.rcode() != 0 && c.rcode() != 3) errors += c.count();
  }
  edge.set_requests(EdgeRequests(edge));
  edge.set_errors(errors);
  const auto index_of = [](const flows::graph::LatencyBucket& c) { return c.index(); };
  const auto count_of = [](const flows::graph::LatencyBucket& c) { return c.count(); };
  edge.set_latency_p50_ns(static_cast<std::uint64_t>(LatencyQuantile(latency, 0.50, index_of, count_of)));
  edge.set_latency_p95_ns(static_cast<std::uint64_t>(LatencyQuantile(latency, 0.95, index_of, count_of)));
  edge.set_latency_p99_ns(static_cast<std::uint64_t>(LatencyQuantile(latency, 0.99, index_of, count_of)));
}

void SortEdges(google::protobuf::RepeatedPtrField<Edge>& edges) {
  const auto key = [](const Edge& e) {
    return std::make_tuple(e.bytes_to_server() + e.bytes_to_client(), e.requests());
  };
  std::sort(edges.pointer_begin(), edges.pointer_end(), [&key](const Edge* a, const Edge* b) {
    const auto ka = key(*a);
    const auto kb = key(*b);
    if (ka != kb) return ka > kb;
    return std::forward_as_tuple(a->source().label(), a->destination().label(), a->port(), a->l4_protocol(),
                                 a->l7_protocol()) <
           std::forward_as_tuple(b->source().label(), b->destination().label(), b->port(), b->l4_protocol(),
                                 b->l7_protocol());
  });
}

GetGraphResponse MergeGraphs(std::span<const GetGraphResponse> parts, const MergeOptions& options) {
  GetGraphResponse out;
  std::size_t total = 0;
  for (const auto& p : parts) total += static_cast<std::size_t>(p.edges_size());
  std::unordered_map<EdgeKey, int, EdgeKeyHash> index;
  index.reserve(total);
  std::vector<Edge> edges;
  edges.reserve(total);
  for (const auto& p : parts) {
    out.set_group_by(p.group_by());
    // An answer without a window (a node that had nothing to say) does not
    // widen the union to the epoch.
    if (IsSet(p.since()) && (!IsSet(out.since()) || Before(p.since(), out.since()))) {
      *out.mutable_since() = p.since();
    }
    if (Before(out.until(), p.until())) *out.mutable_until() = p.until();
    for (const auto& n : p.nodes()) *out.add_nodes() = n;
    for (const auto& n : p.unavailable_nodes()) *out.add_unavailable_nodes() = n;
    for (const Edge& e : p.edges()) {
      auto [it, inserted] = index.try_emplace(EdgeKey(e), static_cast<int>(edges.size()));
      if (inserted) {
        edges.push_back(e);
      } else {
        AddEdge(edges[static_cast<std::size_t>(it->second)], e);
      }
    }
  }
  SortUnique(*out.mutable_nodes());
  SortUnique(*out.mutable_unavailable_nodes());
  auto& out_edges = *out.mutable_edges();
  out_edges.Reserve(static_cast<int>(edges.size()));
  for (Edge& e : edges) {
    SortUnique(*e.mutable_nodes());
    DeriveFields(e);
    if (e.requests() < options.min_requests) continue;
    *out_edges.Add() = std::move(e);
  }
  SortEdges(out_edges);
  return out;
}

}  // namespace flows::api::graph
