// Address text checks for the CNI side (kept apart from flows_endpoints so
// the parser library links nothing but nlohmann_json).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flows::flowd::cni_internal {

// The canonical text of an IPv4/IPv6 address, nullopt if `text` is not one.
std::optional<std::string> CanonicalAddress(std::string_view text);

// "10.1.2.3/24" -> "10.1.2.3" (canonical); nullopt unless a valid address
// and, if present, a prefix length that fits the family.
std::optional<std::string> AddressOfCidr(std::string_view cidr);

// 127.0.0.0/8 and ::1: what the loopback plugin reports, never a pod's
// address on the network.
bool IsLoopback(const std::string& canonical);

}  // namespace flows::flowd::cni_internal
