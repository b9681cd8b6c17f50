// Waiting in tests for a condition, not for a fixed time: polls `pred` until
// it holds or `timeout` passes. A test that slept "long enough" instead is
// slow when the machine is idle and flaky when it is busy.
//
//   ASSERT_TRUE(WaitFor([&] { return store.waiting_followers() > 0; })) << "...";
#pragma once

#include <chrono>
#include <thread>

namespace flows::testing {

// True as soon as pred() is; false if it still is not at the deadline.
template <typename Pred>
bool WaitFor(Pred&& pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace flows::testing
