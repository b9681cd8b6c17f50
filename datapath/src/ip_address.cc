#include <arpa/inet.h>

#include <charconv>

#include "flows/datapath/flow.h"

#include "flow_record.h"

namespace flows::datapath {

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
  } else if (version == 6) {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf));
  }
  return buf;
}

std::vector<std::string> ReasonNames(Reasons r) {
  static_assert(FLOWS_REASON_PACKET == 1u << (std::size(kReasonNames) - 1), "kReasonNames follows flow_record.h");
  std::vector<std::string> out;
  ForEachReason(r, [&](const char* name) { out.emplace_back(name); });
  return out;
}

std::string MacString(const std::array<std::uint8_t, 6>& m) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(17, ':');
  for (int i = 0; i < 6; ++i) {
    s[i * 3] = kHex[m[i] >> 4];
    s[i * 3 + 1] = kHex[m[i] & 0xf];
  }
  return s;
}

}  // namespace flows::datapath
