// GetGraph through the relay: three flowd-like nodes (real ObserverService,
// PeerService and flowd's GraphService over a ConnectivityGraph) on
// loopback, one of them down. The answer merges the others' graphs and
// names the missing node.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "flows/flowd/daemon/graph_service.h"
#include "flows/flowd/graph/connectivity_graph.h"
#include "relay_harness.h"
#include "test_node.h"

namespace flows::relay {
namespace {

using flowd::graph::ConnectivityGraph;
using flowd::graph::EndpointKind;
using flowd::graph::EndpointRef;
using flowd::graph::EventKind;
using flowd::graph::L7Proto;
using flowd::graph::Observation;
using flowd::graph::Vantage;
using testing::NowNs;
using testing::TestNode;

EndpointRef Workload(std::string_view ns, std::string_view name) {
  EndpointRef e;
  e.kind = EndpointKind::kWorkload;
  e.namespace_ = ns;
  e.workload_kind = "Deployment";
  e.workload_name = name;
  return e;
}

// `n` HTTP responses (k of them 500s) on client -> server:port, counted at
// the client's veth.
void Requests(ConnectivityGraph& g, const std::string& node, EndpointRef client, EndpointRef server,
              std::uint16_t port, int n, int k) {
  for (int i = 0; i < n; ++i) {
    Observation o;
    o.client = client;
    o.server = server;
    o.port = port;
    o.l7 = L7Proto::kHttp;
    o.node = g.InternNode(node);
    o.vantage = Vantage::kClient;
    o.client_observed = true;
    o.kind = EventKind::kHttpResponse;
    o.time_ns = NowNs() - 1'000'000'000;
    o.http_status = i < k ? 500 : 200;
    o.latency_ns = 2'000'000;
    o.bytes_to_client = 100;
    g.Ingest(o);
  }
}

struct GraphNode {
  explicit GraphNode(const std::string& name) : node(name), service(graph, name) {
    node.AddService(&service);
    node.Start();
  }
  TestNode node;
  ConnectivityGraph graph;
  flowd::GraphService service;
};

class RelayGraphTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<PeerSpec> specs;
    for (int i = 0; i < 3; ++i) {
      nodes_.push_back(std::make_unique<GraphNode>("node-" + std::to_string(i)));
      specs.push_back(PeerSpec{nodes_.back()->node.name(), nodes_.back()->node.address(), {}});
    }
    relay_.peers().Replace("static", specs);
    ASSERT_TRUE(relay_.WaitConnected(3));
    stub_ = relay_.GraphStub();
  }

  std::vector<std::unique_ptr<GraphNode>> nodes_;
  testing::RelayHarness relay_;
  std::unique_ptr<::flows::graph::Graph::Stub> stub_;
};

TEST_F(RelayGraphTest, MergesTheNodesThatAnswerAndNamesTheOneThatDidNot) {
  const auto frontend = Workload("demo-app", "frontend");
  const auto catalog = Workload("demo-app", "productcatalog");
  const auto prober = Workload("monitoring", "prober");
  // Two frontend pods on two nodes: each node counts its own pod's calls.
  Requests(nodes_[0]->graph, "node-0", frontend, catalog, 3550, 7, 2);
  Requests(nodes_[1]->graph, "node-1", frontend, catalog, 3550, 5, 1);
  Requests(nodes_[1]->graph, "node-1", prober, catalog, 3550, 3, 0);
  Requests(nodes_[2]->graph, "node-2", prober, catalog, 3550, 100, 0);
  nodes_[2]->node.Stop();  // down: the relay must answer with the rest

  grpc::ClientContext ctx;
  ::flows::graph::GetGraphRequest req;
  ::flows::graph::GetGraphResponse res;
  ASSERT_TRUE(stub_->GetGraph(&ctx, req, &res).ok());
  ASSERT_EQ(res.unavailable_nodes_size(), 1);
  EXPECT_EQ(res.unavailable_nodes(0), "node-2");
  EXPECT_EQ(std::vector<std::string>(res.nodes().begin(), res.nodes().end()),
            (std::vector<std::string>{"node-0", "node-1"}));
  ASSERT_EQ(res.edges_size(), 2);
  const auto& e = res.edges(0);  // most bytes first
  EXPECT_EQ(e.source().label(), "demo-app/Deployment/frontend");
  EXPECT_EQ(e.destination().label(), "demo-app/Deployment/productcatalog");
  EXPECT_EQ(e.port(), 3550u);
  EXPECT_EQ(e.l7_protocol(), "http");
  EXPECT_EQ(e.requests(), 12u);
  EXPECT_EQ(e.errors(), 3u);
  EXPECT_EQ(e.bytes_to_client(), 1200u);
  EXPECT_EQ(std::vector<std::string>(e.nodes().begin(), e.nodes().end()),
            (std::vector<std::string>{"node-0", "node-1"}));
  EXPECT_GT(e.latency_p50_ns(), 1'700'000u);
  EXPECT_LT(e.latency_p50_ns(), 2'300'000u);
  EXPECT_EQ(res.edges(1).requests(), 3u);
}

TEST_F(RelayGraphTest, MinRequestsAppliesAfterMerging) {
  const auto frontend = Workload("demo-app", "frontend");
  const auto catalog = Workload("demo-app", "productcatalog");
  Requests(nodes_[0]->graph, "node-0", frontend, catalog, 3550, 4, 0);
  Requests(nodes_[1]->graph, "node-1", frontend, catalog, 3550, 4, 0);
  grpc::ClientContext ctx;
  ::flows::graph::GetGraphRequest req;
  req.set_min_requests(6);  // no node has 6 on its own
  ::flows::graph::GetGraphResponse res;
  ASSERT_TRUE(stub_->GetGraph(&ctx, req, &res).ok());
  ASSERT_EQ(res.edges_size(), 1);
  EXPECT_EQ(res.edges(0).requests(), 8u);
  EXPECT_EQ(res.unavailable_nodes_size(), 0);
}

TEST_F(RelayGraphTest, BadArgumentsNameTheField) {
  ::flows::graph::GetGraphRequest req;
  req.add_exclude_workloads("no-slash");
  grpc::ClientContext ctx;
  ::flows::graph::GetGraphResponse res;
  const grpc::Status s = stub_->GetGraph(&ctx, req, &res);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("exclude_workloads"), std::string::npos) << s.error_message();

  req.Clear();
  req.mutable_since()->set_seconds(2000);
  req.mutable_until()->set_seconds(1000);
  grpc::ClientContext ctx2;
  const grpc::Status s2 = stub_->GetGraph(&ctx2, req, &res);
  EXPECT_EQ(s2.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s2.error_message().find("until"), std::string::npos) << s2.error_message();
}

}  // namespace
}  // namespace flows::relay
