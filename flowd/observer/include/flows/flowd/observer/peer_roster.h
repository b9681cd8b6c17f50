// The nodes flowd's peer.Peer service announces: every node where flowd runs,
// learned from the Kubernetes API (the DaemonSet's pods) or the static
// endpoints file, so a relay pointed at any one flowd finds them all (as a
// Hubble agent announces every node its node manager knows).
//
// Each origin ("kubernetes", "static") manages its own nodes; a name another
// origin already announces is left to it. Thread-safe; Notify streams wait
// for changes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace flows::flowd {

struct PeerNode {
  std::string name;     // the node's name
  std::string address;  // host:port a relay dials
  bool operator==(const PeerNode&) const = default;
};

// The name in a node's certificate the relay verifies, as Hubble builds
// <node>.<cluster>.hubble-grpc.cilium.io: "<node>.<cluster>.flows-grpc",
// dots in either name replaced by '-' so every node's name is one label
// under the same domain (one wildcard certificate, *.<cluster>.flows-grpc,
// covers all). "" for an empty node name; cluster "" means "default".
std::string PeerTlsServerName(std::string_view node_name, std::string_view cluster_name);

class PeerRoster {
 public:
  void Upsert(const std::string& origin, const PeerNode& node);
  void Remove(const std::string& origin, const std::string& name);
  // The origin's nodes are exactly `nodes` from now on.
  void Replace(const std::string& origin, const std::vector<PeerNode>& nodes);

  // Sorted by name; `version` (if given) is the roster's version then.
  std::vector<PeerNode> Snapshot(std::uint64_t* version = nullptr) const;
  // Returns when the version differs from `seen` or after `timeout`.
  void WaitForChange(std::uint64_t seen, std::chrono::milliseconds timeout) const;
  std::size_t size() const;

 private:
  struct Entry {
    std::string origin;
    PeerNode node;
  };
  void ChangedLocked();

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, Entry> nodes_;
  std::uint64_t version_ = 0;
};

}  // namespace flows::flowd
