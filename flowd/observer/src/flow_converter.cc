#include "flows/flowd/observer/flow_converter.h"

#include <netinet/in.h>

#include <algorithm>
#include <optional>

#include "flow_record.h"
#include "flows/datapath/dns_parser.h"
#include "flows/flowd/graph/count_once.h"

namespace flows::flowd {
namespace {

using datapath::Direction;

void FillTcpFlags(std::uint8_t bits, flow::TCPFlags* f) {
  f->set_fin(bits & FLOWS_TCP_FIN);
  f->set_syn(bits & FLOWS_TCP_SYN);
  f->set_rst(bits & FLOWS_TCP_RST);
  f->set_psh(bits & FLOWS_TCP_PSH);
  f->set_ack(bits & FLOWS_TCP_ACK);
  f->set_urg(bits & FLOWS_TCP_URG);
  f->set_ece(bits & FLOWS_TCP_ECE);
  f->set_cwr(bits & FLOWS_TCP_CWR);
}

// Whether this packet travels server -> client, when we can tell. An L7
// message says it itself; otherwise the flow-table entry's role, decided by
// the kernel when the conversation's first packet created it, so every
// record of the entry (stats, FIN, flow end, ...) agrees. The TCP flags are
// a last resort for entries created by a program without roles.
std::optional<bool> IsReply(const datapath::Flow& f) {
  if (f.http) return f.http->response;
  if (f.dns) return f.dns->response;
  if (f.role != datapath::Role::kUnknown) return f.role == datapath::Role::kReply;
  if (f.l4_proto == IPPROTO_TCP) {
    if (f.reasons & FLOWS_REASON_TCP_SYNACK) return true;
    if (f.reasons & FLOWS_REASON_TCP_SYN) return false;
  }
  return std::nullopt;
}

// The Observer API's enum for a Cilium trace sub_type.
flow::TraceObservationPoint TracePoint(int sub_type) {
  switch (sub_type) {
    case kTraceToEndpoint:
      return flow::TO_ENDPOINT;
    case kTraceFromEndpoint:
      return flow::FROM_ENDPOINT;
    case kTraceFromNetwork:
      return flow::FROM_NETWORK;
    case kTraceToNetwork:
      return flow::TO_NETWORK;
    default:
      return flow::UNKNOWN_POINT;
  }
}

}  // namespace

void SetTimestamp(std::chrono::system_clock::time_point t, google::protobuf::Timestamp* out) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  out->set_seconds(ns / 1'000'000'000);
  out->set_nanos(static_cast<std::int32_t>(ns % 1'000'000'000));
}

void FlowConverter::Convert(const datapath::Flow& in, flow::Flow* out, KeepAlive* keep, FlowFacts* facts) {
  // Any flow moves the clock of the request table (flow-ends come every
  // sweep), so unanswered requests are given up on even when L7 goes quiet.
  pairing_.Expire(in.time);
  SetTimestamp(in.time, out->mutable_time());
  out->set_verdict(flow::FORWARDED);  // observed passing; drops are not ours to see
  out->set_node_name(node_name_);
  if (in.src_mac != std::array<std::uint8_t, 6>{}) {
    out->mutable_ethernet()->set_source(datapath::MacString(in.src_mac));
    out->mutable_ethernet()->set_destination(datapath::MacString(in.dst_mac));
  }
  auto* ip = out->mutable_ip();
  const std::string src = in.src.ToString(), dst = in.dst.ToString();
  ip->set_source(src);
  ip->set_destination(dst);
  ip->set_ipversion(in.src.version == 6 ? flow::IPv6 : flow::IPv4);
  FillL4(in, out);
  const Identity src_id = identities_.Resolve(src), dst_id = identities_.Resolve(dst);
  FillEndpoints(src_id, dst_id, out, keep);
  const bool at_nic = interfaces_.Role(in.ifindex) == InterfaceRole::kNodeNic;
  const std::optional<bool> reply = IsReply(in);
  const bool l7 = ReportsL7(in, at_nic, src_id, dst_id);
  FillObservationPoint(in, at_nic, reply.value_or(false), l7, out);
  FillL7(in, l7, out);
  if (reply) out->mutable_is_reply()->set_value(*reply);
  FillTraceReason(in, reply, out);

  // The count-once rule (graph/count_once.h): one sighting per exchange.
  const bool is_reply = reply.value_or(false);
  const graph::Vantage vantage = graph::VantageOf(at_nic, in.direction == Direction::kIngress, is_reply);
  const Identity& client = is_reply ? dst_id : src_id;
  const bool client_observed = client.endpoint != nullptr && !client.endpoint->pod_name().empty();
  out->set_vantage(vantage == graph::Vantage::kClient   ? flow::CLIENT_SIDE
                   : vantage == graph::Vantage::kServer ? flow::SERVER_SIDE
                                                        : flow::TRANSIT);
  out->set_primary(graph::ShouldCount(vantage, client_observed));
  if (facts)
    *facts = FlowFacts{at_nic, reply, src_id.local_pod, dst_id.local_pod, l7, vantage, client_observed};

  auto* st = out->mutable_flow_stats();
  st->set_packets(in.packets);
  st->set_bytes(in.bytes);
  SetTimestamp(in.first_seen, st->mutable_first_seen());
  SetTimestamp(in.last_seen, st->mutable_last_seen());
  datapath::ForEachReason(in.reasons, [st](const char* name) { st->add_reasons(name); });
}

void FlowConverter::FillL4(const datapath::Flow& in, flow::Flow* out) {
  // A later IP fragment has no L4 header: no ports, no ICMP type to show.
  if (in.later_fragment) return;
  auto* l4 = out->mutable_l4();
  switch (in.l4_proto) {
    case IPPROTO_TCP: {
      auto* tcp = l4->mutable_tcp();
      tcp->set_source_port(in.src_port);
      tcp->set_destination_port(in.dst_port);
      FillTcpFlags(in.tcp_flags ? in.tcp_flags : in.tcp_flags_seen, tcp->mutable_flags());
      break;
    }
    case IPPROTO_UDP:
      l4->mutable_udp()->set_source_port(in.src_port);
      l4->mutable_udp()->set_destination_port(in.dst_port);
      break;
    case IPPROTO_SCTP:
      l4->mutable_sctp()->set_source_port(in.src_port);
      l4->mutable_sctp()->set_destination_port(in.dst_port);
      break;
    case IPPROTO_ICMP:
      l4->mutable_icmpv4()->set_type(in.icmp_type);
      l4->mutable_icmpv4()->set_code(in.icmp_code);
      break;
    case IPPROTO_ICMPV6:
      l4->mutable_icmpv6()->set_type(in.icmp_type);
      l4->mutable_icmpv6()->set_code(in.icmp_code);
      break;
    default:
      out->clear_l4();
  }
}

namespace {

// Points `set` at the shared proto (kept alive by `keep`) on an arena, or
// copies it into the message `mutable_copy` returns.
template <typename Proto, typename SetShared, typename MutableCopy>
void Attach(const std::shared_ptr<const Proto>& shared, bool on_arena, KeepAlive* keep, SetShared set_shared,
            MutableCopy mutable_copy) {
  if (!shared) return;
  if (!on_arena) {
    mutable_copy()->CopyFrom(*shared);
    return;
  }
  // Never written through: a stored flow is const. The arena does not own
  // it (nothing on an arena is destroyed one by one); `keep` does.
  set_shared(const_cast<Proto*>(shared.get()));
  // A batch's flows share a few identities: keep each once, mostly.
  const auto recent = keep->size() < 4 ? keep->begin() : keep->end() - 4;
  if (std::find(recent, keep->end(), shared) == keep->end()) keep->push_back(shared);
}

}  // namespace

void FlowConverter::FillEndpoints(const Identity& src, const Identity& dst, flow::Flow* out,
                                  KeepAlive* keep) {
  const bool share = keep != nullptr && out->GetArena() != nullptr;
  Attach(
      src.endpoint, share, keep, [out](auto* p) { out->unsafe_arena_set_allocated_source(p); },
      [out] { return out->mutable_source(); });
  Attach(
      dst.endpoint, share, keep, [out](auto* p) { out->unsafe_arena_set_allocated_destination(p); },
      [out] { return out->mutable_destination(); });
  Attach(
      src.service, share, keep, [out](auto* p) { out->unsafe_arena_set_allocated_source_service(p); },
      [out] { return out->mutable_source_service(); });
  Attach(
      dst.service, share, keep, [out](auto* p) { out->unsafe_arena_set_allocated_destination_service(p); },
      [out] { return out->mutable_destination_service(); });
  const std::string& src_ip = out->ip().source();
  const std::string& dst_ip = out->ip().destination();
  const auto now = DnsCache::Clock::now();
  dns_.AppendNames(src_ip, now, out->mutable_source_names());
  dns_.AppendNames(dst_ip, now, out->mutable_destination_names());
}

// A local pod's packets cross its veth and, to or from another node, the
// node NIC too. L7 is reported once, at the veth -- as Hubble reports it
// once per endpoint -- so the NIC's copy is an L3/L4 trace flow and HTTP and
// DNS metrics do not count the same message twice.
bool FlowConverter::ReportsL7(const datapath::Flow& in, bool at_nic, const Identity& src,
                              const Identity& dst) {
  if (!in.http && !in.dns) return false;
  if (!at_nic) return true;
  const bool from_wire = in.direction == Direction::kIngress;
  return !(from_wire ? dst : src).local_pod;
}

void FlowConverter::FillObservationPoint(const datapath::Flow& in, bool at_nic, bool reply, bool l7,
                                         flow::Flow* out) {
  auto* iface = out->mutable_interface();
  iface->set_index(in.ifindex);
  iface->set_name(interfaces_.Name(in.ifindex));
  // The host side of a pod veth: packets it receives left the pod (pod
  // egress); packets it sends enter the pod (pod ingress). On the node
  // NIC, ingress is from the network and egress to it.
  // Like Hubble, traffic_direction is the connection's: a reply leaving a
  // pod belongs to an ingress connection, so known replies are flipped.
  const bool from_wire = in.direction == Direction::kIngress;
  int sub_type;
  bool ingress;
  if (at_nic) {
    ingress = from_wire;
    sub_type = from_wire ? kTraceFromNetwork : kTraceToNetwork;
  } else {
    ingress = !from_wire;
    sub_type = from_wire ? kTraceFromEndpoint : kTraceToEndpoint;
  }
  out->set_traffic_direction(ingress != reply ? flow::INGRESS : flow::EGRESS);
  out->set_trace_observation_point(TracePoint(sub_type));
  auto* ev = out->mutable_event_type();
  if (l7) {
    ev->set_type(kEventTypeL7);
  } else {
    ev->set_type(kEventTypeTrace);
    ev->set_sub_type(sub_type);
  }
}

// Cilium's conntrack verdicts, from what the flow table knows: the first
// record of the initiator's entry opens the connection.
void FlowConverter::FillTraceReason(const datapath::Flow& in, std::optional<bool> reply, flow::Flow* out) {
  if (!reply) {
    out->set_trace_reason(flow::TRACE_REASON_UNKNOWN);
  } else if (*reply) {
    out->set_trace_reason(flow::REPLY);
  } else {
    out->set_trace_reason((in.reasons & FLOWS_REASON_NEW_FLOW) != 0 ? flow::NEW : flow::ESTABLISHED);
  }
}

void FlowConverter::FillL7(const datapath::Flow& in, bool reported, flow::Flow* out) {
  if (!reported) {
    out->set_type(flow::L3_L4);
    return;
  }
  out->set_type(flow::L7);
  auto* l7 = out->mutable_l7();
  if (in.http) {
    const auto& h = *in.http;
    l7->set_type(h.response ? flow::RESPONSE : flow::REQUEST);
    auto* http = l7->mutable_http();
    http->set_protocol(h.version);
    if (h.response) {
      http->set_code(h.status);
      // As in Hubble, a response names what it answers.
      if (auto answered = pairing_.Observe(in)) {
        l7->set_latency_ns(static_cast<std::uint64_t>(answered->latency.count()));
        http->set_method(std::move(answered->method));
        http->set_url(std::move(answered->url));
      }
    } else {
      http->set_method(h.method);
      // Hubble reports the full URL; the Host header names the authority.
      // (Built in place: no temporary strings per request.)
      std::string* url = http->mutable_url();
      if (h.url.rfind("http://", 0) == 0) {
        *url = h.url;
      } else {
        const std::string& host = h.host.empty() ? out->ip().destination() : h.host;
        url->reserve(7 + host.size() + h.url.size());
        url->append("http://").append(host).append(h.url);
      }
      if (!h.host.empty()) {
        auto* hdr = http->add_headers();
        hdr->set_key("Host");
        hdr->set_value(h.host);
      }
      pairing_.Observe(in, http->method(), http->url());
    }
    return;
  }
  if (auto answered = pairing_.Observe(in))
    l7->set_latency_ns(static_cast<std::uint64_t>(answered->latency.count()));
  const auto& d = *in.dns;
  l7->set_type(d.response ? flow::RESPONSE : flow::REQUEST);
  auto* dns = l7->mutable_dns();
  dns->set_query(d.query);
  dns->set_observation_source("flows");
  dns->set_rcode(d.rcode);
  dns->add_qtypes(datapath::DnsTypeName(d.qtype));
  std::uint32_t min_ttl = 0;
  bool any_ttl = false;
  for (const auto& a : d.answers) {
    dns->add_rrtypes(datapath::DnsTypeName(a.type));
    if (a.type == 1 || a.type == 28) dns->add_ips(a.data);
    if (a.type == 5) dns->add_cnames(a.data);
    min_ttl = any_ttl ? std::min(min_ttl, a.ttl) : a.ttl;
    any_ttl = true;
  }
  dns->set_ttl(min_ttl);
  if (d.response) dns_.Learn(d, DnsCache::Clock::now());
}

}  // namespace flows::flowd
