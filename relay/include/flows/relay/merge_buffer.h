// The sort buffer of a merged GetFlows stream: per-node queues of responses,
// released in time order. Single-threaded and clock-free (the caller passes
// `now`), so every rule below is unit-tested with a fake clock.
//
// A flow is released when it is the oldest buffered flow and
//   (a) every node still streaming has something buffered: nothing older
//       can arrive any more (each node's stream is in time order), or
//   (b) more than `sort_window` flows are buffered: memory is bounded, the
//       oldest goes out even though a silent node might still send older, or
//   (c) some buffered flow arrived `drain_timeout` ago: a node that stalls
//       (or just has no traffic) delays the others by at most that long.
// Notices (lost events, node status) are released before any flow.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "flows/relay/flow_stream.h"

namespace flows::relay {

struct MergeOptions {
  // Flows held back for ordering before the oldest is released regardless.
  std::size_t sort_window = 4096;
  // The longest a flow waits for a silent node (Hubble relay's default: 1 s).
  std::chrono::milliseconds drain_timeout{1000};
};

struct MergeStats {
  std::uint64_t released_complete = 0;  // (a): order guaranteed
  std::uint64_t released_window = 0;    // (b)
  std::uint64_t released_timeout = 0;   // (c)
  std::uint64_t out_of_order = 0;       // released older than a flow released before it
};

class MergeBuffer {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;

  explicit MergeBuffer(MergeOptions options) : options_(options) {}

  // A new node stream; until it ends, the merge waits (up to the drain
  // timeout) for it to have something buffered.
  std::size_t AddSource();
  // No more from this source; what it buffered is still released.
  void EndSource(std::size_t source);
  void Push(std::size_t source, FlowItem item, TimePoint now);

  // The next response to send at `now`, if any may go.
  bool Pop(TimePoint now, FlowItem* out);
  // When Pop may succeed without more input (nullopt: only new input helps).
  std::optional<TimePoint> Deadline() const;

  std::size_t size() const { return size_; }  // flows and notices buffered
  // Every source ended and everything was released.
  bool Drained() const { return size_ == 0 && open_sources_ == 0; }
  std::size_t open_sources() const { return open_sources_; }
  const MergeStats& stats() const { return stats_; }

 private:
  struct Entry {
    FlowItem item;
    TimePoint arrived;
  };
  struct Source {
    std::deque<Entry> queue;
    bool ended = false;
  };

  MergeOptions options_;
  std::vector<Source> sources_;
  std::deque<FlowItem> notices_;
  std::size_t size_ = 0;
  std::size_t open_sources_ = 0;
  std::size_t waiting_for_ = 0;  // open sources with nothing buffered: rule (a) must wait
  std::optional<std::int64_t> last_released_ns_;
  MergeStats stats_;
};

}  // namespace flows::relay
