// A merged GetFlows stream: one thread per node stream pumps responses into
// a MergeBuffer; the caller (the gRPC handler) takes them out in time order.
//
// When the buffer is full (`capacity` responses):
//   - follow mode (drop_when_full): the pump waits up to `full_wait` for
//     space (the consumer is busy: slowing the node down through gRPC flow
//     control costs nothing, while a flow read and then dropped was parsed
//     for nothing). If there is still no space, the consumer is stuck (a
//     client that does not read): the pump drops flows, without waiting
//     again until there is space, counts them, and the client gets a
//     LostEvent (source OBSERVER_EVENTS_QUEUE) with the total. A live stream
//     stays live and the relay's memory stays bounded, whatever a client or
//     node does.
//   - otherwise the pump waits: a bounded query (number=N, since/until)
//     should be complete, and gRPC flow control then slows the node down.
// Streams can be added while the merge runs (follow: nodes that join later).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "flows/relay/flow_stream.h"
#include "flows/relay/merge_buffer.h"
#include "flows/relay/relay_metrics.h"

namespace flows::relay {

struct MergerOptions {
  MergeOptions merge;
  // Hard bound on buffered responses; at least merge.sort_window + 1.
  std::size_t capacity = 8192;
  bool drop_when_full = false;
  std::chrono::milliseconds full_wait{100};
  // Keep Next() waiting for new streams after all current ones ended.
  bool open_ended = false;
};

class FlowMerger {
 public:
  // What a node stream's end becomes in the merged stream (a NodeStatusEvent,
  // say), or nothing. Called on the stream's pump thread.
  using EndNotice = std::function<std::optional<observer::GetFlowsResponse>(const std::string& node,
                                                                            const grpc::Status& status)>;

  FlowMerger(MergerOptions options, RelayMetrics* metrics, EndNotice on_end = {});
  ~FlowMerger();  // Stop()
  FlowMerger(const FlowMerger&) = delete;
  FlowMerger& operator=(const FlowMerger&) = delete;

  // Starts pumping `stream` (labelled `node`) into the merge.
  void AddStream(const std::string& node, std::unique_ptr<FlowStream> stream);

  enum class Next { kItems, kTimeout, kFinished };
  // Appends up to `max` releasable responses to `out`, waiting until `until`
  // for the first one. kFinished: every stream ended and all was released
  // (never while open_ended).
  Next Take(std::vector<FlowItem>& out, std::size_t max, MergeBuffer::TimePoint until);

  // Cancels the running streams labelled `node` (a node that was removed);
  // their ends are reported through EndNotice as usual.
  void CancelStream(const std::string& node);

  // Cancels every stream and joins the pumps. Idempotent.
  void Stop();

  MergeStats stats() const;
  std::uint64_t dropped() const { return dropped_total_; }
  // Times a pump waited for space because the buffer was full (back
  // pressure on a node; in follow mode, before it starts dropping).
  std::uint64_t full_waits() const;

 private:
  struct Pump {
    std::string node;
    std::unique_ptr<FlowStream> stream;
    std::thread thread;
  };

  void Run(Pump* pump, std::size_t source);
  void WakeConsumer();  // needs mu_
  // Needs mu_. False when stopped.
  bool Admit(std::unique_lock<std::mutex>& lock, std::size_t source, FlowItem& item);

  const MergerOptions options_;
  RelayMetrics* const metrics_;
  const EndNotice on_end_;

  mutable std::mutex mu_;
  std::condition_variable readable_;  // the consumer waits for something to release
  std::condition_variable writable_;  // pumps wait for space (no-drop mode)
  MergeBuffer buffer_;
  std::vector<std::unique_ptr<Pump>> pumps_;
  bool stopped_ = false;
  bool consumer_waiting_ = false;
  bool consumer_inside_ = false;  // in Take(): a full buffer is the merge's fault, not the client's
  bool overflowing_ = false;      // dropping until Take() makes space
  std::uint64_t dropped_unreported_ = 0;
  std::uint64_t full_waits_ = 0;
  std::atomic<std::uint64_t> dropped_total_{0};
};

}  // namespace flows::relay
