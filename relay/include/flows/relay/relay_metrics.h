// The relay's own Prometheus metrics (served on --metrics-address):
//   flows_relay_peer_connected{peer}        1 while the node's channel is ready
//   flows_relay_peers{state}                nodes known, by state
//   flows_relay_merge_buffer_depth          responses held in sort buffers, all requests
//   flows_relay_flows_forwarded_total       flows sent to clients
//   flows_relay_lost_events_total{source}   flows lost, by the stage that lost them:
//       peer         reported by a node (its ring lapped its reader), forwarded
//       sort_buffer  a follow stream's sort buffer was full while merging
//       slow_client  a follow stream's sort buffer was full while the client
//                    was not reading
//   flows_relay_get_flows_streams           GetFlows calls in progress
// Safe to call from any thread.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <mutex>
#include <string>

namespace flows::relay {

enum class LostStage { kPeer, kSortBuffer, kSlowClient };

class RelayMetrics {
 public:
  explicit RelayMetrics(prometheus::Registry& registry);

  void PeerState(const std::string& peer, bool connected);
  void PeerRemoved(const std::string& peer);
  void PeerCounts(std::size_t connected, std::size_t unavailable);
  void BufferDepth(std::int64_t delta) { depth_.Increment(static_cast<double>(delta)); }
  void Forwarded(std::uint64_t flows) { forwarded_.Increment(static_cast<double>(flows)); }
  void Lost(LostStage stage, std::uint64_t flows);
  void Streams(int delta) { streams_.Increment(delta); }

  double lost(LostStage stage) const;
  double forwarded() const { return forwarded_.Value(); }
  double buffer_depth() const { return depth_.Value(); }
  double streams() const { return streams_.Value(); }

 private:
  std::mutex mu_;  // peer gauges are added and removed as nodes come and go
  prometheus::Family<prometheus::Gauge>& peer_connected_;
  prometheus::Family<prometheus::Gauge>& peers_;
  prometheus::Gauge& peers_connected_;
  prometheus::Gauge& peers_unavailable_;
  prometheus::Gauge& depth_;
  prometheus::Counter& forwarded_;
  prometheus::Counter& lost_peer_;
  prometheus::Counter& lost_sort_buffer_;
  prometheus::Counter& lost_slow_client_;
  prometheus::Gauge& streams_;
};

}  // namespace flows::relay
