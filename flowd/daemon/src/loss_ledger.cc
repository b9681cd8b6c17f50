#include "flows/flowd/daemon/loss_ledger.h"

#include <algorithm>

namespace flows::flowd {

void LossLedger::Add(std::string_view source, std::uint64_t n) {
  {
    std::lock_guard lock(mu_);
    auto it = totals_.find(source);
    if (it == totals_.end()) it = totals_.emplace(std::string(source), 0).first;
    it->second += n;
  }
  // Even a zero makes the series exist, so dashboards see 0 rather than
  // nothing before the first loss.
  if (metrics_) metrics_->AddLost(source, n);
}

void LossLedger::Sync(std::string_view source, std::uint64_t cumulative) {
  std::uint64_t delta = 0;
  {
    std::lock_guard lock(mu_);
    auto it = synced_.find(source);
    if (it == synced_.end()) it = synced_.emplace(std::string(source), 0).first;
    delta = cumulative >= it->second ? cumulative - it->second : 0;
    it->second = std::max(it->second, cumulative);
  }
  Add(source, delta);
}

std::vector<std::pair<std::string, std::uint64_t>> LossLedger::Totals() const {
  std::lock_guard lock(mu_);
  return {totals_.begin(), totals_.end()};
}

std::uint64_t LossLedger::Total(std::string_view source) const {
  std::lock_guard lock(mu_);
  auto it = totals_.find(source);
  return it == totals_.end() ? 0 : it->second;
}

}  // namespace flows::flowd
