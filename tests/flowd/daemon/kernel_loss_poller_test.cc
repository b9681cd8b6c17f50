// Kernel loss counters -> the loss ledger, across restarts.
#include "flows/flowd/daemon/kernel_loss_poller.h"

#include <gtest/gtest.h>

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
  auto totals = ledger.Totals();
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals[0].first, "flow_table");
  EXPECT_EQ(totals[1].first, "ring_reservation");
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

}  // namespace
}  // namespace flows::flowd
