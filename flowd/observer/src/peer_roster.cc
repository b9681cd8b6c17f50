#include "flows/flowd/observer/peer_roster.h"

#include <algorithm>
#include <set>

namespace flows::flowd {

std::string PeerTlsServerName(std::string_view node_name, std::string_view cluster_name) {
  if (node_name.empty()) return "";
  auto label = [](std::string_view s) {
    std::string out(s);
    std::replace(out.begin(), out.end(), '.', '-');
    return out;
  };
  return label(node_name) + "." + label(cluster_name.empty() ? "default" : cluster_name) + ".flows-grpc";
}

void PeerRoster::ChangedLocked() {
  ++version_;
  cv_.notify_all();
}

void PeerRoster::Upsert(const std::string& origin, const PeerNode& node) {
  if (node.name.empty() || node.address.empty()) return;
  std::lock_guard lock(mu_);
  auto [it, inserted] = nodes_.try_emplace(node.name, Entry{origin, node});
  if (!inserted) {
    if (it->second.origin != origin || it->second.node == node) return;
    it->second.node = node;
  }
  ChangedLocked();
}

void PeerRoster::Remove(const std::string& origin, const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(name);
  if (it == nodes_.end() || it->second.origin != origin) return;
  nodes_.erase(it);
  ChangedLocked();
}

void PeerRoster::Replace(const std::string& origin, const std::vector<PeerNode>& nodes) {
  std::set<std::string> keep;
  for (const PeerNode& n : nodes) keep.insert(n.name);
  {
    std::lock_guard lock(mu_);
    const std::size_t dropped = std::erase_if(nodes_, [&](const auto& entry) {
      return entry.second.origin == origin && !keep.contains(entry.first);
    });
    if (dropped > 0) ChangedLocked();
  }
  for (const PeerNode& n : nodes) Upsert(origin, n);
}

std::vector<PeerNode> PeerRoster::Snapshot(std::uint64_t* version) const {
  std::lock_guard lock(mu_);
  std::vector<PeerNode> out;
  out.reserve(nodes_.size());
  for (const auto& [name, e] : nodes_) out.push_back(e.node);
  if (version) *version = version_;
  return out;
}

void PeerRoster::WaitForChange(std::uint64_t seen, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return version_ != seen; });
}

std::size_t PeerRoster::size() const {
  std::lock_guard lock(mu_);
  return nodes_.size();
}

}  // namespace flows::flowd
