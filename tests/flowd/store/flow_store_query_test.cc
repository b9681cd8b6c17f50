// Last N / First N / since-until / predicate queries, and the counters, on a
// store used from one thread.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "flows/flowd/store/flow_store.h"
#include "store_test_flows.h"

namespace flows::flowd {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::Numbers;
using testing::PushNumbered;
using testing::Seconds;
using testing::Seqs;

const FlowQuery kEverything;

TEST(FlowStoreTest, CountersBeforeAndAfterWrapAround) {
  FlowStore store(4);
  EXPECT_EQ(store.capacity(), 4u);
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.seen(), 0u);
  PushNumbered(store, 0, 3);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.seen(), 3u);
  PushNumbered(store, 3, 7);
  EXPECT_EQ(store.size(), 4u);
  EXPECT_EQ(store.seen(), 10u);
}

TEST(FlowStoreTest, NullFlowsAreIgnored) {
  FlowStore store(4);
  store.Push(nullptr);
  EXPECT_EQ(store.seen(), 0u);
  EXPECT_THAT(store.Last(1, kEverything).flows, IsEmpty());
}

TEST(FlowStoreTest, DefaultCapacityIsHubbles) {
  EXPECT_EQ(FlowStore().capacity(), 65535u);
}

TEST(FlowStoreTest, ZeroCapacityHoldsOneFlow) {
  FlowStore store(0);
  EXPECT_EQ(store.capacity(), 1u);
  PushNumbered(store, 0, 3);
  EXPECT_THAT(Numbers(store.Last(FlowStore::kAll, kEverything).flows), ElementsAre(2));
}

TEST(FlowStoreTest, EmptyStoreReturnsNothing) {
  FlowStore store(4);
  const QueryResult last = store.Last(10, kEverything);
  EXPECT_THAT(last.flows, IsEmpty());
  EXPECT_EQ(last.lost, 0u);
  EXPECT_EQ(last.next_seq, 0u);
  EXPECT_THAT(store.First(10, kEverything).flows, IsEmpty());
}

TEST(FlowStoreTest, LastNAfterWrapAroundReturnsNewestOldestFirst) {
  FlowStore store(4);
  PushNumbered(store, 0, 10);
  const QueryResult r = store.Last(4, kEverything);
  EXPECT_THAT(Numbers(r.flows), ElementsAre(6, 7, 8, 9));
  EXPECT_THAT(Seqs(r.flows), ElementsAre(6u, 7u, 8u, 9u));
  EXPECT_EQ(r.lost, 0u);
  EXPECT_EQ(r.next_seq, 10u);
}

TEST(FlowStoreTest, LastNSmallerThanSize) {
  FlowStore store(4);
  PushNumbered(store, 0, 10);
  EXPECT_THAT(Numbers(store.Last(2, kEverything).flows), ElementsAre(8, 9));
}

TEST(FlowStoreTest, LastNLargerThanSizeReturnsAllHeld) {
  FlowStore store(8);
  PushNumbered(store, 0, 5);
  EXPECT_THAT(Numbers(store.Last(100, kEverything).flows), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(store.Last(0, kEverything).flows, IsEmpty());
}

TEST(FlowStoreTest, LastNSpanningSeveralReadChunks) {
  const std::size_t n = FlowStore::kReadChunk * 3 + 7;
  FlowStore store(n + 10);
  PushNumbered(store, 0, static_cast<std::int64_t>(n + 30));  // wraps
  const QueryResult r = store.Last(n, kEverything);
  ASSERT_EQ(r.flows.size(), n);
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(r.flows[i].seq, 30 + i);
}

TEST(FlowStoreTest, FirstNIsTheOldestHeld) {
  FlowStore store(4);
  PushNumbered(store, 0, 10);
  const QueryResult r = store.First(2, kEverything);
  EXPECT_THAT(Numbers(r.flows), ElementsAre(6, 7));
  EXPECT_EQ(r.next_seq, 8u);  // a follower would continue with 8
  EXPECT_EQ(r.lost, 0u);
}

TEST(FlowStoreTest, FirstNBeforeWrapAround) {
  FlowStore store(8);
  PushNumbered(store, 0, 5);
  EXPECT_THAT(Numbers(store.First(3, kEverything).flows), ElementsAre(0, 1, 2));
  const QueryResult all = store.First(FlowStore::kAll, kEverything);
  EXPECT_THAT(Numbers(all.flows), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(all.next_seq, 5u);
}

TEST(FlowStoreTest, SinceAndUntilAreInclusiveBoundsOnFlowTime) {
  FlowStore store(16);
  PushNumbered(store, 1, 10);  // times 1..10
  FlowQuery window;
  window.since = Seconds(4);
  window.until = Seconds(7);
  EXPECT_THAT(Numbers(store.Last(FlowStore::kAll, window).flows), ElementsAre(4, 5, 6, 7));
  EXPECT_THAT(Numbers(store.First(2, window).flows), ElementsAre(4, 5));
  EXPECT_THAT(Numbers(store.Last(2, window).flows), ElementsAre(6, 7));

  FlowQuery since_only;
  since_only.since = Seconds(9);
  EXPECT_THAT(Numbers(store.Last(FlowStore::kAll, since_only).flows), ElementsAre(9, 10));

  FlowQuery until_only;
  until_only.until = Seconds(2);
  EXPECT_THAT(Numbers(store.First(FlowStore::kAll, until_only).flows), ElementsAre(1, 2));
}

TEST(FlowStoreTest, SinceComparesNanoseconds) {
  FlowStore store(4);
  auto f = std::make_shared<flow::Flow>();
  f->mutable_time()->set_seconds(5);
  f->mutable_time()->set_nanos(10);
  store.Push(f);
  FlowQuery q;
  q.since = Seconds(5);
  q.since->set_nanos(11);
  EXPECT_THAT(store.Last(1, q).flows, IsEmpty());
  q.since->set_nanos(10);
  EXPECT_EQ(store.Last(1, q).flows.size(), 1u);
}

TEST(FlowStoreTest, FlowWithoutTimeIsOlderThanAnySince) {
  FlowStore store(4);
  store.Push(std::make_shared<flow::Flow>());
  FlowQuery q;
  q.since = Seconds(1);
  EXPECT_THAT(store.Last(1, q).flows, IsEmpty());
  EXPECT_EQ(store.Last(1, kEverything).flows.size(), 1u);
}

TEST(FlowStoreTest, PredicateSelectsFlowsBeforeCounting) {
  FlowStore store(16);
  PushNumbered(store, 0, 10);
  FlowQuery odd;
  odd.predicate = [](const flow::Flow& f) { return f.time().seconds() % 2 == 1; };
  EXPECT_THAT(Numbers(store.Last(3, odd).flows), ElementsAre(5, 7, 9));
  EXPECT_THAT(Numbers(store.First(2, odd).flows), ElementsAre(1, 3));

  FlowQuery odd_since_4 = odd;
  odd_since_4.since = Seconds(4);
  EXPECT_THAT(Numbers(store.First(FlowStore::kAll, odd_since_4).flows), ElementsAre(5, 7, 9));
}

TEST(FlowStoreTest, PredicateMatchingNothing) {
  FlowStore store(16);
  PushNumbered(store, 0, 10);
  FlowQuery none;
  none.predicate = [](const flow::Flow&) { return false; };
  const QueryResult r = store.Last(3, none);
  EXPECT_THAT(r.flows, IsEmpty());
  EXPECT_EQ(r.lost, 0u);
  EXPECT_EQ(r.next_seq, 10u);
}

TEST(FlowStoreTest, QueriedFlowsOutliveTheirEviction) {
  FlowStore store(2);
  PushNumbered(store, 0, 2);
  const QueryResult r = store.Last(2, kEverything);
  PushNumbered(store, 2, 4);                         // evicts both from the ring
  EXPECT_THAT(Numbers(r.flows), ElementsAre(0, 1));  // still readable: shared ownership
}

}  // namespace
}  // namespace flows::flowd
