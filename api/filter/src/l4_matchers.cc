#include "l4_matchers.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "flows/api/flow_fields.h"
#include "flows/common/text.h"

namespace flows::api::filter {
namespace {

// One bit per protocol name, so a flow is tested against all of a field's
// values with one AND.
enum ProtocolBit : std::uint32_t {
  kTcp = 1u << 0,
  kUdp = 1u << 1,
  kSctp = 1u << 2,
  kIcmpv4 = 1u << 3,
  kIcmpv6 = 1u << 4,
  kHttp = 1u << 5,
  kDns = 1u << 6,
  kNever = 1u << 7,  // kafka: valid in Hubble, never present in our flows
};

std::uint32_t ProtocolBitsOf(std::string_view name) {
  struct Named {
    std::string_view name;
    std::uint32_t bits;
  };
  static constexpr Named kNames[] = {
      {"tcp", kTcp},       {"udp", kUdp},   {"sctp", kSctp}, {"icmp", kIcmpv4 | kIcmpv6}, {"icmpv4", kIcmpv4},
      {"icmpv6", kIcmpv6}, {"http", kHttp}, {"dns", kDns},   {"kafka", kNever},
  };
  for (const Named& n : kNames) {
    if (EqualsIgnoreCase(name, n.name)) return n.bits;
  }
  return 0;
}

std::uint32_t ProtocolBitsOf(const flow::Flow& f) {
  std::uint32_t bits = 0;
  switch (f.l4().protocol_case()) {
    case flow::Layer4::kTCP:
      bits = kTcp;
      break;
    case flow::Layer4::kUDP:
      bits = kUdp;
      break;
    case flow::Layer4::kSCTP:
      bits = kSctp;
      break;
    case flow::Layer4::kICMPv4:
      bits = kIcmpv4;
      break;
    case flow::Layer4::kICMPv6:
      bits = kIcmpv6;
      break;
    case flow::Layer4::PROTOCOL_NOT_SET:
      break;
  }
  switch (f.l7().record_case()) {
    case flow::Layer7::kHttp:
      bits |= kHttp;
      break;
    case flow::Layer7::kDns:
      bits |= kDns;
      break;
    case flow::Layer7::RECORD_NOT_SET:
      break;
  }
  return bits;
}

// The port of a TCP, UDP or SCTP flow; nullopt for other protocols.
std::optional<std::uint32_t> PortOf(const flow::Flow& f, Side side) {
  return L4Port(f.l4(), side == Side::kSource);
}

std::uint32_t TcpFlagBits(const flow::TCPFlags& f) {
  return (f.fin() ? 1u << 0 : 0) | (f.syn() ? 1u << 1 : 0) | (f.rst() ? 1u << 2 : 0) |
         (f.psh() ? 1u << 3 : 0) | (f.ack() ? 1u << 4 : 0) | (f.urg() ? 1u << 5 : 0) |
         (f.ece() ? 1u << 6 : 0) | (f.cwr() ? 1u << 7 : 0) | (f.ns() ? 1u << 8 : 0);
}

}  // namespace

Result<FieldMatcherPtr> MakeProtocolMatcher(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::uint32_t wanted = 0;
  for (const std::string& value : values) {
    const std::uint32_t bits = ProtocolBitsOf(value);
    if (bits == 0) return BadField("protocol", "unknown protocol " + Quote(value));
    wanted |= bits;
  }
  return MakeMatcher(Cost::kFieldCompare,
                     [wanted](const flow::Flow& f) { return (ProtocolBitsOf(f) & wanted) != 0; });
}

Result<FieldMatcherPtr> MakePortMatcher(const char* field, Side side,
                                        const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<std::uint32_t> ports;
  for (const std::string& value : values) {
    std::uint32_t port = 0;
    const char* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, port);
    if (value.empty() || ec != std::errc() || ptr != end || port > 65535) {
      return BadValue(field, value, "is not a port number (0-65535)");
    }
    ports.push_back(port);
  }
  return MakeMatcher(Cost::kFieldCompare, [ports = std::move(ports), side](const flow::Flow& f) {
    const auto port = PortOf(f, side);
    return port && std::find(ports.begin(), ports.end(), *port) != ports.end();
  });
}

FieldMatcherPtr MakeTcpFlagsMatcher(const google::protobuf::RepeatedPtrField<flow::TCPFlags>& values) {
  std::vector<std::uint32_t> wanted;
  for (const flow::TCPFlags& value : values) wanted.push_back(TcpFlagBits(value));
  return MakeMatcher(Cost::kFieldCompare, [wanted = std::move(wanted)](const flow::Flow& f) {
    if (!f.l4().has_tcp() || !f.l4().tcp().has_flags()) return false;
    const std::uint32_t have = TcpFlagBits(f.l4().tcp().flags());
    return std::any_of(wanted.begin(), wanted.end(), [have](std::uint32_t w) { return (have & w) == w; });
  });
}

}  // namespace flows::api::filter
