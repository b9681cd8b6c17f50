// Exponential backoff with jitter for the relay's own reconnect loops (the
// peer.Peer Notify stream); gRPC channels have their own.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace flows::relay {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
      : initial_(std::max(initial, std::chrono::milliseconds(1))),
        max_(std::max(max, initial_)),
        next_(initial_) {}

  // The wait before the next attempt: doubles each time up to max, with
  // +-20% jitter so that many relays do not retry in step.
  std::chrono::milliseconds Next() {
    const auto base = next_;
    next_ = std::min(next_ * 2, max_);
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    return std::chrono::milliseconds(static_cast<long>(static_cast<double>(base.count()) * jitter(rng_)));
  }
  void Reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_, max_, next_;
  std::minstd_rand rng_{std::random_device{}()};
};

}  // namespace flows::relay
