#include "flows/datapath/record_decoder.h"

#include <netinet/in.h>

#include <cstring>

#include "flows/datapath/abi.h"
#include "flows/datapath/dns_parser.h"
#include "flows/datapath/http_parser.h"

namespace flows::datapath {
namespace {

IpAddress MakeAddress(std::uint8_t version, const std::uint8_t (&raw)[16]) {
  IpAddress a;
  a.version = version;
  std::memcpy(a.bytes.data(), raw, version == 4 ? 4 : 16);
  return a;
}

void FillKey(Flow& f, const flows_key& k) {
  f.ifindex = k.ifindex;
  f.direction = k.direction == FLOWS_DIR_EGRESS ? Direction::kEgress : Direction::kIngress;
  f.hook = k.hook == FLOWS_HOOK_XDP ? Hook::kXdp : Hook::kTc;
  f.src = MakeAddress(k.ip_version, k.saddr);
  f.dst = MakeAddress(k.ip_version, k.daddr);
  f.l4_proto = k.l4_proto;
  f.vlan_id = k.vlan_id;
  f.later_fragment = (k.flags & FLOWS_KEY_LATER_FRAGMENTS) != 0;
  if (f.later_fragment) return;  // no L4 header: the kernel leaves the ports zero
  const bool icmp = k.l4_proto == IPPROTO_ICMP || k.l4_proto == IPPROTO_ICMPV6;
  f.src_port = icmp ? 0 : k.sport;
  f.dst_port = icmp ? 0 : k.dport;
  if (icmp) {
    f.icmp_type = static_cast<std::uint8_t>(k.sport);
    f.icmp_code = static_cast<std::uint8_t>(k.dport);
  }
}

void FillStats(Flow& f, const flows_stats& s, const Clock& clock) {
  f.first_seen = clock.KernelToWall(s.first_seen_ns);
  f.last_seen = clock.KernelToWall(s.last_seen_ns);
  f.packets = s.packets;
  f.bytes = s.bytes;
  f.tcp_flags_seen = s.tcp_flags_seen;
  f.role = s.role == FLOWS_ROLE_INITIATOR ? Role::kInitiator
           : s.role == FLOWS_ROLE_REPLY   ? Role::kReply
                                          : Role::kUnknown;
}

void ParseL7(Flow& f, std::uint8_t kind, std::span<const std::uint8_t> payload) {
  if (payload.empty()) return;
  if (kind == FLOWS_L7_HTTP) {
    auto http = ParseHttp(payload);
    if (http)
      f.http = std::move(*http);
    else
      f.l7_error = http.error().message;
  } else if (kind == FLOWS_L7_DNS) {
    auto dns = f.l4_proto == IPPROTO_TCP ? ParseDnsOverTcp(payload) : ParseDns(payload);
    if (dns)
      f.dns = std::move(*dns);
    else
      f.l7_error = dns.error().message;
  }
}

}  // namespace

Result<Flow> RecordDecoder::Decode(std::span<const std::uint8_t> bytes) const {
  flows_record rec;
  if (bytes.size() < sizeof(rec)) {
    return Error::Invalid("record: " + std::to_string(bytes.size()) + " bytes, shorter than the " +
                          std::to_string(sizeof(rec)) + "-byte header");
  }
  std::memcpy(&rec, bytes.data(), sizeof(rec));  // the ring gives no alignment promise we rely on
  if (rec.version != FLOWS_RECORD_VERSION) {
    return Error::Invalid("record: version " + std::to_string(rec.version) + ", expected " +
                          std::to_string(FLOWS_RECORD_VERSION));
  }
  if (rec.l7_len > FLOWS_L7_WINDOW || rec.size != sizeof(rec) + rec.l7_len || bytes.size() < rec.size) {
    return Error::Invalid("record: inconsistent sizes (size " + std::to_string(rec.size) + ", l7_len " +
                          std::to_string(rec.l7_len) + ", have " + std::to_string(bytes.size()) + ")");
  }
  if (rec.key.ip_version != 4 && rec.key.ip_version != 6) {
    return Error::Invalid("record: ip_version " + std::to_string(rec.key.ip_version));
  }

  Flow f;
  f.time = clock_.KernelToWall(rec.ts_ns);
  f.reasons = rec.reasons;
  FillKey(f, rec.key);
  FillStats(f, rec.stats, clock_);
  f.tcp_flags = rec.tcp_flags;
  f.packet_flags = rec.packet_flags;
  f.packet_bytes = rec.pkt_len;
  std::memcpy(f.src_mac.data(), rec.smac, 6);
  std::memcpy(f.dst_mac.data(), rec.dmac, 6);
  f.ethertype = rec.ethertype;
  f.inner_vlan_id = rec.inner_vlan_id;
  ParseL7(f, rec.l7_kind, bytes.subspan(sizeof(rec), rec.l7_len));
  return f;
}

Flow RecordDecoder::FromTableEntry(const flows_key& key, const flows_stats& stats,
                                   std::uint16_t reasons) const {
  Flow f;
  FillKey(f, key);
  FillStats(f, stats, clock_);
  f.time = f.last_seen;
  f.reasons = reasons;
  f.tcp_flags = 0;
  return f;
}

}  // namespace flows::datapath
