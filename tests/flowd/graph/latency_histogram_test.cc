#include "flows/flowd/graph/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "flows/api/graph/latency_buckets.h"
#include "flows/flowd/graph/crc32.h"

namespace flows::flowd::graph {
namespace {

// The bucket scheme itself is tested in tests/api/graph.

TEST(LatencyHistogramTest, QuantilesWithinTheDocumentedRelativeError) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(std::log(5e6), 1.0);  // median 5 ms
  std::vector<std::int64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 10000; ++i) {
    const auto v = static_cast<std::int64_t>(dist(rng)) + 1;
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.95, 0.99, 0.999}) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * values.size()));
    const double exact = static_cast<double>(values[rank - 1]);
    const double est = static_cast<double>(h.Quantile(q));
    EXPECT_LE(std::abs(est - exact) / exact, api::graph::kLatencyMaxRelativeError) << "q=" << q;
  }
  EXPECT_EQ(h.Count(), 10000u);
}

TEST(LatencyHistogramTest, MergeIsExact) {
  LatencyHistogram a, b, both;
  for (int i = 1; i < 500; ++i) {
    (i % 3 ? a : b).Record(i * 7919);
    both.Record(i * 7919);
  }
  a.Merge(b);
  EXPECT_EQ(a, both);
  EXPECT_EQ(LatencyHistogram().Quantile(0.5), 0);
}

TEST(Crc32Test, KnownVector) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("6789", Crc32("12345")), 0xCBF43926u);
}

}  // namespace
}  // namespace flows::flowd::graph
