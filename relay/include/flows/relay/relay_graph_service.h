// flows.graph.Graph for the whole cluster: GetGraph asks every connected
// node at once (one deadline), merges the answers with api/graph (edges by
// labels, port and protocols; counters summed, which counts nothing twice
// thanks to flowd's count-once rule), and names the nodes that did not
// answer in unavailable_nodes. Nodes are asked without min_requests (an edge
// may pass it only once merged) and with the window's end fixed to the
// relay's now, so every node answers for the same window.
#pragma once

#include <chrono>

#include "flows/relay/peer_manager.h"
#include "graph/graph.grpc.pb.h"

namespace flows::relay {

class RelayGraphService final : public ::flows::graph::Graph::Service {
 public:
  RelayGraphService(PeerManager& peers, std::chrono::milliseconds call_timeout)
      : peers_(peers), call_timeout_(call_timeout) {}

  grpc::Status GetGraph(grpc::ServerContext* ctx, const ::flows::graph::GetGraphRequest* request,
                        ::flows::graph::GetGraphResponse* response) override;

 private:
  PeerManager& peers_;
  const std::chrono::milliseconds call_timeout_;
};

}  // namespace flows::relay
