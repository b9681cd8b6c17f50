// The kernel's per-CPU counters, summed: packets seen, records delivered and
// every way an event can be lost or left unparsed.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "flows/common/result.h"
#include "flows/datapath/abi.h"

namespace flows::datapath {

struct KernelCounters {
  std::array<std::uint64_t, FLOWS_CNT_MAX> values{};

  std::uint64_t operator[](flows_counter c) const { return values[c]; }
  // Stable snake_case names, for metrics and `flows status`.
  static std::string_view Name(flows_counter c);
};

// Reads the flows_counters PERCPU_ARRAY behind an interface so the code
// that reports losses is testable without bpf(2).
class CounterSource {
 public:
  virtual ~CounterSource() = default;
  virtual Result<KernelCounters> Read() const = 0;
};

class BpfCounterSource final : public CounterSource {
 public:
  explicit BpfCounterSource(int counters_map_fd) : fd_(counters_map_fd) {}
  Result<KernelCounters> Read() const override;

 private:
  int fd_;
};

}  // namespace flows::datapath
