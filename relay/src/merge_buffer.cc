#include "flows/relay/merge_buffer.h"

namespace flows::relay {

std::size_t MergeBuffer::AddSource() {
  sources_.emplace_back();
  ++open_sources_;
  ++waiting_for_;
  return sources_.size() - 1;
}

void MergeBuffer::EndSource(std::size_t source) {
  if (source >= sources_.size() || sources_[source].ended) return;
  Source& s = sources_[source];
  s.ended = true;
  --open_sources_;
  if (s.queue.empty()) --waiting_for_;
}

void MergeBuffer::Push(std::size_t source, FlowItem item, TimePoint now) {
  if (source >= sources_.size()) return;
  ++size_;
  if (!item.ordered) {
    notices_.push_back(std::move(item));
    return;
  }
  Source& s = sources_[source];
  if (s.queue.empty() && !s.ended) --waiting_for_;
  s.queue.push_back(Entry{std::move(item), now});
}

bool MergeBuffer::Pop(TimePoint now, FlowItem* out) {
  if (!notices_.empty()) {
    *out = std::move(notices_.front());
    notices_.pop_front();
    --size_;
    return true;
  }
  // The oldest flow among the queue heads, and the earliest arrival among
  // them (each queue is in arrival order, so that is the earliest overall).
  Source* best = nullptr;
  TimePoint first_arrival = TimePoint::max();
  for (Source& s : sources_) {
    if (s.queue.empty()) continue;
    const Entry& head = s.queue.front();
    if (!best || head.item.time_ns < best->queue.front().item.time_ns) best = &s;
    if (head.arrived < first_arrival) first_arrival = head.arrived;
  }
  if (!best) return false;
  if (waiting_for_ == 0) {
    ++stats_.released_complete;
  } else if (size_ > options_.sort_window) {
    ++stats_.released_window;
  } else if (first_arrival + options_.drain_timeout <= now) {
    ++stats_.released_timeout;
  } else {
    return false;
  }
  *out = std::move(best->queue.front().item);
  best->queue.pop_front();
  --size_;
  if (best->queue.empty() && !best->ended) ++waiting_for_;
  if (last_released_ns_ && out->time_ns < *last_released_ns_)
    ++stats_.out_of_order;
  else
    last_released_ns_ = out->time_ns;
  return true;
}

std::optional<MergeBuffer::TimePoint> MergeBuffer::Deadline() const {
  if (!notices_.empty()) return TimePoint::min();
  std::optional<TimePoint> first;
  for (const Source& s : sources_)
    if (!s.queue.empty() && (!first || s.queue.front().arrived < *first)) first = s.queue.front().arrived;
  if (!first) return std::nullopt;
  if (waiting_for_ == 0 || size_ > options_.sort_window) return TimePoint::min();
  return *first + options_.drain_timeout;
}

}  // namespace flows::relay
