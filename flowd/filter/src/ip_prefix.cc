#include "ip_prefix.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace flows::flowd::filter {

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  // inet_pton wants a C string; the longest IPv6 text fits in 46 bytes.
  char buf[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress address;
  if (text.find(':') == std::string_view::npos) {
    address.version = 4;
    if (inet_pton(AF_INET, buf, address.bytes.data()) != 1) return std::nullopt;
  } else {
    address.version = 6;
    if (inet_pton(AF_INET6, buf, address.bytes.data()) != 1) return std::nullopt;
  }
  return address;
}

std::optional<IpPrefix> IpPrefix::Parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = ParseIpAddress(text.substr(0, slash));
  if (!address) return std::nullopt;
  const unsigned max_bits = address->version == 4 ? 32 : 128;
  IpPrefix prefix{*address, max_bits};
  if (slash != std::string_view::npos) {
    const std::string_view len = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix.bits);
    if (len.empty() || ec != std::errc() || end != len.data() + len.size() || prefix.bits > max_bits) {
      return std::nullopt;
    }
  }
  // Clear the host bits once here so Contains compares whole bytes.
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned kept = prefix.bits > i * 8 ? prefix.bits - i * 8 : 0;
    if (kept < 8) prefix.base.bytes[i] &= static_cast<std::uint8_t>(0xff00u >> kept);
  }
  return prefix;
}

bool IpPrefix::Contains(const IpAddress& address) const {
  if (address.version != base.version) return false;
  const unsigned whole = bits / 8;
  if (std::memcmp(address.bytes.data(), base.bytes.data(), whole) != 0) return false;
  const unsigned rest = bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff00u >> rest);
  return (address.bytes[whole] & mask) == base.bytes[whole];
}

}  // namespace flows::flowd::filter
