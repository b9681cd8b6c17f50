// Where peers come from besides --peer: a DNS name resolving to many
// addresses (a headless Service: one A/AAAA record per node), re-resolved
// periodically; and the peer.Peer Notify stream of a flowd (or of anything
// speaking Hubble's peer API), which announces nodes as they come and go.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "flows/common/backoff.h"
#include "flows/relay/peer_manager.h"
#include "peer/peer.grpc.pb.h"

namespace flows::relay {

// Resolves `name:port` to "ip:port" peers (named by address: DNS says
// nothing about node names). A failed lookup keeps the last answer: a DNS
// hiccup must not disconnect every node.
class DnsPeerSource {
 public:
  DnsPeerSource(PeerManager& peers, std::string name_port, std::chrono::milliseconds interval);
  ~DnsPeerSource();
  void Start();
  void Stop();
  // One lookup, applied to the PeerManager. Returns the error, if any.
  std::string ResolveOnce();

 private:
  PeerManager& peers_;
  const std::string name_port_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// Follows one peer.Peer Notify stream; reconnects with backoff when it ends.
// Addresses without a port get `default_port` (Hubble announces bare IPs).
class NotifyPeerSource {
 public:
  NotifyPeerSource(PeerManager& peers, ChannelFactory dial, std::string address, unsigned default_port,
                   Backoff backoff);
  ~NotifyPeerSource();
  void Start();
  void Stop();

  // Applies one notification (exposed for tests). False if it was refused.
  bool Apply(const peer::ChangeNotification& n);

 private:
  void Run();

  PeerManager& peers_;
  const ChannelFactory dial_;
  const std::string address_;
  const std::string origin_;
  const unsigned default_port_;
  Backoff backoff_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  grpc::ClientContext* ctx_ = nullptr;  // the stream in progress, to cancel it
  std::thread thread_;
};

}  // namespace flows::relay
