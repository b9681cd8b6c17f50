// Every lost event of this node, by where it was lost: the kernel's ring
// reservation and flow table, packets the kernel could not parse, L7
// payloads cut or unparsed, requests never answered, record decoding, slow
// API clients. Totals feed lost_events_total{source} and `flows status`
// (ServerStatus), so a loss is never silent. docs/metrics.md lists them.
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
// Live flows the kernel's LRU table evicted before they expired: their
// flow-end carries the totals last seen ("evicted" reason).
inline constexpr std::string_view kLostFlowTableEvicted = "flow_table_evicted";
// Packets the kernel could not track: a truncated or invalid L2/L3 header,
// or more IPv6 extension headers than it walks.
inline constexpr std::string_view kLostMalformed = "malformed";
inline constexpr std::string_view kLostIpv6ExtLimit = "ipv6_ext_limit";
// L7 payloads longer than the kernel's window: the rest was not seen.
inline constexpr std::string_view kLostL7Truncated = "l7_truncated";
// L7 records sent without their payload (no per-CPU scratch in the kernel).
inline constexpr std::string_view kLostL7Scratch = "l7_scratch";
// L7 payloads that did not parse (the flow is kept, without its L7).
inline constexpr std::string_view kLostL7Parse = "l7_parse";
// HTTP/DNS requests whose response was not seen within the pairing timeout,
// and requests dropped because the pairing table was full.
inline constexpr std::string_view kLostL7Unanswered = "l7_unanswered";
inline constexpr std::string_view kLostL7PairingFull = "l7_pairing_full";

class LossLedger {
 public:
  explicit LossLedger(FlowMetrics* metrics = nullptr) : metrics_(metrics) {}

  // Thread-safe.
  void Add(std::string_view source, std::uint64_t n);
  // For a counter kept elsewhere since this process started: adds its
  // growth since the previous Sync of `source`.
  void Sync(std::string_view source, std::uint64_t cumulative);
  // Every source ever reported (zeros included), sorted by name.
  std::vector<std::pair<std::string, std::uint64_t>> Totals() const;
  std::uint64_t Total(std::string_view source) const;

 private:
  FlowMetrics* metrics_;
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t, std::less<>> totals_;
  std::map<std::string, std::uint64_t, std::less<>> synced_;  // last cumulative value per source
};

}  // namespace flows::flowd
