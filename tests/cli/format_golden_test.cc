// Every output format on the same fixed responses (sample_flows.h), with and
// without colour, compared byte for byte with tests/cli/golden/<case>.txt:
// stdout, then a "--- stderr ---" line, then stderr.
//
// After an intended change of format, regenerate with
//   FLOWS_UPDATE_GOLDEN=1 ctest -R cli_unit_tests
// and review the diff of tests/cli/golden/ like any code change. Without the
// variable a missing or different golden file fails the test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "flows/cli/flow_printer.h"
#include "sample_flows.h"

namespace flows::cli {
namespace {

struct Case {
  const char* name;
  OutputFormat format;
  PrintOptions options;
};

std::string Render(const Case& c) {
  auto printer = MakeFlowPrinter(c.format, c.options);
  std::string out, err;
  for (const auto& r : testing::SampleResponses()) printer->Print(r, out, err);
  printer->Flush(out);
  return out + "--- stderr ---\n" + err;
}

void ExpectGolden(const Case& c) {
  SCOPED_TRACE(c.name);
  const std::string path = std::string(FLOWS_CLI_GOLDEN_DIR) + "/" + c.name + ".txt";
  const std::string got = Render(c);
  if (std::getenv("FLOWS_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << got;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (FLOWS_UPDATE_GOLDEN=1 writes it)";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(got, want.str()) << "output of " << c.name << " differs from " << path;
}

PrintOptions Options(bool color, bool node = false, TimeLayout layout = TimeLayout::kStampMilli) {
  PrintOptions o;
  o.color = color;
  o.print_node_name = node;
  o.time_layout = layout;
  return o;
}

TEST(GoldenOutput, Compact) {
  ExpectGolden({"compact", OutputFormat::kCompact, Options(false)});
  ExpectGolden({"compact_color", OutputFormat::kCompact, Options(true)});
  ExpectGolden(
      {"compact_node_rfc3339milli", OutputFormat::kCompact, Options(false, true, TimeLayout::kRfc3339Milli)});
  PrintOptions numeric = Options(false);
  numeric.numeric = true;
  ExpectGolden({"compact_numeric", OutputFormat::kCompact, numeric});
}

TEST(GoldenOutput, Dict) {
  ExpectGolden({"dict", OutputFormat::kDict, Options(false)});
  ExpectGolden({"dict_color", OutputFormat::kDict, Options(true, true)});
}

TEST(GoldenOutput, Table) {
  ExpectGolden({"table", OutputFormat::kTable, Options(false)});
  ExpectGolden({"table_color", OutputFormat::kTable, Options(true, true)});
}

TEST(GoldenOutput, JsonIgnoresColour) {
  ExpectGolden({"json", OutputFormat::kJson, Options(false)});
  EXPECT_EQ(Render({"json", OutputFormat::kJson, Options(true)}),
            Render({"json", OutputFormat::kJson, Options(false)}));
}

// Spot checks that do not depend on the golden files: the facts a reader of
// the compact line relies on.
TEST(CompactOutput, RepliesKeepTheClientOnTheLeft) {
  auto printer = MakeFlowPrinter(OutputFormat::kCompact, Options(false));
  std::string out, err;
  const auto responses = testing::SampleResponses();
  printer->Print(responses[4], out, err);  // HTTP request
  printer->Print(responses[5], out, err);  // its response
  EXPECT_EQ(
      out,
      "Nov 22 03:19:46.742: demo-app/frontend-7d4b9c-x2k4p:46866 -> demo-app/productcatalog-5f9d8-qz9lm:3550 "
      "http-request FORWARDED (HTTP/1.1 GET http://productcatalog:3550/products)\n"
      "Nov 22 03:19:46.746: demo-app/frontend-7d4b9c-x2k4p:46866 <- demo-app/productcatalog-5f9d8-qz9lm:3550 "
      "http-response FORWARDED (HTTP/1.1 200 4ms)\n");
  EXPECT_TRUE(err.empty());
}

// The same HTTP request seen at the client's veth and at the server's: the
// line says which sighting it is. Trace flows name their observation point
// from trace_observation_point (Hubble's enum; TO_ENDPOINT is 101 there).
TEST(CompactOutput, L7LinesSayWhereAndOnWhichSide) {
  auto printer = MakeFlowPrinter(OutputFormat::kCompact, Options(false));
  const auto responses = testing::SampleResponses();
  auto at_client = responses[4];  // HTTP request
  at_client.mutable_flow()->set_trace_observation_point(flow::FROM_ENDPOINT);
  at_client.mutable_flow()->set_vantage(flow::CLIENT_SIDE);
  auto at_server = responses[4];
  at_server.mutable_flow()->set_trace_observation_point(flow::TO_ENDPOINT);
  at_server.mutable_flow()->set_vantage(flow::SERVER_SIDE);
  std::string out, err;
  printer->Print(at_client, out, err);
  printer->Print(at_server, out, err);
  EXPECT_NE(out.find("http-request from-endpoint client-side FORWARDED"), std::string::npos) << out;
  EXPECT_NE(out.find("http-request to-endpoint server-side FORWARDED"), std::string::npos) << out;

  observer::GetFlowsResponse trace;
  trace.mutable_flow()->mutable_event_type()->set_type(4);
  for (const auto& [point, name] : {std::pair{flow::TO_ENDPOINT, "to-endpoint"},
                                    {flow::FROM_NETWORK, "from-network"},
                                    {flow::FROM_CRYPTO, "from-crypto"},
                                    {flow::TO_CRYPTO, "to-crypto"}}) {
    trace.mutable_flow()->set_trace_observation_point(point);
    std::string line;
    printer->Print(trace, line, err);
    EXPECT_NE(line.find(std::string(" ") + name + " "), std::string::npos) << line;
  }
}

TEST(TableOutput, FollowFlushesEachRowUnderOneHeader) {
  auto printer = MakeFlowPrinter(OutputFormat::kTable, Options(false));
  std::string out, err;
  const auto responses = testing::SampleResponses();
  printer->Print(responses[0], out, err);
  printer->Flush(out);
  printer->Print(responses[1], out, err);
  printer->Flush(out);
  EXPECT_EQ(out.rfind("TIMESTAMP", 0), 0u);
  EXPECT_EQ(out.find("TIMESTAMP", 1), std::string::npos);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3);
}

}  // namespace
}  // namespace flows::cli
