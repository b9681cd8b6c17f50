// The fast JSON writer against protobuf's own printer (proto field names):
// byte-identical on every sample response, on strings with every ASCII
// character and multi-byte UTF-8, and on extreme numbers; declines what it
// does not cover instead of printing it differently.
#include "proto_json.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "flows/cli/flow_printer.h"
#include "sample_flows.h"

namespace flows::cli {
namespace {

std::string Protobuf(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out, o).ok());
  return out;
}

std::string Fast(const google::protobuf::Message& m) {
  std::string out = "unchanged";
  EXPECT_TRUE(AppendProtoJson(m, out));
  return out.substr(9);
}

TEST(ProtoJson, SameAsProtobufOnSampleResponses) {
  for (const auto& r : testing::SampleResponses()) EXPECT_EQ(Fast(r), Protobuf(r));
}

TEST(ProtoJson, SameAsProtobufOnAwkwardStrings) {
  std::string ascii;
  for (int c = 1; c < 128; ++c) ascii += static_cast<char>(c);
  observer::GetFlowsResponse r;
  auto* f = r.mutable_flow();
  f->mutable_source()->set_pod_name(ascii);
  f->add_source_names("");
  f->add_source_names("a\"b\\c");
  EXPECT_EQ(Fast(r), Protobuf(r));
}

TEST(ProtoJson, SameAsProtobufOnExtremes) {
  observer::GetFlowsResponse r;
  auto* f = r.mutable_flow();
  f->mutable_time()->set_seconds(253402300799);
  f->mutable_time()->set_nanos(999'999'999);
  f->mutable_flow_stats()->set_packets(UINT64_MAX);
  f->mutable_flow_stats()->mutable_first_seen()->set_seconds(-62135596800);
  f->mutable_flow_stats()->mutable_last_seen()->set_nanos(1000);
  f->mutable_event_type()->set_type(INT32_MIN);
  f->mutable_event_type()->set_sub_type(INT32_MAX);
  f->set_verdict(static_cast<flow::Verdict>(99));      // newer than our proto
  f->mutable_is_reply()->set_value(false);             // a wrapper set to its default is still printed
  f->mutable_l4()->mutable_tcp()->set_source_port(0);  // oneof member at its default
  r.mutable_lost_events()->mutable_cpu()->set_value(-1);
  EXPECT_EQ(Fast(r), Protobuf(r));
  EXPECT_EQ(Fast(observer::GetFlowsResponse()), "{}");
}

TEST(ProtoJson, DeclinesWhatItDoesNotCover) {
  observer::GetFlowsResponse r;
  r.mutable_flow()->mutable_time()->set_seconds(253402300800);  // year 10000: protobuf refuses it too
  std::string out = "x";
  EXPECT_FALSE(AppendProtoJson(r, out));
  EXPECT_EQ(out, "x");
  observer::ServerStatusResponse st;
  st.set_flows_rate(1.5);  // doubles are protobuf's to format
  EXPECT_FALSE(AppendProtoJson(st, out));
  EXPECT_EQ(out, "x");
  // Non-ASCII: protobuf escapes some code points (U+2028, U+00AD, ...);
  // left to it, and the JSON printer still prints protobuf's text.
  observer::GetFlowsResponse utf8;
  utf8.mutable_flow()->mutable_l7()->mutable_http()->set_url(
      "http://h\xc3\xa9/\xe6\x97\xa5?\xe2\x80\xa8\xc2\xad\xf0\x9f\x98\x80");
  EXPECT_FALSE(AppendProtoJson(utf8, out));
  auto printer = MakeFlowPrinter(OutputFormat::kJson, PrintOptions{});
  std::string printed, err;
  printer->Print(utf8, printed, err);
  EXPECT_EQ(printed, Protobuf(utf8) + "\n");
  EXPECT_NE(printed.find("\\u2028"), std::string::npos) << printed;
}

}  // namespace
}  // namespace flows::cli
