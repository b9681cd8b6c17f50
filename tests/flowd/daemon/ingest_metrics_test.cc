// flowd's metrics from the real ingest path: packets go through a model of
// the kernel's flow table (one entry per hook, direction and 5-tuple; a
// record for an entry's first packet, its first SYN, SYN-ACK, FIN and RST,
// a stats tick, every packet in per-packet mode, and the sweeper's flow-end
// summary), then IngestPipeline (converter, EntryTracker, FlowMetrics), and
// the registry is read back. Checked against what the packets were:
//   - port_distribution_total names server ports, never clients' ephemeral
//     ports, and leaves out flows of unknown direction (as Hubble does);
//   - tcp_flags_total counts each flag of each flow event (Hubble's rule);
//   - traffic_{bytes,packets}_total add each packet once: once per record
//     delta, and once although both pods' veths and the NICs see it.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <prometheus/registry.h>

#include <map>
#include <span>
#include <tuple>

#include "flow_record.h"
#include "flows/flowd/daemon/ingest_pipeline.h"
#include "node_fakes.h"

namespace flows::flowd {
namespace {

using namespace std::chrono_literals;
using datapath::Direction;
using testing_fakes::Interfaces;
using testing_fakes::kNic;
using testing_fakes::MapResolver;
using testing_fakes::V4;

// One flowd: the ingest path into its own registry.
struct Node {
  explicit Node(const MetricsOptions& options = {}) : metrics(registry, options) {}
  void Feed(const datapath::Flow& in) { pipeline.OnFlows(std::span(&in, 1)); }

  // The sum of a family's samples whose labels include `match`.
  double Sum(const std::string& family, const std::map<std::string, std::string>& match = {}) {
    double sum = 0;
    for (const auto& fam : registry.Collect()) {
      if (fam.name != family) continue;
      for (const auto& m : fam.metric) {
        bool all = true;
        for (const auto& [k, v] : match) {
          bool found = false;
          for (const auto& l : m.label) found = found || (l.name == k && l.value == v);
          all = all && found;
        }
        if (all) sum += m.counter.value;
      }
    }
    return sum;
  }
  // A family's series, as "label=value,..." strings.
  std::vector<std::string> Series(const std::string& family) {
    std::vector<std::string> out;
    for (const auto& fam : registry.Collect()) {
      if (fam.name != family) continue;
      for (const auto& m : fam.metric) {
        std::string s;
        for (const auto& l : m.label) s += l.name + "=" + l.value + ",";
        out.push_back(s);
      }
    }
    return out;
  }

  prometheus::Registry registry;
  MapResolver resolver;
  Interfaces interfaces;
  DnsCache dns;
  FlowConverter converter{"node", resolver, interfaces, dns};
  FlowMetrics metrics;
  NamespaceTracker namespaces;
  FlowStore store{4096};
  IngestPipeline pipeline{converter, &metrics, namespaces, store};
};

// Where a connection's packets are seen: a node, an interface, and the
// direction there of client -> server packets.
struct Hook {
  Node* node;
  std::uint32_t ifindex;
  Direction to_server;
};

Direction Other(Direction d) {
  return d == Direction::kIngress ? Direction::kEgress : Direction::kIngress;
}

// The kernel's flow table as bpf/lib/flow.h keeps it, for the records it
// would emit; and the truth: every byte and packet sent.
class Kernel {
 public:
  struct Conn {
    std::string client;
    std::uint16_t client_port;
    std::string server;
    std::uint16_t server_port;
    std::uint8_t proto = IPPROTO_TCP;
  };
  bool per_packet = false;

  // One packet of `c` crossing every hook of `path`. `stats`: the stats
  // interval has passed for these entries.
  void Send(const std::vector<Hook>& path, const Conn& c, bool to_server, std::uint8_t flags,
            std::uint32_t bytes, bool stats = false) {
    (to_server ? sent_to_server_ : sent_to_client_) += bytes;
    (to_server ? packets_to_server_ : packets_to_client_) += 1;
    for (const Hook& h : path) {
      const Direction dir = to_server ? h.to_server : Other(h.to_server);
      const std::string& src = to_server ? c.client : c.server;
      const std::string& dst = to_server ? c.server : c.client;
      const std::uint16_t sport = to_server ? c.client_port : c.server_port;
      const std::uint16_t dport = to_server ? c.server_port : c.client_port;
      const Key key{h.node, h.ifindex, dir, src, sport, dst, dport};
      auto [it, fresh] = table_.try_emplace(key);
      Entry& e = it->second;
      std::uint16_t reasons = 0;
      std::uint16_t tcp_new = c.proto == IPPROTO_TCP ? TcpReasons(flags) : 0;
      if (fresh) {
        reasons = FLOWS_REASON_NEW_FLOW | tcp_new;
      } else {
        tcp_new &= ~e.reported;
        reasons = tcp_new;
        if (stats) reasons |= FLOWS_REASON_STATS;
      }
      e.reported |= tcp_new;
      e.packets += 1;
      e.bytes += bytes;
      e.flags_seen |= flags;
      e.proto = c.proto;
      if (per_packet) reasons |= FLOWS_REASON_PACKET;
      if (reasons == 0) continue;
      datapath::Flow f = Record(key, e, reasons);
      f.tcp_flags = flags;
      f.packet_bytes = bytes;
      h.node->Feed(f);
    }
  }

  // The sweeper expires every entry: a flow-end record with final totals.
  void EndAll() {
    for (const auto& [key, e] : table_) {
      datapath::Flow f = Record(key, e, FLOWS_REASON_FLOW_END);
      f.tcp_flags = 0;  // a summary, not a packet (RecordDecoder::FromTableEntry)
      std::get<0>(key)->Feed(f);
    }
    table_.clear();
  }

  // Entries expire without their flow-end records reaching flowd (a full
  // ring): flowd keeps their baselines.
  void ExpireLosingRecords() { table_.clear(); }

  // flowd restarted on a node: the pinned table keeps its entries, and the
  // new flowd (`to`) sees their records from now on.
  void Restart(Node* from, Node* to) {
    std::map<Key, Entry> moved;
    for (auto& [key, e] : table_) {
      Key k = key;
      if (std::get<0>(k) == from) std::get<0>(k) = to;
      moved.emplace(k, e);
    }
    table_ = std::move(moved);
  }

  std::uint64_t sent_to_server() const { return sent_to_server_; }
  std::uint64_t sent_to_client() const { return sent_to_client_; }
  std::uint64_t packets_to_server() const { return packets_to_server_; }
  std::uint64_t packets_to_client() const { return packets_to_client_; }

 private:
  using Key =
      std::tuple<Node*, std::uint32_t, Direction, std::string, std::uint16_t, std::string, std::uint16_t>;
  struct Entry {
    std::uint64_t packets = 0, bytes = 0;
    std::uint8_t flags_seen = 0;
    std::uint16_t reported = 0;
    std::uint8_t proto = 0;
  };
  static std::uint16_t TcpReasons(std::uint8_t flags) {
    std::uint16_t r = 0;
    if ((flags & (FLOWS_TCP_SYN | FLOWS_TCP_ACK)) == FLOWS_TCP_SYN) r |= FLOWS_REASON_TCP_SYN;
    if ((flags & (FLOWS_TCP_SYN | FLOWS_TCP_ACK)) == (FLOWS_TCP_SYN | FLOWS_TCP_ACK))
      r |= FLOWS_REASON_TCP_SYNACK;
    if (flags & FLOWS_TCP_FIN) r |= FLOWS_REASON_TCP_FIN;
    if (flags & FLOWS_TCP_RST) r |= FLOWS_REASON_TCP_RST;
    return r;
  }
  datapath::Flow Record(const Key& key, const Entry& e, std::uint16_t reasons) {
    datapath::Flow f;
    time_ += 1ms;
    f.time = f.last_seen = time_;
    f.first_seen = time_;
    f.ifindex = std::get<1>(key);
    f.direction = std::get<2>(key);
    f.src = V4(std::get<3>(key));
    f.src_port = std::get<4>(key);
    f.dst = V4(std::get<5>(key));
    f.dst_port = std::get<6>(key);
    f.l4_proto = e.proto;
    f.packets = e.packets;
    f.bytes = e.bytes;
    f.tcp_flags_seen = e.flags_seen;
    f.reasons = reasons;
    return f;
  }

  std::map<Key, Entry> table_;
  std::chrono::system_clock::time_point time_{std::chrono::system_clock::now()};
  std::uint64_t sent_to_server_ = 0, sent_to_client_ = 0;
  std::uint64_t packets_to_server_ = 0, packets_to_client_ = 0;
};

constexpr std::uint8_t kSyn = FLOWS_TCP_SYN, kAck = FLOWS_TCP_ACK, kFin = FLOWS_TCP_FIN, kRst = FLOWS_TCP_RST,
                       kPsh = FLOWS_TCP_PSH;

// A TCP connection: handshake, `exchanges` request/response pairs (a stats
// tick on each), close.
void TcpConnection(Kernel& k, const std::vector<Hook>& path, const Kernel::Conn& c, int exchanges) {
  k.Send(path, c, true, kSyn, 74);
  k.Send(path, c, false, kSyn | kAck, 74);
  k.Send(path, c, true, kAck, 66);
  for (int i = 0; i < exchanges; ++i) {
    k.Send(path, c, true, kPsh | kAck, 200 + i, /*stats=*/true);
    k.Send(path, c, false, kPsh | kAck, 1400 + i, /*stats=*/true);
  }
  k.Send(path, c, true, kFin | kAck, 66);
  k.Send(path, c, false, kFin | kAck, 66);
  k.Send(path, c, true, kAck, 66);
}

void AddPod(Node& node, const std::string& ip, const std::string& ns, const std::string& pod, bool local) {
  flow::Endpoint ep;
  ep.set_namespace_(ns);
  ep.set_pod_name(pod);
  auto* w = ep.add_workloads();
  w->set_kind("Deployment");
  w->set_name(pod);
  node.resolver.endpoints[ip] = ep;
  if (local) node.resolver.local_pods.insert(ip);
}

constexpr std::uint32_t kClientVeth = 7, kServerVeth = 8;

TEST(IngestMetrics, PortDistributionNamesServerPortsNotClientPorts) {
  Node node;
  AddPod(node, "10.244.1.10", "demo", "frontend", true);
  AddPod(node, "10.244.1.20", "demo", "catalog", true);
  const std::vector<Hook> path = {{&node, kClientVeth, Direction::kIngress},
                                  {&node, kServerVeth, Direction::kEgress}};
  Kernel k;
  for (std::uint16_t i = 0; i < 30; ++i)
    TcpConnection(k, path, {"10.244.1.10", static_cast<std::uint16_t>(40000 + i), "10.244.1.20", 3550}, 2);
  k.EndAll();

  // Only the server's port: every connection's SYN at both veths.
  EXPECT_EQ(node.Series("flows_port_distribution_total"),
            std::vector<std::string>{"port=3550,protocol=TCP,"});
  EXPECT_EQ(node.Sum("flows_port_distribution_total"), 60);

  // A UDP flow says nothing of its direction: left out, as Hubble leaves
  // out flows whose is_reply is unknown.
  Kernel::Conn udp{"10.244.1.10", 50000, "10.244.1.20", 8125, IPPROTO_UDP};
  k.Send(path, udp, true, 0, 100);
  EXPECT_EQ(node.Sum("flows_port_distribution_total"), 60);
}

TEST(IngestMetrics, TcpFlagsCountEachFlagOfEachFlowEvent) {
  Node node;
  const std::vector<Hook> path = {{&node, kClientVeth, Direction::kIngress}};
  Kernel k;
  k.per_packet = true;  // every packet is a flow event, as in Hubble without monitor aggregation
  const Kernel::Conn c{"10.244.1.10", 40000, "10.244.1.20", 80};
  k.Send(path, c, true, kSyn, 74);
  k.Send(path, c, true, kSyn, 74);  // retransmitted
  k.Send(path, c, true, kSyn, 74);
  k.Send(path, c, false, kSyn | kAck, 74);
  k.Send(path, c, true, kAck, 66);
  k.Send(path, c, true, kFin | kAck, 66);
  k.Send(path, c, false, kRst, 54);
  k.Send(path, c, false, kRst, 54);
  k.EndAll();  // flow-end summaries carry every flag seen: not counted again

  EXPECT_EQ(node.Sum("flows_tcp_flags_total", {{"flag", "SYN"}, {"family", "IPv4"}}), 3);
  EXPECT_EQ(node.Sum("flows_tcp_flags_total", {{"flag", "SYN-ACK"}}), 1);
  EXPECT_EQ(node.Sum("flows_tcp_flags_total", {{"flag", "FIN"}}), 1);
  EXPECT_EQ(node.Sum("flows_tcp_flags_total", {{"flag", "RST"}}), 2);
}

TEST(IngestMetrics, TcpFlagsWithoutPerPacketAreTheFirstOfEachEntry) {
  // What the kernel reports by default: an entry's first SYN, SYN-ACK, FIN
  // and RST (docs/metrics.md says so): retransmissions are not events.
  Node node;
  const std::vector<Hook> path = {{&node, kClientVeth, Direction::kIngress}};
  Kernel k;
  const Kernel::Conn c{"10.244.1.10", 40000, "10.244.1.20", 80};
  k.Send(path, c, true, kSyn, 74);
  k.Send(path, c, true, kSyn, 74);
  k.Send(path, c, false, kSyn | kAck, 74);
  k.Send(path, c, true, kFin | kAck, 66);
  k.EndAll();
  EXPECT_EQ(node.Sum("flows_tcp_flags_total", {{"flag", "SYN"}}), 1);
  EXPECT_EQ(node.Sum("flows_tcp_flags_total", {{"flag", "SYN-ACK"}}), 1);
  EXPECT_EQ(node.Sum("flows_tcp_flags_total", {{"flag", "FIN"}}), 1);
}

MetricsOptions PodContext() {
  MetricsOptions o;
  EXPECT_TRUE(ParseMetricContexts("traffic:source=pod,destination=pod", &o).ok());
  return o;
}

TEST(IngestMetrics, TrafficOnOneNodeIsCountedOnceAtTheClientsVeth) {
  Node node(PodContext());
  AddPod(node, "10.244.1.10", "demo", "frontend", true);
  AddPod(node, "10.244.1.20", "demo", "catalog", true);
  // Both pods' veths see every packet.
  const std::vector<Hook> path = {{&node, kClientVeth, Direction::kIngress},
                                  {&node, kServerVeth, Direction::kEgress}};
  Kernel k;
  for (std::uint16_t i = 0; i < 5; ++i)
    TcpConnection(k, path, {"10.244.1.10", static_cast<std::uint16_t>(40000 + i), "10.244.1.20", 3550}, 3);
  k.EndAll();

  const std::map<std::string, std::string> up = {{"source", "demo/frontend"},
                                                 {"destination", "demo/catalog"}};
  const std::map<std::string, std::string> down = {{"source", "demo/catalog"},
                                                   {"destination", "demo/frontend"}};
  EXPECT_EQ(node.Sum("flows_traffic_bytes_total", up), k.sent_to_server());
  EXPECT_EQ(node.Sum("flows_traffic_bytes_total", down), k.sent_to_client());
  EXPECT_EQ(node.Sum("flows_traffic_packets_total", up), k.packets_to_server());
  EXPECT_EQ(node.Sum("flows_traffic_packets_total", down), k.packets_to_client());
  EXPECT_EQ(node.Sum("flows_traffic_bytes_total"), k.sent_to_server() + k.sent_to_client());
}

TEST(IngestMetrics, TrafficAcrossNodesIsCountedOnceOnTheClientsNode) {
  Node a(PodContext()), b(PodContext());
  for (Node* n : {&a, &b}) {
    AddPod(*n, "10.244.1.10", "demo", "frontend", n == &a);
    AddPod(*n, "10.244.2.20", "demo", "catalog", n == &b);
  }
  const std::vector<Hook> path = {{&a, kClientVeth, Direction::kIngress},
                                  {&a, kNic, Direction::kEgress},
                                  {&b, kNic, Direction::kIngress},
                                  {&b, kServerVeth, Direction::kEgress}};
  Kernel k;
  TcpConnection(k, path, {"10.244.1.10", 40000, "10.244.2.20", 3550}, 4);
  k.EndAll();
  EXPECT_EQ(a.Sum("flows_traffic_bytes_total") + b.Sum("flows_traffic_bytes_total"),
            k.sent_to_server() + k.sent_to_client());
  EXPECT_EQ(b.Sum("flows_traffic_bytes_total"), 0) << "the server's node must not count it again";
}

TEST(IngestMetrics, TrafficFromTheWorldIsCountedAtTheServersVeth) {
  Node node(PodContext());
  AddPod(node, "10.244.1.20", "demo", "catalog", true);
  const std::vector<Hook> path = {{&node, kNic, Direction::kIngress},
                                  {&node, kServerVeth, Direction::kEgress}};
  Kernel k;
  TcpConnection(k, path, {"203.0.113.9", 51000, "10.244.1.20", 443}, 2);
  k.EndAll();
  EXPECT_EQ(node.Sum("flows_traffic_bytes_total", {{"source", ""}, {"destination", "demo/catalog"}}),
            k.sent_to_server());
  EXPECT_EQ(node.Sum("flows_traffic_bytes_total"), k.sent_to_server() + k.sent_to_client());
}

TEST(IngestMetrics, LinkLocalAndMulticastChatterIsNotTraffic) {
  // What the demo's pods send by themselves: IPv6 neighbour discovery from
  // their link-local address, and mDNS from their pod address.
  Node node(PodContext());
  AddPod(node, "10.244.1.10", "demo", "frontend", true);
  const std::vector<Hook> path = {{&node, kClientVeth, Direction::kIngress}};
  Kernel k;
  k.Send(path, {"fe80::1", 135, "ff02::1:ff00:1", 0, IPPROTO_ICMPV6}, true, 0, 86);
  k.Send(path, {"10.244.1.10", 5353, "224.0.0.251", 5353, IPPROTO_UDP}, true, 0, 120);
  k.Send(path, {"10.244.1.10", 68, "255.255.255.255", 67, IPPROTO_UDP}, true, 0, 342);
  k.EndAll();
  EXPECT_EQ(node.Sum("flows_traffic_bytes_total"), 0);
  EXPECT_EQ(node.Sum("flows_traffic_packets_total"), 0);
}

TEST(IngestMetrics, TrafficAfterARestartCountsOnlyWhatIsNew) {
  // The kernel kept counting while flowd was down: the first records the
  // new flowd sees carry totals the old one had counted.
  Node before, after;
  for (Node* n : {&before, &after}) {
    AddPod(*n, "10.244.1.10", "demo", "frontend", true);
    AddPod(*n, "10.244.1.20", "demo", "catalog", true);
  }
  const Kernel::Conn c{"10.244.1.10", 40000, "10.244.1.20", 3550};
  Kernel k;
  k.Send({{&before, kClientVeth, Direction::kIngress}}, c, true, kSyn, 74);
  k.Send({{&before, kClientVeth, Direction::kIngress}}, c, true, kAck, 1000, true);
  const double counted_before = before.Sum("flows_traffic_bytes_total");
  EXPECT_EQ(counted_before, 1074);
  k.Restart(&before, &after);
  // Same entry, new flowd: its stats record carries totals 1074 + 500.
  k.Send({{&after, kClientVeth, Direction::kIngress}}, c, true, kAck, 500, true);
  EXPECT_EQ(after.Sum("flows_traffic_bytes_total"), 0) << "the first record only sets the baseline";
  k.Send({{&after, kClientVeth, Direction::kIngress}}, c, true, kAck, 300, true);
  EXPECT_EQ(after.Sum("flows_traffic_bytes_total"), 300);
}

TEST(IngestMetrics, ANewConnectionUnderAStaleBaselineCountsInFull) {
  // A connection attempt's flow-end record was lost; the next connection on
  // the same ports is a new entry whose totals are all new, although its
  // first record's totals equal the stale baseline.
  Node node;
  AddPod(node, "10.244.1.10", "demo", "frontend", true);
  AddPod(node, "10.244.1.20", "demo", "catalog", true);
  const std::vector<Hook> path = {{&node, kClientVeth, Direction::kIngress}};
  const Kernel::Conn c{"10.244.1.10", 40000, "10.244.1.20", 3550};
  Kernel k;
  k.Send(path, c, true, kSyn, 74);  // an attempt nobody answered
  k.ExpireLosingRecords();
  const double bytes_before = node.Sum("flows_traffic_bytes_total");
  const double packets_before = node.Sum("flows_traffic_packets_total");
  const std::uint64_t sent_before = k.sent_to_server() + k.sent_to_client();
  const std::uint64_t packets_sent_before = k.packets_to_server() + k.packets_to_client();
  TcpConnection(k, path, c, 5);
  k.EndAll();
  EXPECT_EQ(node.Sum("flows_traffic_bytes_total") - bytes_before,
            k.sent_to_server() + k.sent_to_client() - sent_before);
  EXPECT_EQ(node.Sum("flows_traffic_packets_total") - packets_before,
            k.packets_to_server() + k.packets_to_client() - packets_sent_before);
}

TEST(IngestMetrics, TrafficToTheWorldCarriesTheConfiguredContexts) {
  MetricsOptions o;
  ASSERT_TRUE(ParseMetricContexts("traffic:source=workload,destination=ip", &o).ok());
  Node node(o);
  AddPod(node, "10.244.1.10", "demo", "frontend", true);
  // The pod's veth, then the NIC on the way out: counted at the veth only.
  const std::vector<Hook> path = {{&node, kClientVeth, Direction::kIngress},
                                  {&node, kNic, Direction::kEgress}};
  Kernel k;
  TcpConnection(k, path, {"10.244.1.10", 41000, "203.0.113.9", 443}, 3);
  k.EndAll();
  EXPECT_EQ(node.Sum("flows_traffic_bytes_total",
                     {{"source", "demo/frontend"}, {"destination", "203.0.113.9"}, {"protocol", "TCP"}}),
            k.sent_to_server());
  // The reply's source is the world: no workload; its destination is the pod's IP.
  EXPECT_EQ(node.Sum("flows_traffic_bytes_total", {{"source", ""}, {"destination", "10.244.1.10"}}),
            k.sent_to_client());
  EXPECT_EQ(node.Series("flows_traffic_bytes_total").size(), 2u);
}

}  // namespace
}  // namespace flows::flowd
