// host:port strings from flags and from peer notifications (untrusted).
#pragma once

#include <string>

#include "flows/common/ip_address.h"
#include "flows/common/result.h"

namespace flows::relay {

struct HostPort {
  std::string host;  // without brackets
  unsigned port = 0;
};

// "host:port", "[v6]:port"; with default_port > 0 also a bare "host", "v6"
// or "[v6]". Refuses empty hosts, ports outside 1..65535, junk.
Result<HostPort> ParseHostPort(const std::string& text, unsigned default_port = 0);
using flows::JoinHostPort;  // common/ip_address.h
// --listen-address as gRPC listens on it: ":4245" means every address
// ("[::]:4245"); "unix:/path" and "unix:///path" pass through.
Result<std::string> ListenAddress(const std::string& flag_value);

}  // namespace flows::relay
