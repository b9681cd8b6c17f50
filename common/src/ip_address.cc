#include "flows/common/ip_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace flows {

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton wants a C string; the longest IPv6 text fits in 46 bytes, and
  // an embedded NUL would hide a suffix.
  char buf[INET6_ADDRSTRLEN];
  if (text.empty() || text.size() >= sizeof(buf) || text.find('\0') != std::string_view::npos)
    return std::nullopt;
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

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (version == 4) {
    // Once or twice per flow on the ingest path: glibc's inet_ntop formats
    // IPv4 with sprintf, a third of the cost of converting a flow's addresses.
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      if (i) *p++ = '.';
      p = std::to_chars(p, buf + sizeof(buf), bytes[i]).ptr;
    }
    return std::string(buf, p);
  }
  if (version == 6) inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf));
  return buf;
}

std::optional<IpPrefix> IpPrefix::Parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = IpAddress::Parse(text.substr(0, slash));
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

std::optional<std::string> CanonicalIp(std::string_view text) {
  const auto address = IpAddress::Parse(text);
  if (!address) return std::nullopt;
  return address->ToString();
}

std::optional<std::string> AddressOfCidr(std::string_view cidr) {
  const auto prefix = IpPrefix::Parse(cidr);
  if (!prefix) return std::nullopt;
  // The address as written, not the prefix's base: "10.1.2.3/24" is 10.1.2.3.
  return CanonicalIp(cidr.substr(0, cidr.find('/')));
}

bool IsLoopback(std::string_view canonical) {
  return canonical == "::1" || canonical.starts_with("127.");
}

bool IsLinkScope(const IpAddress& a) {
  const auto& b = a.bytes;
  if (a.version == 4) {
    return (b[0] == 169 && b[1] == 254) || b[0] >= 224 || (b[0] | b[1] | b[2] | b[3]) == 0;
  }
  if (a.version != 6) return false;
  if (b[0] == 0xff || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)) return true;
  for (const std::uint8_t byte : b) {
    if (byte != 0) return false;
  }
  return true;
}

std::string JoinHostPort(std::string_view host, unsigned port) {
  std::string out =
      host.find(':') != std::string_view::npos ? "[" + std::string(host) + "]" : std::string(host);
  return out + ":" + std::to_string(port);
}

}  // namespace flows
