#include "flows/cli/event_types.h"

#include <array>
#include <utility>

namespace flows::cli {
namespace {

// Index = Cilium's TraceObservationPoint number.
constexpr std::array<std::string_view, 14> kTracePoints = {
    "to-endpoint", "to-proxy",   "to-host",      "to-stack",     "to-overlay", "from-endpoint", "from-proxy",
    "from-host",   "from-stack", "from-overlay", "from-network", "to-network", "from-crypto",   "to-crypto",
};

constexpr std::array<std::pair<std::string_view, int>, 6> kEventTypes = {{
    {"drop", kEventDrop},
    {"capture", kEventCapture},
    {"trace", kEventTrace},
    {"policy-verdict", kEventPolicyVerdict},
    {"trace-sock", kEventTraceSock},
    {"l7", kEventL7},
}};

}  // namespace

std::string_view TraceObservationPointName(int sub_type) {
  if (sub_type < 0 || sub_type >= static_cast<int>(kTracePoints.size())) return {};
  return kTracePoints[static_cast<std::size_t>(sub_type)];
}

std::optional<int> TraceObservationPointNumber(std::string_view name) {
  for (std::size_t i = 0; i < kTracePoints.size(); ++i) {
    if (kTracePoints[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

std::string_view EventTypeName(int type) {
  for (const auto& [name, number] : kEventTypes) {
    if (number == type) return name;
  }
  return {};
}

std::optional<int> EventTypeNumber(std::string_view name) {
  for (const auto& [n, number] : kEventTypes) {
    if (n == name) return number;
  }
  return std::nullopt;
}

}  // namespace flows::cli
