// An IPv4 or IPv6 address with a prefix length; an exact address is a
// prefix of full length. Parsing never allocates, so the flow's address
// text can be parsed on the matching path.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace flows::flowd::filter {

struct IpAddress {
  std::uint8_t version = 0;              // 4 or 6
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 in the first 4
};

// Parses dotted-quad IPv4 or textual IPv6; nullopt for anything else.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

struct IpPrefix {
  IpAddress base;  // host bits cleared
  unsigned bits = 0;

  // "addr" or "addr/len"; host bits in addr are ignored, like Go's ParseCIDR.
  static std::optional<IpPrefix> Parse(std::string_view text);
  bool Contains(const IpAddress& address) const;
};

}  // namespace flows::flowd::filter
