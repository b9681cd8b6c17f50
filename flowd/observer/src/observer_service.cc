#include "flows/flowd/observer/observer_service.h"

#include <google/protobuf/util/field_mask_util.h>

#include <thread>

#include "flows/api/filter/flow_filter_set.h"
#include "flows/flowd/store/flow_follower.h"

namespace flows::flowd {
namespace {

using google::protobuf::util::FieldMaskUtil;

constexpr std::size_t kFollowBatch = 256;

// Flows and lost-event notices go out through this, with the node's name
// and the flow's time on every response, as Hubble sends them.
class Sender {
 public:
  Sender(grpc::ServerWriter<observer::GetFlowsResponse>* w, const std::string& node,
         const google::protobuf::FieldMask* mask)
      : w_(w), node_(node), mask_(mask) {}

  bool Flow(const flow::Flow& f) {
    res_.Clear();
    res_.set_node_name(node_);
    *res_.mutable_time() = f.time();
    if (mask_) {
      *res_.mutable_flow() = f;
      FieldMaskUtil::TrimMessage(*mask_, res_.mutable_flow());
      return w_->Write(res_);
    }
    // Lend the stored flow to the response for the (synchronous) Write
    // instead of copying it once per client; take it back before returning.
    res_.unsafe_arena_set_allocated_flow(const_cast<flow::Flow*>(&f));
    const bool ok = w_->Write(res_);
    res_.unsafe_arena_release_flow();
    return ok;
  }

  bool Lost(std::uint64_t n) {
    res_.Clear();
    auto* lost = res_.mutable_lost_events();
    lost->set_source(flow::HUBBLE_RING_BUFFER);
    lost->set_num_events_lost(n);
    res_.set_node_name(node_);
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    res_.mutable_time()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    return w_->Write(res_);
  }

 private:
  grpc::ServerWriter<observer::GetFlowsResponse>* w_;
  const std::string& node_;
  const google::protobuf::FieldMask* mask_;
  observer::GetFlowsResponse res_;
};

bool After(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() > b.seconds() || (a.seconds() == b.seconds() && a.nanos() > b.nanos());
}

google::protobuf::Timestamp Now() {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  google::protobuf::Timestamp t;
  t.set_seconds(ns / 1'000'000'000);
  t.set_nanos(static_cast<int>(ns % 1'000'000'000));
  return t;
}

}  // namespace

ObserverService::ObserverService(FlowStore& store, const NamespaceTracker& namespaces, NodeIdentity node,
                                 std::function<void(std::uint64_t)> on_client_lost)
    : store_(store),
      namespaces_(namespaces),
      node_(std::move(node)),
      on_client_lost_(std::move(on_client_lost)) {}

grpc::Status ObserverService::GetFlows(grpc::ServerContext* ctx, const observer::GetFlowsRequest* req,
                                       grpc::ServerWriter<observer::GetFlowsResponse>* writer) {
  if (req->first() && req->follow())
    return {grpc::StatusCode::INVALID_ARGUMENT, "first and follow cannot be combined"};
  if (req->has_since() && req->has_until() && After(req->since(), req->until()))
    return {grpc::StatusCode::INVALID_ARGUMENT, "since is after until"};
  const google::protobuf::FieldMask* mask = nullptr;
  if (req->has_field_mask() && req->field_mask().paths_size() > 0) {
    for (const auto& path : req->field_mask().paths()) {
      if (!FieldMaskUtil::GetFieldDescriptors(flow::Flow::descriptor(), path, nullptr))
        return {grpc::StatusCode::INVALID_ARGUMENT, "field_mask: unknown flow field \"" + path + "\""};
    }
    mask = &req->field_mask();
  }
  auto filters = api::FlowFilterSet::Compile(req->whitelist(), req->blacklist());
  if (!filters) return {grpc::StatusCode::INVALID_ARGUMENT, filters.error().message};

  FlowQuery query;
  if (req->has_since()) query.since = req->since();
  if (req->has_until()) query.until = req->until();
  if (!filters->MatchesEverything()) {
    auto shared = std::make_shared<api::FlowFilterSet>(std::move(*filters));
    query.predicate = [shared](const flow::Flow& f) { return shared->Matches(f); };
  }

  Sender send(writer, node_.name, mask);
  // number = 0: every stored flow that matches (or none before following).
  const std::size_t n = req->number() > 0                    ? static_cast<std::size_t>(req->number())
                        : req->follow() && !req->has_since() ? 0
                                                             : FlowStore::kAll;
  std::uint64_t next_seq = store_.seen();
  if (n > 0) {
    QueryResult r = req->first() ? store_.First(n, query) : store_.Last(n, query);
    if (r.lost > 0 && !send.Lost(r.lost)) return grpc::Status::OK;
    for (const auto& s : r.flows)
      if (ctx->IsCancelled() || !send.Flow(*s.flow)) return grpc::Status::OK;
    next_seq = r.next_seq;
  }
  if (!req->follow()) return grpc::Status::OK;

  FlowFollower follower(store_, next_seq, std::move(query));
  while (!ctx->IsCancelled()) {
    if (req->has_until() && After(Now(), req->until())) break;
    FollowBatch b = follower.Next(kFollowBatch, kFollowPoll);
    if (b.ended) break;
    if (b.lost > 0) {
      // This client fell behind the ring: say how much it missed, go on.
      if (on_client_lost_) on_client_lost_(b.lost);
      if (!send.Lost(b.lost)) break;
    }
    bool ok = true;
    for (const auto& s : b.flows) {
      if (req->has_until() && After(s.flow->time(), req->until())) return grpc::Status::OK;
      if (!(ok = send.Flow(*s.flow))) break;
    }
    if (!ok) break;
    // A partial batch means we caught up: let flows accumulate instead of
    // being woken for every single one (ten followers woken per flow cost
    // the ingest path more than the flows themselves).
    if (b.flows.size() < kFollowBatch) std::this_thread::sleep_for(kFollowPace);
  }
  return grpc::Status::OK;
}

double ObserverService::FlowsRate() {
  // Flows per second over the last sampling period (at least one second).
  std::lock_guard lock(rate_mu_);
  const auto now = std::chrono::steady_clock::now();
  const auto seen = store_.seen();
  const double dt = std::chrono::duration<double>(now - rate_at_).count();
  if (dt >= 1.0) {
    rate_ = static_cast<double>(seen - rate_seen_) / dt;
    rate_at_ = now;
    rate_seen_ = seen;
  }
  return rate_;
}

grpc::Status ObserverService::ServerStatus(grpc::ServerContext*, const observer::ServerStatusRequest*,
                                           observer::ServerStatusResponse* res) {
  res->set_num_flows(store_.size());
  res->set_max_flows(store_.capacity());
  res->set_seen_flows(store_.seen());
  res->set_uptime_ns(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started_)
          .count()));
  // num_connected_nodes and num_unavailable_nodes are left unset, as a
  // Hubble agent leaves them: they count the nodes a relay is connected to,
  // and a node is connected to none (the relay fills them in).
  res->set_version(node_.version);
  res->set_flows_rate(FlowsRate());
  if (loss_source_) {
    for (const auto& [source, count] : loss_source_()) {
      auto* lost = res->add_flows_lost_events();
      lost->set_source(source);
      lost->set_count(count);
    }
  }
  return grpc::Status::OK;
}

grpc::Status ObserverService::GetNodes(grpc::ServerContext*, const observer::GetNodesRequest*,
                                       observer::GetNodesResponse* res) {
  auto* n = res->add_nodes();
  n->set_name(node_.name);
  n->set_version(node_.version);
  n->set_address(node_.address);
  n->set_state(relay::NODE_CONNECTED);
  n->mutable_tls()->set_enabled(node_.tls);
  n->mutable_tls()->set_server_name(node_.tls_server_name);
  n->set_uptime_ns(static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started_)
          .count()));
  n->set_num_flows(store_.size());
  n->set_max_flows(store_.capacity());
  n->set_seen_flows(store_.seen());
  return grpc::Status::OK;
}

grpc::Status ObserverService::GetNamespaces(grpc::ServerContext*, const observer::GetNamespacesRequest*,
                                            observer::GetNamespacesResponse* res) {
  for (const auto& ns : namespaces_.Recent(NamespaceTracker::Clock::now()))
    res->add_namespaces()->set_namespace_(ns);
  return grpc::Status::OK;
}

}  // namespace flows::flowd
