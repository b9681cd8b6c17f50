// Kernel loss counters -> the loss ledger, across restarts.
#include "flows/flowd/daemon/kernel_loss_poller.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <fstream>

#include "temp_dir.h"

namespace flows::flowd {
namespace {

class FakeCounters final : public datapath::CounterSource {
 public:
  datapath::KernelCounters values;
  bool fail = false;
  Result<datapath::KernelCounters> Read() const override {
    if (fail) return Error::System("read flows_counters", EPERM);
    return values;
  }
};

TEST(KernelLossPoller, ReportsIncreasesPerStage) {
  FakeCounters k;
  LossLedger ledger;
  KernelLossPoller poller(k, ledger, "");
  k.values.values[FLOWS_CNT_RING_RESERVE_FAILED] = 3;
  ASSERT_TRUE(poller.Poll());
  EXPECT_EQ(ledger.Total(kLostRingReservation), 3u);
  EXPECT_EQ(ledger.Total(kLostFlowTable), 0u);
  k.values.values[FLOWS_CNT_RING_RESERVE_FAILED] = 10;
  k.values.values[FLOWS_CNT_FLOW_TABLE_FULL] = 2;
  k.values.values[FLOWS_CNT_PACKETS] = 1000;  // not a loss
  ASSERT_TRUE(poller.Poll());
  EXPECT_EQ(ledger.Total(kLostRingReservation), 10u);
  EXPECT_EQ(ledger.Total(kLostFlowTable), 2u);
  // Every stage is listed, zeros included, so `flows status` shows them all.
  std::vector<std::string> sources;
  for (const auto& [source, n] : ledger.Totals()) sources.push_back(source);
  EXPECT_EQ(sources, (std::vector<std::string>{"flow_table", "ipv6_ext_limit", "l7_scratch", "l7_truncated",
                                               "malformed", "ring_reservation"}));
}

TEST(KernelLossPoller, PacketsTheKernelCouldNotTrackAndL7ItCouldNotCarryAreLosses) {
  FakeCounters k;
  LossLedger ledger;
  KernelLossPoller poller(k, ledger, "");
  ASSERT_TRUE(poller.Poll());
  k.values.values[FLOWS_CNT_MALFORMED] = 4;
  k.values.values[FLOWS_CNT_IPV6_EXT_LIMIT] = 5;
  k.values.values[FLOWS_CNT_L7_TRUNCATED] = 6;
  k.values.values[FLOWS_CNT_L7_SCRATCH_FAILED] = 7;
  k.values.values[FLOWS_CNT_NON_IP] = 100;  // counted, but not flows' to track: not a loss
  k.values.values[FLOWS_CNT_LATER_FRAGMENTS] = 100;
  ASSERT_TRUE(poller.Poll());
  EXPECT_EQ(ledger.Total(kLostMalformed), 4u);
  EXPECT_EQ(ledger.Total(kLostIpv6ExtLimit), 5u);
  EXPECT_EQ(ledger.Total(kLostL7Truncated), 6u);
  EXPECT_EQ(ledger.Total(kLostL7Scratch), 7u);
  std::uint64_t total = 0;
  for (const auto& [source, n] : ledger.Totals()) total += n;
  EXPECT_EQ(total, 4u + 5 + 6 + 7);
}

TEST(KernelLossPoller, ACounterTheSavedStateDoesNotNameStartsFromNow) {
  // State saved by a flowd that did not report malformed packets yet: what
  // the kernel counted before is not a loss "while flowd was down".
  testing::TempDir dir;
  const std::string state = dir.path() + "/kernel_counters.json";
  std::ofstream(state) << R"({"ring_reserve_failed": 5, "flow_table_insert_failed": 0})";
  FakeCounters k;
  k.values.values[FLOWS_CNT_RING_RESERVE_FAILED] = 8;
  k.values.values[FLOWS_CNT_MALFORMED] = 1000;
  LossLedger ledger;
  KernelLossPoller poller(k, ledger, state);
  ASSERT_TRUE(poller.Poll());
  EXPECT_EQ(ledger.Total(kLostRingReservation), 3u);
  EXPECT_EQ(ledger.Total(kLostMalformed), 0u);
  k.values.values[FLOWS_CNT_MALFORMED] = 1002;
  ASSERT_TRUE(poller.Poll());
  EXPECT_EQ(ledger.Total(kLostMalformed), 2u);
}

TEST(LossLedger, SyncAddsTheGrowthOfACounterKeptElsewhere) {
  LossLedger ledger;
  ledger.Sync(kLostL7Parse, 0);
  EXPECT_EQ(ledger.Totals().size(), 1u) << "listed from the start";
  ledger.Sync(kLostL7Parse, 3);
  ledger.Sync(kLostL7Parse, 3);
  ledger.Sync(kLostL7Parse, 10);
  EXPECT_EQ(ledger.Total(kLostL7Parse), 10u);
  ledger.Sync(kLostL7Unanswered, 2);
  EXPECT_EQ(ledger.Total(kLostL7Unanswered), 2u) << "sources are independent";
  EXPECT_EQ(ledger.Total(kLostL7Parse), 10u);
}

TEST(KernelLossPoller, ARestartReportsWhatWasLostWhileDown) {
  testing::TempDir dir;
  const std::string state = dir.path() + "/kernel_counters.json";
  FakeCounters k;
  {
    LossLedger ledger;
    KernelLossPoller poller(k, ledger, state);
    k.values.values[FLOWS_CNT_RING_RESERVE_FAILED] = 5;
    ASSERT_TRUE(poller.Poll());
    EXPECT_EQ(ledger.Total(kLostRingReservation), 5u);
  }
  // flowd is down; the kernel keeps counting.
  k.values.values[FLOWS_CNT_RING_RESERVE_FAILED] = 47;
  LossLedger ledger;
  KernelLossPoller poller(k, ledger, state);
  ASSERT_TRUE(poller.Poll());
  EXPECT_EQ(ledger.Total(kLostRingReservation), 42u);
}

TEST(KernelLossPoller, RecreatedCountersStartFromZero) {
  testing::TempDir dir;
  const std::string state = dir.path() + "/kernel_counters.json";
  FakeCounters k;
  {
    LossLedger ledger;
    KernelLossPoller poller(k, ledger, state);
    k.values.values[FLOWS_CNT_RING_RESERVE_FAILED] = 100;
    ASSERT_TRUE(poller.Poll());
  }
  k.values.values[FLOWS_CNT_RING_RESERVE_FAILED] = 4;  // a reboot: a new map
  LossLedger ledger;
  KernelLossPoller poller(k, ledger, state);
  ASSERT_TRUE(poller.Poll());
  EXPECT_EQ(ledger.Total(kLostRingReservation), 4u);
}

TEST(KernelLossPoller, DamagedStateFileIsAnEmptyBaseline) {
  testing::TempDir dir;
  const std::string state = dir.path() + "/kernel_counters.json";
  { std::ofstream(state) << "{not json"; }
  FakeCounters k;
  k.values.values[FLOWS_CNT_FLOW_TABLE_FULL] = 7;
  LossLedger ledger;
  KernelLossPoller poller(k, ledger, state);
  ASSERT_TRUE(poller.Poll());
  EXPECT_EQ(ledger.Total(kLostFlowTable), 7u);
}

TEST(KernelLossPoller, ReadFailureIsAnError) {
  FakeCounters k;
  k.fail = true;
  LossLedger ledger;
  KernelLossPoller poller(k, ledger, "");
  auto r = poller.Poll();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().err, EPERM);
}

TEST(LossLedger, EveryUserSpaceSourceIsAMetricSeriesFromTheStart) {
  prometheus::Registry registry;
  FlowMetrics metrics(registry, MetricsOptions{});
  LossLedger ledger(&metrics);
  for (auto source :
       {kLostDecode, kLostL7Parse, kLostFlowTableEvicted, kLostL7Unanswered, kLostL7PairingFull})
    ledger.Sync(source, 0);
  ledger.Sync(kLostFlowTableEvicted, 12);
  ledger.Sync(kLostL7Unanswered, 2);
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  for (const char* line : {"flows_lost_events_total{source=\"flow_table_evicted\"} 12",
                           "flows_lost_events_total{source=\"l7_parse\"} 0",
                           "flows_lost_events_total{source=\"l7_unanswered\"} 2",
                           "flows_lost_events_total{source=\"l7_pairing_full\"} 0",
                           "flows_lost_events_total{source=\"decode\"} 0"})
    EXPECT_NE(text.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << text;
}

}  // namespace
}  // namespace flows::flowd
