// Ends idle flows. The kernel reports a flow's start and its TCP events, but
// only user space knows when a flow has gone quiet: the sweeper walks the
// flow table, removes entries idle past their timeout and returns a final
// FLOW_END flow with their totals for each.
//
// It also notices entries the kernel dropped on its own: the table is an LRU
// hash, and a full one evicts its coldest entry without telling anyone. The
// sweeper remembers every entry it knows of (from its last walk, and from
// the NEW_FLOW records the ring reader passes on) and, at the next walk,
// each one that is gone without having been expired by us is:
//  - evicted, if it had not reached its timeout (a live flow lost its
//    entry): counted, and ended with FLOW_END|EVICTED and the totals last
//    seen (lower bounds: packets after our last look are lost with it; if
//    the flow goes on, the kernel starts a new entry and a NEW_FLOW);
//  - ended normally, if it was past its timeout when we last saw it (the LRU
//    only beat the sweep to it; its totals are final), with FLOW_END alone.
// A gone entry known only from a NEW_FLOW record and already past its
// timeout is a record read late (e.g. a backlog after a restart) of an
// entry we expired ourselves: nothing is reported.
#pragma once

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "flows/common/result.h"
#include "flows/datapath/abi.h"
#include "flows/datapath/clock.h"
#include "flows/datapath/flow.h"
#include "flows/datapath/record_decoder.h"
#include "flows/datapath/ring_reader.h"

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

class FlowSweeper final : public NewEntryListener {
 public:
  // At most this many NEW_FLOW entries are remembered between two sweeps;
  // beyond that, an entry created and evicted within one interval goes
  // unnoticed (a churn that high has evicted most of them anyway, and the
  // kernel's flow_table_insert_failed / this class's count show the table
  // is too small).
  static constexpr std::size_t kMaxNotedEntries = 1 << 18;

  FlowSweeper(FlowTable& table, const Clock& clock, const RecordDecoder& decoder, SweepPolicy policy)
      : table_(table), clock_(clock), decoder_(decoder), policy_(policy) {}

  // Thread-safe: called by the ring reader for each NEW_FLOW record.
  void OnNewEntry(const flows_key& key, const flows_stats& stats) override;

  // Flows that ended since the last sweep: expired, evicted, or gone.
  Result<std::vector<Flow>> Sweep();

  // Live entries the kernel evicted before they expired (thread-safe).
  std::uint64_t evicted() const { return evicted_.load(std::memory_order_relaxed); }

 private:
  struct KeyHash {
    std::size_t operator()(const flows_key& k) const {
      return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(&k), sizeof(k)));
    }
  };
  struct KeyEq {
    bool operator()(const flows_key& a, const flows_key& b) const {
      return std::memcmp(&a, &b, sizeof(a)) == 0;
    }
  };
  struct Known {
    flows_stats stats;
    std::uint64_t walk;  // the last walk that saw it; 0: only a NEW_FLOW record has
  };
  using KnownMap = std::unordered_map<flows_key, Known, KeyHash, KeyEq>;

  bool Expired(const flows_key& key, const flows_stats& st, std::uint64_t now) const;
  // An entry we knew is gone (or replaced by a newer one with the same key).
  void Vanished(const flows_key& key, const Known& known, std::uint64_t now, std::vector<Flow>& ended);

  FlowTable& table_;
  const Clock& clock_;
  const RecordDecoder& decoder_;
  SweepPolicy policy_;
  KnownMap known_;  // sweeper thread only
  std::uint64_t walks_ = 0;
  std::mutex noted_mu_;
  KnownMap noted_;  // from the reader, merged into known_ at the next sweep
  std::atomic<std::uint64_t> evicted_{0};
};

}  // namespace flows::datapath
