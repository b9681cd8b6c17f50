#include "flows/flowd/store/flow_store.h"

#include <algorithm>
#include <utility>

namespace flows::flowd {

FlowStore::FlowStore(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)), ring_(capacity_) {}

void FlowStore::Push(std::shared_ptr<const flow::Flow> flow) {
  if (!flow) return;  // readers dereference every entry
  std::shared_ptr<const flow::Flow> evicted;
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    evicted = std::exchange(ring_[seen_ % capacity_], std::move(flow));
    ++seen_;
    wake = waiting_followers_ > 0;
  }
  if (wake) changed_.notify_all();
  // `evicted` may hold the last reference: its Flow is freed here, unlocked.
}

std::uint64_t FlowStore::seen() const {
  std::lock_guard lock(mu_);
  return seen_;
}

std::size_t FlowStore::waiting_followers() const {
  std::lock_guard lock(mu_);
  return waiting_followers_;
}

std::size_t FlowStore::size() const {
  std::lock_guard lock(mu_);
  return seen_ - OldestLocked();
}

void FlowStore::Shutdown() {
  {
    std::lock_guard lock(mu_);
    shutdown_ = true;
  }
  changed_.notify_all();
}

void FlowStore::CopyLocked(std::uint64_t from, std::uint64_t to, std::vector<StoredFlow>& out) const {
  for (std::uint64_t seq = from; seq < to; ++seq) out.push_back({seq, ring_[seq % capacity_]});
}

QueryResult FlowStore::Last(std::size_t n, const FlowQuery& query) const {
  QueryResult result;
  std::uint64_t floor = 0;  // oldest entry present at the start
  std::uint64_t pos = 0;    // entries below pos are still to be examined
  {
    std::lock_guard lock(mu_);
    floor = OldestLocked();
    pos = seen_;
  }
  result.next_seq = pos;

  // Walk back from the newest entry, one chunk per lock, collecting newest
  // first until n are found or the oldest entry is reached.
  std::vector<StoredFlow> chunk;
  std::vector<StoredFlow>& found = result.flows;
  while (found.size() < n && pos > floor) {
    const std::uint64_t lo = pos - std::min<std::uint64_t>(pos - floor, kReadChunk);
    std::uint64_t copied_from = lo;
    chunk.clear();
    {
      std::lock_guard lock(mu_);
      const std::uint64_t oldest = OldestLocked();
      if (oldest >= pos) {
        result.lost = pos - floor;  // everything still wanted was overwritten
        break;
      }
      copied_from = std::max(lo, oldest);
      CopyLocked(copied_from, pos, chunk);
    }
    for (auto it = chunk.rbegin(); it != chunk.rend() && found.size() < n; ++it) {
      if (query.Accepts(*it->flow)) found.push_back(std::move(*it));
    }
    if (copied_from > lo) {
      // The writer overwrote the entries below this chunk: they are gone.
      if (found.size() < n) result.lost = copied_from - floor;
      break;
    }
    pos = lo;
  }
  std::reverse(found.begin(), found.end());
  return result;
}

QueryResult FlowStore::First(std::size_t n, const FlowQuery& query) const {
  QueryResult result;
  std::uint64_t pos = 0;  // next entry to examine
  std::uint64_t end = 0;  // entries pushed after the call started are not looked at
  {
    std::lock_guard lock(mu_);
    pos = OldestLocked();
    end = seen_;
  }

  std::vector<StoredFlow> chunk;
  while (result.flows.size() < n && pos < end) {
    chunk.clear();
    {
      std::lock_guard lock(mu_);
      const std::uint64_t oldest = OldestLocked();
      if (oldest > pos) {
        // Overwritten before this query reached them.
        const std::uint64_t skip_to = std::min(oldest, end);
        result.lost += skip_to - pos;
        pos = skip_to;
      }
      const std::uint64_t hi = std::min<std::uint64_t>(end, pos + kReadChunk);
      CopyLocked(pos, hi, chunk);
    }
    for (StoredFlow& entry : chunk) {
      if (result.flows.size() == n) break;
      pos = entry.seq + 1;
      if (query.Accepts(*entry.flow)) result.flows.push_back(std::move(entry));
    }
  }
  result.next_seq = pos;
  return result;
}

}  // namespace flows::flowd
