#include "flows/relay/relay_metrics.h"

namespace flows::relay {

namespace {
prometheus::Family<prometheus::Counter>& LostFamily(prometheus::Registry& r) {
  return prometheus::BuildCounter()
      .Name("flows_relay_lost_events_total")
      .Help("Flows lost on the way to relay clients, by the stage that lost them")
      .Register(r);
}
}  // namespace

RelayMetrics::RelayMetrics(prometheus::Registry& r)
    : peer_connected_(prometheus::BuildGauge()
                          .Name("flows_relay_peer_connected")
                          .Help("1 while the relay's connection to the node is ready, else 0")
                          .Register(r)),
      peers_(prometheus::BuildGauge()
                 .Name("flows_relay_peers")
                 .Help("Nodes known to the relay, by state")
                 .Register(r)),
      peers_connected_(peers_.Add({{"state", "connected"}})),
      peers_unavailable_(peers_.Add({{"state", "unavailable"}})),
      depth_(prometheus::BuildGauge()
                 .Name("flows_relay_merge_buffer_depth")
                 .Help("Responses held in the sort buffers of all GetFlows streams")
                 .Register(r)
                 .Add({})),
      forwarded_(prometheus::BuildCounter()
                     .Name("flows_relay_flows_forwarded_total")
                     .Help("Flows sent to relay clients")
                     .Register(r)
                     .Add({})),
      lost_peer_(LostFamily(r).Add({{"source", "peer"}})),
      lost_sort_buffer_(LostFamily(r).Add({{"source", "sort_buffer"}})),
      lost_slow_client_(LostFamily(r).Add({{"source", "slow_client"}})),
      streams_(prometheus::BuildGauge()
                   .Name("flows_relay_get_flows_streams")
                   .Help("GetFlows calls in progress")
                   .Register(r)
                   .Add({})) {}

void RelayMetrics::PeerState(const std::string& peer, bool connected) {
  std::lock_guard lock(mu_);
  peer_connected_.Add({{"peer", peer}}).Set(connected ? 1 : 0);
}

void RelayMetrics::PeerRemoved(const std::string& peer) {
  std::lock_guard lock(mu_);
  // Add returns the existing series, which Remove then drops.
  peer_connected_.Remove(&peer_connected_.Add({{"peer", peer}}));
}

void RelayMetrics::PeerCounts(std::size_t connected, std::size_t unavailable) {
  peers_connected_.Set(static_cast<double>(connected));
  peers_unavailable_.Set(static_cast<double>(unavailable));
}

void RelayMetrics::Lost(LostStage stage, std::uint64_t flows) {
  const double n = static_cast<double>(flows);
  switch (stage) {
    case LostStage::kPeer:
      lost_peer_.Increment(n);
      break;
    case LostStage::kSortBuffer:
      lost_sort_buffer_.Increment(n);
      break;
    case LostStage::kSlowClient:
      lost_slow_client_.Increment(n);
      break;
  }
}

double RelayMetrics::lost(LostStage stage) const {
  switch (stage) {
    case LostStage::kPeer:
      return lost_peer_.Value();
    case LostStage::kSortBuffer:
      return lost_sort_buffer_.Value();
    case LostStage::kSlowClient:
      return lost_slow_client_.Value();
  }
  return 0;
}

}  // namespace flows::relay
