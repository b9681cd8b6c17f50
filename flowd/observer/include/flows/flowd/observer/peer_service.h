// peer.Peer: how a relay learns which nodes exist. A flowd knows only
// itself, so Notify sends one PEER_ADDED for this node and then holds the
// stream open until the client leaves (the relay treats a closed stream as
// "reconnect").
#pragma once

#include "flows/flowd/observer/observer_service.h"
#include "peer/peer.grpc.pb.h"

namespace flows::flowd {

class PeerService final : public peer::Peer::Service {
 public:
  explicit PeerService(NodeIdentity node) : node_(std::move(node)) {}
  grpc::Status Notify(grpc::ServerContext* ctx, const peer::NotifyRequest* req,
                      grpc::ServerWriter<peer::ChangeNotification>* writer) override;
  void Shutdown() { shutdown_ = true; }

 private:
  NodeIdentity node_;
  std::atomic<bool> shutdown_{false};
};

}  // namespace flows::flowd
