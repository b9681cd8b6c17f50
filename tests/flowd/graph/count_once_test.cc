// The count-once rule, on its own and applied by graphs on one and two nodes:
// whatever the number of vantage points, each connection counts once.
#include "flows/flowd/graph/count_once.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "graph_test_util.h"

namespace flows::flowd::graph {
namespace {

using namespace testing;  // NOLINT

TEST(CountOnceTest, RuleTable) {
  EXPECT_TRUE(ShouldCount(Vantage::kClient, true));
  EXPECT_FALSE(ShouldCount(Vantage::kServer, true));
  EXPECT_FALSE(ShouldCount(Vantage::kTransit, true));
  EXPECT_FALSE(ShouldCount(Vantage::kClient, false));
  EXPECT_TRUE(ShouldCount(Vantage::kServer, false));
  EXPECT_FALSE(ShouldCount(Vantage::kTransit, false));
}

// Where a sighting sits: a pod's veth is the client's when the pod sent a
// request or receives a reply, the server's otherwise; a NIC is transit.
TEST(CountOnceTest, VantageTable) {
  EXPECT_EQ(VantageOf(false, /*pod_sent=*/true, /*reply=*/false), Vantage::kClient);
  EXPECT_EQ(VantageOf(false, false, true), Vantage::kClient);
  EXPECT_EQ(VantageOf(false, false, false), Vantage::kServer);
  EXPECT_EQ(VantageOf(false, true, true), Vantage::kServer);
  for (const bool sent : {false, true}) {
    for (const bool reply : {false, true}) EXPECT_EQ(VantageOf(true, sent, reply), Vantage::kTransit);
  }
}

// Everything one vantage point reports about one HTTP connection:
// the open, a byte delta, the response.
std::vector<Observation> Connection(const EndpointRef& client, const EndpointRef& server, std::uint16_t port,
                                    NodeId node, Vantage vantage, bool client_observed) {
  std::vector<Observation> out;
  out.push_back(Bytes(Obs(client, server, port, EventKind::kConnectionOpened, kT0, node), 1, 74, 1, 74));
  out.push_back(Bytes(Obs(client, server, port, EventKind::kStats, kT0 + kSecondNs, node), 5, 600, 4, 1400));
  Observation resp = Http(client, server, port, HttpMethod::kGet, 200, 2'000'000, kT0 + kSecondNs, node);
  out.push_back(resp);
  for (Observation& o : out) {
    o.vantage = vantage;
    o.client_observed = client_observed;
    o.l7 = L7Proto::kHttp;
  }
  return out;
}

void Feed(ConnectivityGraph& g, const std::vector<Observation>& obs) {
  for (const Observation& o : obs) g.Ingest(o);
}

void ExpectOnce(const Graph& merged, std::string_view src, std::string_view dst, std::uint16_t port,
                std::vector<std::string> nodes) {
  ASSERT_EQ(merged.edges.size(), 1u);
  const GraphEdge* e = FindEdge(merged, src, dst, port);
  ASSERT_NE(e, nullptr) << merged.edges[0].source.Label() << " -> " << merged.edges[0].destination.Label();
  EXPECT_EQ(e->counters.connections, 1u);
  EXPECT_EQ(e->counters.HttpRequests(), 1u);
  EXPECT_EQ(e->counters.packets_to_server, 6u);
  EXPECT_EQ(e->counters.bytes_to_server, 674u);
  EXPECT_EQ(e->counters.packets_to_client, 5u);
  EXPECT_EQ(e->counters.bytes_to_client, 1474u);
  EXPECT_EQ(e->nodes, nodes);
}

TEST(CountOnceTest, SameNodePodToPodSeenOnBothVeths) {
  ConnectivityGraph a;
  const NodeId na = a.InternNode("node-a");
  Feed(a, Connection(kFrontend, kCatalog, 3550, na, Vantage::kClient, true));  // frontend's veth
  Feed(a, Connection(kFrontend, kCatalog, 3550, na, Vantage::kServer, true));  // productcatalog's veth
  ExpectOnce(QueryAll(a), "demo-app/Deployment/frontend",
             "demo-app/Deployment/productcatalog via svc demo-app/productcatalog", 3550, {"node-a"});
  EXPECT_EQ(a.Stats().observations, 6u);
  EXPECT_EQ(a.Stats().not_counted, 3u);
}

TEST(CountOnceTest, CrossNodePodToPodSeenOnTwoNodes) {
  ConnectivityGraph a, b;
  const NodeId na = a.InternNode("node-a");
  const NodeId nb = b.InternNode("node-b");
  Feed(a, Connection(kFrontend, kCatalog, 3550, na, Vantage::kClient, true));   // client veth
  Feed(a, Connection(kFrontend, kCatalog, 3550, na, Vantage::kTransit, true));  // node-a NIC egress
  Feed(b, Connection(kFrontend, kCatalog, 3550, nb, Vantage::kTransit, true));  // node-b NIC ingress
  Feed(b, Connection(kFrontend, kCatalog, 3550, nb, Vantage::kServer, true));   // server veth
  const Graph graphs[] = {QueryAll(a), QueryAll(b)};
  // node-b counts nothing, so the relay's merge (merge_test.cc) is node-a's graph.
  EXPECT_EQ(graphs[1].edges.size(), 0u);
  ExpectOnce(graphs[0], "demo-app/Deployment/frontend",
             "demo-app/Deployment/productcatalog via svc demo-app/productcatalog", 3550, {"node-a"});
}

TEST(CountOnceTest, WorldToPodCountedAtTheServer) {
  ConnectivityGraph b;
  const NodeId nb = b.InternNode("node-b");
  Feed(b, Connection(World("203.0.113.7"), kFrontend, 8080, nb, Vantage::kTransit, false));  // NIC
  Feed(b, Connection(World("203.0.113.7"), kFrontend, 8080, nb, Vantage::kServer, false));   // veth
  ExpectOnce(QueryAll(b), "world:203.0.113.7", "demo-app/Deployment/frontend", 8080, {"node-b"});
}

TEST(CountOnceTest, PodToWorldCountedAtTheClient) {
  ConnectivityGraph a;
  const NodeId na = a.InternNode("node-a");
  Feed(a, Connection(kFrontend, World("api.example.com"), 443, na, Vantage::kClient, true));   // veth
  Feed(a, Connection(kFrontend, World("api.example.com"), 443, na, Vantage::kTransit, true));  // NIC
  ExpectOnce(QueryAll(a), "demo-app/Deployment/frontend", "world:api.example.com", 443, {"node-a"});
}

TEST(CountOnceTest, HostToPodCountedAtTheServer) {
  ConnectivityGraph a;
  const NodeId na = a.InternNode("node-a");
  Feed(a, Connection(Host(), kFrontend, 8080, na, Vantage::kServer, false));  // kubelet probe, pod veth
  ExpectOnce(QueryAll(a), "host", "demo-app/Deployment/frontend", 8080, {"node-a"});
}

TEST(CountOnceTest, TwoUnobservedEndsAreNotCounted) {
  ConnectivityGraph a;
  Feed(a, Connection(Host(), World("deb.debian.org"), 443, 0, Vantage::kTransit, false));
  EXPECT_TRUE(QueryAll(a).edges.empty());
  EXPECT_EQ(a.Stats().not_counted, 3u);
}

}  // namespace
}  // namespace flows::flowd::graph
