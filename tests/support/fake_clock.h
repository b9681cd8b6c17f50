// A clock tests control: boot time is whatever the test sets, and wall time
// is boot time plus a fixed offset.
#pragma once

#include "flows/datapath/clock.h"

namespace flows::testing {

class FakeClock final : public datapath::Clock {
 public:
  static constexpr std::int64_t kWallMinusBootNs = 1'700'000'000'000'000'000;
  std::uint64_t now_ns = 0;

  std::uint64_t BootNowNs() const override { return now_ns; }
  std::chrono::system_clock::time_point BootToWall(std::uint64_t boot_ns) const override {
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::nanoseconds(static_cast<std::int64_t>(boot_ns) + kWallMinusBootNs)));
  }
};

}  // namespace flows::testing
