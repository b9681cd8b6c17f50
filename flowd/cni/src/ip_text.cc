#include "ip_text.h"

#include <arpa/inet.h>

namespace flows::flowd::cni_internal {

std::optional<std::string> CanonicalAddress(std::string_view text) {
  // inet_pton reads a C string: an embedded NUL would hide a suffix.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos)
    return std::nullopt;
  const std::string s(text);
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN] = {};
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, s.c_str(), bytes) == 1) {
      inet_ntop(family, bytes, out, sizeof(out));
      return std::string(out);
    }
  }
  return std::nullopt;
}

std::optional<std::string> AddressOfCidr(std::string_view cidr) {
  const auto slash = cidr.find('/');
  auto addr = CanonicalAddress(cidr.substr(0, slash));
  if (!addr || slash == std::string_view::npos) return addr;
  const std::string_view len = cidr.substr(slash + 1);
  if (len.empty() || len.size() > 3) return std::nullopt;
  int n = 0;
  for (char c : len) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  const int max = addr->find(':') == std::string::npos ? 32 : 128;
  if (n > max) return std::nullopt;
  return addr;
}

bool IsLoopback(const std::string& canonical) {
  return canonical == "::1" || canonical.rfind("127.", 0) == 0;
}

}  // namespace flows::flowd::cni_internal
