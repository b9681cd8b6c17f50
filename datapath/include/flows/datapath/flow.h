// The plain C++ value a ring record decodes into. No protobuf here: flowd
// converts to the Observer API at the edge, so the hot path stays cheap.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "flows/common/ip_address.h"

namespace flows::datapath {

enum class Direction : std::uint8_t { kIngress = 0, kEgress = 1 };
enum class Hook : std::uint8_t { kTc = 0, kXdp = 1 };
// Which side of its conversation a flow is (FLOWS_ROLE_* in flow_record.h),
// decided by the kernel when the flow-table entry was created.
enum class Role : std::uint8_t { kUnknown = 0, kInitiator = 1, kReply = 2 };

// Why the kernel (or the sweeper) produced this flow; a bitmask of
// FLOWS_REASON_* from flow_record.h.
using Reasons = std::uint16_t;

// Stable names of FLOWS_REASON_* bits ("new_flow", "tcp_syn", ...), in bit
// order. The bits are FLOWS_REASON_NEW_FLOW (1) ... FLOWS_REASON_EVICTED (512).
inline constexpr const char* kReasonNames[] = {"new_flow", "tcp_syn", "tcp_synack", "tcp_fin", "tcp_rst",
                                               "l7",       "stats",   "flow_end",   "packet",  "evicted"};
// Calls f(name) for each reason set, without allocating (per-flow path).
template <typename F>
void ForEachReason(Reasons reasons, F&& f) {
  for (unsigned i = 0; i < std::size(kReasonNames); ++i)
    if (reasons & (1u << i)) f(kReasonNames[i]);
}
std::vector<std::string> ReasonNames(Reasons reasons);
// "02:00:00:00:00:01"
std::string MacString(const std::array<std::uint8_t, 6>& mac);

struct DnsAnswer {
  std::string name;
  std::uint16_t type = 0;  // 1 = A, 28 = AAAA, 5 = CNAME, ...
  std::uint32_t ttl = 0;
  std::string data;  // address text for A/AAAA, target for CNAME, else empty
  bool operator==(const DnsAnswer&) const = default;
};

struct DnsMessage {
  std::uint16_t id = 0;
  bool response = false;    // QR bit
  std::uint16_t flags = 0;  // the full 16-bit flags word
  std::uint8_t opcode = 0;
  std::uint8_t rcode = 0;  // 0 NOERROR, 3 NXDOMAIN, ...
  std::string query;       // first question name, dotted, with trailing '.'
  std::uint16_t qtype = 0;
  std::vector<DnsAnswer> answers;
  bool truncated = false;  // the answer section went past the bytes we have
  bool operator==(const DnsMessage&) const = default;
};

struct HttpMessage {
  bool response = false;
  std::string method;        // requests
  std::string url;           // requests: the request target
  std::string host;          // requests: Host header, if within the window
  std::string version;       // "HTTP/1.1"
  std::uint16_t status = 0;  // responses
  bool operator==(const HttpMessage&) const = default;
};

struct Flow {
  std::chrono::system_clock::time_point time;        // of the packet
  std::chrono::system_clock::time_point first_seen;  // of the flow
  std::chrono::system_clock::time_point last_seen;
  Reasons reasons = 0;
  Hook hook = Hook::kTc;
  Direction direction = Direction::kIngress;
  std::uint32_t ifindex = 0;
  std::array<std::uint8_t, 6> src_mac{};
  std::array<std::uint8_t, 6> dst_mac{};
  std::uint16_t ethertype = 0;
  std::uint16_t vlan_id = 0;
  std::uint16_t inner_vlan_id = 0;
  IpAddress src;
  IpAddress dst;
  std::uint8_t l4_proto = 0;  // IPPROTO_*
  // Later IP fragments: no L4 header was there, so ports, ICMP type/code
  // and TCP flags are unknown (zero) and must not be shown as real.
  bool later_fragment = false;
  Role role = Role::kUnknown;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  std::uint8_t tcp_flags = 0;       // of this packet
  std::uint8_t tcp_flags_seen = 0;  // over the flow
  std::uint16_t packet_flags = 0;   // FLOWS_PKT_* bits
  std::uint32_t packet_bytes = 0;
  std::uint64_t packets = 0;  // flow totals including this packet
  std::uint64_t bytes = 0;
  std::optional<HttpMessage> http;
  std::optional<DnsMessage> dns;
  std::string l7_error;  // set when L7 bytes were present but did not parse
};

}  // namespace flows::datapath
