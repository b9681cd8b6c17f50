#include "flows/common/backoff.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace flows {

bool RealSleeper::SleepFor(std::chrono::milliseconds duration, std::stop_token stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  // wait_for with a stop_token returns early (true) once stop is requested.
  cv.wait_for(lock, stop, duration, [] { return false; });
  return !stop.stop_requested();
}

std::chrono::milliseconds Backoff::Next() {
  if (current_.count() == 0) {
    current_ = policy_.initial;
  } else {
    const double next = static_cast<double>(current_.count()) * policy_.factor;
    current_ = std::chrono::milliseconds(
        static_cast<std::int64_t>(std::min(next, static_cast<double>(policy_.max.count()))));
  }
  current_ = std::min(current_, policy_.max);
  if (policy_.jitter <= 0) return current_;
  std::uniform_real_distribution<double> stretch(0.0, policy_.jitter);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(current_.count()) * (1.0 + stretch(rng_))));
}

}  // namespace flows
