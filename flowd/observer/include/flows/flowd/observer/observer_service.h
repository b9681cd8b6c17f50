// observer.Observer over gRPC, as Hubble serves it: GetFlows (last/first N,
// since/until, follow, whitelist/blacklist, field mask), ServerStatus,
// GetNodes and GetNamespaces, answered from one node's FlowStore.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "flows/flowd/observer/namespace_tracker.h"
#include "flows/flowd/store/flow_store.h"
#include "observer/observer.grpc.pb.h"

namespace flows::flowd {

struct NodeIdentity {
  std::string name;
  std::string version;
  std::string address;  // where this node's API listens, as peers should dial it
  bool tls = false;
  std::string tls_server_name;
  std::string cluster_name;  // names peers' certificates (PeerTlsServerName)
};

class ObserverService final : public observer::Observer::Service {
 public:
  // on_client_lost(n): flows a slow GetFlows client missed (for metrics).
  ObserverService(FlowStore& store, const NamespaceTracker& namespaces, NodeIdentity node,
                  std::function<void(std::uint64_t)> on_client_lost = {});

  // Where ServerStatus finds the node's loss counters (source, total).
  using LossSource = std::function<std::vector<std::pair<std::string, std::uint64_t>>()>;
  void SetLossSource(LossSource source) { loss_source_ = std::move(source); }

  grpc::Status GetFlows(grpc::ServerContext* ctx, const observer::GetFlowsRequest* req,
                        grpc::ServerWriter<observer::GetFlowsResponse>* writer) override;
  grpc::Status ServerStatus(grpc::ServerContext* ctx, const observer::ServerStatusRequest* req,
                            observer::ServerStatusResponse* res) override;
  grpc::Status GetNodes(grpc::ServerContext* ctx, const observer::GetNodesRequest* req,
                        observer::GetNodesResponse* res) override;
  grpc::Status GetNamespaces(grpc::ServerContext* ctx, const observer::GetNamespacesRequest* req,
                             observer::GetNamespacesResponse* res) override;

  // Follow-mode poll interval: how often a waiting stream checks for
  // cancellation and the until bound.
  static constexpr std::chrono::milliseconds kFollowPoll{200};
  // After catching up, a follower waits this long before reading again:
  // the latency a follow client sees, traded for batching.
  static constexpr std::chrono::milliseconds kFollowPace{20};

 private:
  double FlowsRate();

  FlowStore& store_;
  const NamespaceTracker& namespaces_;
  NodeIdentity node_;
  std::function<void(std::uint64_t)> on_client_lost_;
  LossSource loss_source_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::mutex rate_mu_;
  std::chrono::steady_clock::time_point rate_at_ = started_;
  std::uint64_t rate_seen_ = 0;
  double rate_ = 0;
};

}  // namespace flows::flowd
