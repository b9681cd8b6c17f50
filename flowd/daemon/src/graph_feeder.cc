#include "flows/flowd/daemon/graph_feeder.h"

#include <netinet/in.h>

#include <string_view>

#include "flow_record.h"
#include "flows/flowd/graph/count_once.h"

namespace flows::flowd {
namespace {

// Unspecified (::, 0.0.0.0), IPv4 169.254/16 and 224/4 and broadcast, IPv6
// fe80::/10 and ff00::/8.
bool IsLinkScope(const IpAddress& a) {
  const auto& b = a.bytes;
  if (a.version == 4) {
    return (b[0] == 169 && b[1] == 254) || b[0] >= 224 || (b[0] | b[1] | b[2] | b[3]) == 0;
  }
  if (a.version != 6) return false;
  if (b[0] == 0xff || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)) return true;
  for (const std::uint8_t byte : b) {
    if (byte != 0) return false;
  }
  return true;
}

using graph::EndpointKind;
using graph::EndpointRef;
using graph::EventKind;
using graph::L4Proto;
using graph::L7Proto;

L4Proto L4Of(std::uint8_t proto) {
  switch (proto) {
    case IPPROTO_TCP:
      return L4Proto::kTcp;
    case IPPROTO_UDP:
      return L4Proto::kUdp;
    case IPPROTO_SCTP:
      return L4Proto::kSctp;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
      return L4Proto::kIcmp;
    default:
      return L4Proto::kUnknown;
  }
}

// DNS names are stored with their trailing dot; endpoints are shown without.
std::string_view DnsName(const std::string& name) {
  std::string_view v = name;
  if (!v.empty() && v.back() == '.') v.remove_suffix(1);
  return v;
}

// One end of the connection as the graph keys it. Views into `out`.
EndpointRef EndpointOf(bool has_endpoint, const flow::Endpoint& ep, const flow::Service* service,
                       const std::string& ip, const google::protobuf::RepeatedPtrField<std::string>& names,
                       const absl::flat_hash_set<std::string>* hosts) {
  EndpointRef ref;
  if (has_endpoint && !ep.pod_name().empty()) {
    ref.kind = EndpointKind::kWorkload;
    ref.namespace_ = ep.namespace_();
    if (ep.workloads_size() > 0) {
      ref.workload_kind = ep.workloads(0).kind();
      ref.workload_name = ep.workloads(0).name();
    } else {
      ref.workload_name = ep.pod_name();
    }
    ref.pod = ep.pod_name();
    if (service != nullptr) {
      ref.service_namespace = service->namespace_();
      ref.service_name = service->name();
    }
    return ref;
  }
  if (hosts != nullptr && hosts->contains(ip)) {
    ref.kind = EndpointKind::kHost;
    return ref;
  }
  ref.kind = EndpointKind::kWorld;
  ref.name = names.empty() ? std::string_view(ip) : DnsName(names[0]);
  return ref;
}

}  // namespace

GraphFeeder::GraphFeeder(graph::ConnectivityGraph& graph, const std::string& node_name)
    : graph_(graph), node_(graph.InternNode(node_name)) {
  batch_.reserve(256);
}

void GraphFeeder::SetHostAddresses(const std::vector<std::string>& addresses) {
  auto set = std::make_shared<const absl::flat_hash_set<std::string>>(addresses.begin(), addresses.end());
  std::lock_guard lock(hosts_mu_);
  hosts_ = std::move(set);
}

void GraphFeeder::Add(const datapath::Flow& in, const flow::Flow& out, const FlowFacts& facts) {
  if (batch_.empty()) {
    std::lock_guard lock(hosts_mu_);
    batch_hosts_ = hosts_;
  }
  const L4Proto l4 = L4Of(in.l4_proto);
  if (l4 == L4Proto::kUnknown) return;
  // Later IP fragments have no ports: no edge (port) to give their bytes to.
  if (in.later_fragment) return;
  // Link-local and multicast traffic (IPv6 neighbour discovery, MLD, mDNS)
  // is the network's own chatter, not a dependency between workloads.
  if (IsLinkScope(in.src) || IsLinkScope(in.dst)) return;

  // The entry's baseline: records carry the flow-table entry's totals.
  const EntryKey key{in.src, in.dst, in.ifindex, in.src_port, in.dst_port, in.l4_proto, in.direction};
  const bool new_flow = (in.reasons & FLOWS_REASON_NEW_FLOW) != 0;
  auto [it, inserted] = entries_.try_emplace(key);
  EntryState& st = it->second;
  std::uint64_t packets = 0, bytes = 0;
  if (inserted && !new_flow) {
    // First seen mid-connection (flowd restarted; the pinned flow table kept
    // counting): what came before was counted by the previous run.
    st.packets = in.packets;
    st.bytes = in.bytes;
  } else if (in.packets >= st.packets && in.bytes >= st.bytes) {
    packets = in.packets - st.packets;
    bytes = in.bytes - st.bytes;
    st.packets = in.packets;
    st.bytes = in.bytes;
  } else {  // the entry was recreated under the same key
    packets = in.packets;
    bytes = in.bytes;
    st.packets = in.packets;
    st.bytes = in.bytes;
  }

  if (facts.reply) st.reply = *facts.reply ? 1 : 0;
  const bool reply = st.reply >= 0 ? st.reply == 1 : in.src_port < in.dst_port;
  const std::uint16_t server_port = reply ? in.src_port : in.dst_port;
  const IpAddress& server_ip = reply ? in.src : in.dst;

  // The edge's L7 is its server port's.
  L7Proto l7 = in.http ? L7Proto::kHttp : in.dns ? L7Proto::kDns : st.l7;
  const PortKey port_key{server_ip, server_port, in.l4_proto};
  if (in.http || in.dns) {
    if (port_l7_.size() >= kMaxPorts) port_l7_.clear();
    port_l7_[port_key] = l7;
  } else if (l7 == L7Proto::kNone && !port_l7_.empty()) {
    if (auto p = port_l7_.find(port_key); p != port_l7_.end()) l7 = p->second;
  }
  st.l7 = l7;
  if ((in.reasons & FLOWS_REASON_FLOW_END) != 0) {
    entries_.erase(it);
  } else if (entries_.size() > kMaxEntries) {
    // The sweeper ends every entry it expires; this only bounds what a lost
    // flow-end record would leak. Baselines restart from the next records.
    entries_.clear();
  }

  graph::Observation& o = batch_.emplace_back();
  o.node = node_;
  o.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(in.time.time_since_epoch()).count();
  o.l4 = l4;
  o.l7 = l7;
  o.port = l4 == L4Proto::kIcmp ? 0 : server_port;
  const auto* hosts = batch_hosts_.get();
  const EndpointRef src =
      EndpointOf(out.has_source(), out.source(), out.has_source_service() ? &out.source_service() : nullptr,
                 out.ip().source(), out.source_names(), hosts);
  const EndpointRef dst = EndpointOf(out.has_destination(), out.destination(),
                                     out.has_destination_service() ? &out.destination_service() : nullptr,
                                     out.ip().destination(), out.destination_names(), hosts);
  o.client = reply ? dst : src;
  o.server = reply ? src : dst;
  // The Service a client backs is not how it was reached.
  o.client.service_namespace = {};
  o.client.service_name = {};
  // The converter applied the count-once rule (graph/count_once.h) and put
  // its verdict on the flow (primary); the graph gets the same inputs. When
  // the record did not say which side it is (an entry from a program
  // without roles), this entry's earlier records did: same rule, their answer.
  if (facts.reply) {
    o.client_observed = facts.client_observed;
    o.vantage = facts.vantage;
  } else {
    o.client_observed = o.client.kind == EndpointKind::kWorkload;
    o.vantage = graph::VantageOf(facts.at_nic, in.direction == datapath::Direction::kIngress, reply);
  }
  if (reply) {
    o.packets_to_client = packets;
    o.bytes_to_client = bytes;
  } else {
    o.packets_to_server = packets;
    o.bytes_to_server = bytes;
  }

  const bool rst = (in.reasons & FLOWS_REASON_TCP_RST) != 0;
  if (facts.l7 && in.http && in.http->response) {
    o.kind = EventKind::kHttpResponse;
    o.http_status = in.http->status;
    o.http_method = graph::ParseHttpMethod(out.l7().http().method());
    o.latency_ns = static_cast<std::int64_t>(out.l7().latency_ns());
  } else if (facts.l7 && in.dns && in.dns->response) {
    o.kind = EventKind::kDnsResponse;
    o.dns_rcode = in.dns->rcode;
    o.latency_ns = static_cast<std::int64_t>(out.l7().latency_ns());
  } else if (rst) {
    // The server's RST without its SYN-ACK ever seen on this entry: refused.
    o.kind = reply && (in.tcp_flags_seen & FLOWS_TCP_SYN) == 0 ? EventKind::kRefused : EventKind::kReset;
  } else if (!reply && ((in.reasons & FLOWS_REASON_TCP_SYN) != 0 || (new_flow && l4 != L4Proto::kTcp))) {
    o.kind = EventKind::kConnectionOpened;
  } else {
    o.kind = EventKind::kStats;
  }
}

void GraphFeeder::Commit() {
  if (batch_.empty()) return;
  graph_.IngestBatch(batch_);
  batch_.clear();
}

}  // namespace flows::flowd
