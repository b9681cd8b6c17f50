// One writer pushing a million flows through a small ring while followers
// and Last/First readers run. Every flow carries its own sequence number
// (time.seconds), so each reader checks that what it got is consistent:
// in order, each entry holding the flow pushed with its sequence number,
// and — for followers — flows read plus flows reported lost adding up to
// exactly what was pushed. Run under ThreadSanitizer too (see the report).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <vector>

#include "flows/flowd/store/flow_follower.h"
#include "flows/flowd/store/flow_store.h"
#include "store_test_flows.h"

namespace flows::flowd {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kFlows = 1'000'000;
constexpr std::size_t kCapacity = 4096;  // small, so readers get lapped

struct FollowerTally {
  std::uint64_t read = 0;
  std::uint64_t lost = 0;
  std::uint64_t errors = 0;  // inconsistencies seen (counted, reported once at the end)
};

// Follows until the writer is done and everything pushed was accounted for.
// `pause` between batches makes a reader slow enough to be lapped.
FollowerTally Follow(FlowStore& store, const std::atomic<bool>& writer_done, FlowQuery query,
                     std::uint64_t max_batch, std::chrono::microseconds pause = {}) {
  FollowerTally tally;
  FlowFollower follower(store, 0, std::move(query));
  for (;;) {
    const std::uint64_t before = follower.cursor();
    const FollowBatch batch = follower.Next(max_batch, 10ms);
    if (batch.ended) {
      ++tally.errors;  // nobody cancels or shuts down here
      return tally;
    }
    tally.lost += batch.lost;
    std::uint64_t expected_min = before + batch.lost;
    for (const StoredFlow& entry : batch.flows) {
      if (entry.seq < expected_min || static_cast<std::uint64_t>(entry.flow->time().seconds()) != entry.seq) {
        ++tally.errors;
      }
      expected_min = entry.seq + 1;
    }
    tally.read += batch.flows.size();
    if (writer_done.load() && follower.cursor() == kFlows) return tally;
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
  }
}

TEST(FlowStoreConcurrencyTest, OneWriterManyReaders) {
  FlowStore store(kCapacity);
  std::atomic<bool> writer_done{false};

  FollowerTally all, even, slow;
  std::thread follow_all([&] { all = Follow(store, writer_done, {}, 512); });
  std::thread follow_slow([&] { slow = Follow(store, writer_done, {}, 64, 2ms); });
  std::thread follow_even([&] {
    FlowQuery q;
    q.predicate = [](const flow::Flow& f) { return f.time().seconds() % 2 == 0; };
    even = Follow(store, writer_done, std::move(q), 64);
  });

  std::atomic<std::uint64_t> query_errors{0};
  std::atomic<std::uint64_t> queries{0};
  std::thread last_first_reader([&] {
    while (!writer_done.load()) {
      const QueryResult last = store.Last(300, {});
      for (std::size_t i = 0; i < last.flows.size(); ++i) {
        const StoredFlow& e = last.flows[i];
        const bool contiguous = i == 0 || e.seq == last.flows[i - 1].seq + 1;
        if (!contiguous || static_cast<std::uint64_t>(e.flow->time().seconds()) != e.seq) ++query_errors;
      }
      if (last.lost == 0 && !last.flows.empty() && last.flows.back().seq + 1 != last.next_seq) ++query_errors;

      const QueryResult first = store.First(300, {});
      for (std::size_t i = 1; i < first.flows.size(); ++i) {
        if (first.flows[i].seq <= first.flows[i - 1].seq) ++query_errors;
      }
      ++queries;
    }
  });

  std::thread stats_reader([&] {
    while (!writer_done.load()) {
      if (store.size() > store.capacity() || store.seen() > kFlows) ++query_errors;
      std::this_thread::yield();
    }
  });

  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < kFlows; ++i) store.Push(testing::FlowAt(static_cast<std::int64_t>(i)));
  const auto push_time = std::chrono::steady_clock::now() - start;
  writer_done.store(true);

  follow_all.join();
  follow_slow.join();
  follow_even.join();
  last_first_reader.join();
  stats_reader.join();

  EXPECT_EQ(store.seen(), kFlows);
  EXPECT_EQ(store.size(), kCapacity);
  EXPECT_EQ(all.errors, 0u);
  EXPECT_EQ(even.errors, 0u);
  EXPECT_EQ(slow.errors, 0u);
  EXPECT_EQ(query_errors.load(), 0u);
  // Nothing disappears without being counted.
  EXPECT_EQ(all.read + all.lost, kFlows);
  EXPECT_EQ(slow.read + slow.lost, kFlows);
  EXPECT_GT(slow.lost, 0u);  // it was lapped, and still accounted for everything
  EXPECT_LE(even.read, kFlows / 2);
  EXPECT_GT(queries.load(), 0u);
  std::printf(
      "pushed %llu flows in %lld ms; follower read %llu lost %llu; slow follower read %llu lost %llu; "
      "%llu last/first queries\n",
      static_cast<unsigned long long>(kFlows),
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(push_time).count()),
      static_cast<unsigned long long>(all.read), static_cast<unsigned long long>(all.lost),
      static_cast<unsigned long long>(slow.read), static_cast<unsigned long long>(slow.lost),
      static_cast<unsigned long long>(queries.load()));
}

}  // namespace
}  // namespace flows::flowd
