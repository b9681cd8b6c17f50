// Time behind an interface: the kernel stamps records and flow-table
// entries with CLOCK_MONOTONIC nanoseconds; users want wall-clock time.
// Tests inject a fixed clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace flows::datapath {

class Clock {
 public:
  virtual ~Clock() = default;
  // Now, in the kernel's time base (bpf_ktime_get_ns: CLOCK_MONOTONIC).
  virtual std::uint64_t KernelNowNs() const = 0;
  // A kernel stamp converted to wall-clock time.
  virtual std::chrono::system_clock::time_point KernelToWall(std::uint64_t kernel_ns) const = 0;
};

// CLOCK_MONOTONIC and CLOCK_REALTIME; the offset between them is read once
// at construction (and again by Resync, e.g. after an NTP step).
class SystemClock final : public Clock {
 public:
  SystemClock();
  std::uint64_t KernelNowNs() const override;
  std::chrono::system_clock::time_point KernelToWall(std::uint64_t kernel_ns) const override;
  void Resync();

 private:
  std::int64_t wall_minus_kernel_ns_ = 0;
};

}  // namespace flows::datapath
