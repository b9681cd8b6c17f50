// Hubble's flow metrics, with Hubble's names and labels under a
// configurable prefix ("flows" by default; "hubble" makes them drop-in for
// existing Hubble dashboards), and traffic volume. Fed one flow at a time on
// the ingest thread. docs/metrics.md says what each family counts.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>

#include "flow/flow.pb.h"
#include "flows/common/result.h"
#include "flows/flowd/metrics/budgeted_family.h"

namespace flows::flowd {

// What the "source"/"destination" context labels carry.
enum class ContextKind { kNone, kNamespace, kPod, kWorkload, kDns, kIp };
Result<ContextKind> ParseContextKind(std::string_view text);

struct MetricContext {
  ContextKind source = ContextKind::kNone;
  ContextKind destination = ContextKind::kNone;
};

struct MetricsOptions {
  std::string prefix = "flows";
  MetricContext default_context;                 // for every metric...
  std::map<std::string, MetricContext> context;  // ...unless named here ("http", "dns", ...)
  std::size_t series_budget = 1000;              // per metric family
};

// Parses "dns:source=pod,destination=namespace;http:source=workload" (a
// metric name "*" sets the default). Errors name the bad part.
Status ParseMetricContexts(std::string_view spec, MetricsOptions* options);

// What one record adds to its connection's traffic, as the ingest path
// worked it out (EntryTracker): the packets and bytes new since its
// flow-table entry's previous record (records carry the entry's totals), and
// whether this observation point is the one the count-once rule
// (flowd/graph/count_once.h) counts, so that a packet seen at both pods'
// veths, or at a veth and the NIC, is counted once.
struct TrafficDelta {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  bool counted = false;
};

class FlowMetrics {
 public:
  FlowMetrics(prometheus::Registry& registry, const MetricsOptions& options);
  ~FlowMetrics();

  void Observe(const flow::Flow& flow, const TrafficDelta& traffic = {});
  // Events lost at a stage: "ring_reservation", "flow_table", "decode",
  // "store", "client", ... (lost_events_total{source}).
  void AddLost(std::string_view source, std::uint64_t n);

 private:
  struct Families;
  std::unique_ptr<Families> f_;
};

}  // namespace flows::flowd
