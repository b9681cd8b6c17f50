// A cursor into a FlowStore that follows new flows as they are pushed
// (GetFlows with follow=true).
//
// Next() returns the flows after the cursor that the query accepts, waiting
// up to a timeout while there are none. If the writer overwrote entries
// before the follower read them, Next() says how many (the API turns this
// into a LostEvent from HUBBLE_RING_BUFFER) and continues from the oldest
// entry still present.
//
// Next() is called from one thread; Cancel() from any thread. The store must
// outlive its followers.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "flows/flowd/store/flow_query.h"
#include "flows/flowd/store/flow_store.h"

namespace flows::flowd {

struct FollowBatch {
  std::vector<StoredFlow> flows;  // accepted flows, oldest first
  std::uint64_t lost = 0;         // entries overwritten before this follower read them
  bool ended = false;             // cancelled or store shut down: no more batches
};

class FlowFollower {
 public:
  // Starts before sequence number `from_seq`: use QueryResult::next_seq to
  // continue after Last/First, or store.seen() for "new flows only".
  FlowFollower(FlowStore& store, std::uint64_t from_seq, FlowQuery query);
  // Its address is shared with whoever may Cancel() it.
  FlowFollower(const FlowFollower&) = delete;
  FlowFollower& operator=(const FlowFollower&) = delete;

  // Returns as soon as at least one flow is accepted or some were lost, with
  // at most `max_flows` flows (at least 1 is used); otherwise after `timeout`
  // with an empty batch; or at once with ended=true after Cancel()/Shutdown().
  FollowBatch Next(std::size_t max_flows, std::chrono::milliseconds timeout);

  // Wakes a blocked Next(); every later Next() returns ended=true.
  void Cancel();

  std::uint64_t cursor() const { return cursor_; }  // next sequence number to read

 private:
  FlowStore& store_;
  const FlowQuery query_;
  std::uint64_t cursor_;
  bool cancelled_ = false;         // guarded by store_.mu_
  std::vector<StoredFlow> chunk_;  // reused copy buffer, only touched by Next()
};

}  // namespace flows::flowd
