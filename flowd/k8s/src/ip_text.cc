#include "ip_text.h"

#include <arpa/inet.h>

namespace flows::flowd::k8s::detail {

std::optional<std::string> CanonicalIp(const std::string& text) {
  if (text.find('\0') != std::string::npos) return std::nullopt;  // inet_pton would stop there
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1)
    return std::string(inet_ntop(AF_INET, bytes, out, sizeof out));
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    return std::string(inet_ntop(AF_INET6, bytes, out, sizeof out));
  }
  return std::nullopt;
}

}  // namespace flows::flowd::k8s::detail
