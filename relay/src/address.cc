#include "flows/relay/address.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace flows::relay {

namespace {

bool ParsePort(const std::string& s, unsigned* port) {
  unsigned v = 0;
  const auto* end = s.data() + s.size();
  const auto r = std::from_chars(s.data(), end, v);
  if (s.empty() || r.ec != std::errc() || r.ptr != end || v == 0 || v > 65535) return false;
  *port = v;
  return true;
}

bool HostOk(const std::string& h) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == ':' ||
          c == '%'))
      return false;
  return true;
}

}  // namespace

Result<HostPort> ParseHostPort(const std::string& text, unsigned default_port) {
  auto bad = [&](const std::string& why) { return Error::Invalid("address \"" + text + "\": " + why); };
  HostPort hp;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) return bad("unclosed [");
    hp.host = text.substr(1, close - 1);
    const std::string rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad("expected :port after ]");
      port = rest.substr(1);
      if (port.empty()) return bad("empty port");
    }
  } else if (const auto colon = text.rfind(':');
             colon != std::string::npos && std::count(text.begin(), text.end(), ':') == 1) {
    hp.host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) return bad("empty port");
  } else {
    hp.host = text;  // no port, or a bare IPv6 address
  }
  if (!HostOk(hp.host)) return bad("bad host");
  if (port.empty()) {
    if (default_port == 0) return bad("expected host:port");
    hp.port = default_port;
  } else if (!ParsePort(port, &hp.port)) {
    return bad("bad port \"" + port + "\"");
  }
  return hp;
}

Result<std::string> ListenAddress(const std::string& v) {
  if (v.rfind("unix:", 0) == 0) {
    if (v.size() <= 5) return Error::Invalid("listen address \"" + v + "\": empty socket path");
    return v;
  }
  if (!v.empty() && v.front() == ':') {
    unsigned port = 0;
    if (!ParsePort(v.substr(1), &port) && v != ":0")
      return Error::Invalid("listen address \"" + v + "\": bad port");
    return "[::]" + v;
  }
  auto hp = ParseHostPort(v);
  if (!hp) {
    // Port 0 (any free port) is fine for listening.
    if (v.size() > 2 && v.compare(v.size() - 2, 2, ":0") == 0) return v;
    return hp.error();
  }
  return JoinHostPort(hp->host, hp->port);
}

}  // namespace flows::relay
