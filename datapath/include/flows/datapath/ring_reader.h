// Drains the flow ring on its own thread, in batches.
//
// The kernel submits records without waking us (BPF_RB_NO_WAKEUP) unless
// the ring is filling up, so the reader wakes on a timer (drain_interval) or
// on that forced wakeup, consumes everything queued, decodes it into Flows
// and hands them to the sink in batches of at most batch_size.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>
#include <thread>
#include <vector>

#include "flows/common/result.h"
#include "flows/common/unique_fd.h"
#include "flows/datapath/flow.h"
#include "flows/datapath/record_decoder.h"

struct ring_buffer;
struct flows_key;
struct flows_stats;

namespace flows::datapath {

// Where decoded flows go (flowd's store, a printer, a benchmark counter).
// Called on the reader thread; must not block for long.
class FlowSink {
 public:
  virtual ~FlowSink() = default;
  virtual void OnFlows(std::span<const Flow> flows) = 0;
};

// Told about every flow-table entry the kernel created (its NEW_FLOW
// record), so entries the kernel later drops on its own can be noticed
// (FlowSweeper). Called on the reader thread.
class NewEntryListener {
 public:
  virtual ~NewEntryListener() = default;
  virtual void OnNewEntry(const flows_key& key, const flows_stats& stats) = 0;
};

struct RingReaderOptions {
  std::chrono::milliseconds drain_interval{50};
  std::size_t batch_size = 1024;
  NewEntryListener* new_entries = nullptr;  // optional
};

struct RingReaderStats {
  std::uint64_t records = 0;        // records taken off the ring
  std::uint64_t bytes = 0;          // their bytes
  std::uint64_t decode_errors = 0;  // records that did not decode: lost
  std::uint64_t l7_errors = 0;      // L7 payloads that did not parse (flow kept)
  std::uint64_t batches = 0;
  std::uint64_t wakeups = 0;
  std::uint64_t polls = 0;  // times the thread went to wait in epoll (timer, wakeup or Stop)
};

class RingReader {
 public:
  static Result<std::unique_ptr<RingReader>> Create(int ring_fd, const RecordDecoder& decoder, FlowSink& sink,
                                                    RingReaderOptions options = {});
  ~RingReader();
  RingReader(const RingReader&) = delete;
  RingReader& operator=(const RingReader&) = delete;

  void Start();  // spawns the drain thread
  void Stop();   // drains what is queued, then joins

  // Drains once on the caller's thread (tests, benchmarks). Returns the
  // number of records consumed.
  Result<std::size_t> DrainOnce();

  RingReaderStats stats() const;

 private:
  RingReader(const RecordDecoder& decoder, FlowSink& sink, RingReaderOptions options);
  static int OnRecord(void* ctx, void* data, std::size_t size);
  void Flush();
  void Run();

  const RecordDecoder& decoder_;
  FlowSink& sink_;
  RingReaderOptions options_;
  ring_buffer* ring_ = nullptr;
  UniqueFd epoll_fd_;  // the ring's epoll fd plus stop_fd_
  UniqueFd stop_fd_;   // eventfd: wakes the thread for Stop()
  std::vector<Flow> batch_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<std::uint64_t> records_{0}, bytes_{0}, decode_errors_{0}, l7_errors_{0}, batches_{0},
      wakeups_{0}, polls_{0};
};

}  // namespace flows::datapath
