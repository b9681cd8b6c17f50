// Server responses are untrusted input: every printer must turn any
// GetFlowsResponse that parses into text without crashing (the ASan+UBSan
// twin of this test checks memory and undefined behaviour). Inputs are the
// sample responses with bytes flipped, and extreme values set by hand.
#include <gtest/gtest.h>

#include <random>

#include "flows/cli/flow_printer.h"
#include "flows/cli/status_text.h"
#include "sample_flows.h"

namespace flows::cli {
namespace {

void PrintWithEveryFormat(const observer::GetFlowsResponse& r) {
  for (const auto format :
       {OutputFormat::kCompact, OutputFormat::kDict, OutputFormat::kTable, OutputFormat::kJson}) {
    for (const bool color : {false, true}) {
      PrintOptions o;
      o.color = color;
      o.print_node_name = true;
      o.time_layout = color ? TimeLayout::kRfc1123Z : TimeLayout::kRfc3339Nano;
      auto printer = MakeFlowPrinter(format, o);
      std::string out, err;
      printer->Print(r, out, err);
      printer->Flush(out);
    }
  }
}

TEST(UntrustedResponses, MutatedSamplesPrint) {
  std::mt19937 rng(4);  // fixed seed: a failure reproduces
  int parsed = 0;
  for (const auto& sample : testing::SampleResponses()) {
    const std::string wire = sample.SerializeAsString();
    for (int i = 0; i < 300; ++i) {
      std::string bytes = wire;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
      observer::GetFlowsResponse r;
      if (!r.ParseFromString(bytes)) continue;
      ++parsed;
      PrintWithEveryFormat(r);
    }
  }
  EXPECT_GT(parsed, 500);  // the mutations must actually reach the printers
}

TEST(UntrustedResponses, ExtremeValuesPrint) {
  observer::GetFlowsResponse r = testing::SampleResponses()[6];
  auto* f = r.mutable_flow();
  f->mutable_time()->set_seconds(INT64_MIN);
  f->mutable_time()->set_nanos(INT32_MIN);
  f->mutable_l7()->set_latency_ns(UINT64_MAX);
  f->mutable_l7()->mutable_http()->set_code(UINT32_MAX);
  f->mutable_l7()->mutable_http()->set_url(std::string(100000, 'x') + "\x1b[31m\n\xff");
  f->mutable_event_type()->set_sub_type(-5);
  f->mutable_event_type()->set_type(INT32_MAX);
  f->set_verdict(static_cast<flow::Verdict>(-7));
  f->mutable_source()->set_identity(UINT32_MAX);
  f->mutable_l4()->mutable_icmpv6()->set_type(UINT32_MAX);
  PrintWithEveryFormat(r);
  f->mutable_l7()->mutable_dns()->set_rcode(UINT32_MAX);
  f->mutable_l7()->set_type(static_cast<flow::L7FlowType>(1000));
  PrintWithEveryFormat(r);
  observer::GetFlowsResponse lost;
  lost.mutable_lost_events()->mutable_cpu()->set_value(INT32_MIN);
  lost.mutable_lost_events()->set_source(static_cast<flow::LostEventSource>(77));
  PrintWithEveryFormat(lost);
  observer::GetFlowsResponse status;
  status.mutable_node_status()->set_state_change(relay::NODE_ERROR);
  for (int i = 0; i < 1000; ++i) status.mutable_node_status()->add_node_names("node-" + std::to_string(i));
  PrintWithEveryFormat(status);
  PrintWithEveryFormat(observer::GetFlowsResponse());
}

TEST(UntrustedResponses, StatusTextOfAnyAnswer) {
  observer::ServerStatusResponse st;
  st.set_num_flows(UINT64_MAX);
  st.set_max_flows(1);
  st.set_seen_flows(3);
  st.set_uptime_ns(UINT64_MAX);
  st.set_flows_rate(-1.0 / 0.0);
  st.mutable_num_connected_nodes()->set_value(UINT32_MAX);
  st.mutable_num_unavailable_nodes()->set_value(UINT32_MAX);
  EXPECT_FALSE(FormatStatus(st, "x").empty());
  observer::GetNodesResponse nodes;
  auto* n = nodes.add_nodes();
  n->set_uptime_ns(UINT64_MAX);
  n->set_seen_flows(UINT64_MAX);
  n->set_state(static_cast<relay::NodeState>(99));
  EXPECT_FALSE(FormatNodes(nodes).empty());
}

}  // namespace
}  // namespace flows::cli
