#include "flows/flowd/endpoint.h"

#include <arpa/inet.h>

namespace flows::flowd {

std::string_view SourceName(EndpointSource s) {
  switch (s) {
    case EndpointSource::kCni:
      return "cni";
    case EndpointSource::kKubernetes:
      return "kubernetes";
    case EndpointSource::kStatic:
      return "static";
  }
  return "unknown";
}

std::optional<EndpointSource> ParseSource(std::string_view name) {
  for (EndpointSource s : {EndpointSource::kCni, EndpointSource::kKubernetes, EndpointSource::kStatic}) {
    if (SourceName(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<std::string> CanonicalIp(std::string_view ip) {
  // inet_pton reads a C string: an embedded NUL would hide a suffix.
  // Anything longer than the longest IPv6 text form is not an address.
  if (ip.empty() || ip.size() >= INET6_ADDRSTRLEN || ip.find('\0') != std::string_view::npos)
    return std::nullopt;
  const std::string text(ip);
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN] = {};
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
    inet_ntop(AF_INET, bytes, out, sizeof(out));
    return std::string(out);
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    inet_ntop(AF_INET6, bytes, out, sizeof(out));
    return std::string(out);
  }
  return std::nullopt;
}

}  // namespace flows::flowd
