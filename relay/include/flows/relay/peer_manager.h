// The nodes the relay knows and its connection to each. Peers are added and
// removed at run time by their origins (static flags, a DNS name, a
// peer.Peer Notify stream); each origin only touches the peers it added.
//
// Each peer has one gRPC channel. gRPC reconnects a broken channel by itself
// with exponential backoff (bounds set by the ChannelFactory's channel
// args); a thread polls every channel's state to keep NODE_CONNECTED /
// NODE_UNAVAILABLE current, and streams that fail report at once.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "flows/relay/relay_metrics.h"
#include "relay/relay.pb.h"

namespace flows::relay {

struct PeerSpec {
  std::string name;             // node name, unique among peers
  std::string address;          // host:port to dial
  std::string tls_server_name;  // expected in the node's certificate; empty: the dialer's default
  bool operator==(const PeerSpec&) const = default;
};

struct PeerView {
  PeerSpec spec;
  ::relay::NodeState state = ::relay::NODE_UNAVAILABLE;
  // Grows every time the peer becomes connected: a follow stream restarts a
  // node's stream once per reconnection, not once per poll.
  std::uint64_t epoch = 0;
  std::shared_ptr<grpc::Channel> channel;
  std::string error;  // why it is unavailable, when known
  // The name the node gives itself (GetNodes), asked once connected: static
  // and DNS peers are known only by address, but users know nodes by name.
  std::string node_name;
  const std::string& display() const { return node_name.empty() ? spec.name : node_name; }
};

using ChannelFactory = std::function<std::shared_ptr<grpc::Channel>(const PeerSpec&)>;

class PeerManager {
 public:
  struct Options {
    std::chrono::milliseconds poll{250};
    // Peers are named by untrusted notifications: bound how many (and with
    // them the metric series).
    std::size_t max_peers = 4096;
  };

  PeerManager(ChannelFactory dial, RelayMetrics* metrics, Options options);
  ~PeerManager();

  // Adds the peer, or re-dials it if its address or TLS name changed.
  void Upsert(const std::string& origin, const PeerSpec& peer);
  void Remove(const std::string& origin, const std::string& name);
  // The origin's peers are exactly `peers` from now on.
  void Replace(const std::string& origin, const std::vector<PeerSpec>& peers);
  // A stream to the node failed: unavailable until the channel is seen
  // ready again.
  void ReportFailure(const std::string& name, const std::string& error);

  std::vector<PeerView> Snapshot() const;  // sorted by name
  bool AnyConnected() const;

  void Start();  // the polling thread
  void Stop();
  void PollOnce();

 private:
  // Asks newly connected nodes their names (outside the lock: a network call).
  void LearnNames(const std::vector<std::pair<std::string, std::shared_ptr<grpc::Channel>>>& peers);
  struct Peer {
    PeerView view;
    std::string origin;
    std::chrono::steady_clock::time_point failed_at{};
    bool name_asked = false;
  };
  void RemoveLocked(std::map<std::string, Peer>::iterator it);
  void PublishCountsLocked();

  const ChannelFactory dial_;
  RelayMetrics* const metrics_;
  const Options options_;
  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  std::map<std::string, Peer> peers_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace flows::relay
