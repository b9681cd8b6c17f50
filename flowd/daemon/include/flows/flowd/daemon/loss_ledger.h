// Every lost event of this node, by where it was lost: the kernel's ring
// reservation and flow table, record decoding, slow API clients. Totals feed
// lost_events_total{source} and `flows status` (ServerStatus), so a loss is
// never silent.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flows/flowd/metrics/flow_metrics.h"

namespace flows::flowd {

// The stage names, shared by the metrics, the API and the docs.
inline constexpr std::string_view kLostRingReservation = "ring_reservation";
inline constexpr std::string_view kLostFlowTable = "flow_table";
inline constexpr std::string_view kLostDecode = "decode";
inline constexpr std::string_view kLostClient = "client";

class LossLedger {
 public:
  explicit LossLedger(FlowMetrics* metrics = nullptr) : metrics_(metrics) {}

  // Thread-safe.
  void Add(std::string_view source, std::uint64_t n);
  // Every source ever reported (zeros included), sorted by name.
  std::vector<std::pair<std::string, std::uint64_t>> Totals() const;
  std::uint64_t Total(std::string_view source) const;

 private:
  FlowMetrics* metrics_;
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t, std::less<>> totals_;
};

}  // namespace flows::flowd
