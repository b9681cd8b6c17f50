#include "flows/relay/flow_merger.h"

#include <google/protobuf/util/time_util.h>
#include <pthread.h>

namespace flows::relay {

namespace {

observer::GetFlowsResponse LostNotice(std::uint64_t n) {
  observer::GetFlowsResponse r;
  auto* lost = r.mutable_lost_events();
  // The relay's queue between nodes and client: the closest of Hubble's
  // sources (HUBBLE_RING_BUFFER is what the nodes themselves report).
  lost->set_source(flow::OBSERVER_EVENTS_QUEUE);
  lost->set_num_events_lost(n);
  *r.mutable_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  return r;
}

}  // namespace

FlowMerger::FlowMerger(MergerOptions options, RelayMetrics* metrics, EndNotice on_end)
    : options_([&] {
        options.capacity = std::max(options.capacity, options.merge.sort_window + 1);
        return options;
      }()),
      metrics_(metrics),
      on_end_(std::move(on_end)),
      buffer_(options_.merge) {}

FlowMerger::~FlowMerger() {
  Stop();
}

void FlowMerger::WakeConsumer() {
  // One wake-up per wait: the pumps push many flows before the consumer
  // runs (on a busy CPU), and each extra notify would be a futex call.
  if (!consumer_waiting_) return;
  consumer_waiting_ = false;
  readable_.notify_one();
}

void FlowMerger::AddStream(const std::string& node, std::unique_ptr<FlowStream> stream) {
  std::lock_guard lock(mu_);
  if (stopped_) return;
  const std::size_t source = buffer_.AddSource();
  auto pump = std::make_unique<Pump>();
  pump->node = node;
  pump->stream = std::move(stream);
  Pump* raw = pump.get();
  pumps_.push_back(std::move(pump));
  raw->thread = std::thread([this, raw, source] {
    // Named for top -H and perf: one per node stream of each GetFlows call.
    pthread_setname_np(pthread_self(), "relay-pump");
    Run(raw, source);
  });
}

bool FlowMerger::Admit(std::unique_lock<std::mutex>& lock, std::size_t source, FlowItem& item) {
  while (!stopped_ && buffer_.size() >= options_.capacity) {
    if (options_.drop_when_full && item.ordered && !overflowing_) {
      const auto until = std::chrono::steady_clock::now() + options_.full_wait;
      ++full_waits_;
      if (writable_.wait_until(lock, until, [&] { return stopped_ || buffer_.size() < options_.capacity; }))
        continue;
      overflowing_ = true;
    }
    if (options_.drop_when_full && item.ordered) {
      // Notices (a node's own lost count, its status) are never dropped:
      // they are rare and they are how the client learns about loss.
      ++dropped_unreported_;
      ++dropped_total_;
      if (metrics_) metrics_->Lost(consumer_inside_ ? LostStage::kSortBuffer : LostStage::kSlowClient, 1);
      WakeConsumer();
      return true;
    }
    if (!item.ordered) break;  // a notice may overshoot the bound by a little
    ++full_waits_;
    writable_.wait(lock);
  }
  if (stopped_) return false;
  buffer_.Push(source, std::move(item), MergeBuffer::Clock::now());
  if (metrics_) metrics_->BufferDepth(1);
  WakeConsumer();
  return true;
}

void FlowMerger::Run(Pump* pump, std::size_t source) {
  FlowItem item;
  while (pump->stream->Read(&item)) {
    if (!item.ordered && item.response && item.response->has_lost_events() && metrics_)
      metrics_->Lost(LostStage::kPeer, item.response->lost_events().num_events_lost());
    std::unique_lock lock(mu_);
    if (!Admit(lock, source, item)) break;
  }
  const grpc::Status status = pump->stream->Finish();
  std::optional<observer::GetFlowsResponse> notice;
  if (on_end_) notice = on_end_(pump->node, status);
  std::unique_lock lock(mu_);
  if (notice && !stopped_) {
    FlowItem n;
    n.response = std::make_shared<observer::GetFlowsResponse>(std::move(*notice));
    n.ordered = false;
    Admit(lock, source, n);
  }
  buffer_.EndSource(source);
  WakeConsumer();
}

FlowMerger::Next FlowMerger::Take(std::vector<FlowItem>& out, std::size_t max, MergeBuffer::TimePoint until) {
  std::unique_lock lock(mu_);
  consumer_inside_ = true;
  for (;;) {
    const auto now = MergeBuffer::Clock::now();
    std::size_t taken = 0;
    if (dropped_unreported_ > 0) {
      FlowItem lost;
      lost.response = std::make_shared<observer::GetFlowsResponse>(LostNotice(dropped_unreported_));
      lost.ordered = false;
      dropped_unreported_ = 0;
      out.push_back(std::move(lost));
      ++taken;
    }
    FlowItem item;
    while (taken < max && buffer_.Pop(now, &item)) {
      out.push_back(std::move(item));
      ++taken;
    }
    if (taken > 0) {
      overflowing_ = false;
      if (metrics_) metrics_->BufferDepth(-static_cast<std::int64_t>(taken));
      writable_.notify_all();
      consumer_inside_ = false;
      return Next::kItems;
    }
    if (stopped_ || (buffer_.Drained() && !options_.open_ended)) {
      consumer_inside_ = false;
      return Next::kFinished;
    }
    if (now >= until) {
      consumer_inside_ = false;
      return Next::kTimeout;
    }
    auto wake = until;
    if (auto d = buffer_.Deadline(); d && *d < wake) wake = *d;
    consumer_waiting_ = true;
    readable_.wait_until(lock, wake);
    consumer_waiting_ = false;
  }
}

void FlowMerger::CancelStream(const std::string& node) {
  std::lock_guard lock(mu_);
  for (auto& p : pumps_)
    if (p->node == node) p->stream->Cancel();
}

void FlowMerger::Stop() {
  std::vector<std::unique_ptr<Pump>> pumps;
  {
    std::lock_guard lock(mu_);
    if (stopped_ && pumps_.empty()) return;
    stopped_ = true;
    pumps.swap(pumps_);
    for (auto& p : pumps) p->stream->Cancel();
    writable_.notify_all();
    readable_.notify_all();
  }
  for (auto& p : pumps)
    if (p->thread.joinable()) p->thread.join();
  // What is still buffered is never sent: take it out of the depth gauge.
  std::lock_guard lock(mu_);
  if (metrics_ && buffer_.size() > 0) metrics_->BufferDepth(-static_cast<std::int64_t>(buffer_.size()));
}

MergeStats FlowMerger::stats() const {
  std::lock_guard lock(mu_);
  return buffer_.stats();
}

std::uint64_t FlowMerger::full_waits() const {
  std::lock_guard lock(mu_);
  return full_waits_;
}

}  // namespace flows::relay
