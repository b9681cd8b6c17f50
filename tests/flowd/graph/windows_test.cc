// Time buckets: minutes, the open minute, late events, roll-up to hours,
// retention.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "graph_test_util.h"

namespace flows::flowd::graph {
namespace {

using namespace testing;  // NOLINT

constexpr TimeNs kH0 = kT0 - kT0 % kHourNs;  // an hour boundary

std::uint64_t Connections(const ConnectivityGraph& g, TimeNs since, TimeNs until) {
  Query q;
  q.since = since;
  q.until = until;
  std::uint64_t n = 0;
  for (const GraphEdge& e : QueryAll(g, q).edges) n += e.counters.connections;
  return n;
}

TEST(WindowsTest, MinuteBucketsAndTheOpenMinute) {
  ConnectivityGraph g;
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0 + 1 * kSecondNs));
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0 + 61 * kSecondNs));
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0 + 62 * kSecondNs));
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0 + 125 * kSecondNs));
  EXPECT_EQ(g.Stats().minute_buckets, 2u);  // the third minute is still open
  EXPECT_EQ(g.Stats().open_edges, 1u);
  EXPECT_EQ(Connections(g, 0, 0), 4u);                                  // the open minute counts too
  EXPECT_EQ(Connections(g, kT0 + kMinuteNs, kT0 + 2 * kMinuteNs), 2u);  // minute 1 only
  EXPECT_EQ(Connections(g, kT0 + 2 * kMinuteNs, 0), 1u);                // the open minute only
  // A window inside a minute includes that whole minute.
  EXPECT_EQ(Connections(g, kT0 + 90 * kSecondNs, kT0 + 91 * kSecondNs), 2u);
  g.Advance(kT0 + 3 * kMinuteNs);
  EXPECT_EQ(g.Stats().minute_buckets, 3u);
  EXPECT_EQ(g.Stats().open_edges, 0u);
  EXPECT_EQ(g.Stats().bucket_records, 3u);
  EXPECT_EQ(Connections(g, 0, 0), 4u);
}

TEST(WindowsTest, LateObservationCountsInTheOpenMinute) {
  ConnectivityGraph g;
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0 + 61 * kSecondNs));
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kT0 + 5 * kSecondNs));
  EXPECT_EQ(g.Stats().late, 1u);
  EXPECT_EQ(Connections(g, kT0 + kMinuteNs, kT0 + 2 * kMinuteNs), 2u);
  Graph graph = QueryAll(g);
  ASSERT_EQ(graph.edges.size(), 1u);
  EXPECT_EQ(graph.edges[0].first_seen, kT0 + 5 * kSecondNs);  // first/last seen are exact
}

// One GET per minute for three hours, latency i ms in minute i.
void ThreeHours(ConnectivityGraph& g) {
  for (int m = 0; m < 180; ++m) {
    Observation o = Http(kFrontend, kCatalog, 3550, HttpMethod::kGet, m % 60 == 0 ? 500 : 200,
                         (m + 1) * 1'000'000LL, kH0 + m * kMinuteNs + kSecondNs);
    o.kind = EventKind::kHttpResponse;
    g.Ingest(o);
    Observation open = Bytes(
        Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kH0 + m * kMinuteNs), 1, 100, 1, 200);
    open.l7 = L7Proto::kHttp;
    g.Ingest(open);
  }
}

TEST(WindowsTest, RollUpToHoursAfterADay) {
  ConnectivityGraph g;
  ThreeHours(g);
  Graph before = QueryAll(g);

  // A day after the second hour ended: hours 0 and 1 roll up, hour 2 stays in minutes.
  g.Maintain(kH0 + 2 * kHourNs + kDayNs);
  GraphStats s = g.Stats();
  EXPECT_EQ(s.hour_buckets, 2u);
  EXPECT_EQ(s.minute_buckets, 60u);
  EXPECT_EQ(s.bucket_records, 62u);

  g.Maintain(kH0 + 3 * kHourNs + kDayNs);
  s = g.Stats();
  EXPECT_EQ(s.hour_buckets, 3u);
  EXPECT_EQ(s.minute_buckets, 0u);

  Graph after = QueryAll(g);
  ASSERT_EQ(after.edges.size(), 1u);
  // The same totals, histograms included.
  EXPECT_EQ(after.edges[0].counters, before.edges[0].counters);
  EXPECT_EQ(after.edges[0].counters.connections, 180u);
  EXPECT_EQ(after.edges[0].counters.HttpRequests(5), 3u);
  EXPECT_EQ(after.edges[0].counters.bytes_to_client, 36000u);
  // Windows now resolve to whole hours: any minute of hour 1 selects all of it.
  EXPECT_EQ(Connections(g, kH0 + kHourNs + 10 * kMinuteNs, kH0 + kHourNs + 11 * kMinuteNs), 60u);
  EXPECT_EQ(Connections(g, kH0 + kHourNs, kH0 + 3 * kHourNs), 120u);
}

TEST(WindowsTest, RetentionDropsOldBucketsAndTheirEdges) {
  ConnectivityGraph g;  // 14 days
  g.Ingest(Obs(kFrontend, kCatalog, 3550, EventKind::kConnectionOpened, kH0));
  g.Ingest(Obs(kProber, kFrontend, 8080, EventKind::kConnectionOpened, kH0 + 10 * kDayNs));
  g.Maintain(kH0 + 10 * kDayNs + kMinuteNs);
  EXPECT_EQ(g.Stats().edges, 2u);
  EXPECT_EQ(g.Stats().hour_buckets, 1u);  // the first one, rolled up

  g.Maintain(kH0 + 14 * kDayNs + kHourNs);  // the first hour is now past retention
  GraphStats s = g.Stats();
  EXPECT_EQ(s.expired_buckets, 1u);
  EXPECT_EQ(s.expired_edges, 1u);
  EXPECT_EQ(s.edges, 1u);
  EXPECT_EQ(s.endpoints, 2u);  // prober, frontend (productcatalog released)
  EXPECT_EQ(s.evicted_buckets, 0u);
  Graph graph = QueryAll(g);
  ASSERT_EQ(graph.edges.size(), 1u);
  EXPECT_EQ(graph.edges[0].source.Label(), "monitoring/DaemonSet/prober");
}

TEST(WindowsTest, ConfigurableRollUp) {
  GraphOptions options;
  options.rollup_after = kHourNs;
  ConnectivityGraph g(options);
  ThreeHours(g);
  g.Maintain(kH0 + 3 * kHourNs);  // hours 0 and 1 are an hour old
  EXPECT_EQ(g.Stats().hour_buckets, 2u);
  EXPECT_EQ(g.Stats().minute_buckets, 60u);
}

}  // namespace
}  // namespace flows::flowd::graph
