// Server responses are untrusted input: every printer must turn any
// GetFlowsResponse that parses into text without crashing (the ASan+UBSan
// twin of this test checks memory and undefined behaviour). Inputs are the
// sample responses with bytes flipped, and extreme values set by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "flows/cli/flow_printer.h"
#include "flows/cli/status_text.h"
#include "sample_flows.h"

namespace flows::cli {
namespace {

struct Printed {
  OutputFormat format;
  bool color;
  std::string out, err;  // what would reach stdout and stderr
};

std::vector<Printed> PrintWithEveryFormat(const observer::GetFlowsResponse& r) {
  std::vector<Printed> printed;
  for (const auto format :
       {OutputFormat::kCompact, OutputFormat::kDict, OutputFormat::kTable, OutputFormat::kJson}) {
    for (const bool color : {false, true}) {
      PrintOptions o;
      o.color = color;
      o.print_node_name = true;
      o.time_layout = color ? TimeLayout::kRfc1123Z : TimeLayout::kRfc3339Nano;
      auto printer = MakeFlowPrinter(format, o);
      Printed p{format, color, {}, {}};
      printer->Print(r, p.out, p.err);
      printer->Flush(p.out);
      printed.push_back(std::move(p));
    }
  }
  return printed;
}

std::string Describe(const Printed& p) {
  static constexpr const char* kNames[] = {"compact", "dict", "json", "table"};
  return std::string(kNames[static_cast<int>(p.format)]) + (p.color ? " with colour" : " without colour");
}

// The printer's own colour codes (cli/src/palette.cc) are the only escape
// sequences it may write, and only when colour is on.
std::string WithoutOwnColours(std::string text) {
  for (const std::string_view code :
       {"\x1b[0m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[34m", "\x1b[35m", "\x1b[36m"}) {
    for (auto at = text.find(code); at != std::string::npos; at = text.find(code, at))
      text.erase(at, code.size());
  }
  return text;
}

// A server's strings must not reach the terminal as control sequences (colour,
// cursor moves, the window title): no raw ESC byte in anything printed, apart
// from the printer's own colours.
void ExpectNoRawEscape(const std::vector<Printed>& printed) {
  for (const Printed& p : printed) {
    for (const std::string* stream : {&p.out, &p.err}) {
      const std::string text = p.color ? WithoutOwnColours(*stream) : *stream;
      const auto at = text.find('\x1b');
      if (at == std::string::npos) continue;
      std::string around;
      for (char c : text.substr(at < 20 ? 0 : at - 20, 40)) {
        around += (c == '\x1b') ? std::string("<ESC>") : c == '\n' ? std::string("<LF>") : std::string(1, c);
      }
      ADD_FAILURE() << Describe(p) << ": raw ESC on " << (stream == &p.out ? "stdout" : "stderr")
                    << " at byte " << at << ": ..." << around << "...";
    }
  }
}

// Something was printed for the response (nothing was silently swallowed).
void ExpectPrinted(const std::vector<Printed>& printed) {
  for (const Printed& p : printed) {
    EXPECT_FALSE(p.out.empty() && p.err.empty()) << Describe(p) << ": nothing printed";
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
  // Colour, the window title (OSC) and clear-screen, a newline, invalid UTF-8.
  f->mutable_l7()->mutable_http()->set_url(std::string(100000, 'x') +
                                           "\x1b[31m\x1b]0;owned\x07\x1b[2J\n\xff");
  f->mutable_event_type()->set_sub_type(-5);
  f->mutable_event_type()->set_type(INT32_MAX);
  f->set_verdict(static_cast<flow::Verdict>(-7));
  f->mutable_source()->set_identity(UINT32_MAX);
  f->mutable_source()->set_pod_name("pod\x1b[2Jname");
  f->mutable_l4()->mutable_icmpv6()->set_type(UINT32_MAX);
  auto printed = PrintWithEveryFormat(r);
  ExpectPrinted(printed);
  ExpectNoRawEscape(printed);
  for (const Printed& p : printed) {
    // JSON is one response per line, whatever the strings hold (or, for
    // invalid UTF-8 that proto3 JSON cannot carry, an error on stderr).
    if (p.format == OutputFormat::kJson) {
      EXPECT_EQ(std::count(p.out.begin(), p.out.end(), '\n'), p.out.empty() ? 0 : 1) << Describe(p);
    }
    // A newline in the URL must not start a line of its own (a forged flow).
    if (p.format == OutputFormat::kCompact) {
      EXPECT_EQ(std::count(p.out.begin(), p.out.end(), '\n'), 1) << Describe(p);
    }
  }
  f->mutable_l7()->mutable_dns()->set_rcode(UINT32_MAX);
  f->mutable_l7()->mutable_dns()->set_query("evil.\x1b]0;owned\x07.example.");
  f->mutable_l7()->set_type(static_cast<flow::L7FlowType>(1000));
  printed = PrintWithEveryFormat(r);
  ExpectPrinted(printed);
  ExpectNoRawEscape(printed);
  observer::GetFlowsResponse lost;
  lost.mutable_lost_events()->mutable_cpu()->set_value(INT32_MIN);
  lost.mutable_lost_events()->set_source(static_cast<flow::LostEventSource>(77));
  printed = PrintWithEveryFormat(lost);
  ExpectPrinted(printed);
  ExpectNoRawEscape(printed);
  observer::GetFlowsResponse status;
  status.mutable_node_status()->set_state_change(relay::NODE_ERROR);
  for (int i = 0; i < 1000; ++i) status.mutable_node_status()->add_node_names("node-" + std::to_string(i));
  status.mutable_node_status()->add_node_names("node\x1b[2J");
  status.mutable_node_status()->set_message("unreachable\x1b]0;owned\x07");
  printed = PrintWithEveryFormat(status);
  ExpectPrinted(printed);
  ExpectNoRawEscape(printed);
  ExpectNoRawEscape(PrintWithEveryFormat(observer::GetFlowsResponse()));
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
