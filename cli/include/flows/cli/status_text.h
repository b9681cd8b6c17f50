// Text of `flows status`, `flows list nodes` and `flows list namespaces`,
// from the server's answers: pure functions, tested on fixed responses.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "observer/observer.pb.h"

namespace flows::cli {

struct LossCount {
  std::string source;  // "ring_reservation", "decode", "client", ...
  std::uint64_t count = 0;
  std::string node_name;  // set by a relay
};

// flowd's loss counters, sent in ServerStatusResponse at field 200000
// (a flows extension Hubble's clients ignore); empty when the server sends
// none (Hubble itself).
std::vector<LossCount> LossCounters(const observer::ServerStatusResponse& status);

std::string FormatStatus(const observer::ServerStatusResponse& status, const std::string& address);
std::string FormatNodes(const observer::GetNodesResponse& nodes);
std::string FormatNamespaces(const observer::GetNamespacesResponse& namespaces);

// "1h2m3s", "45s", "3d4h" from nanoseconds.
std::string FormatUptime(std::uint64_t ns);
// "1,234,567"
std::string Grouped(std::uint64_t n);

}  // namespace flows::cli
