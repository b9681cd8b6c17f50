// A clock tests control: kernel time is whatever the test sets, and wall time
// is kernel time plus a fixed offset.
#pragma once

#include "flows/datapath/clock.h"

namespace flows::testing {

class FakeClock final : public datapath::Clock {
 public:
  static constexpr std::int64_t kWallMinusKernelNs = 1'700'000'000'000'000'000;
  std::uint64_t now_ns = 0;

  std::uint64_t KernelNowNs() const override { return now_ns; }
  std::chrono::system_clock::time_point KernelToWall(std::uint64_t kernel_ns) const override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(static_cast<std::int64_t>(kernel_ns) + kWallMinusKernelNs)));
  }
};

}  // namespace flows::testing
