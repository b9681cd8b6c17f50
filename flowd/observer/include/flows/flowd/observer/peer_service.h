// peer.Peer: how a relay learns which nodes exist. Notify announces every
// node of the PeerRoster (this node included, even before the roster knows
// it) with PEER_ADDED, then follows the roster: PEER_UPDATED when a node's
// address changes, PEER_DELETED when it leaves. With TLS, each node carries
// the server name its certificate holds (PeerTlsServerName), as Hubble does.
// The stream stays open until the client leaves (the relay treats a closed
// stream as "reconnect").
#pragma once

#include <atomic>
#include <map>

#include "flows/flowd/observer/observer_service.h"
#include "flows/flowd/observer/peer_roster.h"
#include "peer/peer.grpc.pb.h"

namespace flows::flowd {

class PeerService final : public peer::Peer::Service {
 public:
  // `roster` may be null (only this node is announced); it must outlive the service.
  explicit PeerService(NodeIdentity node, const PeerRoster* roster = nullptr)
      : node_(std::move(node)), roster_(roster) {}
  grpc::Status Notify(grpc::ServerContext* ctx, const peer::NotifyRequest* req,
                      grpc::ServerWriter<peer::ChangeNotification>* writer) override;
  void Shutdown() { shutdown_ = true; }

  // How often an idle stream checks for a client that left.
  static constexpr std::chrono::milliseconds kPoll{200};

 private:
  // The roster's nodes and this one, by name; `version` is the roster's.
  std::map<std::string, PeerNode> Current(std::uint64_t* version) const;
  peer::ChangeNotification Notification(const PeerNode& node, peer::ChangeNotificationType type) const;

  NodeIdentity node_;
  const PeerRoster* roster_;
  std::atomic<bool> shutdown_{false};
};

}  // namespace flows::flowd
