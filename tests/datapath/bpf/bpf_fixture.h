// A loaded datapath (no pinning) plus helpers to run one of its programs on
// a built packet with BPF_PROG_TEST_RUN and collect the records it emitted.
// These tests need root (CAP_BPF); without it they fail, they never skip.
#pragma once

#include <bpf/bpf.h>
#include <gtest/gtest.h>
#include <linux/pkt_cls.h>

#include <memory>
#include <vector>

#include "flows/datapath/counters.h"
#include "flows/datapath/loader.h"
#include "flows/datapath/record_decoder.h"
#include "flows/datapath/ring_reader.h"
#include "packet_builder.h"

namespace flows::testing {

class CollectingSink final : public datapath::FlowSink {
 public:
  void OnFlows(std::span<const datapath::Flow> flows) override {
    flows_.insert(flows_.end(), flows.begin(), flows.end());
  }
  std::vector<datapath::Flow> Take() { return std::exchange(flows_, {}); }

 private:
  std::vector<datapath::Flow> flows_;
};

enum class Prog { kTcIngress, kTcEgress, kXdp };

class BpfTest : public ::testing::Test {
 protected:
  // Tests that need other options call Reload() first.
  void SetUp() override { Reload({}); }

  void Reload(datapath::DatapathOptions opts) {
    reader_.reset();
    dp_.reset();
    opts.pin_root.clear();
    auto dp = datapath::Datapath::Load(opts);
    ASSERT_TRUE(dp.ok()) << dp.error().message;
    dp_ = std::move(*dp);
    auto reader = datapath::RingReader::Create(dp_->ring_fd(), decoder_, sink_);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    reader_ = std::move(*reader);
    baseline_ = ReadCounters();
  }

  // Runs the program once on `pkt`, checks it let the packet through
  // untouched, and returns the flows it reported.
  std::vector<datapath::Flow> Run(const std::vector<std::uint8_t>& pkt, Prog prog = Prog::kTcIngress) {
    const int fd = prog == Prog::kTcIngress  ? dp_->tc_ingress_fd()
                   : prog == Prog::kTcEgress ? dp_->tc_egress_fd()
                                             : dp_->xdp_ingress_fd();
    std::vector<std::uint8_t> out(pkt.size() + 256);
    LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = pkt.data(), .data_out = out.data(),
                .data_size_in = static_cast<__u32>(pkt.size()),
                .data_size_out = static_cast<__u32>(out.size()), .repeat = 1);
    const int err = bpf_prog_test_run_opts(fd, &run);
    EXPECT_EQ(err, 0) << "BPF_PROG_TEST_RUN failed (needs root/CAP_BPF): " << strerror(errno);
    if (prog == Prog::kXdp) {
      EXPECT_EQ(run.retval, 2u) << "XDP program must return XDP_PASS";
    } else {
      EXPECT_EQ(static_cast<int>(run.retval), TC_ACT_UNSPEC) << "TC program must return TC_ACT_UNSPEC";
    }
    // The packet leaves exactly as it came in.
    EXPECT_EQ(run.data_size_out, pkt.size());
    EXPECT_TRUE(std::equal(pkt.begin(), pkt.end(), out.begin()));
    auto drained = reader_->DrainOnce();
    EXPECT_TRUE(drained.ok());
    return sink_.Take();
  }

  // The one flow a packet should produce.
  datapath::Flow RunOne(const std::vector<std::uint8_t>& pkt, Prog prog = Prog::kTcIngress) {
    auto flows = Run(pkt, prog);
    EXPECT_EQ(flows.size(), 1u);
    return flows.empty() ? datapath::Flow{} : flows.front();
  }

  datapath::KernelCounters ReadCounters() const {
    auto c = datapath::BpfCounterSource(dp_->counters_fd()).Read();
    EXPECT_TRUE(c.ok());
    return c.ok() ? *c : datapath::KernelCounters{};
  }

  // How much a counter grew since the datapath was loaded.
  std::uint64_t Delta(flows_counter which) const { return ReadCounters()[which] - baseline_[which]; }

  datapath::SystemClock clock_;
  datapath::RecordDecoder decoder_{clock_};
  CollectingSink sink_;
  std::unique_ptr<datapath::Datapath> dp_;
  std::unique_ptr<datapath::RingReader> reader_;
  datapath::KernelCounters baseline_;
};

}  // namespace flows::testing
