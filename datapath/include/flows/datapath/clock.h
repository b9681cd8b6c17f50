// Time behind an interface: the kernel stamps records with boot-time
// nanoseconds; users want wall-clock time. Tests inject a fixed clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace flows::datapath {

class Clock {
 public:
  virtual ~Clock() = default;
  // Now, in the kernel's bpf_ktime_get_boot_ns() time base.
  virtual std::uint64_t BootNowNs() const = 0;
  // A boot-time stamp converted to wall-clock time.
  virtual std::chrono::system_clock::time_point BootToWall(std::uint64_t boot_ns) const = 0;
};

// CLOCK_BOOTTIME and CLOCK_REALTIME; the offset between them is read once
// at construction (and again by Resync, e.g. after an NTP step).
class SystemClock final : public Clock {
 public:
  SystemClock();
  std::uint64_t BootNowNs() const override;
  std::chrono::system_clock::time_point BootToWall(std::uint64_t boot_ns) const override;
  void Resync();

 private:
  std::int64_t wall_minus_boot_ns_ = 0;
};

}  // namespace flows::datapath
