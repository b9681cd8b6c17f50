#include "flows/relay/node_streams.h"

#include <set>

namespace flows::relay {

void NodeStreams::Started(const PeerView& peer) {
  std::lock_guard lock(mu_);
  nodes_[peer.spec.name] = Entry{peer.epoch, true, false, peer.display()};
}

NodeStreams::Ended NodeStreams::End(const std::string& key) {
  std::lock_guard lock(mu_);
  Entry& e = nodes_[key];
  e.running = false;
  return Ended{e.display.empty() ? key : e.display, e.removed};
}

bool NodeStreams::NeedsStream(const PeerView& peer) const {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(peer.spec.name);
  if (it == nodes_.end()) return true;
  const Entry& e = it->second;
  return !e.running && (e.removed || e.epoch < peer.epoch);
}

std::vector<std::string> NodeStreams::Removed(const std::vector<PeerView>& current) {
  std::set<std::string> known;
  for (const auto& p : current) known.insert(p.spec.name);
  std::vector<std::string> out;
  std::lock_guard lock(mu_);
  for (auto& [key, e] : nodes_)
    if (!known.count(key) && e.running && !e.removed) {
      e.removed = true;
      out.push_back(key);
    }
  return out;
}

}  // namespace flows::relay
