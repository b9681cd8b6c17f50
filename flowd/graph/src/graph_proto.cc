#include "flows/flowd/graph/graph_proto.h"

#include <string>

#include "flows/api/graph/graph_merge.h"

namespace flows::flowd::graph {
namespace {

namespace pb = ::flows::graph;

Result<TimeNs> FromTimestamp(const google::protobuf::Timestamp& t, std::string_view field) {
  // Past year 2262 nanoseconds overflow int64; before 1970 is no traffic.
  constexpr std::int64_t kMaxSeconds = std::int64_t{9'000'000'000};
  if (t.seconds() < 0 || t.seconds() > kMaxSeconds || t.nanos() < 0 || t.nanos() >= 1'000'000'000) {
    return Error::Invalid(std::string(field) + ": out of range");
  }
  return t.seconds() * kSecondNs + t.nanos();
}

void ToTimestamp(TimeNs ns, google::protobuf::Timestamp* out) {
  out->set_seconds(ns / kSecondNs);
  out->set_nanos(static_cast<std::int32_t>(ns % kSecondNs));
}

pb::Endpoint::Kind KindToProto(EndpointKind k) {
  switch (k) {
    case EndpointKind::kWorkload:
      return pb::Endpoint::WORKLOAD;
    case EndpointKind::kHost:
      return pb::Endpoint::HOST;
    case EndpointKind::kRemoteNode:
      return pb::Endpoint::REMOTE_NODE;
    case EndpointKind::kWorld:
      return pb::Endpoint::WORLD;
    case EndpointKind::kService:
      return pb::Endpoint::SERVICE;
    case EndpointKind::kNamespace:
      return pb::Endpoint::NAMESPACE;
  }
  return pb::Endpoint::WORLD;
}

}  // namespace

Result<Query> QueryFromProto(const pb::GetGraphRequest& request, TimeNs now) {
  Query q;
  TimeNs until = now;
  if (request.has_until()) {
    auto t = FromTimestamp(request.until(), "until");
    if (!t) return t.error();
    until = *t;
  }
  TimeNs since = until > kHourNs ? until - kHourNs : 0;
  if (request.has_since()) {
    auto t = FromTimestamp(request.since(), "since");
    if (!t) return t.error();
    since = *t;
  }
  q.since = since;
  q.until = until;
  q.namespaces.assign(request.namespaces().begin(), request.namespaces().end());
  q.exclude_namespaces.assign(request.exclude_namespaces().begin(), request.exclude_namespaces().end());
  q.exclude_workloads.assign(request.exclude_workloads().begin(), request.exclude_workloads().end());
  switch (request.group_by()) {
    case pb::GROUP_BY_WORKLOAD:
      q.group_by = GroupBy::kWorkload;
      break;
    case pb::GROUP_BY_POD:
      q.group_by = GroupBy::kPod;
      break;
    case pb::GROUP_BY_NAMESPACE:
      q.group_by = GroupBy::kNamespace;
      break;
    case pb::GROUP_BY_SERVICE:
      q.group_by = GroupBy::kService;
      break;
    default:
      return Error::Invalid("group_by: unknown value " + std::to_string(request.group_by()));
  }
  q.min_requests = request.min_requests();
  if (Status valid = ValidateQuery(q); !valid) return valid.error();
  return q;
}

void EndpointToProto(const Endpoint& e, pb::Endpoint* out) {
  out->set_kind(KindToProto(e.kind));
  out->set_namespace_(e.namespace_);
  out->set_workload_kind(e.workload_kind);
  out->set_workload_name(e.workload_name);
  out->set_pod(e.pod);
  out->set_service_namespace(e.service_namespace);
  out->set_service_name(e.service_name);
  out->set_name(e.name);
  out->set_label(e.Label());
}

pb::GetGraphResponse GraphToProto(const Graph& graph, std::string_view node) {
  pb::GetGraphResponse out;
  ToTimestamp(graph.since, out.mutable_since());
  ToTimestamp(graph.until, out.mutable_until());
  out.set_group_by(static_cast<pb::GroupBy>(graph.group_by));
  out.add_nodes(std::string(node));
  out.mutable_edges()->Reserve(static_cast<int>(graph.edges.size()));
  for (const GraphEdge& g : graph.edges) {
    pb::Edge* e = out.add_edges();
    EndpointToProto(g.source, e->mutable_source());
    EndpointToProto(g.destination, e->mutable_destination());
    e->set_port(g.port);
    e->set_l4_protocol(std::string(L4ProtoName(g.l4)));
    e->set_l7_protocol(std::string(L7ProtoName(g.l7)));
    const EdgeCounters& c = g.counters;
    e->set_connections(c.connections);
    e->set_packets_to_server(c.packets_to_server);
    e->set_packets_to_client(c.packets_to_client);
    e->set_bytes_to_server(c.bytes_to_server);
    e->set_bytes_to_client(c.bytes_to_client);
    e->set_refused(c.refused);
    e->set_resets(c.resets);
    e->set_drops(c.drops);
    for (const auto& cell : c.http.cells()) {
      auto* h = e->add_http();
      h->set_method(std::string(HttpMethodName(EdgeCounters::HttpKeyMethod(cell.key))));
      h->set_status_class(static_cast<std::uint32_t>(EdgeCounters::HttpKeyClass(cell.key)));
      h->set_count(cell.count);
    }
    for (const auto& cell : c.dns.cells()) {
      auto* d = e->add_dns();
      d->set_rcode(cell.key);
      d->set_count(cell.count);
    }
    for (const auto& cell : c.latency.cells().cells()) {
      auto* l = e->add_latency();
      l->set_index(cell.key);
      l->set_count(cell.count);
    }
    if (g.first_seen > 0) ToTimestamp(g.first_seen, e->mutable_first_seen());
    if (g.last_seen > 0) ToTimestamp(g.last_seen, e->mutable_last_seen());
    for (const std::string& n : g.nodes) e->add_nodes(n);
    api::graph::DeriveFields(*e);
  }
  // The graph's order already (SortByTraffic); the API's tie-break is by
  // labels, which is what SortEdges does.
  api::graph::SortEdges(*out.mutable_edges());
  return out;
}

}  // namespace flows::flowd::graph
