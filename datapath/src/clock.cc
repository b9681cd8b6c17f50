#include "flows/datapath/clock.h"

#include <algorithm>
#include <ctime>

namespace flows::datapath {
namespace {

std::int64_t ReadNs(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

SystemClock::SystemClock() {
  Resync();
}

void SystemClock::Resync() {
  // Bracket the realtime read between two monotonic reads to halve the error.
  const std::int64_t b0 = ReadNs(CLOCK_MONOTONIC);
  const std::int64_t w = ReadNs(CLOCK_REALTIME);
  const std::int64_t b1 = ReadNs(CLOCK_MONOTONIC);
  wall_minus_kernel_ns_ = w - (b0 + (b1 - b0) / 2);
}

std::uint64_t SystemClock::KernelNowNs() const {
  return static_cast<std::uint64_t>(ReadNs(CLOCK_MONOTONIC));
}

std::chrono::system_clock::time_point SystemClock::KernelToWall(std::uint64_t kernel_ns) const {
  // Records are untrusted: clamp to ~146 years so the sum cannot overflow.
  constexpr std::uint64_t kMaxKernelNs = std::uint64_t{1} << 62;
  const auto ns = static_cast<std::int64_t>(std::min(kernel_ns, kMaxKernelNs)) + wall_minus_kernel_ns_;
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(ns)));
}

}  // namespace flows::datapath
