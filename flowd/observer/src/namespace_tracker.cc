#include "flows/flowd/observer/namespace_tracker.h"

#include <algorithm>

namespace flows::flowd {

void NamespaceTracker::Observe(const flow::Flow& flow, Clock::time_point now) {
  if (now != recorded_at_) {
    recorded_at_ = now;
    recorded_[0].clear();
    recorded_[1].clear();
  }
  for (const std::string* ns : {&flow.source().namespace_(), &flow.destination().namespace_()}) {
    if (ns->empty() || *ns == recorded_[0] || *ns == recorded_[1]) continue;
    {
      std::lock_guard lock(mu_);
      auto it = last_seen_.find(*ns);
      if (it == last_seen_.end())
        last_seen_.emplace(*ns, now);
      else
        it->second = now;
    }
    recorded_[1] = std::move(recorded_[0]);
    recorded_[0] = *ns;
  }
}

std::vector<std::string> NamespaceTracker::Recent(Clock::time_point now) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& [ns, seen] : last_seen_)
    if (now - seen <= window_) out.push_back(ns);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace flows::flowd
