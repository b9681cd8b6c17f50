// The threaded merge with scripted node streams: no network, short timeouts.
#include "flows/relay/flow_merger.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "scripted_stream.h"
#include "wait_for.h"

namespace flows::relay {
namespace {

using namespace std::chrono_literals;
using flows::testing::WaitFor;
using testing::Flow;
using testing::ScriptedStream;
using Script = ScriptedStream::Script;

std::shared_ptr<Script> NewScript() {
  return std::make_shared<Script>();
}

struct Taken {
  std::vector<FlowItem> items;
  FlowMerger::Next last;
};

// Takes until finished or `limit` passes.
Taken TakeAll(FlowMerger& m, std::chrono::milliseconds limit = 3000ms) {
  Taken t;
  const auto until = std::chrono::steady_clock::now() + limit;
  while ((t.last = m.Take(t.items, 64, until)) == FlowMerger::Next::kItems) {
  }
  return t;
}

std::vector<std::int64_t> Times(const std::vector<FlowItem>& items) {
  std::vector<std::int64_t> out;
  for (const auto& i : items)
    if (i.ordered) out.push_back(i.time_ns);
  return out;
}

MergerOptions Options(std::chrono::milliseconds drain = 200ms) {
  MergerOptions o;
  o.merge.sort_window = 1000;
  o.merge.drain_timeout = drain;
  o.capacity = 2000;
  return o;
}

TEST(FlowMergerTest, NPerNodeMergedInTimeOrder) {
  // Each node answered number=N with its last N flows, oldest first; the
  // relay interleaves them by time, N per node, 3N in all.
  FlowMerger m(Options(), nullptr);
  std::vector<std::shared_ptr<Script>> nodes;
  for (int n = 0; n < 3; ++n) {
    nodes.push_back(NewScript());
    for (int i = 0; i < 50; ++i) nodes[n]->Add(Flow(1000 + i * 3 + n, "node-" + std::to_string(n)));
    nodes[n]->End();
    m.AddStream("node-" + std::to_string(n), std::make_unique<ScriptedStream>(nodes[n]));
  }
  const auto t = TakeAll(m);
  EXPECT_EQ(t.last, FlowMerger::Next::kFinished);
  const auto times = Times(t.items);
  ASSERT_EQ(times.size(), 150u);
  for (std::size_t i = 0; i < times.size(); ++i) EXPECT_EQ(times[i], 1000 + static_cast<std::int64_t>(i));
  EXPECT_EQ(m.stats().out_of_order, 0u);
  EXPECT_EQ(m.stats().released_timeout, 0u);
}

TEST(FlowMergerTest, AStalledNodeDelaysOthersByTheDrainTimeoutOnly) {
  FlowMerger m(Options(300ms), nullptr);
  auto live = NewScript(), stalled = NewScript();
  m.AddStream("live", std::make_unique<ScriptedStream>(live));
  m.AddStream("stalled", std::make_unique<ScriptedStream>(stalled));  // never sends, never ends
  const auto start = std::chrono::steady_clock::now();
  live->Add(Flow(1, "live"));
  std::vector<FlowItem> out;
  while (out.empty()) ASSERT_NE(m.Take(out, 64, start + 3s), FlowMerger::Next::kFinished);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 290ms);
  EXPECT_LT(waited, 1500ms);
  m.Stop();  // cancels the stalled stream: Stop must not hang on it
}

TEST(FlowMergerTest, ANodeThatErrorsIsReportedAndTheRestGoesOn) {
  std::vector<std::string> ended;
  FlowMerger m(Options(), nullptr, [&](const std::string& node, const grpc::Status& st) {
    std::optional<observer::GetFlowsResponse> r;
    if (st.ok()) return r;
    r.emplace();
    r->mutable_node_status()->set_state_change(::relay::NODE_ERROR);
    r->mutable_node_status()->add_node_names(node);
    r->mutable_node_status()->set_message(st.error_message());
    return r;
  });
  auto good = NewScript(), bad = NewScript();
  m.AddStream("good", std::make_unique<ScriptedStream>(good));
  m.AddStream("bad", std::make_unique<ScriptedStream>(bad));
  good->Add(Flow(1, "good"));
  bad->Add(Flow(2, "bad"));
  bad->End(grpc::Status(grpc::StatusCode::INTERNAL, "disk on fire"));
  good->Add(Flow(3, "good"));
  good->End();
  const auto t = TakeAll(m);
  EXPECT_EQ(t.last, FlowMerger::Next::kFinished);
  EXPECT_EQ(Times(t.items), (std::vector<std::int64_t>{1, 2, 3}));
  int errors = 0;
  for (const auto& i : t.items)
    if (i.response->has_node_status()) {
      ++errors;
      EXPECT_EQ(i.response->node_status().node_names(0), "bad");
      EXPECT_EQ(i.response->node_status().message(), "disk on fire");
    }
  EXPECT_EQ(errors, 1);
}

TEST(FlowMergerTest, FollowDropsWhenFullAndSaysHowMany) {
  auto o = Options();
  o.merge.sort_window = 10;
  o.capacity = 20;
  o.drop_when_full = true;
  prometheus::Registry registry;
  RelayMetrics metrics(registry);
  FlowMerger m(o, &metrics);
  auto a = NewScript(), silent = NewScript();
  // 100 flows arrive while nobody takes any: 20 fit, 80 are dropped.
  for (int i = 0; i < 100; ++i) a->Add(Flow(i, "a"));
  m.AddStream("a", std::make_unique<ScriptedStream>(a));
  m.AddStream("silent", std::make_unique<ScriptedStream>(silent));
  WaitFor([&] { return m.dropped() >= 80; }, 3s);
  ASSERT_EQ(m.dropped(), 80u);
  std::vector<FlowItem> out;
  ASSERT_EQ(m.Take(out, 64, std::chrono::steady_clock::now() + 1s), FlowMerger::Next::kItems);
  ASSERT_FALSE(out.empty());
  ASSERT_TRUE(out[0].response->has_lost_events());
  EXPECT_EQ(out[0].response->lost_events().num_events_lost(), 80u);
  EXPECT_EQ(out[0].response->lost_events().source(), flow::OBSERVER_EVENTS_QUEUE);
  // Nobody was in Take() while the buffer filled: the client's fault.
  EXPECT_EQ(metrics.lost(LostStage::kSlowClient), 80);
}

TEST(FlowMergerTest, BoundedQueriesWaitInsteadOfDropping) {
  auto o = Options();
  o.merge.sort_window = 10;
  o.capacity = 20;
  FlowMerger m(o, nullptr);
  auto a = NewScript();
  for (int i = 0; i < 500; ++i) a->Add(Flow(i, "a"));
  a->End();
  m.AddStream("a", std::make_unique<ScriptedStream>(a));
  // Nobody takes yet: the pump fills the buffer and waits for space.
  ASSERT_TRUE(WaitFor([&] { return m.full_waits() > 0; }, 5s)) << "the pump never waited";
  const auto t = TakeAll(m);
  EXPECT_EQ(Times(t.items).size(), 500u);
  EXPECT_EQ(m.dropped(), 0u);
}

TEST(FlowMergerTest, PeerLostEventsAreForwardedAndCounted) {
  prometheus::Registry registry;
  RelayMetrics metrics(registry);
  FlowMerger m(Options(), &metrics);
  auto a = NewScript();
  a->Add(testing::Lost(7, "a"));
  a->Add(Flow(1, "a"));
  a->End();
  m.AddStream("a", std::make_unique<ScriptedStream>(a));
  const auto t = TakeAll(m);
  ASSERT_EQ(t.items.size(), 2u);
  EXPECT_TRUE(t.items[0].response->has_lost_events());
  EXPECT_EQ(metrics.lost(LostStage::kPeer), 7);
}

TEST(FlowMergerTest, OpenEndedWaitsForLaterStreams) {
  auto o = Options();
  o.open_ended = true;
  FlowMerger m(o, nullptr);
  std::vector<FlowItem> out;
  EXPECT_EQ(m.Take(out, 64, std::chrono::steady_clock::now() + 50ms), FlowMerger::Next::kTimeout);
  auto late = NewScript();
  late->Add(Flow(9, "late"));
  m.AddStream("late", std::make_unique<ScriptedStream>(late));
  EXPECT_EQ(m.Take(out, 64, std::chrono::steady_clock::now() + 2s), FlowMerger::Next::kItems);
  EXPECT_EQ(Times(out), (std::vector<std::int64_t>{9}));
}

}  // namespace
}  // namespace flows::relay
