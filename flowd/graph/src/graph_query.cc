// ConnectivityGraph::Query: copy under the mutex, then decode, filter, group
// and sort without it.
#include <algorithm>
#include <limits>

#include "flows/flowd/graph/bucket_codec.h"
#include "flows/flowd/graph/connectivity_graph.h"

namespace flows::flowd::graph {
namespace {

constexpr std::uint32_t kNone = 0xffffffffu;

// Which endpoints a query keeps.
class EndpointFilter {
 public:
  explicit EndpointFilter(const graph::Query& q) : q_(q) {}

  // Bit 1: in `namespaces` (or the list is empty); bit 2: excluded.
  std::uint8_t Flags(const Endpoint& e) const {
    const std::string& ns = e.kind == EndpointKind::kService ? e.service_namespace : e.namespace_;
    const bool namespaced = e.kind == EndpointKind::kWorkload || e.kind == EndpointKind::kService;
    std::uint8_t flags = 0;
    if (q_.namespaces.empty() || (namespaced && Contains(q_.namespaces, ns))) flags |= 1;
    if (namespaced && Contains(q_.exclude_namespaces, ns)) flags |= 2;
    if (e.kind == EndpointKind::kWorkload) {
      for (const std::string& w : q_.exclude_workloads) {
        if (MatchesWorkload(e, w)) flags |= 2;
      }
    }
    return flags;
  }

 private:
  static bool Contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }
  // "namespace/name" or "namespace/Kind/name".
  static bool MatchesWorkload(const Endpoint& e, std::string_view w) {
    const auto first = w.find('/');
    if (w.substr(0, first) != e.namespace_) return false;
    std::string_view rest = w.substr(first + 1);
    const auto second = rest.find('/');
    if (second == std::string_view::npos) return rest == e.workload_name;
    return rest.substr(0, second) == e.workload_kind && rest.substr(second + 1) == e.workload_name;
  }
  const graph::Query& q_;
};

struct GroupKey {
  std::uint32_t src, dst;
  std::uint16_t port;
  L4Proto l4;
  L7Proto l7;
  friend bool operator==(const GroupKey&, const GroupKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const GroupKey& k) {
    return H::combine(std::move(h), k.src, k.dst, k.port, static_cast<std::uint8_t>(k.l4),
                      static_cast<std::uint8_t>(k.l7));
  }
};

struct EndpointHash {
  std::size_t operator()(const Endpoint& e) const { return EndpointRefHash{}(e.Ref()); }
};

}  // namespace

Result<Graph> ConnectivityGraph::Query(const graph::Query& q) const {
  if (Status valid = ValidateQuery(q); !valid) return valid.error();
  const TimeNs until = q.until == 0 ? std::numeric_limits<TimeNs>::max() : q.until;

  std::vector<std::shared_ptr<const Bucket>> buckets;
  std::vector<std::pair<std::uint32_t, EdgeCounters>> open;
  std::vector<EdgeRecord> edges;
  std::vector<std::shared_ptr<const Endpoint>> endpoints;
  std::vector<std::vector<NodeId>> node_sets;
  std::vector<std::string> node_names;
  {
    std::lock_guard lock(mu_);
    for (const BucketSlot& s : buckets_) {
      const Bucket& b = *s.bucket;
      if (b.start < until && b.start + b.width > q.since) buckets.push_back(s.bucket);
    }
    if (open_used_ > 0 && open_start_ < until && open_start_ + kMinuteNs > q.since) {
      open.reserve(open_used_);
      for (std::uint32_t slot = 0; slot < open_used_; ++slot)
        open.emplace_back(open_edges_[slot], open_[slot]);
    }
    edges = edges_;
    endpoints = endpoints_.CopyAll();
    node_sets = node_sets_.all_sets();
    node_names = node_sets_.all_names();
  }

  // Which edges the filters keep: 0 not yet known, 1 keep, 2 drop.
  const EndpointFilter filter(q);
  std::vector<std::uint8_t> endpoint_flags(endpoints.size(), 0xff);
  auto flags_of = [&](EndpointId id) {
    if (endpoint_flags[id] == 0xff) endpoint_flags[id] = filter.Flags(*endpoints[id]);
    return endpoint_flags[id];
  };
  std::vector<std::uint8_t> verdict(edges.size(), 0);
  auto keep = [&](std::uint32_t id) {
    if (id >= edges.size() || !edges[id].live) return false;
    if (verdict[id] == 0) {
      const std::uint8_t s = flags_of(edges[id].key.src);
      const std::uint8_t d = flags_of(edges[id].key.dst);
      verdict[id] = ((s | d) & 1) && !((s | d) & 2) ? 1 : 2;
    }
    return verdict[id] == 1;
  };

  // Sum the window per edge.
  std::vector<std::uint32_t> slot_of(edges.size(), kNone);
  std::vector<EdgeCounters> sums;
  std::vector<std::uint32_t> sum_edge;
  auto slot_for = [&](std::uint32_t id) -> EdgeCounters& {
    if (slot_of[id] == kNone) {
      slot_of[id] = static_cast<std::uint32_t>(sums.size());
      sums.emplace_back();
      sum_edge.push_back(id);
    }
    return sums[slot_of[id]];
  };
  EdgeCounters scratch;
  for (const auto& b : buckets) {
    BucketDecoder decoder(b->blob);
    std::uint32_t id;
    while (decoder.NextEdge(&id)) {
      if (keep(id)) {
        decoder.ReadCounters(&slot_for(id));
      } else {
        scratch.Clear();
        decoder.ReadCounters(&scratch);
      }
    }
  }
  for (const auto& [id, counters] : open) {
    if (keep(id)) slot_for(id).Merge(counters);
  }

  // Group.
  Graph result;
  Graph* out = &result;
  out->since = q.since;
  out->until = q.until;
  out->group_by = q.group_by;
  out->edges.clear();
  auto node_list = [&](const std::vector<NodeId>& ids) {
    std::vector<std::string> names;
    names.reserve(ids.size());
    for (NodeId n : ids) names.push_back(node_names[n]);
    std::sort(names.begin(), names.end());
    return names;
  };
  const bool identity =
      q.group_by == GroupBy::kPod || (q.group_by == GroupBy::kWorkload && !options_.keep_pods);
  if (identity) {
    out->edges.reserve(sums.size());
    for (std::size_t i = 0; i < sums.size(); ++i) {
      if (sums[i].Requests() < q.min_requests) continue;
      const EdgeRecord& e = edges[sum_edge[i]];
      GraphEdge& g = out->edges.emplace_back();
      g.source = *endpoints[e.key.src];
      g.destination = *endpoints[e.key.dst];
      g.port = e.key.port;
      g.l4 = e.key.l4;
      g.l7 = e.key.l7;
      g.counters = std::move(sums[i]);
      g.first_seen = e.first_seen;
      g.last_seen = e.last_seen;
      g.nodes = node_list(node_sets[e.nodes]);
    }
  } else {
    std::vector<std::uint32_t> projected(endpoints.size(), kNone);
    absl::flat_hash_map<Endpoint, std::uint32_t, EndpointHash> group_index;
    std::vector<Endpoint> groups;
    auto project = [&](EndpointId id) {
      if (projected[id] == kNone) {
        Endpoint p = Project(*endpoints[id], q.group_by);
        auto [it, added] = group_index.emplace(p, static_cast<std::uint32_t>(groups.size()));
        if (added) groups.push_back(std::move(p));
        projected[id] = it->second;
      }
      return projected[id];
    };
    absl::flat_hash_map<GroupKey, std::uint32_t> result_index;
    std::vector<std::vector<NodeId>> result_nodes;
    for (std::size_t i = 0; i < sums.size(); ++i) {
      const EdgeRecord& e = edges[sum_edge[i]];
      const GroupKey key{project(e.key.src), project(e.key.dst), e.key.port, e.key.l4, e.key.l7};
      auto [it, added] = result_index.emplace(key, static_cast<std::uint32_t>(out->edges.size()));
      if (added) {
        GraphEdge& g = out->edges.emplace_back();
        g.source = groups[key.src];
        g.destination = groups[key.dst];
        g.port = key.port;
        g.l4 = key.l4;
        g.l7 = key.l7;
        g.counters = std::move(sums[i]);
        g.first_seen = e.first_seen;
        g.last_seen = e.last_seen;
        result_nodes.push_back(node_sets[e.nodes]);
        continue;
      }
      GraphEdge& g = out->edges[it->second];
      g.counters.Merge(sums[i]);
      g.first_seen = std::min(g.first_seen, e.first_seen);
      g.last_seen = std::max(g.last_seen, e.last_seen);
      auto& nodes = result_nodes[it->second];
      for (NodeId n : node_sets[e.nodes]) {
        if (std::find(nodes.begin(), nodes.end(), n) == nodes.end()) nodes.push_back(n);
      }
    }
    for (std::size_t i = 0; i < out->edges.size(); ++i) out->edges[i].nodes = node_list(result_nodes[i]);
    if (q.min_requests > 0) {
      std::erase_if(out->edges, [&](const GraphEdge& g) { return g.counters.Requests() < q.min_requests; });
    }
  }
  SortByTraffic(out->edges);
  return result;
}

}  // namespace flows::flowd::graph
