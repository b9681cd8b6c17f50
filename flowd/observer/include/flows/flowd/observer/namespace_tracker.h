// Namespaces that had flows recently (GetNamespaces answers "the last
// hour"). Updated on the ingest path, by one thread: a namespace already
// recorded at the same `now` (the ingest path passes one per batch) is
// skipped without taking the lock.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "flow/flow.pb.h"

namespace flows::flowd {

class NamespaceTracker {
 public:
  using Clock = std::chrono::steady_clock;
  explicit NamespaceTracker(std::chrono::seconds window = std::chrono::hours(1)) : window_(window) {}

  void Observe(const flow::Flow& flow, Clock::time_point now);
  std::vector<std::string> Recent(Clock::time_point now) const;  // sorted

 private:
  std::chrono::seconds window_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Clock::time_point> last_seen_;
  // The Observe thread's own: namespaces recorded at `recorded_at_`.
  Clock::time_point recorded_at_{};
  std::string recorded_[2];
};

}  // namespace flows::flowd
