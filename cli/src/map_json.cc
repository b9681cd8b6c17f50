// `flows map -o json`: Cytoscape.js elements JSON.
//
//   {"flows": {window, group_by, nodes, unavailable_nodes},
//    "elements": {"nodes": [{"data": {...}}], "edges": [{"data": {...}}]}}
//
// An endpoint is a node whose id is its label; each namespace is a compound
// node ("cluster:<namespace>") its endpoints name as `parent`. The
// Service a workload was reached through is on the edge (target_service):
// the same workload may also be called directly. Edge data
// carry every counter of the proto edge, so `flows map diff` (and later
// `flows policy generate`) read the file back without loss; error_rate and
// *_ms are for people and charts, and are recomputed when read. Output is
// ASCII only (\uXXXX beyond), so it is also safe on a terminal.
#include "map_json.h"

#include <google/protobuf/util/time_util.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "flows/cli/map_format.h"
#include "map_text.h"

namespace flows::cli {
namespace {

using Json = nlohmann::ordered_json;

Json Time(const google::protobuf::Timestamp& t) {
  if ((t.seconds() == 0 && t.nanos() == 0) || !ValidTimestamp(t)) return nullptr;
  return google::protobuf::util::TimeUtil::ToString(t);
}

double Millis(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

Json StringList(const google::protobuf::RepeatedPtrField<std::string>& list) {
  Json out = Json::array();
  for (const auto& s : list) out.push_back(s);
  return out;
}

Json NodeData(const std::string& id, const MapNode& n, const std::string& parent) {
  const graph::Endpoint& e = *n.endpoint;
  Json d = Json::object();
  d["id"] = id;
  d["label"] = n.label;
  d["namespace"] = e.namespace_();
  d["kind"] = EndpointKindName(e.kind());
  if (!parent.empty()) d["parent"] = parent;
  d["workload_kind"] = e.workload_kind();
  d["workload_name"] = e.workload_name();
  d["pod"] = e.pod();
  // The Service a workload was reached through belongs to the edge (see
  // EdgeData); only a Service node is identified by it.
  if (e.kind() == graph::Endpoint::SERVICE) {
    d["service_namespace"] = e.service_namespace();
    d["service_name"] = e.service_name();
  }
  d["name"] = e.name();
  return d;
}

// The Service an end was reached through, or null.
Json Service(const graph::Endpoint& e) {
  if (e.kind() == graph::Endpoint::SERVICE || (e.service_namespace().empty() && e.service_name().empty())) {
    return nullptr;
  }
  return {{"namespace", e.service_namespace()}, {"name", e.service_name()}};
}

Json EdgeData(const std::string& id, const graph::Edge& e) {
  Json d = Json::object();
  d["id"] = id;
  d["source"] = EndpointLabel(e.source());
  d["target"] = EndpointLabel(e.destination());
  d["source_service"] = Service(e.source());
  d["target_service"] = Service(e.destination());
  d["port"] = e.port();
  d["protocol"] = e.l4_protocol();
  d["l7"] = e.l7_protocol();
  d["requests"] = e.requests();
  d["errors"] = e.errors();
  d["error_rate"] = ErrorRate(e.errors(), e.requests());
  d["p50_ms"] = Millis(e.latency_p50_ns());
  d["p95_ms"] = Millis(e.latency_p95_ns());
  d["p99_ms"] = Millis(e.latency_p99_ns());
  d["bytes"] = EdgeBytes(e);
  d["first_seen"] = Time(e.first_seen());
  d["last_seen"] = Time(e.last_seen());
  d["nodes"] = StringList(e.nodes());
  d["connections"] = e.connections();
  d["packets_to_server"] = e.packets_to_server();
  d["packets_to_client"] = e.packets_to_client();
  d["bytes_to_server"] = e.bytes_to_server();
  d["bytes_to_client"] = e.bytes_to_client();
  d["refused"] = e.refused();
  d["resets"] = e.resets();
  d["drops"] = e.drops();
  d["latency_p50_ns"] = e.latency_p50_ns();
  d["latency_p95_ns"] = e.latency_p95_ns();
  d["latency_p99_ns"] = e.latency_p99_ns();
  Json http = Json::array();
  for (const auto& h : e.http()) {
    http.push_back({{"method", h.method()}, {"status_class", h.status_class()}, {"count", h.count()}});
  }
  d["http"] = std::move(http);
  Json dns = Json::array();
  for (const auto& q : e.dns()) dns.push_back({{"rcode", q.rcode()}, {"count", q.count()}});
  d["dns"] = std::move(dns);
  Json latency = Json::array();
  for (const auto& b : e.latency()) latency.push_back({{"index", b.index()}, {"count", b.count()}});
  d["latency"] = std::move(latency);
  return d;
}

// `base`, or `base#2`, `base#3`, ... when taken: Cytoscape refuses
// repeated ids, and a server may send anything.
std::string Unique(std::string base, std::set<std::string>& taken) {
  if (taken.insert(base).second) return base;
  for (int i = 2;; ++i) {
    std::string id = base + "#" + std::to_string(i);
    if (taken.insert(id).second) return id;
  }
}

}  // namespace

std::string FormatMapJson(const graph::GetGraphResponse& graph) {
  const auto nodes = MapNodes(graph);
  std::set<std::string> taken;
  for (const auto& n : nodes) taken.insert(n.label);

  Json elements_nodes = Json::array();
  std::map<std::string, std::string> parent_of_namespace;
  for (const std::string& ns : MapNamespaces(nodes)) {
    const std::string id = Unique("cluster:" + ns, taken);
    parent_of_namespace[ns] = id;
    Json d = Json::object();
    d["id"] = id;
    d["label"] = ns;
    d["namespace"] = ns;
    d["kind"] = "namespace";
    d["compound"] = true;
    elements_nodes.push_back({{"data", std::move(d)}});
  }
  for (const auto& n : nodes) {
    const std::string parent = n.ns.empty() ? "" : parent_of_namespace[n.ns];
    elements_nodes.push_back({{"data", NodeData(n.label, n, parent)}});
  }

  Json elements_edges = Json::array();
  for (const graph::Edge* e : EdgesByTraffic(graph)) {
    std::string base =
        EndpointLabel(e->source()) + " -> " + EndpointLabel(e->destination()) + " " + PortProto(*e);
    if (!e->l7_protocol().empty()) base += " " + e->l7_protocol();
    elements_edges.push_back({{"data", EdgeData(Unique(std::move(base), taken), *e)}});
  }

  Json meta = Json::object();
  meta["since"] = Time(graph.since());
  meta["until"] = Time(graph.until());
  meta["group_by"] = GroupByName(graph.group_by());
  meta["nodes"] = StringList(graph.nodes());
  meta["unavailable_nodes"] = StringList(graph.unavailable_nodes());

  Json root = Json::object();
  root["flows"] = std::move(meta);
  root["elements"] = {{"nodes", std::move(elements_nodes)}, {"edges", std::move(elements_edges)}};
  // ensure_ascii: no raw byte of a label reaches the terminal; `replace`:
  // invalid UTF-8 from the server becomes U+FFFD instead of an exception.
  return root.dump(2, ' ', /*ensure_ascii=*/true, Json::error_handler_t::replace) + "\n";
}

std::string_view GroupByName(graph::GroupBy g) {
  switch (g) {
    case graph::GROUP_BY_POD:
      return "pod";
    case graph::GROUP_BY_NAMESPACE:
      return "namespace";
    case graph::GROUP_BY_SERVICE:
      return "service";
    default:
      return "workload";
  }
}

std::optional<graph::GroupBy> GroupByFromName(std::string_view name) {
  for (const auto g :
       {graph::GROUP_BY_WORKLOAD, graph::GROUP_BY_POD, graph::GROUP_BY_NAMESPACE, graph::GROUP_BY_SERVICE}) {
    if (GroupByName(g) == name) return g;
  }
  return std::nullopt;
}

std::optional<graph::Endpoint::Kind> KindFromName(std::string_view name) {
  for (const auto k : {graph::Endpoint::WORKLOAD, graph::Endpoint::HOST, graph::Endpoint::REMOTE_NODE,
                       graph::Endpoint::WORLD, graph::Endpoint::SERVICE, graph::Endpoint::NAMESPACE}) {
    if (EndpointKindName(k) == name) return k;
  }
  return std::nullopt;
}

bool ValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= google::protobuf::util::TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= google::protobuf::util::TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
         t.nanos() <= 999'999'999;
}

}  // namespace flows::cli
