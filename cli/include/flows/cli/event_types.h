// Cilium's event type and trace observation point names, as Hubble prints
// them and as `-t/--type` accepts them.
#pragma once

#include <optional>
#include <string_view>

namespace flows::cli {

inline constexpr int kEventDrop = 1;
inline constexpr int kEventCapture = 3;
inline constexpr int kEventTrace = 4;
inline constexpr int kEventPolicyVerdict = 5;
inline constexpr int kEventTraceSock = 7;
inline constexpr int kEventL7 = 129;

// "to-endpoint" for 0, ..., "" for numbers Cilium does not name.
std::string_view TraceObservationPointName(int sub_type);
std::optional<int> TraceObservationPointNumber(std::string_view name);

// "trace", "l7", ...; "" when unnamed.
std::string_view EventTypeName(int type);
std::optional<int> EventTypeNumber(std::string_view name);

}  // namespace flows::cli
