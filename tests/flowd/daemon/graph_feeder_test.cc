// Datapath records -> FlowConverter -> GraphFeeder -> ConnectivityGraph, on
// one or two simulated nodes, each seeing a connection at the hooks it
// would (the client's veth, NICs, the server's veth), then the nodes'
// graphs merged as the relay merges them: each connection counts once.
#include "flows/flowd/daemon/graph_feeder.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <map>
#include <set>

#include "flow_record.h"
#include "flows/api/graph/graph_merge.h"
#include "flows/flowd/daemon/graph_service.h"
#include "flows/flowd/graph/graph_proto.h"
#include "node_fakes.h"

namespace flows::flowd {
namespace {

using namespace std::chrono_literals;
using datapath::Direction;

using testing_fakes::Interfaces;
using testing_fakes::kNic;
using testing_fakes::MapResolver;
using testing_fakes::V4;

struct Pod {
  std::string ip, ns, name, workload;
  std::uint32_t veth = 0;  // on its node
};

// One flowd: converter, graph and feeder, fed one record at a time.
struct Node {
  explicit Node(std::string n) : name(std::move(n)), feeder(graph, name) {}
  void Feed(const datapath::Flow& in) {
    flow::Flow out;
    FlowFacts facts;
    converter.Convert(in, &out, nullptr, &facts);
    feeder.Add(in, out, facts, entries.Track(in, out, facts));
    feeder.Commit();
    seen.push_back(out);
  }
  ::flows::graph::GetGraphResponse Answer() {
    auto g = graph.Query(graph::Query{});
    EXPECT_TRUE(g.ok());
    return graph::GraphToProto(*g, name);
  }
  std::string name;
  MapResolver resolver;
  Interfaces interfaces;
  DnsCache dns;
  FlowConverter converter{name, resolver, interfaces, dns};
  graph::ConnectivityGraph graph;
  EntryTracker entries;
  GraphFeeder feeder;
  std::vector<flow::Flow> seen;  // every converted flow, as GetFlows would return it
};

class GraphFeederTest : public ::testing::Test {
 protected:
  // Every node knows every pod (the Kubernetes API); local_pods are its own.
  void AddPod(Node& node, const Pod& p) {
    flow::Endpoint ep;
    ep.set_namespace_(p.ns);
    ep.set_pod_name(p.name);
    auto* w = ep.add_workloads();
    w->set_kind("Deployment");
    w->set_name(p.workload);
    for (Node* n : {&a_, &b_}) n->resolver.endpoints[p.ip] = ep;
    node.resolver.local_pods.insert(p.ip);
  }

  // A record at one hook: totals of its flow-table entry, as the kernel keeps them.
  datapath::Flow Record(std::uint32_t ifindex, Direction dir, const std::string& src, std::uint16_t sport,
                        const std::string& dst, std::uint16_t dport, std::uint16_t reasons,
                        std::uint32_t bytes) {
    datapath::Flow f;
    time_ += 1ms;
    f.time = time_;
    f.first_seen = f.last_seen = f.time;
    f.ifindex = ifindex;
    f.direction = dir;
    f.src = V4(src);
    f.dst = V4(dst);
    f.l4_proto = IPPROTO_TCP;
    f.src_port = sport;
    f.dst_port = dport;
    auto& totals = totals_[{ifindex, static_cast<int>(dir), src + ":" + std::to_string(sport)}];
    if (reasons & FLOWS_REASON_NEW_FLOW) totals = {};
    totals.first += 1;
    totals.second += bytes;
    f.packets = totals.first;
    f.bytes = totals.second;
    f.reasons = reasons;
    return f;
  }

  // One HTTP connection seen at `hooks`: (node, ifindex, client->server direction).
  struct Hook {
    Node* node;
    std::uint32_t ifindex;
    Direction to_server;
  };
  void Connection(const std::vector<Hook>& hooks, const std::string& client, const std::string& server,
                  std::uint16_t port, int requests, int errors) {
    const std::uint16_t cport = next_port_++;
    auto other = [](Direction d) {
      return d == Direction::kIngress ? Direction::kEgress : Direction::kIngress;
    };
    for (const Hook& h : hooks) {
      auto syn = Record(h.ifindex, h.to_server, client, cport, server, port,
                        FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN, 74);
      syn.tcp_flags = syn.tcp_flags_seen = FLOWS_TCP_SYN;
      h.node->Feed(syn);
      auto synack = Record(h.ifindex, other(h.to_server), server, port, client, cport,
                           FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYNACK, 74);
      synack.tcp_flags = synack.tcp_flags_seen = FLOWS_TCP_SYN | FLOWS_TCP_ACK;
      h.node->Feed(synack);
    }
    for (int i = 0; i < requests; ++i) {
      for (const Hook& h : hooks) {
        auto req = Record(h.ifindex, h.to_server, client, cport, server, port, FLOWS_REASON_L7, 120);
        req.http = datapath::HttpMessage{
            .response = false, .method = "GET", .url = "/products", .version = "HTTP/1.1"};
        h.node->Feed(req);
        auto res = Record(h.ifindex, other(h.to_server), server, port, client, cport, FLOWS_REASON_L7, 300);
        res.http = datapath::HttpMessage{.response = true,
                                         .version = "HTTP/1.1",
                                         .status = static_cast<std::uint16_t>(i < errors ? 500 : 200)};
        h.node->Feed(res);
      }
    }
  }

  ::flows::graph::GetGraphResponse Merged() {
    const std::vector<::flows::graph::GetGraphResponse> parts = {a_.Answer(), b_.Answer()};
    return api::graph::MergeGraphs(parts);
  }
  static const ::flows::graph::Edge* Find(const ::flows::graph::GetGraphResponse& g, const std::string& src,
                                          const std::string& dst, std::uint32_t port, const std::string& l7) {
    for (const auto& e : g.edges()) {
      if (e.source().label() == src && e.destination().label() == dst && e.port() == port &&
          e.l7_protocol() == l7) {
        return &e;
      }
    }
    return nullptr;
  }
  static std::uint64_t Connections(const ::flows::graph::GetGraphResponse& g, const std::string& src,
                                   const std::string& dst) {
    std::uint64_t n = 0;
    for (const auto& e : g.edges()) {
      if (e.source().label() == src && e.destination().label() == dst) n += e.connections();
    }
    return n;
  }

  Node a_{"node-a"}, b_{"node-b"};
  std::chrono::system_clock::time_point time_{std::chrono::system_clock::now()};
  std::map<std::tuple<std::uint32_t, int, std::string>, std::pair<std::uint64_t, std::uint64_t>> totals_;
  std::uint16_t next_port_ = 40000;
  const Pod frontend_{"10.244.1.10", "demo-app", "frontend-abc", "frontend", 7};
  const std::string kFrontend = "demo-app/Deployment/frontend";
  const std::string kCatalog = "demo-app/Deployment/productcatalog";
};

TEST_F(GraphFeederTest, CrossNodePodToPodCountsOnceOnTheClientsNode) {
  const Pod catalog{"10.244.2.20", "demo-app", "productcatalog-0", "productcatalog", 8};
  AddPod(a_, frontend_);
  AddPod(b_, catalog);
  const std::vector<Hook> path = {{&a_, frontend_.veth, Direction::kIngress},
                                  {&a_, kNic, Direction::kEgress},
                                  {&b_, kNic, Direction::kIngress},
                                  {&b_, catalog.veth, Direction::kEgress}};
  Connection(path, frontend_.ip, catalog.ip, 3550, 1, 0);  // the port's L7 is learned here
  Connection(path, frontend_.ip, catalog.ip, 3550, 10, 3);
  Connection(path, frontend_.ip, catalog.ip, 3550, 7, 1);
  const auto g = Merged();
  const auto* e = Find(g, kFrontend, kCatalog, 3550, "http");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->requests(), 18u);
  EXPECT_EQ(e->errors(), 4u);
  EXPECT_EQ(Connections(g, kFrontend, kCatalog), 3u);
  EXPECT_EQ(std::vector<std::string>(e->nodes().begin(), e->nodes().end()),
            std::vector<std::string>{"node-a"});
  EXPECT_EQ(e->http_size(), 2);
  EXPECT_EQ(e->http(0).method(), "GET");
  // Every response, and the SYN-ACKs of the connections after the first
  // (which taught the feeder that port 3550 speaks HTTP).
  EXPECT_EQ(e->bytes_to_client(), 18u * 300u + 2u * 74u);
  EXPECT_EQ(b_.Answer().edges_size(), 0);  // the server's node counts nothing
}

// One rule for the map and the flow list: the HTTP responses marked primary
// on the flows (what `flows observe --once` shows) are exactly the ones the
// merged graph counted, wherever the connection was seen.
TEST_F(GraphFeederTest, PrimaryFlowsAreWhatTheGraphCounts) {
  const Pod catalog{"10.244.2.20", "demo-app", "productcatalog-0", "productcatalog", 8};
  AddPod(a_, frontend_);
  AddPod(b_, catalog);
  const std::vector<Hook> path = {{&a_, frontend_.veth, Direction::kIngress},
                                  {&a_, kNic, Direction::kEgress},
                                  {&b_, kNic, Direction::kIngress},
                                  {&b_, catalog.veth, Direction::kEgress}};
  Connection(path, frontend_.ip, catalog.ip, 3550, 4, 1);
  Connection(path, frontend_.ip, catalog.ip, 3550, 6, 2);
  const auto merged = Merged();
  const auto* e = Find(merged, kFrontend, kCatalog, 3550, "http");
  ASSERT_NE(e, nullptr);
  std::uint64_t responses = 0, primary = 0, primary_errors = 0;
  for (const Node* n : {&a_, &b_}) {
    for (const auto& f : n->seen) {
      if (!f.l7().has_http() || f.l7().type() != flow::RESPONSE) continue;
      ++responses;
      if (!f.primary()) continue;
      ++primary;
      primary_errors += f.l7().http().code() >= 500 ? 1 : 0;
      EXPECT_EQ(n, &a_) << "primary sightings are on the client's node";
      EXPECT_EQ(f.vantage(), flow::CLIENT_SIDE);
    }
  }
  EXPECT_EQ(responses, 20u) << "each response seen at both veths (the NICs report no L7 for local pods)";
  EXPECT_EQ(primary, e->requests());
  EXPECT_EQ(primary_errors, e->errors());
}

TEST_F(GraphFeederTest, SameNodePodToPodCountsOnceAtTheClientsVeth) {
  const Pod catalog{"10.244.1.20", "demo-app", "productcatalog-0", "productcatalog", 9};
  AddPod(a_, frontend_);
  AddPod(a_, catalog);
  const std::vector<Hook> path = {{&a_, frontend_.veth, Direction::kIngress},
                                  {&a_, catalog.veth, Direction::kEgress}};
  Connection(path, frontend_.ip, catalog.ip, 3550, 1, 0);
  Connection(path, frontend_.ip, catalog.ip, 3550, 5, 5);
  const auto g = Merged();
  const auto* e = Find(g, kFrontend, kCatalog, 3550, "http");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->requests(), 6u);
  EXPECT_EQ(e->errors(), 5u);
  EXPECT_EQ(Connections(g, kFrontend, kCatalog), 2u);
}

TEST_F(GraphFeederTest, PodToWorldIsNamedByTheResolvedNameAndCountedOnce) {
  AddPod(a_, frontend_);
  datapath::DnsMessage answer;
  answer.response = true;
  answer.query = "api.example.com.";
  answer.qtype = 1;
  answer.answers.push_back({"api.example.com.", 1, 300, "93.184.216.34"});
  a_.dns.Learn(answer, DnsCache::Clock::now());
  const std::vector<Hook> path = {{&a_, frontend_.veth, Direction::kIngress},
                                  {&a_, kNic, Direction::kEgress}};
  Connection(path, frontend_.ip, "93.184.216.34", 443, 0, 0);
  Connection(path, frontend_.ip, "93.184.216.34", 443, 0, 0);
  const auto g = Merged();
  const auto* e = Find(g, kFrontend, "world:api.example.com", 443, "");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->connections(), 2u);
  EXPECT_EQ(e->requests(), 2u);
  EXPECT_EQ(e->packets_to_server(), 2u);
  EXPECT_EQ(e->packets_to_client(), 2u);
}

TEST_F(GraphFeederTest, LinkLocalAndMulticastChatterIsNotADependency) {
  AddPod(a_, frontend_);
  const std::vector<Hook> path = {{&a_, frontend_.veth, Direction::kIngress},
                                  {&a_, kNic, Direction::kEgress}};
  Connection(path, frontend_.ip, "224.0.0.251", 5353, 0, 0);    // mDNS
  Connection(path, frontend_.ip, "169.254.169.254", 80, 0, 0);  // link-local
  Connection(path, frontend_.ip, "93.184.216.34", 443, 0, 0);
  const auto g = Merged();
  ASSERT_EQ(g.edges_size(), 1) << "only the world edge";
  EXPECT_EQ(g.edges(0).destination().label(), "world:93.184.216.34");
}

TEST_F(GraphFeederTest, HostAndWorldClientsAreCountedAtTheServersVeth) {
  const Pod catalog{"10.244.2.20", "demo-app", "productcatalog-0", "productcatalog", 8};
  AddPod(b_, catalog);
  b_.feeder.SetHostAddresses({"192.168.250.3"});
  // The kubelet's probe from the host: the server's veth only.
  Connection({{&b_, catalog.veth, Direction::kEgress}}, "192.168.250.3", catalog.ip, 3550, 1, 0);
  // From outside the cluster: node B's NIC, then the veth.
  Connection({{&b_, kNic, Direction::kIngress}, {&b_, catalog.veth, Direction::kEgress}}, "203.0.113.9",
             catalog.ip, 3550, 2, 0);
  const auto g = Merged();
  const auto* host = Find(g, "host", kCatalog, 3550, "http");
  ASSERT_NE(host, nullptr);
  EXPECT_EQ(host->requests(), 1u);
  EXPECT_EQ(Connections(g, "host", kCatalog), 1u);
  const auto* world = Find(g, "world:203.0.113.9", kCatalog, 3550, "http");
  ASSERT_NE(world, nullptr);
  EXPECT_EQ(world->requests(), 2u);
  EXPECT_EQ(Connections(g, "world:203.0.113.9", kCatalog), 1u);
}

TEST_F(GraphFeederTest, RefusedConnectionIsCountedAsRefused) {
  const Pod catalog{"10.244.1.20", "demo-app", "productcatalog-0", "productcatalog", 9};
  AddPod(a_, frontend_);
  AddPod(a_, catalog);
  auto syn = Record(frontend_.veth, Direction::kIngress, frontend_.ip, 41000, catalog.ip, 9999,
                    FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN, 74);
  syn.tcp_flags = syn.tcp_flags_seen = FLOWS_TCP_SYN;
  a_.Feed(syn);
  auto rst = Record(frontend_.veth, Direction::kEgress, catalog.ip, 9999, frontend_.ip, 41000,
                    FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_RST, 54);
  rst.tcp_flags = rst.tcp_flags_seen = FLOWS_TCP_RST | FLOWS_TCP_ACK;
  a_.Feed(rst);
  const auto g = Merged();
  const auto* e = Find(g, kFrontend, kCatalog, 9999, "");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->connections(), 1u);
  EXPECT_EQ(e->refused(), 1u);
  EXPECT_EQ(e->errors(), 1u);
}

TEST_F(GraphFeederTest, GraphServiceNamesTheBadField) {
  GraphService service(a_.graph, "node-a", [] { return graph::TimeNs{1'700'000'000} * graph::kSecondNs; });
  ::flows::graph::GetGraphRequest req;
  ::flows::graph::GetGraphResponse res;
  grpc::ServerContext ctx;
  req.set_group_by(static_cast<::flows::graph::GroupBy>(42));
  auto s = service.GetGraph(&ctx, &req, &res);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("group_by"), std::string::npos);
  req.Clear();
  req.mutable_since()->set_nanos(-1);
  s = service.GetGraph(&ctx, &req, &res);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("since"), std::string::npos);
  req.Clear();
  s = service.GetGraph(&ctx, &req, &res);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(res.until().seconds(), 1'700'000'000);
  EXPECT_EQ(res.since().seconds(), 1'700'000'000 - 3600);
  ASSERT_EQ(res.nodes_size(), 1);
  EXPECT_EQ(res.nodes(0), "node-a");
}

}  // namespace
}  // namespace flows::flowd
