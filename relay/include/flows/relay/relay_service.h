// observer.Observer for the whole cluster: every call fans out to the nodes
// the PeerManager knows and merges their answers, as Hubble Relay does.
//   GetFlows       NodeStatusEvents first (connected / unavailable nodes),
//                  then every node's stream merged in time order; number=N
//                  is N per node; follow picks up nodes that join later and
//                  nodes that come back.
//   ServerStatus   sums over nodes, lists unavailable ones.
//   GetNodes       each node's state, address, TLS, version and counts.
//   GetNamespaces  the union, sorted.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "flows/relay/flow_merger.h"
#include "flows/relay/peer_manager.h"
#include "flows/relay/relay_metrics.h"
#include "observer/observer.grpc.pb.h"

namespace flows::relay {

struct RelayOptions {
  MergeOptions merge;
  std::size_t buffer_capacity = 16384;           // per GetFlows call, see FlowMerger
  std::chrono::milliseconds call_timeout{5000};  // unary calls to nodes
  std::chrono::milliseconds follow_rescan{250};  // follow: how often to look for new nodes
  std::string version;
  bool peer_tls = false;             // reported in GetNodes
  std::string peer_tls_server_name;  // default when a peer has none of its own
};

// How the relay opens one node's GetFlows stream (tests substitute it).
using OpenStream = std::function<std::unique_ptr<FlowStream>(const PeerView& peer,
                                                             const observer::GetFlowsRequest& request)>;

class RelayService final : public observer::Observer::Service {
 public:
  RelayService(PeerManager& peers, RelayOptions options, RelayMetrics* metrics, OpenStream open = {});

  grpc::Status GetFlows(grpc::ServerContext* ctx, const observer::GetFlowsRequest* req,
                        grpc::ServerWriter<observer::GetFlowsResponse>* writer) override;
  grpc::Status ServerStatus(grpc::ServerContext* ctx, const observer::ServerStatusRequest* req,
                            observer::ServerStatusResponse* res) override;
  grpc::Status GetNodes(grpc::ServerContext* ctx, const observer::GetNodesRequest* req,
                        observer::GetNodesResponse* res) override;
  grpc::Status GetNamespaces(grpc::ServerContext* ctx, const observer::GetNamespacesRequest* req,
                             observer::GetNamespacesResponse* res) override;

 private:
  PeerManager& peers_;
  const RelayOptions options_;
  RelayMetrics* const metrics_;
  const OpenStream open_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// Checks what the relay can check before asking any node: flag combinations,
// the field mask, and the filters (compiled with api::FlowFilterSet, so
// the error names the field). OK or INVALID_ARGUMENT.
grpc::Status CheckGetFlowsRequest(const observer::GetFlowsRequest& req);

// A NodeStatusEvent response.
observer::GetFlowsResponse NodeStatus(::relay::NodeState state, const std::vector<std::string>& nodes,
                                      const std::string& message = {});

}  // namespace flows::relay
