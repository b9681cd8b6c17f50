#include "flows/flowd/namespace_tracker.h"

#include <algorithm>

namespace flows::flowd {

void NamespaceTracker::Observe(const flow::Flow& flow, Clock::time_point now) {
  std::lock_guard lock(mu_);
  for (const std::string* ns : {&flow.source().namespace_(), &flow.destination().namespace_()}) {
    if (ns->empty()) continue;
    auto it = last_seen_.find(*ns);
    if (it == last_seen_.end()) last_seen_.emplace(*ns, now);
    else it->second = now;
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
