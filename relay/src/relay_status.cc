// ServerStatus, GetNodes and GetNamespaces of the relay: one call to every
// connected node at once (fan_out.h), answers merged.
#include <set>
#include <utility>

#include "flows/relay/fan_out.h"
#include "flows/relay/relay_service.h"

namespace flows::relay {

namespace {

std::vector<const PeerView*> Connected(const std::vector<PeerView>& peers) {
  std::vector<const PeerView*> out;
  for (const auto& p : peers)
    if (p.state == ::relay::NODE_CONNECTED) out.push_back(&p);
  return out;
}

std::vector<NodeAnswer<observer::ServerStatusResponse>> AskStatus(const std::vector<PeerView>& peers,
                                                                  std::chrono::milliseconds timeout) {
  const observer::ServerStatusRequest req;
  return FanOut<observer::ServerStatusResponse>(
      Connected(peers), timeout,
      [&](auto& stub, auto* ctx, auto* cq) { return stub.AsyncServerStatus(ctx, req, cq); });
}

}  // namespace

grpc::Status RelayService::ServerStatus(grpc::ServerContext*, const observer::ServerStatusRequest*,
                                        observer::ServerStatusResponse* res) {
  const auto peers = peers_.Snapshot();
  std::uint32_t connected = 0;
  std::set<std::string> unavailable;
  for (const auto& p : peers)
    if (p.state != ::relay::NODE_CONNECTED) unavailable.insert(p.display());
  for (const auto& a : AskStatus(peers, options_.call_timeout)) {
    if (!a.status.ok()) {
      unavailable.insert(a.peer->display());
      continue;
    }
    ++connected;
    res->set_num_flows(res->num_flows() + a.response.num_flows());
    res->set_max_flows(res->max_flows() + a.response.max_flows());
    res->set_seen_flows(res->seen_flows() + a.response.seen_flows());
    res->set_flows_rate(res->flows_rate() + a.response.flows_rate());
    // Every node's loss counters, named by node, so `flows status` through
    // the relay shows what each stage of each node lost.
    for (const auto& lost : a.response.flows_lost_events()) {
      auto* l = res->add_flows_lost_events();
      *l = lost;
      if (l->node_name().empty()) l->set_node_name(a.peer->display());
    }
  }
  // ... and the relay's own stages (peer losses are the nodes' own, above).
  if (metrics_) {
    for (auto [stage, source] : {std::pair{LostStage::kSortBuffer, "relay_sort_buffer"},
                                 std::pair{LostStage::kSlowClient, "relay_client"}}) {
      auto* l = res->add_flows_lost_events();
      l->set_source(source);
      l->set_count(static_cast<std::uint64_t>(metrics_->lost(stage)));
      l->set_node_name("flows-relay");
    }
  }
  res->mutable_num_connected_nodes()->set_value(connected);
  res->mutable_num_unavailable_nodes()->set_value(static_cast<std::uint32_t>(unavailable.size()));
  for (const auto& n : unavailable) res->add_unavailable_nodes(n);
  res->set_uptime_ns(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started_)
          .count()));
  res->set_version(options_.version);
  return grpc::Status::OK;
}

grpc::Status RelayService::GetNodes(grpc::ServerContext*, const observer::GetNodesRequest*,
                                    observer::GetNodesResponse* res) {
  const auto peers = peers_.Snapshot();
  std::map<std::string, const NodeAnswer<observer::ServerStatusResponse>*> by_name;
  const auto answers = AskStatus(peers, options_.call_timeout);
  for (const auto& a : answers) by_name[a.peer->spec.name] = &a;
  for (const auto& p : peers) {
    auto* n = res->add_nodes();
    n->set_name(p.display());
    n->set_address(p.spec.address);
    n->mutable_tls()->set_enabled(options_.peer_tls);
    if (options_.peer_tls)
      n->mutable_tls()->set_server_name(p.spec.tls_server_name.empty() ? options_.peer_tls_server_name
                                                                       : p.spec.tls_server_name);
    auto it = by_name.find(p.spec.name);
    if (it == by_name.end()) {
      n->set_state(p.state == ::relay::NODE_CONNECTED ? ::relay::NODE_UNAVAILABLE : p.state);
      continue;
    }
    const auto& a = *it->second;
    if (!a.status.ok()) {
      // Connected, but the node did not answer: an error of that node.
      n->set_state(a.status.error_code() == grpc::StatusCode::UNAVAILABLE ? ::relay::NODE_UNAVAILABLE
                                                                          : ::relay::NODE_ERROR);
      continue;
    }
    n->set_state(::relay::NODE_CONNECTED);
    n->set_version(a.response.version());
    n->set_uptime_ns(a.response.uptime_ns());
    n->set_num_flows(a.response.num_flows());
    n->set_max_flows(a.response.max_flows());
    n->set_seen_flows(a.response.seen_flows());
  }
  return grpc::Status::OK;
}

grpc::Status RelayService::GetNamespaces(grpc::ServerContext*, const observer::GetNamespacesRequest*,
                                         observer::GetNamespacesResponse* res) {
  const auto peers = peers_.Snapshot();
  const observer::GetNamespacesRequest req;
  const auto answers = FanOut<observer::GetNamespacesResponse>(
      Connected(peers), options_.call_timeout,
      [&](auto& stub, auto* ctx, auto* cq) { return stub.AsyncGetNamespaces(ctx, req, cq); });
  std::set<std::pair<std::string, std::string>> all;  // (cluster, namespace): deduplicated and sorted
  for (const auto& a : answers)
    if (a.status.ok())
      for (const auto& ns : a.response.namespaces()) all.emplace(ns.cluster(), ns.namespace_());
  for (const auto& [cluster, ns] : all) {
    auto* n = res->add_namespaces();
    n->set_cluster(cluster);
    n->set_namespace_(ns);
  }
  return grpc::Status::OK;
}

}  // namespace flows::relay
