// Latency histogram of an edge: the log buckets of api/graph (shared with
// the relay and the CLI, which read the same cells from GetGraphResponse),
// stored sparsely. Merging two histograms is exact (cell-wise sums).
#pragma once

#include <cstdint>

#include "flows/api/graph/latency_buckets.h"
#include "flows/flowd/graph/sparse_counts.h"

namespace flows::flowd::graph {

class LatencyHistogram {
 public:
  static constexpr int kBuckets = api::graph::kLatencyBuckets;

  void Record(std::int64_t ns, std::uint64_t n = 1) {
    cells_.Add(static_cast<std::uint16_t>(api::graph::LatencyBucketOf(ns)), n);
  }
  void Merge(const LatencyHistogram& other) { cells_.Merge(other.cells_); }
  std::uint64_t Count() const { return cells_.Total(); }
  // The value at quantile q in [0, 1] (0 for an empty histogram): the
  // representative of the bucket holding the ceil(q * count)-th value.
  std::int64_t Quantile(double q) const {
    return api::graph::LatencyQuantile(
        cells_.cells(), q, [](const SparseCounts::Cell& c) { return c.key; },
        [](const SparseCounts::Cell& c) { return c.count; });
  }

  void Clear() { cells_.Clear(); }
  bool empty() const { return cells_.empty(); }
  const SparseCounts& cells() const { return cells_; }
  SparseCounts& mutable_cells() { return cells_; }
  friend bool operator==(const LatencyHistogram&, const LatencyHistogram&) = default;

 private:
  SparseCounts cells_;
};

}  // namespace flows::flowd::graph
