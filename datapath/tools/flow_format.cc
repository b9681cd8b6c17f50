#include "flow_format.h"

#include <netinet/in.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "flows/datapath/abi.h"
#include "flows/datapath/dns_parser.h"

namespace flows::datapath {
namespace {

std::string Rfc3339(std::chrono::system_clock::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(ns % 1'000'000'000));
  return buf;
}

std::string Endpoint(const IpAddress& ip, std::uint16_t port, bool has_port) {
  std::string s = ip.version == 6 ? "[" + ip.ToString() + "]" : ip.ToString();
  return has_port ? s + ":" + std::to_string(port) : s;
}

bool HasPorts(std::uint8_t proto) {
  return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP;
}

}  // namespace

std::string ProtocolName(std::uint8_t p) {
  switch (p) {
    case IPPROTO_TCP:
      return "TCP";
    case IPPROTO_UDP:
      return "UDP";
    case IPPROTO_ICMP:
      return "ICMPv4";
    case IPPROTO_ICMPV6:
      return "ICMPv6";
    case IPPROTO_SCTP:
      return "SCTP";
    default:
      return "proto-" + std::to_string(p);
  }
}

std::string TcpFlagsString(std::uint8_t flags) {
  static constexpr std::pair<std::uint8_t, const char*> kNames[] = {
      {FLOWS_TCP_SYN, "SYN"}, {FLOWS_TCP_ACK, "ACK"}, {FLOWS_TCP_FIN, "FIN"}, {FLOWS_TCP_RST, "RST"},
      {FLOWS_TCP_PSH, "PSH"}, {FLOWS_TCP_URG, "URG"}, {FLOWS_TCP_ECE, "ECE"}, {FLOWS_TCP_CWR, "CWR"}};
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (!(flags & bit)) continue;
    if (!out.empty()) out += "|";
    out += name;
  }
  return out;
}

nlohmann::json ToJson(const Flow& f, const std::string& ifname) {
  nlohmann::json j = {
      {"time", Rfc3339(f.time)},
      {"first_seen", Rfc3339(f.first_seen)},
      {"last_seen", Rfc3339(f.last_seen)},
      {"reasons", ReasonNames(f.reasons)},
      {"hook", f.hook == Hook::kXdp ? "xdp" : "tc"},
      {"direction", f.direction == Direction::kEgress ? "egress" : "ingress"},
      {"ifindex", f.ifindex},
      {"ifname", ifname},
      {"ip_version", f.src.version},
      {"src", f.src.ToString()},
      {"dst", f.dst.ToString()},
      {"proto", ProtocolName(f.l4_proto)},
      {"sport", f.src_port},
      {"dport", f.dst_port},
      {"tcp_flags", TcpFlagsString(f.tcp_flags)},
      {"tcp_flags_seen", TcpFlagsString(f.tcp_flags_seen)},
      {"packet_bytes", f.packet_bytes},
      {"packets", f.packets},
      {"bytes", f.bytes},
      {"packet_flags", f.packet_flags},
  };
  // Flow-end records come from the flow table, which keeps no MACs.
  if (f.src_mac != std::array<std::uint8_t, 6>{} || f.dst_mac != std::array<std::uint8_t, 6>{}) {
    j["src_mac"] = MacString(f.src_mac);
    j["dst_mac"] = MacString(f.dst_mac);
  }
  if (f.vlan_id) j["vlan_id"] = f.vlan_id;
  if (f.inner_vlan_id) j["inner_vlan_id"] = f.inner_vlan_id;
  if (f.role != Role::kUnknown) j["role"] = f.role == Role::kReply ? "reply" : "initiator";
  if (f.later_fragment) {
    j["later_fragment"] = true;
    j.erase("sport");
    j.erase("dport");
  } else if (f.l4_proto == IPPROTO_ICMP || f.l4_proto == IPPROTO_ICMPV6) {
    j["icmp_type"] = f.icmp_type;
    j["icmp_code"] = f.icmp_code;
  }
  if (f.http) {
    j["http"] = {{"response", f.http->response}, {"method", f.http->method},   {"url", f.http->url},
                 {"host", f.http->host},         {"version", f.http->version}, {"status", f.http->status}};
  }
  if (f.dns) {
    nlohmann::json answers = nlohmann::json::array();
    for (const auto& a : f.dns->answers)
      answers.push_back({{"name", a.name}, {"type", DnsTypeName(a.type)}, {"ttl", a.ttl}, {"data", a.data}});
    j["dns"] = {{"id", f.dns->id},
                {"response", f.dns->response},
                {"rcode", DnsRcodeName(f.dns->rcode)},
                {"query", f.dns->query},
                {"qtype", DnsTypeName(f.dns->qtype)},
                {"answers", answers},
                {"truncated", f.dns->truncated}};
  }
  if (!f.l7_error.empty()) j["l7_error"] = f.l7_error;
  return j;
}

std::string ToCompact(const Flow& f, const std::string& ifname) {
  const bool ports = HasPorts(f.l4_proto);
  std::string line = Rfc3339(f.time) + " " + ifname + " " +
                     (f.direction == Direction::kEgress ? "egress " : "ingress ") +
                     Endpoint(f.src, f.src_port, ports) + " -> " + Endpoint(f.dst, f.dst_port, ports) + " " +
                     ProtocolName(f.l4_proto);
  if (f.tcp_flags) line += " " + TcpFlagsString(f.tcp_flags);
  if (f.http && f.http->response) {
    line += " " + f.http->version + " " + std::to_string(f.http->status);
  } else if (f.http) {
    line += " " + f.http->version + " " + f.http->method + " http://" + f.http->host + f.http->url;
  }
  if (f.dns) {
    line += std::string(" DNS ") + (f.dns->response ? "Answer " : "Query ") + f.dns->query + " " +
            DnsTypeName(f.dns->qtype);
    if (f.dns->response) line += " " + DnsRcodeName(f.dns->rcode);
    for (const auto& a : f.dns->answers)
      if (!a.data.empty()) line += " " + a.data;
  }
  if (!f.l7_error.empty()) line += " (" + f.l7_error + ")";
  line += " [";
  for (const auto& r : ReasonNames(f.reasons)) line += (line.back() == '[' ? "" : ",") + r;
  line += "] " + std::to_string(f.packets) + " pkts " + std::to_string(f.bytes) + " B";
  return line;
}

nlohmann::json ToJson(const KernelCounters& c, const RingReaderStats& r) {
  nlohmann::json kernel;
  for (int i = 0; i < FLOWS_CNT_MAX; ++i) {
    const auto which = static_cast<flows_counter>(i);
    kernel[std::string(KernelCounters::Name(which))] = c[which];
  }
  return {{"kernel", kernel},
          {"reader",
           {{"records", r.records},
            {"bytes", r.bytes},
            {"decode_errors", r.decode_errors},
            {"l7_errors", r.l7_errors},
            {"batches", r.batches},
            {"wakeups", r.wakeups}}}};
}

}  // namespace flows::datapath
