#include "flows/flowd/metrics/graph_metrics.h"

#include "flows/flowd/metrics/metric_name.h"

namespace flows::flowd {

using prometheus::BuildCounter;
using prometheus::BuildGauge;

namespace {
prometheus::Gauge& OneGauge(prometheus::Registry& r, const std::string& name, const std::string& help) {
  return BuildGauge().Name(name).Help(help).Register(r).Add({});
}
}  // namespace

GraphMetrics::GraphMetrics(prometheus::Registry& r, const std::string& prefix)
    : edges_(OneGauge(r, MetricName(prefix, "graph_edges"), "Edges in this node's connectivity graph")),
      evictions_(BuildCounter()
                     .Name(MetricName(prefix, "graph_evictions_total"))
                     .Help("Connectivity graph buckets and edges evicted to stay within the memory budget")
                     .Register(r)),
      evicted_buckets_(evictions_.Add({{"what", "bucket"}})),
      evicted_edges_(evictions_.Add({{"what", "edge"}})),
      snapshot_age_(OneGauge(r, MetricName(prefix, "graph_snapshot_age_seconds"),
                             "Seconds since the connectivity graph was last written to disk")),
      snapshot_bytes_(OneGauge(r, MetricName(prefix, "graph_snapshot_bytes"),
                               "Bytes of the connectivity graph on disk (snapshot and log)")) {}

void GraphMetrics::Update(const GraphHealth& h) {
  edges_.Set(static_cast<double>(h.edges));
  // The graph counts cumulatively (and across restarts, from its files):
  // add what is new since the last update.
  if (h.evicted_buckets > seen_buckets_)
    evicted_buckets_.Increment(static_cast<double>(h.evicted_buckets - seen_buckets_));
  if (h.evicted_edges > seen_edges_)
    evicted_edges_.Increment(static_cast<double>(h.evicted_edges - seen_edges_));
  seen_buckets_ = h.evicted_buckets;
  seen_edges_ = h.evicted_edges;
  snapshot_age_.Set(h.snapshot_age_seconds);
  snapshot_bytes_.Set(static_cast<double>(h.snapshot_bytes));
}

}  // namespace flows::flowd
