#include "flows/relay/peer_manager.h"

#include <cstdio>
#include <set>

#include "observer/observer.grpc.pb.h"

namespace flows::relay {

PeerManager::PeerManager(ChannelFactory dial, RelayMetrics* metrics, Options options)
    : dial_(std::move(dial)), metrics_(metrics), options_(options) {}

PeerManager::~PeerManager() {
  Stop();
}

void PeerManager::Upsert(const std::string& origin, const PeerSpec& spec) {
  if (spec.name.empty() || spec.address.empty()) return;
  std::lock_guard lock(mu_);
  auto it = peers_.find(spec.name);
  if (it != peers_.end()) {
    if (it->second.view.spec == spec) return;
    if (it->second.origin != origin) return;  // another origin's peer: first one wins
    it->second.view.spec = spec;
    it->second.view.channel = dial_(spec);
    it->second.view.node_name.clear();
    it->second.name_asked = false;
    it->second.view.state = ::relay::NODE_UNAVAILABLE;
    it->second.view.error = "address changed, reconnecting";
    if (metrics_) metrics_->PeerState(spec.name, false);
    PublishCountsLocked();
    return;
  }
  if (peers_.size() >= options_.max_peers) {
    std::fprintf(stderr, "flows-relay: ignoring peer %s (%s): already %zu peers\n", spec.name.c_str(),
                 spec.address.c_str(), peers_.size());
    return;
  }
  Peer p;
  p.origin = origin;
  p.view.spec = spec;
  p.view.channel = dial_(spec);
  p.view.error = "connecting";
  // Start connecting now rather than on the first request.
  p.view.channel->GetState(true);
  peers_.emplace(spec.name, std::move(p));
  if (metrics_) metrics_->PeerState(spec.name, false);
  PublishCountsLocked();
}

void PeerManager::RemoveLocked(std::map<std::string, Peer>::iterator it) {
  if (metrics_) metrics_->PeerRemoved(it->first);
  peers_.erase(it);
  PublishCountsLocked();
}

void PeerManager::Remove(const std::string& origin, const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = peers_.find(name);
  if (it != peers_.end() && it->second.origin == origin) RemoveLocked(it);
}

void PeerManager::Replace(const std::string& origin, const std::vector<PeerSpec>& peers) {
  std::set<std::string> keep;
  for (const auto& p : peers) keep.insert(p.name);
  {
    std::lock_guard lock(mu_);
    for (auto it = peers_.begin(); it != peers_.end();) {
      auto next = std::next(it);
      if (it->second.origin == origin && !keep.count(it->first)) RemoveLocked(it);
      it = next;
    }
  }
  for (const auto& p : peers) Upsert(origin, p);
}

void PeerManager::ReportFailure(const std::string& name, const std::string& error) {
  std::lock_guard lock(mu_);
  auto it = peers_.find(name);
  if (it == peers_.end()) return;
  it->second.failed_at = std::chrono::steady_clock::now();
  it->second.view.error = error;
  if (it->second.view.state == ::relay::NODE_CONNECTED) {
    it->second.view.state = ::relay::NODE_UNAVAILABLE;
    if (metrics_) metrics_->PeerState(name, false);
    PublishCountsLocked();
  }
}

std::vector<PeerView> PeerManager::Snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<PeerView> out;
  out.reserve(peers_.size());
  for (const auto& [name, p] : peers_) out.push_back(p.view);
  return out;
}

bool PeerManager::AnyConnected() const {
  std::lock_guard lock(mu_);
  for (const auto& [name, p] : peers_)
    if (p.view.state == ::relay::NODE_CONNECTED) return true;
  return false;
}

void PeerManager::PollOnce() {
  std::vector<std::pair<std::string, std::shared_ptr<grpc::Channel>>> unnamed;
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    bool changed = false;
    for (auto& [name, p] : peers_) {
      // true: an idle channel starts connecting (gRPC applies its backoff).
      const grpc_connectivity_state s = p.view.channel->GetState(true);
      auto& v = p.view;
      if (s == GRPC_CHANNEL_READY) {
        // Right after a stream failed the channel may not have noticed yet:
        // trust "ready" again only after two polls.
        if (v.state != ::relay::NODE_CONNECTED && now - p.failed_at >= 2 * options_.poll) {
          v.state = ::relay::NODE_CONNECTED;
          v.error.clear();
          ++v.epoch;
          changed = true;
          if (metrics_) metrics_->PeerState(name, true);
        }
      } else if (s == GRPC_CHANNEL_TRANSIENT_FAILURE || s == GRPC_CHANNEL_SHUTDOWN) {
        if (v.state == ::relay::NODE_CONNECTED || v.error.empty() || v.error == "connecting") {
          v.error = "connection failed, retrying with backoff";
        }
        if (v.state != ::relay::NODE_UNAVAILABLE) {
          v.state = ::relay::NODE_UNAVAILABLE;
          changed = true;
          if (metrics_) metrics_->PeerState(name, false);
        }
      }
      // IDLE / CONNECTING: keep the last verdict until the attempt resolves.
      if (v.state == ::relay::NODE_CONNECTED && v.node_name.empty() && !p.name_asked) {
        p.name_asked = true;
        unnamed.emplace_back(name, v.channel);
      }
    }
    if (changed) PublishCountsLocked();
  }
  if (!unnamed.empty()) LearnNames(unnamed);
}

void PeerManager::LearnNames(
    const std::vector<std::pair<std::string, std::shared_ptr<grpc::Channel>>>& peers) {
  for (const auto& [key, channel] : peers) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    observer::GetNodesResponse res;
    if (!observer::Observer::NewStub(channel)->GetNodes(&ctx, {}, &res).ok()) continue;
    // A flowd answers with itself alone; anything else (a relay behind a
    // relay, say) has no single name.
    if (res.nodes_size() != 1 || res.nodes(0).name().empty() || res.nodes(0).name().size() > 253) continue;
    std::lock_guard lock(mu_);
    auto it = peers_.find(key);
    if (it != peers_.end() && it->second.view.channel == channel)
      it->second.view.node_name = res.nodes(0).name();
  }
}

void PeerManager::PublishCountsLocked() {
  if (!metrics_) return;
  std::size_t connected = 0;
  for (const auto& [name, p] : peers_) connected += p.view.state == ::relay::NODE_CONNECTED;
  metrics_->PeerCounts(connected, peers_.size() - connected);
}

void PeerManager::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      PollOnce();
      lock.lock();
      stop_cv_.wait_for(lock, options_.poll, [this] { return stopping_; });
    }
  });
}

void PeerManager::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace flows::relay
