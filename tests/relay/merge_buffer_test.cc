// The sort buffer's release rules with a fake clock: see merge_buffer.h.
#include "flows/relay/merge_buffer.h"

#include <gtest/gtest.h>

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
