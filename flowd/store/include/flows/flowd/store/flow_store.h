// The bounded in-memory store of recent flows (Hubble's "ring"): the last
// `capacity` flows pushed by the ingest path, numbered by a sequence number
// that only grows, read by any number of GetFlows streams at once.
//
// Concurrency: one writer (Push) and many readers. A single mutex guards the
// ring, but nobody does slow work while holding it: Push swaps one pointer,
// and readers copy at most kReadChunk entries (shared_ptr copies) per lock
// and evaluate their filters after releasing it. A slow or stalled reader
// therefore never slows ingest; it only risks having its entries
// overwritten, which it is told about as a lost count.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <vector>

#include "flow/flow.pb.h"
#include "flows/flowd/store/flow_query.h"

namespace flows::flowd {

// A flow and its position in the stream of every flow ever pushed.
struct StoredFlow {
  std::uint64_t seq = 0;
  std::shared_ptr<const flow::Flow> flow;
};

struct QueryResult {
  std::vector<StoredFlow> flows;  // matching flows, oldest first
  // Entries the query needed but that were overwritten before it read them
  // (the writer lapped it). The API reports them as a LostEvent.
  std::uint64_t lost = 0;
  // The first sequence number the query did not look at: a FlowFollower
  // started there continues the stream with no gap and no repeat.
  std::uint64_t next_seq = 0;
};

class FlowFollower;

class FlowStore {
 public:
  // Hubble's default ring size.
  static constexpr std::size_t kDefaultCapacity = 65535;
  // `n` for "no limit" in Last/First.
  static constexpr std::size_t kAll = std::numeric_limits<std::size_t>::max();
  // Entries a reader copies per lock: bounds how long Push can wait for the
  // mutex (a few microseconds of shared_ptr copies).
  static constexpr std::size_t kReadChunk = 256;

  // A capacity of 0 is treated as 1: a store that holds nothing would make
  // every follower lose every flow.
  explicit FlowStore(std::size_t capacity = kDefaultCapacity);
  FlowStore(const FlowStore&) = delete;
  FlowStore& operator=(const FlowStore&) = delete;

  // Ingest path, one writer thread. O(1); the flow it overwrites is released
  // after the lock is dropped. A null flow is ignored.
  void Push(std::shared_ptr<const flow::Flow> flow);

  std::uint64_t seen() const;  // flows ever pushed; also the next sequence number
  std::size_t size() const;    // flows held now
  std::size_t capacity() const { return capacity_; }
  // FlowFollowers blocked in Next() waiting for a new flow right now (they
  // hold no lock while they wait: a Push from here on wakes them).
  std::size_t waiting_followers() const;

  // The last `n` flows the query accepts, among those present when the call
  // starts; returned oldest first.
  QueryResult Last(std::size_t n, const FlowQuery& query) const;
  // The first (oldest) `n` flows the query accepts, among those present
  // when the call starts; oldest first.
  QueryResult First(std::size_t n, const FlowQuery& query) const;

  // Ends every FlowFollower, blocked or future (server shutdown). Push keeps
  // working.
  void Shutdown();

 private:
  friend class FlowFollower;

  // Sequence number of the oldest entry still held. Needs mu_.
  std::uint64_t OldestLocked() const { return seen_ - (seen_ < capacity_ ? seen_ : capacity_); }
  // Appends entries [from, to) to out. Needs mu_; the range must be present.
  void CopyLocked(std::uint64_t from, std::uint64_t to, std::vector<StoredFlow>& out) const;

  const std::size_t capacity_;
  mutable std::mutex mu_;
  // Followers wait here for new flows, cancellation or shutdown.
  mutable std::condition_variable changed_;
  std::vector<std::shared_ptr<const flow::Flow>> ring_;  // slot = seq % capacity_
  std::uint64_t seen_ = 0;
  std::size_t waiting_followers_ = 0;  // Push signals only when someone waits
  bool shutdown_ = false;
};

}  // namespace flows::flowd
