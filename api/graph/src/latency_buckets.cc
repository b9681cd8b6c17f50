#include "flows/api/graph/latency_buckets.h"

#include <cmath>

namespace flows::api::graph {

namespace {
// The bucket of INT64_MAX; higher indexes (possible only in input from the
// network) would shift past 64 bits.
constexpr int kLastBucket = 4 * 61 + 3;

int Clamp(int bucket) {
  if (bucket < 0) return 0;
  return bucket > kLastBucket ? kLastBucket : bucket;
}
}  // namespace

std::uint64_t LatencyBucketLower(int bucket) {
  bucket = Clamp(bucket);
  if (bucket < 4) return static_cast<std::uint64_t>(bucket);
  const int e = bucket / 4 + 1;
  const int m = bucket % 4;
  return static_cast<std::uint64_t>(4 + m) << (e - 2);
}

std::uint64_t LatencyBucketUpper(int bucket) {
  bucket = Clamp(bucket);
  if (bucket < 4) return static_cast<std::uint64_t>(bucket) + 1;
  const int e = bucket / 4 + 1;
  const int m = bucket % 4;
  // The last bucket's upper bound (2^63) still fits in uint64.
  return static_cast<std::uint64_t>(5 + m) << (e - 2);
}

std::int64_t LatencyBucketValue(int bucket) {
  bucket = Clamp(bucket);
  if (bucket < 4) return bucket;
  // 2LU/(L+U), not the midpoint: it is as far (relatively) from both ends,
  // (U-L)/(U+L) = 1/9, where the midpoint is 1/8 above L.
  const unsigned __int128 lo = LatencyBucketLower(bucket);
  const unsigned __int128 hi = LatencyBucketUpper(bucket);
  return static_cast<std::int64_t>(2 * lo * hi / (lo + hi));
}

std::uint64_t LatencyQuantileRank(std::uint64_t total, double q) {
  if (total == 0) return 0;
  if (!(q > 0)) q = 0;  // NaN too
  if (q > 1) q = 1;
  auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
  if (rank == 0) rank = 1;
  return rank > total ? total : rank;
}

}  // namespace flows::api::graph
