// Turns the kernel's loss counters (per-CPU, summed; they only grow, and
// they live in a pinned map that outlives flowd) into LossLedger entries.
//
// The last values seen are saved in flowd's state directory, so after a
// restart (or a kill -9) what the kernel lost while no flowd was reading is
// reported too, rather than silently absorbed into a new baseline.
#pragma once

#include <string>

#include "flows/datapath/counters.h"
#include "flows/flowd/daemon/loss_ledger.h"

namespace flows::flowd {

class KernelLossPoller {
 public:
  // `state_file` empty: no persistence (losses before start are ignored).
  KernelLossPoller(const datapath::CounterSource& counters, LossLedger& ledger, std::string state_file);

  // Adds the increase since the previous call (the first call: since the
  // saved values, or since zero) and saves the new values. Returns the
  // counters read.
  Result<datapath::KernelCounters> Poll();

 private:
  const datapath::CounterSource& counters_;
  LossLedger& ledger_;
  std::string state_file_;
  datapath::KernelCounters last_{};
  bool loaded_ = false;
  bool saved_once_ = false;
};

}  // namespace flows::flowd
