// Waiting between retries: exponential backoff with jitter (so a DaemonSet's
// many flowds do not reconnect to a restarted API server in lockstep), and
// the sleep itself behind an interface so tests run the retry logic without
// waiting.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <stop_token>

namespace flows {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual std::chrono::steady_clock::time_point Now() = 0;
  // False if `stop` was requested before the time was up.
  virtual bool SleepFor(std::chrono::milliseconds duration, std::stop_token stop) = 0;
};

// The real clock; wakes early when stop is requested.
class RealSleeper final : public Sleeper {
 public:
  std::chrono::steady_clock::time_point Now() override { return std::chrono::steady_clock::now(); }
  bool SleepFor(std::chrono::milliseconds duration, std::stop_token stop) override;
};

struct BackoffPolicy {
  std::chrono::milliseconds initial{800};
  std::chrono::milliseconds max{30'000};
  double factor = 2.0;
  double jitter = 0.2;  // each delay is stretched by up to this fraction, at random
};

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy, std::uint32_t seed = std::random_device{}())
      : policy_(Clamped(policy)), rng_(seed) {}

  // The delay before the next try: initial, initial*factor, ... up to max.
  std::chrono::milliseconds Next();
  // After a success: the next failure waits `initial` again.
  void Reset() { current_ = {}; }

 private:
  // A zero initial delay would retry in a tight loop; max below initial is
  // read as "no growth".
  static BackoffPolicy Clamped(BackoffPolicy p) {
    p.initial = std::max(p.initial, std::chrono::milliseconds(1));
    p.max = std::max(p.max, p.initial);
    return p;
  }

  BackoffPolicy policy_;
  std::chrono::milliseconds current_{};
  std::minstd_rand rng_;
};

}  // namespace flows
