// The sort buffer's release rules with a fake clock: see merge_buffer.h.
#include "flows/relay/merge_buffer.h"

#include <gtest/gtest.h>

#include <random>

#include "scripted_stream.h"

namespace flows::relay {
namespace {

using testing::Flow;
using namespace std::chrono_literals;

class MergeBufferTest : public ::testing::Test {
 protected:
  MergeBuffer::TimePoint t0_ = MergeBuffer::TimePoint{} + 1h;
  MergeBuffer buf_{MergeOptions{.sort_window = 100, .drain_timeout = 1000ms}};

  std::vector<std::int64_t> PopAll(MergeBuffer::TimePoint now) {
    std::vector<std::int64_t> out;
    FlowItem item;
    while (buf_.Pop(now, &item)) out.push_back(item.time_ns);
    return out;
  }
};

TEST_F(MergeBufferTest, ReleasesInTimeOrderOnceEveryNodeHasSomething) {
  const auto a = buf_.AddSource(), b = buf_.AddSource(), c = buf_.AddSource();
  buf_.Push(a, Flow(10, "a"), t0_);
  buf_.Push(a, Flow(40, "a"), t0_);
  buf_.Push(b, Flow(20, "b"), t0_);
  EXPECT_TRUE(PopAll(t0_).empty()) << "c has sent nothing yet: it may still send something older";
  buf_.Push(c, Flow(5, "c"), t0_);
  // Released while all three have a head: 5 (c empties), then c holds it.
  EXPECT_EQ(PopAll(t0_), (std::vector<std::int64_t>{5}));
  buf_.Push(c, Flow(30, "c"), t0_);
  EXPECT_EQ(PopAll(t0_), (std::vector<std::int64_t>{10, 20}));  // b empty after 20
  buf_.EndSource(b);
  EXPECT_EQ(PopAll(t0_), (std::vector<std::int64_t>{30}));  // c empty again
  buf_.EndSource(c);
  EXPECT_EQ(PopAll(t0_), (std::vector<std::int64_t>{40}));
  buf_.EndSource(a);
  EXPECT_TRUE(buf_.Drained());
  EXPECT_EQ(buf_.stats().out_of_order, 0u);
}

TEST_F(MergeBufferTest, ASilentNodeHoldsFlowsForTheDrainTimeoutOnly) {
  const auto a = buf_.AddSource();
  buf_.AddSource();  // never sends, never ends: a stalled node
  buf_.Push(a, Flow(2, "a"), t0_);
  buf_.Push(a, Flow(1, "a"), t0_ + 300ms);  // out of order within one node: kept in arrival order
  EXPECT_TRUE(PopAll(t0_ + 999ms).empty());
  ASSERT_EQ(buf_.Deadline(), t0_ + 1000ms);
  EXPECT_EQ(PopAll(t0_ + 1000ms), (std::vector<std::int64_t>{2}));  // the second arrived later
  EXPECT_EQ(buf_.Deadline(), t0_ + 1300ms);
  EXPECT_EQ(PopAll(t0_ + 1300ms), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(buf_.stats().released_timeout, 2u);
  EXPECT_EQ(buf_.stats().out_of_order, 1u);
}

TEST_F(MergeBufferTest, AFullWindowReleasesTheOldest) {
  const auto a = buf_.AddSource();
  buf_.AddSource();  // silent
  for (int i = 0; i < 100; ++i) buf_.Push(a, Flow(i, "a"), t0_);
  EXPECT_TRUE(PopAll(t0_).empty());
  buf_.Push(a, Flow(100, "a"), t0_);  // 101 > window
  EXPECT_EQ(PopAll(t0_), (std::vector<std::int64_t>{0}));
  EXPECT_EQ(buf_.size(), 100u);
  EXPECT_EQ(buf_.stats().released_window, 1u);
}

TEST_F(MergeBufferTest, ANodeThatEndsNoLongerHoldsTheMerge) {
  const auto a = buf_.AddSource(), b = buf_.AddSource();
  buf_.Push(a, Flow(7, "a"), t0_);
  EXPECT_TRUE(PopAll(t0_).empty());
  buf_.EndSource(b);  // an error, say
  EXPECT_EQ(PopAll(t0_), (std::vector<std::int64_t>{7}));
}

TEST_F(MergeBufferTest, NoticesGoFirst) {
  const auto a = buf_.AddSource();
  buf_.AddSource();
  buf_.Push(a, Flow(1, "a"), t0_);
  buf_.Push(a, testing::Lost(5, "a"), t0_);
  FlowItem item;
  ASSERT_TRUE(buf_.Pop(t0_, &item));
  EXPECT_TRUE(item.response->has_lost_events());
  EXPECT_FALSE(buf_.Pop(t0_, &item));
  EXPECT_EQ(buf_.Deadline(), t0_ + 1000ms);
}

TEST_F(MergeBufferTest, SourcesAddedLaterJoinTheMerge) {
  const auto a = buf_.AddSource();
  buf_.Push(a, Flow(1, "a"), t0_);
  EXPECT_EQ(PopAll(t0_), (std::vector<std::int64_t>{1}));
  const auto b = buf_.AddSource();
  buf_.Push(a, Flow(3, "a"), t0_);
  EXPECT_TRUE(PopAll(t0_).empty()) << "b joined: wait for it";
  buf_.Push(b, Flow(2, "b"), t0_);
  EXPECT_EQ(PopAll(t0_), (std::vector<std::int64_t>{2}));
}

TEST_F(MergeBufferTest, UnknownSourceIsIgnored) {
  buf_.Push(42, Flow(1, "x"), t0_);
  buf_.EndSource(42);
  EXPECT_EQ(buf_.size(), 0u);
}

}  // namespace
}  // namespace flows::relay

namespace flows::relay {
namespace {

// Random pushes, source ends and clock steps: every flow comes out exactly
// once, the size is always right, and when nothing forces a release the
// merged order is exact.
TEST(MergeBufferPropertyTest, EveryFlowOnceAndOrderedWhenComplete) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 50; ++round) {
    // Odd rounds: neither the window nor the timeout ever forces a release,
    // so the merge must be exact.
    const bool exact = round % 2 == 1;
    MergeBuffer buf(exact ? MergeOptions{.sort_window = 1'000'000, .drain_timeout = std::chrono::hours(10)}
                          : MergeOptions{.sort_window = 1 + rng() % 64,
                                         .drain_timeout = std::chrono::milliseconds(rng() % 50)});
    const int sources = 1 + static_cast<int>(rng() % 6);
    std::vector<std::int64_t> next_time(sources);
    std::vector<bool> ended(sources, false);
    for (int s = 0; s < sources; ++s) buf.AddSource();
    auto now = MergeBuffer::TimePoint{} + std::chrono::hours(1);
    std::size_t pushed = 0, popped = 0;
    for (int step = 0; step < 2000; ++step) {
      const int s = static_cast<int>(rng() % sources);
      const auto op = rng() % 100;
      if (op < 60 && !ended[s]) {
        next_time[s] += rng() % 5;  // each node's stream is in time order
        buf.Push(s, testing::Flow(next_time[s], "n"), now);
        ++pushed;
      } else if (op < 62) {
        buf.EndSource(s);
        ended[s] = true;
      } else if (op < 80) {
        now += std::chrono::milliseconds(rng() % 20);
      } else {
        FlowItem item;
        while (buf.Pop(now, &item)) ++popped;
      }
      ASSERT_EQ(buf.size(), pushed - popped);
    }
    for (int s = 0; s < sources; ++s) buf.EndSource(s);
    FlowItem item;
    while (buf.Pop(now, &item)) ++popped;
    EXPECT_EQ(popped, pushed);
    EXPECT_TRUE(buf.Drained());
    if (exact) {
      EXPECT_EQ(buf.stats().out_of_order, 0u);
      EXPECT_EQ(buf.stats().released_complete, pushed);
    }
  }
}

}  // namespace
}  // namespace flows::relay

namespace flows::relay {
namespace {

TEST(FlowItemTest, HostileTimestampsDoNotOverflow) {
  auto r = std::make_shared<observer::GetFlowsResponse>();
  r->mutable_flow();
  r->mutable_time()->set_seconds(std::numeric_limits<std::int64_t>::max());
  r->mutable_time()->set_nanos(std::numeric_limits<std::int32_t>::max());
  const FlowItem big = MakeFlowItem(r);
  auto s = std::make_shared<observer::GetFlowsResponse>();
  s->mutable_flow();
  s->mutable_time()->set_seconds(std::numeric_limits<std::int64_t>::min());
  s->mutable_time()->set_nanos(std::numeric_limits<std::int32_t>::min());
  const FlowItem small = MakeFlowItem(s);
  EXPECT_GT(big.time_ns, small.time_ns);
  EXPECT_TRUE(big.ordered);
  // No time at all: the flow's own, or the epoch.
  auto n = std::make_shared<observer::GetFlowsResponse>();
  n->mutable_flow()->mutable_time()->set_seconds(5);
  EXPECT_EQ(MakeFlowItem(n).time_ns, 5'000'000'000);
  EXPECT_FALSE(MakeFlowItem(std::make_shared<observer::GetFlowsResponse>()).ordered);
}

}  // namespace
}  // namespace flows::relay
