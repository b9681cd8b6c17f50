// The latency bucket scheme of the connectivity graph, shared by flowd (its
// histograms), flows-relay (merging) and the CLI (reading): HDR-style log
// buckets, 4 linear sub-buckets per power of two.
//
// Bucket of a value v (ns): v < 4 is its own bucket; otherwise with
// e = floor(log2 v) and m = the two bits after the leading one, the bucket is
// 4*(e-1) + m and covers [(4+m)*2^(e-2), (5+m)*2^(e-2)). Every int64 fits in
// 252 buckets. A bucket's upper bound is at most 1.25x its lower bound, so
// reporting 2LU/(L+U) for it is off by at most (U-L)/(U+L) = 1/9 = 11.1%
// relative to any value in it: quantiles are within 11.1% of the exact value
// at that rank. Merging histograms is exact (cell-wise sums).
#pragma once

#include <cstdint>

namespace flows::api::graph {

inline constexpr int kLatencyBuckets = 252;
inline constexpr double kLatencyMaxRelativeError = 1.0 / 9.0;

// The bucket holding `ns` (negative values go to bucket 0).
inline int LatencyBucketOf(std::int64_t ns) {
  if (ns < 4) return ns < 0 ? 0 : static_cast<int>(ns);
  const auto v = static_cast<std::uint64_t>(ns);
  const int e = 63 - __builtin_clzll(v);
  const int m = static_cast<int>((v >> (e - 2)) & 3u);
  return 4 * (e - 1) + m;
}

// [lower, upper) of a bucket, in ns. Indexes past INT64_MAX's bucket (247)
// are clamped to it (input from the network must not shift past 64 bits).
std::uint64_t LatencyBucketLower(int bucket);
std::uint64_t LatencyBucketUpper(int bucket);
// The value reported for a bucket: 2LU/(L+U), equally far in relative terms
// from both ends (exact below 4 ns).
std::int64_t LatencyBucketValue(int bucket);

// The 1-based rank of quantile q in [0, 1] among `total` values (q is
// clamped; 0 when total is 0).
std::uint64_t LatencyQuantileRank(std::uint64_t total, double q);

// The value at quantile q over histogram cells in increasing bucket order
// (0 when empty): the representative of the bucket holding the
// LatencyQuantileRank-th value. `index_of(cell)` and `count_of(cell)` read a
// cell, so flowd's sparse cells and the proto's LatencyBucket both work.
template <typename Cells, typename IndexOf, typename CountOf>
std::int64_t LatencyQuantile(const Cells& cells, double q, IndexOf index_of, CountOf count_of) {
  std::uint64_t total = 0;
  for (const auto& c : cells) total += count_of(c);
  const std::uint64_t rank = LatencyQuantileRank(total, q);
  if (rank == 0) return 0;
  std::uint64_t seen = 0;
  int last = 0;
  for (const auto& c : cells) {
    seen += count_of(c);
    last = static_cast<int>(index_of(c));
    if (seen >= rank) return LatencyBucketValue(last);
  }
  return LatencyBucketValue(last);
}

}  // namespace flows::api::graph
