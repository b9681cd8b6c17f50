#include "flows/flowd/k8s/cluster_config.h"

#include <algorithm>

namespace flows::flowd::k8s {

std::string ServerAddress::Authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

Result<ServerAddress> ParseServerUrl(std::string_view url) {
  const std::string quoted = "server URL \"" + std::string(url) + "\"";
  ServerAddress a;
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    a.tls = false;
    rest = url.substr(7);
  } else {
    return Error::Invalid(quoted + ": must start with https:// or http://");
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (path.find_first_of("?#") != std::string_view::npos) {
      return Error::Invalid(quoted + ": query or fragment not allowed");
    }
    a.base_path = std::string(path);
  }
  if (authority.find('@') != std::string_view::npos) {
    return Error::Invalid(quoted + ": user info not supported");
  }
  std::string_view port;
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error::Invalid(quoted + ": unterminated [IPv6] host");
    a.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Error::Invalid(quoted + ": junk after ]");
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    a.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (a.host.empty()) return Error::Invalid(quoted + ": no host");
  if (port.empty()) {
    a.port = a.tls ? "443" : "80";
  } else {
    const bool digits = port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(std::string(port)) == 0 || std::stoi(std::string(port)) > 65535) {
      return Error::Invalid(quoted + ": bad port \"" + std::string(port) + "\"");
    }
    a.port = std::string(port);
  }
  return a;
}

}  // namespace flows::flowd::k8s
