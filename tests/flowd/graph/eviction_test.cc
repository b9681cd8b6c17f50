// The memory budget: oldest buckets go first, then the least recently seen
// edges; every removal is counted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "graph_test_util.h"

namespace flows::flowd::graph {
namespace {

using namespace testing;  // NOLINT

std::string PodName(int i) {
  return "client-" + std::to_string(i);
}

TEST(EvictionTest, OldestBucketsFirst) {
  ConnectivityGraph probe;
  // 50 edges, the same traffic every minute for 30 minutes: equal buckets.
  std::vector<std::string> names;
  for (int i = 0; i < 50; ++i) names.push_back(PodName(i));
  auto fill = [&](ConnectivityGraph& g) {
    for (int m = 0; m < 30; ++m) {
      for (int i = 0; i < 50; ++i) {
        g.Ingest(Bytes(Obs(Workload("load", "", names[i]), kCatalog, 3550, EventKind::kConnectionOpened,
                           kT0 + m * kMinuteNs),
                       3, 300, 2, 900));
      }
    }
    g.Advance(kT0 + 30 * kMinuteNs);
  };
  fill(probe);
  const GraphStats full = probe.Stats();
  ASSERT_EQ(full.minute_buckets, 30u);
  const std::uint64_t per_bucket = full.bucket_bytes / 30;

  GraphOptions options;
  options.memory_budget_bytes = full.bytes - 10 * per_bucket - per_bucket / 2;
  ConnectivityGraph g(options);
  fill(g);
  g.Maintain(kT0 + 30 * kMinuteNs);
  const GraphStats s = g.Stats();
  EXPECT_EQ(s.evicted_buckets, 11u);
  EXPECT_EQ(s.minute_buckets, 19u);
  EXPECT_EQ(s.oldest_bucket, kT0 + 11 * kMinuteNs);
  EXPECT_EQ(s.evicted_edges, 0u);  // all still active in newer buckets
  EXPECT_EQ(s.edges, 50u);
  EXPECT_LE(s.bytes, options.memory_budget_bytes);
  Graph graph = QueryAll(g);
  ASSERT_EQ(graph.edges.size(), 50u);
  EXPECT_EQ(graph.edges[0].counters.connections, 19u);
}

TEST(EvictionTest, ThenLeastRecentlySeenEdges) {
  ConnectivityGraph probe;
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) names.push_back(PodName(i));
  // One sealed minute with every edge, then the open minute where edge i is
  // seen at +i*100ms (edge 99 most recently).
  auto fill = [&](ConnectivityGraph& g) {
    for (int i = 0; i < 100; ++i) {
      g.Ingest(Obs(Workload("load", "", names[i]), kCatalog, 3550, EventKind::kConnectionOpened, kT0));
    }
    for (int i = 0; i < 100; ++i) {
      g.Ingest(Obs(Workload("load", "", names[i]), kCatalog, 3550, EventKind::kConnectionOpened,
                   kT0 + kMinuteNs + i * 100'000'000LL));
    }
  };
  fill(probe);
  const GraphStats full = probe.Stats();

  GraphOptions options;
  // No bucket fits, and only about half of the edges.
  options.memory_budget_bytes = (full.bytes - full.bucket_bytes) / 2;
  ConnectivityGraph g(options);
  fill(g);
  g.Maintain(kT0 + kMinuteNs + 30 * kSecondNs);  // the open minute stays open
  const GraphStats s = g.Stats();
  EXPECT_EQ(s.evicted_buckets, 1u);
  EXPECT_GT(s.evicted_edges, 0u);
  EXPECT_LT(s.evicted_edges, 100u);
  EXPECT_EQ(s.edges + s.evicted_edges, 100u);
  EXPECT_LE(s.bytes, options.memory_budget_bytes);
  // The survivors are the most recently seen.
  Graph graph = QueryAll(g);
  ASSERT_EQ(graph.edges.size(), s.edges);
  for (const GraphEdge& e : graph.edges) {
    const int i = std::stoi(e.source.workload_name.substr(7));
    EXPECT_GE(i, static_cast<int>(s.evicted_edges)) << e.source.workload_name;
    EXPECT_EQ(e.counters.connections, 1u);  // the evicted bucket's connection is gone
  }
}

TEST(EvictionTest, NothingEvictedUnderBudget) {
  ConnectivityGraph g;
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0));
  g.Maintain(kT0 + 2 * kMinuteNs);
  const GraphStats s = g.Stats();
  EXPECT_EQ(s.evicted_buckets + s.evicted_edges + s.expired_buckets + s.expired_edges, 0u);
  EXPECT_EQ(s.minute_buckets, 1u);
  EXPECT_GT(s.bytes, 0u);
}

}  // namespace
}  // namespace flows::flowd::graph
