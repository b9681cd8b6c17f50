// The connectivity graph's own health, never per edge (an edge per series
// would be the cardinality the graph exists to avoid):
//   <prefix>_graph_edges                     gauge
//   <prefix>_graph_evictions_total{what}     what = bucket | edge (memory budget)
//   <prefix>_graph_snapshot_age_seconds      since the newest durable write
//   <prefix>_graph_snapshot_bytes            snapshot + log on disk
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <string>

namespace flows::flowd {

struct GraphHealth {
  std::uint64_t edges = 0;
  std::uint64_t evicted_buckets = 0;  // cumulative
  std::uint64_t evicted_edges = 0;    // cumulative
  double snapshot_age_seconds = 0;
  std::uint64_t snapshot_bytes = 0;
};

class GraphMetrics {
 public:
  GraphMetrics(prometheus::Registry& registry, const std::string& prefix);
  // From one thread (the graph's maintenance timer).
  void Update(const GraphHealth& health);

 private:
  prometheus::Gauge& edges_;
  prometheus::Family<prometheus::Counter>& evictions_;  // before its series
  prometheus::Counter& evicted_buckets_;
  prometheus::Counter& evicted_edges_;
  prometheus::Gauge& snapshot_age_;
  prometheus::Gauge& snapshot_bytes_;
  std::uint64_t seen_buckets_ = 0, seen_edges_ = 0;
};

}  // namespace flows::flowd
