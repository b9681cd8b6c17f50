// GetFlows of the relay: see relay_service.h.
#include <atomic>

#include "flows/relay/grpc_flow_stream.h"
#include "flows/relay/node_streams.h"
#include "flows/relay/relay_service.h"

namespace flows::relay {

namespace {

constexpr std::size_t kWriteBatch = 256;

// How a node's stream ending shows in the merged stream. A bounded query's
// stream ends with OK: nothing to say. A follow stream never ends by
// itself, so any end means the node went away (restart, network); UNAVAILABLE
// and DEADLINE_EXCEEDED mean the same. Anything else the node answered
// (INVALID_ARGUMENT, INTERNAL, ...) is an error of that node.
std::optional<observer::GetFlowsResponse> EndNotice(const std::string& node, const grpc::Status& status,
                                                    bool follow) {
  if (status.ok() && !follow) return std::nullopt;
  const auto code = status.error_code();
  const bool gone = status.ok() || code == grpc::StatusCode::UNAVAILABLE ||
                    code == grpc::StatusCode::DEADLINE_EXCEEDED || code == grpc::StatusCode::CANCELLED;
  std::string message = status.ok() ? "stream ended" : status.error_message();
  if (message.empty()) message = "status code " + std::to_string(static_cast<int>(code));
  return NodeStatus(gone ? ::relay::NODE_UNAVAILABLE : ::relay::NODE_ERROR, {node}, node + ": " + message);
}

}  // namespace

RelayService::RelayService(PeerManager& peers, RelayOptions options, RelayMetrics* metrics, OpenStream open)
    : peers_(peers),
      options_(std::move(options)),
      metrics_(metrics),
      open_(open ? std::move(open) : [](const PeerView& p, const observer::GetFlowsRequest& r) {
        return std::unique_ptr<FlowStream>(std::make_unique<GrpcFlowStream>(p.channel, r));
      }) {}

grpc::Status RelayService::GetFlows(grpc::ServerContext* ctx, const observer::GetFlowsRequest* req,
                                    grpc::ServerWriter<observer::GetFlowsResponse>* writer) {
  if (auto st = CheckGetFlowsRequest(*req); !st.ok()) return st;
  const bool follow = req->follow();
  const auto peers = peers_.Snapshot();
  std::vector<std::string> connected, unavailable;
  for (const auto& p : peers)
    (p.state == ::relay::NODE_CONNECTED ? connected : unavailable).push_back(p.display());
  if (peers.empty() && !follow)
    return {grpc::StatusCode::UNAVAILABLE,
            "the relay knows no nodes (see --peer, --peer-dns, --peer-service)"};

  if (metrics_) metrics_->Streams(1);
  struct StreamsGauge {
    RelayMetrics* m;
    ~StreamsGauge() {
      if (m) m->Streams(-1);
    }
  } streams_gauge{metrics_};

  if (!connected.empty() && !writer->Write(NodeStatus(::relay::NODE_CONNECTED, connected)))
    return grpc::Status::OK;
  if (!unavailable.empty()) {
    std::string message;
    for (const auto& p : peers)
      if (p.state != ::relay::NODE_CONNECTED)
        message += (message.empty() ? "" : "; ") + p.display() + ": " + p.error;
    if (!writer->Write(NodeStatus(::relay::NODE_UNAVAILABLE, unavailable, message))) return grpc::Status::OK;
  }

  NodeStreams streams;
  // Set when this call stops its own streams: their ends say nothing about
  // the nodes.
  std::atomic<bool> stopping{false};
  // Streams are labelled with the PeerManager's key for the node.
  auto on_end = [&](const std::string& key,
                    const grpc::Status& status) -> std::optional<observer::GetFlowsResponse> {
    const auto ended = streams.End(key);
    if (stopping || ctx->IsCancelled()) return std::nullopt;  // we cancelled it
    if (ended.removed)
      return NodeStatus(::relay::NODE_GONE, {ended.display},
                        ended.display + ": removed from the relay's peers");
    auto notice = EndNotice(ended.display, status, follow);
    if (notice && notice->node_status().state_change() == ::relay::NODE_UNAVAILABLE)
      peers_.ReportFailure(key, notice->node_status().message());
    return notice;
  };

  MergerOptions mo;
  mo.merge = options_.merge;
  mo.capacity = options_.buffer_capacity;
  mo.drop_when_full = follow;
  // With `until`, every node's stream ends on its own and so does ours.
  mo.open_ended = follow && !req->has_until();
  FlowMerger merger(mo, metrics_, on_end);

  auto start = [&](const PeerView& p, const observer::GetFlowsRequest& r) {
    streams.Started(p);
    merger.AddStream(p.spec.name, open_(p, r));
  };
  for (const auto& p : peers)
    if (p.state == ::relay::NODE_CONNECTED) start(p, *req);

  // A node that joins (or comes back) mid-stream: only its new flows.
  observer::GetFlowsRequest joiner = *req;
  joiner.set_number(0);
  joiner.clear_since();

  std::vector<FlowItem> batch;
  auto next_scan = std::chrono::steady_clock::now() + options_.follow_rescan;
  bool client_gone = false;
  while (!client_gone && !ctx->IsCancelled()) {
    const auto now = std::chrono::steady_clock::now();
    if (mo.open_ended && now >= next_scan) {
      next_scan = now + options_.follow_rescan;
      const auto current = peers_.Snapshot();
      for (const auto& key : streams.Removed(current)) merger.CancelStream(key);
      for (const auto& p : current) {
        if (p.state != ::relay::NODE_CONNECTED || !streams.NeedsStream(p)) continue;
        if (!writer->Write(NodeStatus(::relay::NODE_CONNECTED, {p.display()}))) {
          client_gone = true;
          break;
        }
        start(p, joiner);
      }
      if (client_gone) break;
    }
    batch.clear();
    const auto r = merger.Take(batch, kWriteBatch, now + options_.follow_rescan);
    std::uint64_t flows = 0;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& item = batch[i];
      // All but the last of a batch may wait in gRPC's buffer: one flush
      // per batch instead of one per flow (about twice the throughput of a
      // follow stream under load; a batch is taken as soon as it exists, so
      // this adds no waiting).
      grpc::WriteOptions wo;
      if (i + 1 < batch.size()) wo.set_buffer_hint();
      if (!writer->Write(*item.response, wo)) {
        client_gone = true;
        break;
      }
      flows += item.ordered;
    }
    if (metrics_ && flows) metrics_->Forwarded(flows);
    if (r == FlowMerger::Next::kFinished) break;
  }
  stopping = true;
  merger.Stop();
  return grpc::Status::OK;
}

}  // namespace flows::relay
