// Following the store: new flows, batches, lost counts when lapped, timeouts,
// cancellation and shutdown.
#include "flows/flowd/store/flow_follower.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "flows/flowd/store/flow_store.h"
#include "store_test_flows.h"
#include "wait_for.h"

namespace flows::flowd {
namespace {

using flows::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Numbers;
using testing::PushNumbered;
using testing::Seqs;
using namespace std::chrono_literals;

TEST(FlowFollowerTest, ReceivesFlowsPushedWhileItWaits) {
  FlowStore store(16);
  FlowFollower follower(store, store.seen(), {});
  std::jthread writer([&] {
    // Push only once the follower is blocked in Next(): the flows must wake it.
    if (WaitFor([&] { return store.waiting_followers() > 0; })) PushNumbered(store, 0, 3);
  });
  std::vector<StoredFlow> got;
  while (got.size() < 3) {
    FollowBatch batch = follower.Next(100, 5s);
    ASSERT_FALSE(batch.ended);
    ASSERT_EQ(batch.lost, 0u);
    ASSERT_FALSE(batch.flows.empty()) << "timed out";
    got.insert(got.end(), batch.flows.begin(), batch.flows.end());
  }
  writer.join();
  EXPECT_THAT(Numbers(got), ElementsAre(0, 1, 2));
  EXPECT_EQ(follower.cursor(), 3u);
}

TEST(FlowFollowerTest, StartsAtTheGivenSequenceNumber) {
  FlowStore store(16);
  PushNumbered(store, 0, 5);
  FlowFollower follower(store, 3, {});
  EXPECT_THAT(Numbers(follower.Next(100, 1s).flows), ElementsAre(3, 4));
}

TEST(FlowFollowerTest, ContinuesLastNWithoutGapOrRepeat) {
  FlowStore store(16);
  PushNumbered(store, 0, 5);
  const QueryResult last = store.Last(2, {});
  EXPECT_THAT(Numbers(last.flows), ElementsAre(3, 4));
  FlowFollower follower(store, last.next_seq, {});
  PushNumbered(store, 5, 2);
  EXPECT_THAT(Numbers(follower.Next(100, 1s).flows), ElementsAre(5, 6));
}

TEST(FlowFollowerTest, TimesOutWithAnEmptyBatch) {
  FlowStore store(16);
  FlowFollower follower(store, 0, {});
  const auto start = std::chrono::steady_clock::now();
  const FollowBatch batch = follower.Next(100, 50ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_THAT(batch.flows, IsEmpty());
  EXPECT_EQ(batch.lost, 0u);
  EXPECT_FALSE(batch.ended);
}

TEST(FlowFollowerTest, BatchesAreLimitedToMaxFlows) {
  FlowStore store(16);
  PushNumbered(store, 0, 7);
  FlowFollower follower(store, 0, {});
  EXPECT_THAT(Numbers(follower.Next(3, 1s).flows), ElementsAre(0, 1, 2));
  EXPECT_THAT(Numbers(follower.Next(3, 1s).flows), ElementsAre(3, 4, 5));
  EXPECT_THAT(Numbers(follower.Next(3, 1s).flows), ElementsAre(6));
}

TEST(FlowFollowerTest, AppliesTheQuery) {
  FlowStore store(16);
  FlowQuery even;
  even.predicate = [](const flow::Flow& f) { return f.time().seconds() % 2 == 0; };
  FlowFollower follower(store, 0, even);
  PushNumbered(store, 1, 5);  // 1..5
  std::vector<StoredFlow> got;
  while (got.size() < 2) {
    FollowBatch batch = follower.Next(100, 1s);
    ASSERT_FALSE(batch.flows.empty());
    got.insert(got.end(), batch.flows.begin(), batch.flows.end());
  }
  EXPECT_THAT(Numbers(got), ElementsAre(2, 4));
  EXPECT_THAT(Seqs(got), ElementsAre(1u, 3u));
}

TEST(FlowFollowerTest, KeepsWaitingWhileOnlyRejectedFlowsArrive) {
  FlowStore store(16);
  FlowQuery nothing;
  nothing.predicate = [](const flow::Flow&) { return false; };
  FlowFollower follower(store, 0, nothing);
  PushNumbered(store, 0, 5);
  const auto start = std::chrono::steady_clock::now();
  const FollowBatch batch = follower.Next(100, 50ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
  EXPECT_THAT(batch.flows, IsEmpty());
  EXPECT_EQ(follower.cursor(), 5u);  // the rejected flows were consumed
}

TEST(FlowFollowerTest, LappedFollowerGetsExactLostCountAndResumesAtOldest) {
  FlowStore store(4);
  FlowFollower follower(store, 0, {});
  PushNumbered(store, 0, 10);  // 0..5 overwritten before the follower reads
  const FollowBatch batch = follower.Next(100, 1s);
  EXPECT_EQ(batch.lost, 6u);
  EXPECT_THAT(Numbers(batch.flows), ElementsAre(6, 7, 8, 9));
  EXPECT_THAT(Seqs(batch.flows), ElementsAre(6u, 7u, 8u, 9u));

  PushNumbered(store, 10, 1);
  const FollowBatch next = follower.Next(100, 1s);
  EXPECT_EQ(next.lost, 0u);
  EXPECT_THAT(Numbers(next.flows), ElementsAre(10));
}

TEST(FlowFollowerTest, LostCountIsReportedEvenWhenNoSurvivorMatches) {
  FlowStore store(4);
  FlowQuery nothing;
  nothing.predicate = [](const flow::Flow&) { return false; };
  FlowFollower follower(store, 0, nothing);
  PushNumbered(store, 0, 7);
  const FollowBatch batch = follower.Next(100, 1s);
  EXPECT_EQ(batch.lost, 3u);
  EXPECT_THAT(batch.flows, IsEmpty());
}

TEST(FlowFollowerTest, LappedAgainAfterPartialRead) {
  FlowStore store(4);
  FlowFollower follower(store, 0, {});
  PushNumbered(store, 0, 4);
  EXPECT_THAT(Numbers(follower.Next(2, 1s).flows), ElementsAre(0, 1));
  PushNumbered(store, 4, 5);  // store holds 5..8; 2, 3 and 4 are gone
  const FollowBatch batch = follower.Next(100, 1s);
  EXPECT_EQ(batch.lost, 3u);
  EXPECT_THAT(Numbers(batch.flows), ElementsAre(5, 6, 7, 8));
}

TEST(FlowFollowerTest, CancelUnblocksAWaitingFollower) {
  FlowStore store(16);
  FlowFollower follower(store, 0, {});
  auto pending = std::async(std::launch::async, [&] { return follower.Next(100, 60s); });
  EXPECT_TRUE(WaitFor([&] { return store.waiting_followers() > 0; })) << "the follower blocks in Next()";
  const auto start = std::chrono::steady_clock::now();
  follower.Cancel();
  ASSERT_EQ(pending.wait_for(5s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(pending.get().ended);
  // Once cancelled, always ended, even with flows waiting.
  PushNumbered(store, 0, 1);
  EXPECT_TRUE(follower.Next(100, 1s).ended);
}

TEST(FlowFollowerTest, CancelOneLeavesOthersRunning) {
  FlowStore store(16);
  FlowFollower cancelled(store, 0, {});
  FlowFollower other(store, 0, {});
  cancelled.Cancel();
  PushNumbered(store, 0, 1);
  EXPECT_TRUE(cancelled.Next(100, 1s).ended);
  const FollowBatch batch = other.Next(100, 1s);
  EXPECT_FALSE(batch.ended);
  EXPECT_THAT(Numbers(batch.flows), ElementsAre(0));
}

TEST(FlowFollowerTest, ShutdownEndsEveryFollower) {
  FlowStore store(16);
  FlowFollower a(store, 0, {});
  FlowFollower b(store, 0, {});
  auto pending_a = std::async(std::launch::async, [&] { return a.Next(100, 60s); });
  auto pending_b = std::async(std::launch::async, [&] { return b.Next(100, 60s); });
  EXPECT_TRUE(WaitFor([&] { return store.waiting_followers() == 2; })) << "both followers block in Next()";
  store.Shutdown();
  ASSERT_EQ(pending_a.wait_for(5s), std::future_status::ready);
  ASSERT_EQ(pending_b.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(pending_a.get().ended);
  EXPECT_TRUE(pending_b.get().ended);
  FlowFollower late(store, 0, {});
  EXPECT_TRUE(late.Next(100, 1s).ended);
}

}  // namespace
}  // namespace flows::flowd
