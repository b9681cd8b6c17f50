#include "flows/flowd/daemon/kernel_loss_poller.h"

#include <nlohmann/json.hpp>

#include "flows/common/atomic_file.h"

namespace flows::flowd {
namespace {

using datapath::KernelCounters;

// Loss counters and the ledger's name for each.
constexpr std::pair<flows_counter, std::string_view> kLossCounters[] = {
    {FLOWS_CNT_RING_RESERVE_FAILED, kLostRingReservation},
    {FLOWS_CNT_FLOW_TABLE_FULL, kLostFlowTable},
    {FLOWS_CNT_MALFORMED, kLostMalformed},
    {FLOWS_CNT_IPV6_EXT_LIMIT, kLostIpv6ExtLimit},
    {FLOWS_CNT_L7_TRUNCATED, kLostL7Truncated},
    {FLOWS_CNT_L7_SCRATCH_FAILED, kLostL7Scratch},
};

// {"ring_reserve_failed": 12, ...}; anything unreadable is an empty baseline.
// A counter the file does not name (saved by a flowd that did not report
// it) starts from `now`: what it counted before was never this flowd's to
// report as a loss since.
KernelCounters LoadSaved(const std::string& path, const KernelCounters& now) {
  KernelCounters saved;
  auto text = ReadSmallFile(path, 64 << 10);
  if (!text) return saved;
  auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return saved;
  for (int c = 0; c < FLOWS_CNT_MAX; ++c) {
    auto it = j.find(std::string(KernelCounters::Name(static_cast<flows_counter>(c))));
    if (it != j.end() && it->is_number_unsigned())
      saved.values[c] = it->get<std::uint64_t>();
    else
      saved.values[c] = now.values[c];
  }
  return saved;
}

void Save(const std::string& path, const KernelCounters& k) {
  nlohmann::json j = nlohmann::json::object();
  for (int c = 0; c < FLOWS_CNT_MAX; ++c)
    j[std::string(KernelCounters::Name(static_cast<flows_counter>(c)))] = k.values[c];
  (void)WriteFileAtomically(path, j.dump() + "\n");  // on failure the next poll tries again
}

}  // namespace

KernelLossPoller::KernelLossPoller(const datapath::CounterSource& counters, LossLedger& ledger,
                                   std::string state_file)
    : counters_(counters), ledger_(ledger), state_file_(std::move(state_file)) {}

Result<KernelCounters> KernelLossPoller::Poll() {
  auto now = counters_.Read();
  if (!now) return now.error();
  if (!loaded_) {
    if (!state_file_.empty()) last_ = LoadSaved(state_file_, *now);
    loaded_ = true;
  }
  bool changed = !saved_once_;
  for (const auto& [counter, source] : kLossCounters) {
    const std::uint64_t cur = (*now)[counter], prev = last_[counter];
    // Lower than before: the map was recreated (reboot, new pin root), so
    // everything it holds is new.
    const std::uint64_t delta = cur >= prev ? cur - prev : cur;
    ledger_.Add(source, delta);
    changed |= delta != 0;
  }
  last_ = *now;
  // Only the loss counters need to survive a restart: save when they move.
  if (changed && !state_file_.empty()) Save(state_file_, last_);
  saved_once_ = true;
  return now;
}

}  // namespace flows::flowd
