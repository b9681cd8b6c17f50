// IPv4 and IPv6 addresses and prefixes: parsing, containment and the one
// canonical text form. Every table keyed by an address (endpoints, services,
// the CNI's prevResult, the Kubernetes API's podIPs) uses CanonicalIp, since
// an IPv6 address can be spelled many ways ("fd00::0001" is "fd00::1").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flows {

struct IpAddress {
  std::uint8_t version = 0;              // 4 or 6; 0 = unset
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 in the first 4

  // Dotted-quad IPv4 or textual IPv6; nullopt for anything else. Never
  // allocates, so filters can parse a flow's address text per flow.
  static std::optional<IpAddress> Parse(std::string_view text);
  // inet_ntop's form (the canonical one); "" when unset.
  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

struct IpPrefix {
  IpAddress base;  // host bits cleared
  unsigned bits = 0;

  // "addr" or "addr/len"; host bits in addr are ignored, like Go's ParseCIDR.
  static std::optional<IpPrefix> Parse(std::string_view text);
  bool Contains(const IpAddress& address) const;
};

// The canonical text of an IPv4/IPv6 address, nullopt if `text` is not one
// (including text with an embedded NUL).
std::optional<std::string> CanonicalIp(std::string_view text);

// "10.1.2.3/24" -> "10.1.2.3" (canonical); nullopt unless a valid address
// and, if present, a prefix length that fits the family.
std::optional<std::string> AddressOfCidr(std::string_view cidr);

// 127.0.0.0/8 and ::1 (given canonical text).
bool IsLoopback(std::string_view canonical);

// The network's own chatter rather than traffic between workloads:
// unspecified (0.0.0.0, ::), IPv4 169.254/16, 224/4 and broadcast, IPv6
// fe80::/10 and ff00::/8 (neighbour discovery, MLD, mDNS, DHCP).
bool IsLinkScope(const IpAddress& a);

// "host:port" as gRPC dials it ("[v6]:port" for IPv6).
std::string JoinHostPort(std::string_view host, unsigned port);

}  // namespace flows
