// The ingest path of flowd, on the ring reader's thread: each datapath Flow
// becomes a flow.Flow (identities, names, L7), feeds the metrics and the
// namespace tracker and the connectivity graph, and goes into the store.
// What a record adds to its connection (packet and byte deltas, direction,
// whether this vantage point counts it) is worked out once, by the
// EntryTracker, for both the metrics and the graph.
// Nothing here waits on a reader.
#pragma once

#include <atomic>
#include <span>

#include "flows/datapath/ring_reader.h"
#include "flows/flowd/daemon/entry_tracker.h"
#include "flows/flowd/daemon/graph_feeder.h"
#include "flows/flowd/metrics/flow_metrics.h"
#include "flows/flowd/observer/flow_converter.h"
#include "flows/flowd/observer/namespace_tracker.h"
#include "flows/flowd/store/flow_store.h"

namespace flows::flowd {

// Keeps freed batch arenas in the process heap for the next batches instead
// of returning them to the kernel (glibc maps large blocks, and trims the
// heap, by default): fresh pages cost a page fault each. Call once at start.
void TuneAllocatorForIngest();

class IngestPipeline final : public datapath::FlowSink {
 public:
  IngestPipeline(FlowConverter& converter, FlowMetrics* metrics, NamespaceTracker& namespaces,
                 FlowStore& store, GraphFeeder* graph = nullptr)
      : converter_(converter),
        metrics_(metrics),
        namespaces_(namespaces),
        store_(store),
        graph_(graph),
        entries_(/*learn_l7=*/graph != nullptr) {}

  void OnFlows(std::span<const datapath::Flow> flows) override;
  std::uint64_t processed() const { return processed_.load(std::memory_order_relaxed); }

 private:
  FlowConverter& converter_;
  FlowMetrics* metrics_;  // optional
  NamespaceTracker& namespaces_;
  FlowStore& store_;
  GraphFeeder* graph_;  // optional
  EntryTracker entries_;
  std::atomic<std::uint64_t> processed_{0};
};

}  // namespace flows::flowd
