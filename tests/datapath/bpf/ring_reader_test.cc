// The reader thread: records reach the sink within the drain interval
// without any wakeup from the kernel, and Stop() leaves nothing queued.
#include <atomic>
#include <chrono>

#include "bpf_fixture.h"
#include "wait_for.h"

namespace flows::testing {
namespace {

class CountingSink final : public datapath::FlowSink {
 public:
  void OnFlows(std::span<const datapath::Flow> flows) override {
    count += flows.size();
    ++batches;
  }
  std::atomic<std::size_t> count{0};
  std::atomic<std::size_t> batches{0};
};

void RunFlows(int prog_fd, int n, std::uint16_t base_port) {
  for (int i = 0; i < n; ++i) {
    const auto pkt = PacketBuilder()
                         .Eth()
                         .Ipv4("10.0.0.1", "10.0.0.2")
                         .Udp(static_cast<std::uint16_t>(base_port + i), 9)
                         .Build();
    LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = pkt.data(), .data_size_in = static_cast<__u32>(pkt.size()),
                .repeat = 1);
    ASSERT_EQ(bpf_prog_test_run_opts(prog_fd, &run), 0);
  }
}

TEST_F(BpfTest, ThreadDrainsOnItsTimerAndInBatches) {
  CountingSink sink;
  auto reader = datapath::RingReader::Create(dp_->ring_fd(), decoder_, sink,
                                             {std::chrono::milliseconds(20), /*batch_size=*/64});
  ASSERT_TRUE(reader.ok());
  (*reader)->Start();
  RunFlows(dp_->tc_ingress_fd(), 500, 20000);
  WaitFor([&] { return sink.count >= 500; }, std::chrono::seconds(5));
  EXPECT_EQ(sink.count, 500u);
  EXPECT_GE(sink.batches, 8u) << "500 records in batches of at most 64";
  RunFlows(dp_->tc_ingress_fd(), 7, 30000);
  (*reader)->Stop();
  EXPECT_EQ(sink.count, 507u) << "Stop drains what is queued";
  const auto st = (*reader)->stats();
  EXPECT_EQ(st.records, 507u);
  EXPECT_EQ(st.decode_errors, 0u);
  EXPECT_EQ(Delta(FLOWS_CNT_RING_RESERVE_FAILED), 0u);
}

TEST_F(BpfTest, AFillingRingForcesAWakeup) {
  datapath::DatapathOptions opts;
  opts.ring_bytes = 1 << 16;
  opts.wakeup_bytes = 4096;
  Reload(opts);
  CountingSink sink;
  // A drain interval far longer than the test: only a forced wakeup drains.
  auto reader =
      datapath::RingReader::Create(dp_->ring_fd(), decoder_, sink, {std::chrono::seconds(30), 1024});
  ASSERT_TRUE(reader.ok());
  (*reader)->Start();
  // The thread waits in its poll (30 s of timer) before the ring fills.
  ASSERT_TRUE(WaitFor([&] { return (*reader)->stats().polls > 0; })) << "the reader thread never polled";
  RunFlows(dp_->tc_ingress_fd(), 60, 40000);  // 60 x 152 B > 4096 B
  // Seconds at most: far less than the 30 s timer.
  WaitFor([&] { return sink.count > 0; }, std::chrono::seconds(5));
  EXPECT_GT(sink.count, 0u) << "no wakeup although the ring passed wakeup_bytes";
  EXPECT_GE((*reader)->stats().wakeups, 1u);
  (*reader)->Stop();
  EXPECT_EQ(sink.count, 60u);
}

}  // namespace
}  // namespace flows::testing
