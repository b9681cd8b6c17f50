// Which nodes a GetFlows call has a stream to, and from which connection
// epoch: a follow call opens a stream for a node that joined, reopens one
// for a node that came back (a new epoch, not a stale "ready"), and cancels
// the stream of a node that was removed. Keyed by the PeerManager's peer
// name; thread-safe (pumps report ends, the handler scans).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "flows/relay/peer_manager.h"

namespace flows::relay {

class NodeStreams {
 public:
  struct Ended {
    std::string display;   // the node's name as the client was told it
    bool removed = false;  // ended because the node was removed
  };

  void Started(const PeerView& peer);
  Ended End(const std::string& key);
  // True if `peer` (connected) should get a new stream.
  bool NeedsStream(const PeerView& peer) const;
  // Running streams of nodes not in `current`: marked removed, returned to
  // be cancelled.
  std::vector<std::string> Removed(const std::vector<PeerView>& current);

 private:
  struct Entry {
    std::uint64_t epoch = 0;
    bool running = false;
    bool removed = false;
    std::string display;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> nodes_;
};

}  // namespace flows::relay
