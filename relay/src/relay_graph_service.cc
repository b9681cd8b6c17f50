#include "flows/relay/relay_graph_service.h"

#include <set>
#include <vector>

#include "flows/api/graph/graph_merge.h"
#include "flows/relay/fan_out.h"

namespace flows::relay {

namespace pb = ::flows::graph;

grpc::Status RelayGraphService::GetGraph(grpc::ServerContext* /*ctx*/, const pb::GetGraphRequest* request,
                                         pb::GetGraphResponse* response) {
  // What the relay can check without a node (the nodes check the rest and
  // name the field).
  if (!pb::GroupBy_IsValid(request->group_by())) {
    return {grpc::StatusCode::INVALID_ARGUMENT,
            "group_by: unknown value " + std::to_string(request->group_by())};
  }
  pb::GetGraphRequest ask = *request;
  ask.set_min_requests(0);
  if (!ask.has_until()) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    ask.mutable_until()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    ask.mutable_until()->set_nanos(static_cast<std::int32_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() % 1'000'000'000));
  }

  const std::vector<PeerView> peers = peers_.Snapshot();
  std::vector<const PeerView*> connected;
  std::set<std::string> unavailable;
  for (const auto& p : peers) {
    if (p.state == ::relay::NODE_CONNECTED) {
      connected.push_back(&p);
    } else {
      unavailable.insert(p.display());
    }
  }
  auto answers = FanOut<pb::GetGraphResponse, pb::Graph>(
      connected, call_timeout_,
      [&](auto& stub, auto* ctx, auto* cq) { return stub.AsyncGetGraph(ctx, ask, cq); });

  std::vector<pb::GetGraphResponse> parts;
  parts.reserve(answers.size());
  for (auto& a : answers) {
    if (a.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      // The request is wrong for every node alike: say so, as a node would.
      return a.status;
    }
    if (!a.status.ok()) {
      unavailable.insert(a.peer->display());
      continue;
    }
    // A node names itself; a node answering with nothing is still listed.
    if (a.response.nodes().empty()) a.response.add_nodes(a.peer->display());
    parts.push_back(std::move(a.response));
  }
  *response = api::graph::MergeGraphs(parts, {.min_requests = request->min_requests()});
  if (parts.empty()) {
    *response->mutable_until() = ask.until();
    if (request->has_since()) *response->mutable_since() = request->since();
    response->set_group_by(request->group_by());
  }
  for (const auto& n : unavailable) response->add_unavailable_nodes(n);
  return grpc::Status::OK;
}

}  // namespace flows::relay
