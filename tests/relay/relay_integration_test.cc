// Three flowd-like nodes (real ObserverService + PeerService over
// FlowStores, on loopback) behind the relay, read through gRPC as a client
// would: ordering, N per node, a node stopped and restarted mid-stream, a
// node joining a follow stream, the unary calls.
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include <map>

#include "flows/relay/peer_sources.h"
#include "relay_harness.h"
#include "test_node.h"

namespace flows::relay {
namespace {

using namespace std::chrono_literals;
using testing::CountFlows;
using testing::HasStatus;
using testing::StreamCollector;
using testing::TestNode;
using testing::TimeNs;

class RelayIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<PeerSpec> specs;
    for (int i = 0; i < 3; ++i) {
      nodes_.push_back(std::make_unique<TestNode>("node-" + std::to_string(i)));
      nodes_.back()->Start();
      specs.push_back(PeerSpec{nodes_.back()->name(), nodes_.back()->address(), {}});
    }
    relay_.peers().Replace("static", specs);
    ASSERT_TRUE(relay_.WaitConnected(3));
    stub_ = relay_.Stub();
  }

  std::vector<std::unique_ptr<TestNode>> nodes_;
  testing::RelayHarness relay_;
  std::unique_ptr<observer::Observer::Stub> stub_;
};

std::size_t CountPod(const std::vector<observer::GetFlowsResponse>& rs, const std::string& pod) {
  return std::count_if(rs.begin(), rs.end(),
                       [&](const auto& r) { return r.flow().source().pod_name() == pod; });
}

// A follow stream only sees flows pushed after each node got the request:
// push one flow per node until each has come through. Returns the flows seen.
std::size_t WarmUp(StreamCollector& c, std::vector<std::unique_ptr<TestNode>>& nodes) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < until) {
    bool all = true;
    const auto rs = c.Responses();
    for (auto& n : nodes)
      if (CountFlows(rs, n->name()) == 0) {
        all = false;
        n->Push(testing::NowNs());
      }
    if (all) return CountFlows(rs);
    std::this_thread::sleep_for(100ms);
  }
  ADD_FAILURE() << "follow stream did not start";
  return 0;
}

void ExpectOrdered(const std::vector<observer::GetFlowsResponse>& rs) {
  std::int64_t last = 0;
  for (const auto& r : rs) {
    if (!r.has_flow()) continue;
    EXPECT_GE(TimeNs(r), last) << "flow from " << r.node_name() << " out of order";
    last = TimeNs(r);
  }
}

TEST_F(RelayIntegrationTest, NumberIsPerNodeAndTheResultIsMergedInTimeOrder) {
  const std::int64_t base = testing::NowNs() - 10'000'000'000;
  for (int k = 0; k < 200; ++k)
    for (int i = 0; i < 3; ++i) nodes_[i]->Push(base + (k * 3 + i) * 1000);
  observer::GetFlowsRequest req;
  req.set_number(50);
  StreamCollector c(*stub_, req);
  ASSERT_TRUE(c.WaitDone());
  ASSERT_TRUE(c.status().ok()) << c.status().error_message();
  const auto rs = c.Responses();
  ASSERT_FALSE(rs.empty());
  ASSERT_TRUE(rs[0].has_node_status()) << "NodeStatusEvent first";
  EXPECT_EQ(rs[0].node_status().state_change(), ::relay::NODE_CONNECTED);
  EXPECT_EQ(rs[0].node_status().node_names_size(), 3);
  EXPECT_EQ(CountFlows(rs), 150u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(CountFlows(rs, nodes_[i]->name()), 50u);
  ExpectOrdered(rs);
  // The last 50 of each node: the oldest flow sent is k = 150.
  EXPECT_EQ(TimeNs(rs[1]), base + 150 * 3 * 1000);
}

TEST_F(RelayIntegrationTest, FollowMergesLiveFlowsInTimeOrder) {
  observer::GetFlowsRequest req;
  req.set_follow(true);
  StreamCollector c(*stub_, req);
  WarmUp(c, nodes_);
  for (int k = 0; k < 300; ++k) {
    nodes_[k % 3]->Push(testing::NowNs(), "demo-app", "measured");
    if (k % 30 == 0) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(c.WaitFor([&](const auto& rs) { return CountPod(rs, "measured") == 300; }));
  ExpectOrdered(c.Responses());
}

TEST_F(RelayIntegrationTest, NodeStoppedMidStreamIsReportedAndComesBack) {
  observer::GetFlowsRequest req;
  req.set_follow(true);
  StreamCollector c(*stub_, req);
  const std::size_t warm = WarmUp(c, nodes_);

  const std::string gone = nodes_[1]->name();
  const auto stopped_at = std::chrono::steady_clock::now();
  nodes_[1]->Stop();
  ASSERT_TRUE(c.WaitFor([&](const auto& rs) { return HasStatus(rs, ::relay::NODE_UNAVAILABLE, gone); }, 5s))
      << "a stopped node is reported within 5 s";
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, 5s);

  // The stream goes on with the others.
  nodes_[0]->Push(testing::NowNs(), "demo-app", "after-stop");
  nodes_[2]->Push(testing::NowNs(), "demo-app", "after-stop");
  ASSERT_TRUE(c.WaitFor([&](const auto& rs) { return CountPod(rs, "after-stop") == 2; }));
  EXPECT_GE(CountFlows(c.Responses()), warm + 2);

  // Restarted on the same address: connected again, and its new flows flow.
  const std::size_t before = c.Responses().size();
  nodes_[1]->Start();
  ASSERT_TRUE(
      c.WaitFor([&](const auto& rs) { return HasStatus(rs, ::relay::NODE_CONNECTED, gone, before); }, 10s));
  const std::size_t from_gone = CountFlows(c.Responses(), gone);
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (CountFlows(c.Responses(), gone) == from_gone && std::chrono::steady_clock::now() < until) {
    nodes_[1]->Push(testing::NowNs());  // until the new stream is open on the node
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(CountFlows(c.Responses(), gone), from_gone);

  grpc::ClientContext ctx;
  observer::GetNodesResponse nodes;
  ASSERT_TRUE(stub_->GetNodes(&ctx, {}, &nodes).ok());
  ASSERT_EQ(nodes.nodes_size(), 3);
  for (const auto& n : nodes.nodes()) EXPECT_EQ(n.state(), ::relay::NODE_CONNECTED) << n.name();
}

TEST_F(RelayIntegrationTest, NodeAnnouncedAtRunTimeJoinsTheFollowStream) {
  observer::GetFlowsRequest req;
  req.set_follow(true);
  StreamCollector c(*stub_, req);
  const std::size_t warm = WarmUp(c, nodes_);

  // A fourth node, announced by its own peer.Peer service.
  TestNode late("node-3");
  late.Start();
  NotifyPeerSource notify(relay_.peers(), relay_.dial(), late.address(), 4244,
                          Backoff({.initial = 100ms, .max = 500ms}));
  notify.Start();
  ASSERT_TRUE(
      c.WaitFor([&](const auto& rs) { return HasStatus(rs, ::relay::NODE_CONNECTED, "node-3"); }, 10s));
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (CountFlows(c.Responses(), "node-3") == 0 && std::chrono::steady_clock::now() < until) {
    late.Push(testing::NowNs());
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(CountFlows(c.Responses(), "node-3"), 0u);
  EXPECT_GT(CountFlows(c.Responses()), warm);
  notify.Stop();
  late.Stop();
}

// One --peer-service finds every node: each flowd announces all the nodes
// its roster holds (the DaemonSet's pods, or the static file), not only
// itself. Before, a relay pointed at one flowd found one node.
TEST(RelayPeerDiscoveryTest, OnePeerServiceFindsThreeNodes) {
  flowd::PeerRoster roster;  // what each flowd learned from the API: the same three nodes
  std::vector<std::unique_ptr<TestNode>> nodes;
  std::vector<flowd::PeerNode> announced;
  for (int i = 0; i < 3; ++i) {
    nodes.push_back(std::make_unique<TestNode>("node-" + std::to_string(i)));
    announced.push_back({nodes.back()->name(), nodes.back()->address()});
  }
  roster.Replace("kubernetes", announced);
  for (auto& n : nodes) {
    n->SetRoster(&roster);
    n->Start();
    n->Push(testing::NowNs(), "demo-app", "pod-of-" + n->name());
  }
  testing::RelayHarness relay;
  NotifyPeerSource notify(relay.peers(), relay.dial(), nodes[1]->address(), 4244,
                          Backoff({.initial = 100ms, .max = 500ms}));
  notify.Start();
  ASSERT_TRUE(relay.WaitConnected(3)) << "the relay found " << relay.peers().Snapshot().size() << " node(s)";

  // And it reads all three: one flow from each node.
  auto stub = relay.Stub();
  grpc::ClientContext ctx;
  observer::GetFlowsRequest req;
  req.set_number(10);
  auto reader = stub->GetFlows(&ctx, req);
  std::vector<observer::GetFlowsResponse> rs;
  observer::GetFlowsResponse r;
  while (reader->Read(&r)) rs.push_back(r);
  ASSERT_TRUE(reader->Finish().ok());
  for (auto& n : nodes) EXPECT_EQ(CountFlows(rs, n->name()), 1u) << n->name();

  grpc::ClientContext sctx;
  observer::ServerStatusResponse st;
  ASSERT_TRUE(stub->ServerStatus(&sctx, {}, &st).ok());
  EXPECT_EQ(st.num_connected_nodes().value(), 3u);

  // A node leaving the roster is deleted from the relay too.
  roster.Replace("kubernetes", {announced[0], announced[1]});
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (relay.peers().Snapshot().size() != 2 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(relay.peers().Snapshot().size(), 2u);
  notify.Stop();
}

TEST_F(RelayIntegrationTest, StatusNodesAndNamespacesAreMerged) {
  nodes_[0]->Push(testing::NowNs(), "demo-app");
  nodes_[1]->Push(testing::NowNs(), "kube-system");
  nodes_[1]->Push(testing::NowNs(), "demo-app");
  nodes_[2]->Push(testing::NowNs(), "alpha");

  grpc::ClientContext c1;
  observer::ServerStatusResponse st;
  ASSERT_TRUE(stub_->ServerStatus(&c1, {}, &st).ok());
  EXPECT_EQ(st.num_flows(), 4u);
  EXPECT_EQ(st.seen_flows(), 4u);
  EXPECT_EQ(st.max_flows(), 3u * 100000);
  EXPECT_EQ(st.num_connected_nodes().value(), 3u);
  EXPECT_EQ(st.num_unavailable_nodes().value(), 0u);
  EXPECT_EQ(st.version(), "relay-test");

  grpc::ClientContext c2;
  observer::GetNamespacesResponse ns;
  ASSERT_TRUE(stub_->GetNamespaces(&c2, {}, &ns).ok());
  ASSERT_EQ(ns.namespaces_size(), 3);
  EXPECT_EQ(ns.namespaces(0).namespace_(), "alpha");
  EXPECT_EQ(ns.namespaces(1).namespace_(), "demo-app");
  EXPECT_EQ(ns.namespaces(2).namespace_(), "kube-system");

  grpc::ClientContext c3;
  observer::GetNodesResponse nodes;
  ASSERT_TRUE(stub_->GetNodes(&c3, {}, &nodes).ok());
  ASSERT_EQ(nodes.nodes_size(), 3);
  EXPECT_EQ(nodes.nodes(1).name(), "node-1");
  EXPECT_EQ(nodes.nodes(1).address(), nodes_[1]->address());
  EXPECT_EQ(nodes.nodes(1).version(), "test-1.0");
  EXPECT_EQ(nodes.nodes(1).num_flows(), 2u);
  EXPECT_FALSE(nodes.nodes(1).tls().enabled());

  nodes_[2]->Stop();
  const auto until = std::chrono::steady_clock::now() + 5s;
  observer::ServerStatusResponse st2;
  do {
    grpc::ClientContext c4;
    st2.Clear();
    ASSERT_TRUE(stub_->ServerStatus(&c4, {}, &st2).ok());
  } while (st2.num_unavailable_nodes().value() == 0 && std::chrono::steady_clock::now() < until);
  EXPECT_EQ(st2.num_connected_nodes().value(), 2u);
  ASSERT_EQ(st2.unavailable_nodes_size(), 1);
  EXPECT_EQ(st2.unavailable_nodes(0), "node-2");
  EXPECT_EQ(st2.num_flows(), 3u);
}

TEST_F(RelayIntegrationTest, StatusListsEveryNodesLossCountersByNode) {
  nodes_[1]->SetLosses({{"ring_reservation", 7}, {"decode", 0}});
  grpc::ClientContext c;
  observer::ServerStatusResponse st;
  ASSERT_TRUE(stub_->ServerStatus(&c, {}, &st).ok());
  std::map<std::pair<std::string, std::string>, std::uint64_t> lost;
  for (const auto& l : st.flows_lost_events()) lost[{l.node_name(), l.source()}] = l.count();
  EXPECT_EQ(lost[(std::pair<std::string, std::string>{"node-1", "ring_reservation"})], 7u);
  EXPECT_TRUE(lost.count({"node-1", "decode"}));
  EXPECT_TRUE(lost.count({"flows-relay", "relay_sort_buffer"})) << "the relay's own stages too";
  EXPECT_TRUE(lost.count({"flows-relay", "relay_client"}));
}

TEST_F(RelayIntegrationTest, UnavailableNodesAreListedFirstThing) {
  nodes_[2]->Stop();
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (relay_.WaitConnected(3, 0ms) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  nodes_[0]->Push(testing::NowNs());
  observer::GetFlowsRequest req;
  StreamCollector c(*stub_, req);
  ASSERT_TRUE(c.WaitDone());
  const auto rs = c.Responses();
  ASSERT_GE(rs.size(), 3u);
  EXPECT_TRUE(HasStatus({rs[0], rs[1]}, ::relay::NODE_CONNECTED, "node-0"));
  EXPECT_TRUE(HasStatus({rs[0], rs[1]}, ::relay::NODE_UNAVAILABLE, "node-2"));
  EXPECT_EQ(CountFlows(rs), 1u);
}

TEST_F(RelayIntegrationTest, BadRequestsAreRefusedNamingTheField) {
  observer::GetFlowsRequest req;
  req.add_whitelist()->add_source_ip("10.0.0.0/33");
  StreamCollector c(*stub_, req);
  ASSERT_TRUE(c.WaitDone());
  EXPECT_EQ(c.status().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(c.status().error_message().find("source_ip"), std::string::npos) << c.status().error_message();
  EXPECT_TRUE(c.Responses().empty());

  observer::GetFlowsRequest both;
  both.set_first(true);
  both.set_follow(true);
  StreamCollector c2(*stub_, both);
  ASSERT_TRUE(c2.WaitDone());
  EXPECT_EQ(c2.status().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RelayIntegrationTest, PeersKnownByAddressAreShownByTheirNodeNames) {
  testing::RelayHarness relay;
  const std::string address = nodes_[0]->address();
  relay.peers().Replace("static", {PeerSpec{address, address, {}}});  // as --peer gives it
  ASSERT_TRUE(relay.WaitConnected(1));
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (relay.peers().Snapshot()[0].node_name.empty() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  nodes_[0]->Push(testing::NowNs());
  auto stub = relay.Stub();
  StreamCollector c(*stub, observer::GetFlowsRequest());
  ASSERT_TRUE(c.WaitDone());
  const auto rs = c.Responses();
  ASSERT_FALSE(rs.empty());
  EXPECT_TRUE(HasStatus(rs, ::relay::NODE_CONNECTED, "node-0"));
  grpc::ClientContext ctx;
  observer::GetNodesResponse nodes;
  ASSERT_TRUE(stub->GetNodes(&ctx, {}, &nodes).ok());
  ASSERT_EQ(nodes.nodes_size(), 1);
  EXPECT_EQ(nodes.nodes(0).name(), "node-0");
  EXPECT_EQ(nodes.nodes(0).address(), address);
}

TEST(RelayNoNodesTest, ABoundedQueryWithNoNodesIsUnavailable) {
  testing::RelayHarness relay;
  auto stub = relay.Stub();
  StreamCollector c(*stub, observer::GetFlowsRequest());
  ASSERT_TRUE(c.WaitDone());
  EXPECT_EQ(c.status().error_code(), grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace flows::relay

namespace flows::relay {
namespace {

TEST_F(RelayIntegrationTest, FollowWithUntilEndsByItself) {
  observer::GetFlowsRequest req;
  req.set_follow(true);
  *req.mutable_until() =
      google::protobuf::util::TimeUtil::NanosecondsToTimestamp(testing::NowNs() + 1'000'000'000);
  StreamCollector c(*stub_, req);
  EXPECT_TRUE(c.WaitDone(6s)) << "every node ends its stream at `until`, so does the relay";
  EXPECT_TRUE(c.status().ok()) << c.status().error_message();
}

TEST_F(RelayIntegrationTest, AClientLeavingEndsTheNodeStreams) {
  {
    observer::GetFlowsRequest req;
    req.set_follow(true);
    StreamCollector c(*stub_, req);
    WarmUp(c, nodes_);
  }  // cancelled here
  // The handler notices within its rescan period and stops its pumps.
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (relay_.metrics().streams() > 0 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(20ms);
  EXPECT_EQ(relay_.metrics().streams(), 0);
  EXPECT_EQ(relay_.metrics().buffer_depth(), 0);
  // And a new stream works.
  observer::GetFlowsRequest req;
  req.set_number(1);
  StreamCollector c(*stub_, req);
  ASSERT_TRUE(c.WaitDone());
  EXPECT_EQ(CountFlows(c.Responses()), 3u);
}

}  // namespace
}  // namespace flows::relay

namespace flows::relay {
namespace {

TEST_F(RelayIntegrationTest, ARemovedNodeIsReportedGoneAndItsStreamEnds) {
  observer::GetFlowsRequest req;
  req.set_follow(true);
  StreamCollector c(*stub_, req);
  WarmUp(c, nodes_);
  relay_.peers().Replace("static", {PeerSpec{nodes_[0]->name(), nodes_[0]->address(), {}},
                                    PeerSpec{nodes_[1]->name(), nodes_[1]->address(), {}}});
  ASSERT_TRUE(c.WaitFor([](const auto& rs) { return HasStatus(rs, ::relay::NODE_GONE, "node-2"); }, 5s));
  nodes_[2]->Push(testing::NowNs(), "demo-app", "after-removal");
  nodes_[0]->Push(testing::NowNs(), "demo-app", "marker");
  nodes_[1]->Push(testing::NowNs(), "demo-app", "marker");
  ASSERT_TRUE(c.WaitFor([](const auto& rs) { return CountPod(rs, "marker") == 2; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(CountPod(c.Responses(), "after-removal"), 0u);
}

}  // namespace
}  // namespace flows::relay

namespace flows::relay {
namespace {

TEST_F(RelayIntegrationTest, FiltersAndFieldMaskReachTheNodes) {
  const std::int64_t t = testing::NowNs();
  for (int i = 0; i < 3; ++i) {
    nodes_[i]->Push(t + i, "demo-app", "frontend-" + std::to_string(i));
    nodes_[i]->Push(t + 10 + i, "kube-system", "coredns-" + std::to_string(i));
  }
  observer::GetFlowsRequest req;
  req.add_whitelist()->add_source_pod("demo-app/frontend");
  req.mutable_field_mask()->add_paths("source.pod_name");
  StreamCollector c(*stub_, req);
  ASSERT_TRUE(c.WaitDone());
  const auto rs = c.Responses();
  ASSERT_EQ(CountFlows(rs), 3u);
  for (const auto& r : rs) {
    if (!r.has_flow()) continue;
    EXPECT_EQ(r.flow().source().pod_name().rfind("frontend-", 0), 0u);
    EXPECT_TRUE(r.flow().source().namespace_().empty()) << "trimmed by the field mask";
    EXPECT_FALSE(r.flow().has_ip());
  }
}

}  // namespace
}  // namespace flows::relay
