// LossCounters: ServerStatusResponse's flows_lost_events (field 200000, a
// flows extension; Hubble's servers send none).
#include "flows/cli/status_text.h"

namespace flows::cli {

std::vector<LossCount> LossCounters(const observer::ServerStatusResponse& status) {
  std::vector<LossCount> out;
  out.reserve(static_cast<std::size_t>(status.flows_lost_events_size()));
  for (const observer::LostEventCount& c : status.flows_lost_events())
    out.push_back({c.source(), c.count(), c.node_name()});
  return out;
}

}  // namespace flows::cli
