#include "flows/flowd/graph/query.h"

#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_map.h"

namespace flows::flowd::graph {

std::string_view GroupByName(GroupBy g) {
  switch (g) {
    case GroupBy::kWorkload:
      return "workload";
    case GroupBy::kPod:
      return "pod";
    case GroupBy::kNamespace:
      return "namespace";
    case GroupBy::kService:
      return "service";
  }
  return "workload";
}

bool ParseGroupBy(std::string_view name, GroupBy* out) {
  for (GroupBy g : {GroupBy::kWorkload, GroupBy::kPod, GroupBy::kNamespace, GroupBy::kService}) {
    if (name == GroupByName(g)) {
      *out = g;
      return true;
    }
  }
  return false;
}

Status ValidateQuery(const Query& q) {
  if (q.since < 0) return Error::Invalid("since: negative");
  if (q.until != 0 && q.until <= q.since) return Error::Invalid("until: not after since");
  if (static_cast<int>(q.group_by) > static_cast<int>(GroupBy::kService)) {
    return Error::Invalid("group_by: unknown value");
  }
  for (const auto& [names, field] :
       {std::pair{&q.namespaces, "namespaces"}, std::pair{&q.exclude_namespaces, "exclude_namespaces"}}) {
    for (const std::string& n : *names) {
      if (n.empty()) return Error::Invalid(std::string(field) + ": empty name");
    }
  }
  for (const std::string& w : q.exclude_workloads) {
    const auto slashes = std::count(w.begin(), w.end(), '/');
    if ((slashes != 1 && slashes != 2) || w.front() == '/' || w.back() == '/' || w.find("//") != w.npos) {
      return Error::Invalid("exclude_workloads: \"" + w + "\" is not namespace/name or namespace/Kind/name");
    }
  }
  return OkStatus();
}

Endpoint Project(const Endpoint& e, GroupBy g) {
  switch (g) {
    case GroupBy::kPod:
      return e;
    case GroupBy::kWorkload: {
      Endpoint out = e;
      out.pod.clear();
      return out;
    }
    case GroupBy::kService:
      if (!e.service_name.empty()) {
        Endpoint out;
        out.kind = EndpointKind::kService;
        out.namespace_ = e.service_namespace;
        out.service_namespace = e.service_namespace;
        out.service_name = e.service_name;
        return out;
      }
      return Project(e, GroupBy::kWorkload);
    case GroupBy::kNamespace: {
      Endpoint out;
      if (e.kind == EndpointKind::kWorkload || e.kind == EndpointKind::kService ||
          e.kind == EndpointKind::kNamespace) {
        out.kind = EndpointKind::kNamespace;
        out.namespace_ = e.kind == EndpointKind::kService ? e.service_namespace : e.namespace_;
      } else {
        out.kind = e.kind;
        out.name = e.name;
      }
      return out;
    }
  }
  return e;
}

namespace {

auto EndpointTie(const Endpoint& e) {
  return std::tie(e.kind, e.namespace_, e.workload_name, e.workload_kind, e.pod, e.service_namespace,
                  e.service_name, e.name);
}

}  // namespace

void SortByTraffic(std::vector<GraphEdge>& edges) {
  // Edges are large (two endpoints, counters): sort indices on precomputed
  // keys, then move each edge once.
  struct Key {
    std::uint64_t bytes;
    std::uint64_t requests;
    std::uint32_t index;
  };
  std::vector<Key> keys;
  keys.reserve(edges.size());
  for (std::size_t i = 0; i < edges.size(); ++i) {
    keys.push_back(
        Key{edges[i].counters.Bytes(), edges[i].counters.Requests(), static_cast<std::uint32_t>(i)});
  }
  std::sort(keys.begin(), keys.end(), [&edges](const Key& ka, const Key& kb) {
    if (ka.bytes != kb.bytes) return ka.bytes > kb.bytes;
    if (ka.requests != kb.requests) return ka.requests > kb.requests;
    const GraphEdge& a = edges[ka.index];
    const GraphEdge& b = edges[kb.index];
    if (auto c = EndpointTie(a.source) <=> EndpointTie(b.source); c != 0) return c < 0;
    if (auto c = EndpointTie(a.destination) <=> EndpointTie(b.destination); c != 0) return c < 0;
    return std::tie(a.port, a.l4, a.l7) < std::tie(b.port, b.l4, b.l7);
  });
  std::vector<GraphEdge> sorted;
  sorted.reserve(edges.size());
  for (const Key& k : keys) sorted.push_back(std::move(edges[k.index]));
  edges = std::move(sorted);
}

}  // namespace flows::flowd::graph
