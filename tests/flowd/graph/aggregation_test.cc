// Per-edge counters: what a user reads off an edge after a known sequence of
// events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "graph_test_util.h"

namespace flows::flowd::graph {
namespace {

using namespace testing;  // NOLINT
using ::testing::ElementsAre;

TEST(AggregationTest, OneEdgeEveryCounter) {
  ConnectivityGraph g;
  const NodeId node = g.InternNode("node-a");
  // 10 connections, 2 refused, 1 reset; 7 GET 200, 2 GET 500, 1 POST 404.
  for (int i = 0; i < 10; ++i) {
    g.Ingest(Bytes(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0 + i * kSecondNs, node), 1,
                   74, 1, 74));
  }
  for (int i = 0; i < 2; ++i)
    g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kRefused, kT0 + 11 * kSecondNs));
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kReset, kT0 + 12 * kSecondNs));
  Observation drop = Obs(kFrontend, kCatalog, 3550, EventKind::kDrop, kT0 + 13 * kSecondNs);
  drop.drops = 3;
  g.Ingest(drop);
  g.Ingest(
      Bytes(Obs(kFrontend, kCatalog, 3550, EventKind::kStats, kT0 + 14 * kSecondNs), 100, 9000, 80, 120000));
  Graph graph = QueryAll(g);
  ASSERT_EQ(graph.edges.size(), 1u);
  const EdgeCounters& c = graph.edges[0].counters;
  EXPECT_EQ(c.connections, 10u);
  EXPECT_EQ(c.refused, 2u);
  EXPECT_EQ(c.resets, 1u);
  EXPECT_EQ(c.drops, 3u);
  EXPECT_EQ(c.packets_to_server, 110u);
  EXPECT_EQ(c.bytes_to_server, 9740u);
  EXPECT_EQ(c.packets_to_client, 90u);
  EXPECT_EQ(c.bytes_to_client, 120740u);
  EXPECT_EQ(graph.edges[0].first_seen, kT0);
  EXPECT_EQ(graph.edges[0].last_seen, kT0 + 14 * kSecondNs);
  EXPECT_THAT(graph.edges[0].nodes, ElementsAre("node-a"));
  EXPECT_EQ(graph.edges[0].l4, L4Proto::kTcp);
}

TEST(AggregationTest, HttpByMethodAndStatusClassWithLatency) {
  ConnectivityGraph g;
  // Latencies 1..100 ms: p50 = 50 ms, p99 = 99 ms (within the histogram's 1/9).
  for (int i = 1; i <= 100; ++i) {
    const int status = i <= 90 ? 200 : (i <= 95 ? 404 : 500);
    const HttpMethod m = i % 10 == 0 ? HttpMethod::kPost : HttpMethod::kGet;
    g.Ingest(Http(kFrontend, kCatalog, 3550, m, status, i * 1'000'000LL, kT0 + i * 100'000'000LL));
  }
  Graph graph = QueryAll(g);
  ASSERT_EQ(graph.edges.size(), 1u);
  const GraphEdge& e = graph.edges[0];
  EXPECT_EQ(e.l7, L7Proto::kHttp);
  EXPECT_EQ(e.counters.HttpRequests(), 100u);
  EXPECT_EQ(e.counters.HttpRequests(2), 90u);
  EXPECT_EQ(e.counters.HttpRequests(4), 5u);
  EXPECT_EQ(e.counters.HttpRequests(5), 5u);
  EXPECT_EQ(e.counters.HttpRequests(HttpMethod::kPost, 2), 9u);  // 10..90 step 10
  EXPECT_EQ(e.counters.HttpRequests(HttpMethod::kPost, 5), 1u);  // 100
  EXPECT_EQ(e.counters.HttpRequests(HttpMethod::kGet, 5), 4u);
  EXPECT_EQ(e.counters.Errors(), 5u);
  EXPECT_EQ(e.counters.Requests(), 100u);
  EXPECT_EQ(e.counters.latency.Count(), 100u);
  EXPECT_NEAR(e.counters.latency.Quantile(0.50), 50e6, 50e6 / 9);
  EXPECT_NEAR(e.counters.latency.Quantile(0.95), 95e6, 95e6 / 9);
  EXPECT_NEAR(e.counters.latency.Quantile(0.99), 99e6, 99e6 / 9);
}

TEST(AggregationTest, DnsByRcode) {
  ConnectivityGraph g;
  for (int i = 0; i < 12; ++i) {
    Observation o = Obs(kFrontend, kCoredns, 53, EventKind::kDnsResponse, kT0 + i);
    o.l4 = L4Proto::kUdp;
    o.l7 = L7Proto::kDns;
    o.dns_rcode = i < 9 ? 0 : (i < 11 ? 3 : 2);
    o.latency_ns = 300'000;
    g.Ingest(o);
  }
  Graph graph = QueryAll(g);
  ASSERT_EQ(graph.edges.size(), 1u);
  const EdgeCounters& c = graph.edges[0].counters;
  EXPECT_EQ(c.DnsResponses(), 12u);
  EXPECT_EQ(c.DnsResponses(0), 9u);
  EXPECT_EQ(c.DnsResponses(3), 2u);
  EXPECT_EQ(c.DnsResponses(2), 1u);
  EXPECT_EQ(c.Errors(), 1u);  // SERVFAIL; NXDOMAIN is an answer
  EXPECT_EQ(graph.edges[0].l4, L4Proto::kUdp);
}

TEST(AggregationTest, EdgesSplitByPortAndProtocolsAndPodsOfAWorkloadShareOne) {
  ConnectivityGraph g;
  const EndpointRef other_pod = Workload("demo-app", "Deployment", "frontend", "frontend-7c9d8b5f4-zzzzz");
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0));
  g.Ingest(Obs(other_pod, kCatalog, 3550, EventKind::kConnectionOpened, kT0));  // same workload: same edge
  g.Ingest(Obs(kFrontend, kCatalog, 3551, EventKind::kConnectionOpened, kT0));  // other port
  Observation udp = Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0);
  udp.l4 = L4Proto::kUdp;
  g.Ingest(udp);
  // Reached directly, not through the Service: another destination.
  g.Ingest(Obs(kFrontend, Workload("demo-app", "Deployment", "productcatalog"), 3550,
               EventKind::kConnectionOpened, kT0));
  EXPECT_EQ(g.Stats().edges, 4u);
  EXPECT_EQ(g.Stats().endpoints, 3u);
  Graph graph = QueryAll(g);
  ASSERT_EQ(graph.edges.size(), 4u);
  // Most traffic first: ties on bytes and requests sort by labels, then port, then protocol.
  EXPECT_THAT(Labels(graph),
              ElementsAre("demo-app/Deployment/frontend -> demo-app/Deployment/productcatalog via svc "
                          "demo-app/productcatalog:3550",
                          "demo-app/Deployment/frontend -> demo-app/Deployment/productcatalog:3550",
                          "demo-app/Deployment/frontend -> demo-app/Deployment/productcatalog via svc "
                          "demo-app/productcatalog:3550",
                          "demo-app/Deployment/frontend -> demo-app/Deployment/productcatalog via svc "
                          "demo-app/productcatalog:3551"));
  EXPECT_EQ(graph.edges[0].counters.connections, 2u);  // two pods of frontend, one edge
  EXPECT_EQ(graph.edges[0].l4, L4Proto::kTcp);
  EXPECT_EQ(graph.edges[2].l4, L4Proto::kUdp);
  EXPECT_EQ(graph.edges[2].counters.connections, 1u);
}

TEST(AggregationTest, PodsKeptWhenAskedFor) {
  ConnectivityGraph g(GraphOptions{.keep_pods = true});
  const EndpointRef other_pod = Workload("demo-app", "Deployment", "frontend", "frontend-7c9d8b5f4-zzzzz");
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0));
  g.Ingest(Obs(other_pod, kCatalog, 3550, EventKind::kConnectionOpened, kT0));
  EXPECT_EQ(g.Stats().edges, 2u);
  Query by_pod;
  by_pod.group_by = GroupBy::kPod;
  EXPECT_EQ(QueryAll(g, by_pod).edges.size(), 2u);
  Graph by_workload = QueryAll(g);
  ASSERT_EQ(by_workload.edges.size(), 1u);
  EXPECT_EQ(by_workload.edges[0].counters.connections, 2u);
  EXPECT_EQ(by_workload.edges[0].source.pod, "");
}

}  // namespace
}  // namespace flows::flowd::graph
