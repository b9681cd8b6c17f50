#include "flows/api/graph/latency_buckets.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace flows::api::graph {
namespace {

using Cell = std::pair<int, std::uint64_t>;
const auto kIndex = [](const Cell& c) { return c.first; };
const auto kCount = [](const Cell& c) { return c.second; };

TEST(LatencyBucketsTest, EveryValueIsInsideItsBucket) {
  for (std::int64_t v : {0L, 1L, 3L, 4L, 5L, 7L, 8L, 1000L, 1'000'000L, 123'456'789L,
                         std::numeric_limits<std::int64_t>::max()}) {
    const int b = LatencyBucketOf(v);
    ASSERT_LT(b, kLatencyBuckets) << v;
    EXPECT_LE(LatencyBucketLower(b), static_cast<std::uint64_t>(v)) << v;
    EXPECT_LT(static_cast<std::uint64_t>(v), LatencyBucketUpper(b)) << v;
  }
  EXPECT_EQ(LatencyBucketOf(-5), 0);
}

TEST(LatencyBucketsTest, RepresentativeWithinTheErrorBound) {
  for (int b = 4; b < LatencyBucketOf(std::numeric_limits<std::int64_t>::max()); ++b) {
    // Values are whole nanoseconds: the extremes are lower and upper - 1.
    const double lo = static_cast<double>(LatencyBucketLower(b));
    const double hi = static_cast<double>(LatencyBucketUpper(b) - 1);
    const double mid = static_cast<double>(LatencyBucketValue(b));
    EXPECT_LE((mid - lo) / lo, kLatencyMaxRelativeError + 1e-9) << b;
    EXPECT_LE((hi - mid) / hi, kLatencyMaxRelativeError + 1e-9) << b;
  }
}

TEST(LatencyBucketsTest, OutOfRangeIndexesAreClamped) {
  // Indexes come from the network: no shift past 64 bits, no crash.
  EXPECT_EQ(LatencyBucketValue(100000), LatencyBucketValue(247));
  EXPECT_GT(LatencyBucketUpper(251), LatencyBucketLower(251));
  EXPECT_EQ(LatencyBucketValue(-3), 0);
}

TEST(LatencyBucketsTest, QuantileOverCells) {
  const std::vector<Cell> cells = {
      {LatencyBucketOf(1000), 50}, {LatencyBucketOf(100'000), 45}, {LatencyBucketOf(10'000'000), 5}};
  EXPECT_EQ(LatencyQuantile(cells, 0.5, kIndex, kCount), LatencyBucketValue(LatencyBucketOf(1000)));
  EXPECT_EQ(LatencyQuantile(cells, 0.95, kIndex, kCount), LatencyBucketValue(LatencyBucketOf(100'000)));
  EXPECT_EQ(LatencyQuantile(cells, 0.99, kIndex, kCount), LatencyBucketValue(LatencyBucketOf(10'000'000)));
  EXPECT_EQ(LatencyQuantile(std::vector<Cell>{}, 0.5, kIndex, kCount), 0);
  EXPECT_EQ(LatencyQuantileRank(10, -1), 1u);
  EXPECT_EQ(LatencyQuantileRank(10, 2), 10u);
  EXPECT_EQ(LatencyQuantileRank(0, 0.5), 0u);
}

}  // namespace
}  // namespace flows::api::graph
