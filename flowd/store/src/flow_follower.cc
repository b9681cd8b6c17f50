#include "flows/flowd/store/flow_follower.h"

#include <algorithm>
#include <mutex>
#include <utility>

namespace flows::flowd {

FlowFollower::FlowFollower(FlowStore& store, std::uint64_t from_seq, FlowQuery query)
    : store_(store), query_(std::move(query)), cursor_(from_seq) {
  chunk_.reserve(FlowStore::kReadChunk);
}

void FlowFollower::Cancel() {
  {
    std::lock_guard lock(store_.mu_);
    cancelled_ = true;
  }
  store_.changed_.notify_all();
}

FollowBatch FlowFollower::Next(std::size_t max_flows, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::size_t per_chunk = std::clamp<std::size_t>(max_flows, 1, FlowStore::kReadChunk);
  FollowBatch batch;
  for (;;) {
    {
      std::unique_lock lock(store_.mu_);
      ++store_.waiting_followers_;
      store_.changed_.wait_until(lock, deadline,
                                 [&] { return cancelled_ || store_.shutdown_ || store_.seen_ > cursor_; });
      --store_.waiting_followers_;
      if (cancelled_ || store_.shutdown_) {
        batch.ended = true;
        return batch;
      }
      if (store_.seen_ <= cursor_) return batch;  // timed out, nothing new

      const std::uint64_t oldest = store_.OldestLocked();
      if (cursor_ < oldest) {
        // Lapped by the writer: count what is gone, resume at the oldest.
        batch.lost += oldest - cursor_;
        cursor_ = oldest;
      }
      const std::uint64_t end = std::min<std::uint64_t>(store_.seen_, cursor_ + per_chunk);
      store_.CopyLocked(cursor_, end, chunk_);
      cursor_ = end;
    }
    // Filters run unlocked. A chunk is never larger than what is left of
    // max_flows, so every copied entry is consumed.
    for (StoredFlow& entry : chunk_) {
      if (query_.Accepts(*entry.flow)) batch.flows.push_back(std::move(entry));
    }
    chunk_.clear();  // drop references to rejected flows now, not at the next call
    if (!batch.flows.empty() || batch.lost > 0) return batch;
    // Nothing accepted: keep reading until the deadline, even while
    // non-matching flows keep arriving.
    if (std::chrono::steady_clock::now() >= deadline) return batch;
  }
}

}  // namespace flows::flowd
