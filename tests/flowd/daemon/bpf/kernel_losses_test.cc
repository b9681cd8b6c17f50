// Each kernel-side loss, provoked with BPF_PROG_TEST_RUN, reaches the loss
// ledger and /metrics under its source: what a user reads in `flows status`
// and Prometheus. Needs root (CAP_BPF); fails without it.
#include <prometheus/text_serializer.h>

#include <algorithm>

#include "../../../datapath/bpf/bpf_fixture.h"
#include "flows/flowd/daemon/kernel_loss_poller.h"
#include "flows/flowd/daemon/loss_ledger.h"

namespace flows::testing {
namespace {

using flowd::KernelLossPoller;
using flowd::LossLedger;

std::vector<std::uint8_t> TcpWith(std::string_view payload) {
  return PacketBuilder()
      .Eth()
      .Ipv4("10.244.1.5", "10.244.2.7")
      .Tcp(41000, 3550, kAck | kPsh)
      .Payload(payload)
      .Build();
}

class KernelLossesTest : public BpfTest {
 protected:
  std::string Metrics() const { return prometheus::TextSerializer().Serialize(registry_.Collect()); }
  static bool Has(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
  }

  prometheus::Registry registry_;
  flowd::FlowMetrics metrics_{registry_, flowd::MetricsOptions{}};
  LossLedger ledger_{&metrics_};
};

TEST_F(KernelLossesTest, EveryKernelLossIsInTheLedgerAndTheMetrics) {
  datapath::BpfCounterSource counters(dp_->counters_fd());
  KernelLossPoller poller(counters, ledger_, "");
  ASSERT_TRUE(poller.Poll().ok());  // the map is new: everything from zero
  const std::string before = Metrics();
  for (auto source : {flowd::kLostMalformed, flowd::kLostIpv6ExtLimit, flowd::kLostL7Truncated,
                      flowd::kLostL7Scratch, flowd::kLostFlowTable, flowd::kLostRingReservation}) {
    EXPECT_TRUE(Has(before, "flows_lost_events_total{source=\"" + std::string(source) + "\"} 0"))
        << "listed before any loss: " << source << "\n"
        << before;
  }

  // A header length below the minimum.
  Run(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2", {.ihl = 4}).Tcp(1, 2, kSyn).Build());
  // Twice: a chain of IPv6 extension headers longer than the kernel walks.
  for (int i = 0; i < 2; ++i) {
    PacketBuilder b;
    b.Eth().Ipv6("2001:db8::1", "2001:db8::2");
    for (int j = 0; j < 7; ++j) b.Ipv6Ext(60);
    Run(b.Udp(1, 2).Build());
  }
  // Three times: an HTTP request longer than the L7 window.
  const std::string big = "GET /" + std::string(900, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int i = 0; i < 3; ++i) Run(TcpWith(big));

  ASSERT_TRUE(poller.Poll().ok());
  EXPECT_EQ(ledger_.Total(flowd::kLostMalformed), 1u);
  EXPECT_EQ(ledger_.Total(flowd::kLostIpv6ExtLimit), 2u);
  EXPECT_EQ(ledger_.Total(flowd::kLostL7Truncated), 3u);
  EXPECT_EQ(ledger_.Total(flowd::kLostL7Scratch), 0u);
  EXPECT_EQ(ledger_.Total(flowd::kLostFlowTable), 0u);
  const std::string after = Metrics();
  EXPECT_TRUE(Has(after, "flows_lost_events_total{source=\"malformed\"} 1")) << after;
  EXPECT_TRUE(Has(after, "flows_lost_events_total{source=\"ipv6_ext_limit\"} 2")) << after;
  EXPECT_TRUE(Has(after, "flows_lost_events_total{source=\"l7_truncated\"} 3")) << after;
  // The ledger is what ServerStatus (and so `flows status`) lists.
  std::vector<std::string> sources;
  for (const auto& [source, n] : ledger_.Totals()) sources.push_back(source);
  for (auto source : {"malformed", "ipv6_ext_limit", "l7_truncated", "l7_scratch"})
    EXPECT_NE(std::find(sources.begin(), sources.end(), source), sources.end()) << source;
}

}  // namespace
}  // namespace flows::testing
