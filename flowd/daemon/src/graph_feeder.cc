#include "flows/flowd/daemon/graph_feeder.h"

#include <netinet/in.h>

#include <string_view>

#include "flow_record.h"
#include "flows/flowd/graph/count_once.h"

namespace flows::flowd {
namespace {

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

void GraphFeeder::Add(const datapath::Flow& in, const flow::Flow& out, const FlowFacts& facts,
                      const EntryRecord& rec) {
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
  if (rec.link_scope) return;

  const bool reply = rec.reply;
  const bool new_flow = rec.new_flow;
  const std::uint16_t server_port = reply ? in.src_port : in.dst_port;
  const std::uint64_t packets = rec.packets, bytes = rec.bytes;

  graph::Observation& o = batch_.emplace_back();
  o.node = node_;
  o.time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(in.time.time_since_epoch()).count();
  o.l4 = l4;
  o.l7 = rec.l7;
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
  o.client_observed = rec.client_observed;
  o.vantage = rec.vantage;
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
