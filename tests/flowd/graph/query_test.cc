// Filters, grouping, min_requests, ordering and argument checks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "graph_test_util.h"

namespace flows::flowd::graph {
namespace {

using namespace testing;  // NOLINT
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The demo's traffic: frontend -> productcatalog (10 GETs via the Service),
// frontend -> coredns (4 lookups), prober -> frontend and -> productcatalog
// (2 GETs each), frontend -> world.
void Demo(ConnectivityGraph& g) {
  for (int i = 0; i < 10; ++i) {
    g.Ingest(Bytes(Http(kFrontend, kCatalog, 3550, HttpMethod::kGet, i < 8 ? 200 : 500, 1'000'000, kT0 + i),
                   1, 100, 1, 1000));
  }
  for (int i = 0; i < 4; ++i) {
    Observation o = Obs(kFrontend, kCoredns, 53, EventKind::kDnsResponse, kT0 + i);
    o.l4 = L4Proto::kUdp;
    o.l7 = L7Proto::kDns;
    g.Ingest(Bytes(o, 1, 60, 1, 120));
  }
  const EndpointRef frontend_svc = ViaService(kFrontend, "demo-app", "frontend");
  for (int i = 0; i < 2; ++i) {
    g.Ingest(Bytes(Http(kProber, frontend_svc, 8080, HttpMethod::kGet, 200, 500'000, kT0 + i), 1, 50, 1, 50));
    g.Ingest(Bytes(Http(kProber, kCatalog, 3550, HttpMethod::kGet, 200, 500'000, kT0 + i), 1, 50, 1, 50));
  }
  g.Ingest(Bytes(Obs(kFrontend, World("api.example.com"), 443, EventKind::kConnectionOpened, kT0), 10, 2000,
                 10, 50000));
}

TEST(QueryTest, SortedByTraffic) {
  ConnectivityGraph g;
  Demo(g);
  EXPECT_THAT(
      Labels(QueryAll(g)),
      ElementsAre(
          "demo-app/Deployment/frontend -> world:api.example.com:443",
          "demo-app/Deployment/frontend -> demo-app/Deployment/productcatalog via svc "
          "demo-app/productcatalog:3550",
          "demo-app/Deployment/frontend -> kube-system/Deployment/coredns via svc "
          "kube-system/kube-dns:53",
          "monitoring/DaemonSet/prober -> demo-app/Deployment/frontend via svc demo-app/frontend:8080",
          "monitoring/DaemonSet/prober -> demo-app/Deployment/productcatalog via svc "
          "demo-app/productcatalog:3550"));
}

TEST(QueryTest, NamespaceAndWorkloadFilters) {
  ConnectivityGraph g;
  Demo(g);
  Query q;
  q.namespaces = {"kube-system"};
  EXPECT_EQ(QueryAll(g, q).edges.size(), 1u);
  q = {};
  q.exclude_namespaces = {"monitoring"};  // hide the noisy prober
  EXPECT_EQ(QueryAll(g, q).edges.size(), 3u);
  q = {};
  q.exclude_workloads = {"monitoring/prober"};
  EXPECT_EQ(QueryAll(g, q).edges.size(), 3u);
  q.exclude_workloads = {"monitoring/Deployment/prober"};  // wrong kind: nothing excluded
  EXPECT_EQ(QueryAll(g, q).edges.size(), 5u);
  q.exclude_workloads = {"demo-app/Deployment/productcatalog"};
  EXPECT_EQ(QueryAll(g, q).edges.size(), 3u);
  q = {};
  q.namespaces = {"demo-app"};
  q.exclude_namespaces = {"monitoring"};
  EXPECT_EQ(QueryAll(g, q).edges.size(), 3u);
}

TEST(QueryTest, GroupByNamespace) {
  ConnectivityGraph g;
  Demo(g);
  Query q;
  q.group_by = GroupBy::kNamespace;
  Graph graph = QueryAll(g, q);
  EXPECT_THAT(Labels(graph),
              ElementsAre("ns:demo-app -> world:api.example.com:443", "ns:demo-app -> ns:demo-app:3550",
                          "ns:demo-app -> ns:kube-system:53", "ns:monitoring -> ns:demo-app:3550",
                          "ns:monitoring -> ns:demo-app:8080"));
  const GraphEdge* prober = FindEdge(graph, "ns:monitoring", "ns:demo-app", 3550);
  ASSERT_NE(prober, nullptr);
  EXPECT_EQ(prober->counters.HttpRequests(), 2u);
}

TEST(QueryTest, GroupByNamespaceSumsEdgesThatCollapse) {
  ConnectivityGraph g;
  g.Ingest(Http(kProber, kCatalog, 3550, HttpMethod::kGet, 200, 1'000'000, kT0));
  g.Ingest(Http(Workload("monitoring", "Deployment", "prometheus"), kCatalog, 3550, HttpMethod::kGet, 500,
                9'000'000, kT0 + 5));
  Query q;
  q.group_by = GroupBy::kNamespace;
  Graph graph = QueryAll(g, q);
  ASSERT_EQ(graph.edges.size(), 1u);
  EXPECT_EQ(graph.edges[0].counters.HttpRequests(), 2u);
  EXPECT_EQ(graph.edges[0].counters.HttpRequests(5), 1u);
  EXPECT_EQ(graph.edges[0].counters.latency.Count(), 2u);
  EXPECT_EQ(graph.edges[0].first_seen, kT0);
  EXPECT_EQ(graph.edges[0].last_seen, kT0 + 5);
}

TEST(QueryTest, GroupByService) {
  ConnectivityGraph g;
  Demo(g);
  g.Ingest(Http(kFrontend, Workload("demo-app", "Deployment", "productcatalog"), 3550, HttpMethod::kGet, 200,
                1,
                kT0));  // directly to the pod
  Query q;
  q.group_by = GroupBy::kService;
  Graph graph = QueryAll(g, q);
  EXPECT_NE(FindEdge(graph, "demo-app/Deployment/frontend", "demo-app/svc/productcatalog", 3550), nullptr);
  EXPECT_NE(FindEdge(graph, "demo-app/Deployment/frontend", "kube-system/svc/kube-dns", 53), nullptr);
  EXPECT_NE(FindEdge(graph, "demo-app/Deployment/frontend", "demo-app/Deployment/productcatalog", 3550),
            nullptr);
  EXPECT_EQ(graph.edges.size(), 6u);
}

TEST(QueryTest, MinRequests) {
  ConnectivityGraph g;
  Demo(g);
  Query q;
  q.min_requests = 3;
  EXPECT_THAT(Labels(QueryAll(g, q)),
              ElementsAre("demo-app/Deployment/frontend -> demo-app/Deployment/productcatalog via svc "
                          "demo-app/productcatalog:3550",
                          "demo-app/Deployment/frontend -> kube-system/Deployment/coredns via svc "
                          "kube-system/kube-dns:53"));
  q.group_by = GroupBy::kNamespace;  // prober's two edges don't merge (ports differ)
  EXPECT_EQ(QueryAll(g, q).edges.size(), 2u);
}

TEST(QueryTest, BadArgumentsNameTheField) {
  ConnectivityGraph g;
  Query q;
  q.since = kT0;
  q.until = kT0 - 1;
  {
    Result<Graph> out = g.Query(q);
    ASSERT_FALSE(out.ok());
    EXPECT_THAT(out.error().message, HasSubstr("until"));
  }
  q = {};
  q.exclude_workloads = {"prober"};
  {
    Result<Graph> out = g.Query(q);
    ASSERT_FALSE(out.ok());
    EXPECT_THAT(out.error().message, HasSubstr("exclude_workloads"));
  }
  q = {};
  q.namespaces = {""};
  {
    Result<Graph> out = g.Query(q);
    ASSERT_FALSE(out.ok());
    EXPECT_THAT(out.error().message, HasSubstr("namespaces"));
  }
  GroupBy gb;
  EXPECT_TRUE(ParseGroupBy("namespace", &gb));
  EXPECT_EQ(gb, GroupBy::kNamespace);
  EXPECT_FALSE(ParseGroupBy("cluster", &gb));
}

}  // namespace
}  // namespace flows::flowd::graph
