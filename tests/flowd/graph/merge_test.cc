// Merging node graphs as the relay does: each node's Graph in the API's form
// (GraphToProto), merged by api/graph's MergeGraphs (the one merge).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "flows/api/graph/graph_merge.h"
#include "flows/flowd/graph/graph_proto.h"
#include "graph_test_util.h"

namespace flows::flowd::graph {
namespace {

using namespace testing;  // NOLINT
using ::testing::ElementsAre;
using Response = ::flows::graph::GetGraphResponse;

Response Answer(const ConnectivityGraph& g, std::string_view node) {
  return GraphToProto(QueryAll(g), node);
}

const ::flows::graph::Edge* Find(const Response& r, std::string_view src, std::string_view dst) {
  for (const auto& e : r.edges()) {
    if (e.source().label() == src && e.destination().label() == dst) return &e;
  }
  return nullptr;
}

TEST(MergeTest, SameEdgeFromTwoNodesSumsAndUnionsNodes) {
  ConnectivityGraph a, b;
  const NodeId na = a.InternNode("node-a");
  const NodeId nb = b.InternNode("node-b");
  // Two frontend pods, one per node, both calling productcatalog.
  for (int i = 0; i < 6; ++i) {
    a.Ingest(Http(kFrontend, kCatalog, 3550, HttpMethod::kGet, 200, 2'000'000, kT0 + 10 + i, na));
  }
  for (int i = 0; i < 4; ++i) {
    b.Ingest(Http(kFrontend, kCatalog, 3550, HttpMethod::kGet, i == 0 ? 503 : 200, 8'000'000, kT0 + i, nb));
  }
  b.Ingest(Obs(kProber, kFrontend, 8080, EventKind::kConnectionOpened, kT0, nb));
  const std::vector<Response> parts = {Answer(a, "node-a"), Answer(b, "node-b")};
  const Response merged = api::graph::MergeGraphs(parts);
  ASSERT_EQ(merged.edges_size(), 2);
  const auto* e = Find(merged, "demo-app/Deployment/frontend",
                       "demo-app/Deployment/productcatalog via svc demo-app/productcatalog");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->requests(), 10u);
  EXPECT_EQ(e->errors(), 1u);
  // 6 at ~2 ms and 4 at ~8 ms: p50 is 2 ms, p95 8 ms (within the 1/9 bound).
  EXPECT_NEAR(static_cast<double>(e->latency_p50_ns()), 2e6, 2e6 / 9);
  EXPECT_NEAR(static_cast<double>(e->latency_p95_ns()), 8e6, 8e6 / 9);
  EXPECT_THAT(std::vector<std::string>(e->nodes().begin(), e->nodes().end()),
              ElementsAre("node-a", "node-b"));
  EXPECT_EQ(e->first_seen().seconds() * kSecondNs + e->first_seen().nanos(), kT0);
  EXPECT_EQ(e->last_seen().seconds() * kSecondNs + e->last_seen().nanos(), kT0 + 15);
}

TEST(MergeTest, MinRequestsAppliesAfterMerging) {
  ConnectivityGraph a, b;
  a.Ingest(Http(kFrontend, kCatalog, 3550, HttpMethod::kGet, 200, 1, kT0, a.InternNode("node-a")));
  b.Ingest(Http(kFrontend, kCatalog, 3550, HttpMethod::kGet, 200, 1, kT0, b.InternNode("node-b")));
  const std::vector<Response> parts = {Answer(a, "node-a"), Answer(b, "node-b")};
  EXPECT_EQ(api::graph::MergeGraphs(parts, {.min_requests = 2}).edges_size(), 1);
  EXPECT_EQ(api::graph::MergeGraphs(parts, {.min_requests = 3}).edges_size(), 0);
}

TEST(MergeTest, MergingIsOrderIndependent) {
  ConnectivityGraph a, b;
  a.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0, a.InternNode("node-a")));
  b.Ingest(Obs(kProber, kCatalog, 3550, EventKind::kConnectionOpened, kT0, b.InternNode("node-b")));
  b.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0, b.InternNode("node-b")));
  const std::vector<Response> ab = {Answer(a, "node-a"), Answer(b, "node-b")};
  const std::vector<Response> ba = {ab[1], ab[0]};
  EXPECT_EQ(api::graph::MergeGraphs(ab).DebugString(), api::graph::MergeGraphs(ba).DebugString());
  EXPECT_EQ(api::graph::MergeGraphs(ab).edges(0).connections(), 2u);
}

}  // namespace
}  // namespace flows::flowd::graph
