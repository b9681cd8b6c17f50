// Ends idle flows. The kernel reports a flow's start and its TCP events, but
// only user space knows when a flow has gone quiet: the sweeper walks the
// flow table, removes entries idle past their timeout and returns a final
// FLOW_END flow with their totals for each.
#pragma once

#include <chrono>
#include <utility>
#include <vector>

#include "flows/common/result.h"
#include "flows/datapath/abi.h"
#include "flows/datapath/clock.h"
#include "flows/datapath/flow.h"
#include "flows/datapath/record_decoder.h"

namespace flows::datapath {

// The flow table behind an interface (the real one is a BPF map).
class FlowTable {
 public:
  virtual ~FlowTable() = default;
  virtual Result<std::vector<std::pair<flows_key, flows_stats>>> Snapshot() = 0;
  // Removes an entry, returning its final counters (nullopt if already gone).
  virtual std::optional<flows_stats> Remove(const flows_key& key) = 0;
};

class BpfFlowTable final : public FlowTable {
 public:
  explicit BpfFlowTable(int map_fd) : fd_(map_fd) {}
  Result<std::vector<std::pair<flows_key, flows_stats>>> Snapshot() override;
  std::optional<flows_stats> Remove(const flows_key& key) override;

 private:
  int fd_;
};

struct SweepPolicy {
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(30);
  // A TCP flow that saw FIN or RST ends sooner.
  std::chrono::nanoseconds closed_timeout = std::chrono::seconds(5);
};

class FlowSweeper {
 public:
  FlowSweeper(FlowTable& table, const Clock& clock, const RecordDecoder& decoder, SweepPolicy policy)
      : table_(table), clock_(clock), decoder_(decoder), policy_(policy) {}

  Result<std::vector<Flow>> Sweep();

 private:
  FlowTable& table_;
  const Clock& clock_;
  const RecordDecoder& decoder_;
  SweepPolicy policy_;
};

}  // namespace flows::datapath
