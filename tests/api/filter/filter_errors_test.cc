// Malformed filters: Compile fails with a message naming the field and the
// value, never crashes and never falls back to matching everything.
#include <gmock/gmock.h>

#include "filter_cases.h"

namespace flows::api {
namespace {

using testing::CompileError;
using testing::Filters;

struct ErrorCase {
  std::string filter;
  std::string message;
};

void ExpectErrors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.filter);
    EXPECT_EQ(CompileError(c.filter), c.message);
  }
}

TEST(FilterErrorsTest, Addresses) {
  ExpectErrors({
      {R"(source_ip: "10.0.0.300")", R"(source_ip: "10.0.0.300" is not an IP address or CIDR)"},
      {R"(source_ip: "")", R"(source_ip: "" is not an IP address or CIDR)"},
      {R"(destination_ip: "10.0.0.0/33")", R"(destination_ip: "10.0.0.0/33" is not an IP address or CIDR)"},
      {R"(destination_ip: "fd00::/129")", R"(destination_ip: "fd00::/129" is not an IP address or CIDR)"},
      {R"(destination_ip: "10.0.0.0/")", R"(destination_ip: "10.0.0.0/" is not an IP address or CIDR)"},
      {R"(destination_ip: "10.0.0.0/8x")", R"(destination_ip: "10.0.0.0/8x" is not an IP address or CIDR)"},
      {R"(source_ip: "fd00:::1")", R"(source_ip: "fd00:::1" is not an IP address or CIDR)"},
      {R"(source_ip: "example.com")", R"(source_ip: "example.com" is not an IP address or CIDR)"},
  });
}

TEST(FilterErrorsTest, PodsAndServices) {
  ExpectErrors({
      {R"(source_pod: "")", R"(source_pod: "" is not [namespace/]name-prefix)"},
      {R"(source_pod: "/")", R"(source_pod: "/" is not [namespace/]name-prefix)"},
      {R"(destination_pod: "a/b/c")", R"(destination_pod: "a/b/c" is not [namespace/]name-prefix)"},
      {R"(source_service: "")", R"(source_service: "" is not [namespace/]name-prefix)"},
      {R"(destination_service: "x/y/z")", R"(destination_service: "x/y/z" is not [namespace/]name-prefix)"},
  });
}

TEST(FilterErrorsTest, Names) {
  ExpectErrors({
      {R"(source_fqdn: "")", R"(source_fqdn: "" is not a name pattern like *.example.com)"},
      {R"(destination_fqdn: "exa mple.com")",
       R"(destination_fqdn: "exa mple.com" is not a name pattern like *.example.com)"},
      {R"(destination_fqdn: "example.com..")",
       R"(destination_fqdn: "example.com.." is not a name pattern like *.example.com)"},
      {R"(destination_fqdn: "[a].com")",
       R"(destination_fqdn: "[a].com" is not a name pattern like *.example.com)"},
      {R"(node_name: "")", R"(node_name: "" is not a node name pattern like cluster/node-*)"},
      {R"(node_name: "a/b/c")", R"(node_name: "a/b/c" is not a node name pattern like cluster/node-*)"},
      {R"(node_name: "prod/node?")",
       R"(node_name: "prod/node?" is not a node name pattern like cluster/node-*)"},
  });
}

TEST(FilterErrorsTest, HttpStatusCodes) {
  for (const char* bad : {"5x", "600", "099", "6+", "+", "5++", "4040", "404+", "", "40", " 404"}) {
    SCOPED_TRACE(bad);
    flow::FlowFilter f;
    f.add_http_status_code(bad);
    FlowFilterSet::Filters filters;
    *filters.Add() = f;
    auto set = FlowFilterSet::Compile(filters, {});
    ASSERT_FALSE(set.ok());
    EXPECT_EQ(set.error().message,
              std::string("http_status_code: \"") + bad + "\" is not a status code or prefix like 5+");
  }
}

TEST(FilterErrorsTest, RegularExpressions) {
  ExpectErrors({
      {R"(http_path: "(")", R"(http_path: bad regular expression "(" : missing ))"},
      {R"(http_url: "a[")", R"(http_url: bad regular expression "a[" : missing ])"},
      {R"(dns_query: "x{2,1}")", R"(dns_query: bad regular expression "x{2,1}" : invalid repetition size)"},
      {R"(http_path: "ok" http_path: "\\")", R"(http_path: bad regular expression "\\" : trailing \)"},
  });
}

TEST(FilterErrorsTest, ProtocolsPortsMethods) {
  ExpectErrors({
      {R"(protocol: "tcpp")", R"(protocol: unknown protocol "tcpp")"},
      {R"(protocol: "")", R"(protocol: unknown protocol "")"},
      {R"(source_port: "http")", R"(source_port: "http" is not a port number (0-65535))"},
      {R"(destination_port: "65536")", R"(destination_port: "65536" is not a port number (0-65535))"},
      {R"(destination_port: "-1")", R"(destination_port: "-1" is not a port number (0-65535))"},
      {R"(destination_port: "80 ")", R"(destination_port: "80 " is not a port number (0-65535))"},
      {R"(destination_port: "")", R"(destination_port: "" is not a port number (0-65535))"},
      {R"(http_method: "")", R"(http_method: empty method)"},
  });
}

TEST(FilterErrorsTest, LabelSelectors) {
  ExpectErrors({
      {R"(source_label: "")", R"(source_label: "" is not a label selector: empty selector)"},
      {R"(source_label: "env in (a")", R"(source_label: "env in (a" is not a label selector: missing ))"},
      {R"(source_label: "env in a")",
       R"(source_label: "env in a" is not a label selector: missing ( after in/notin)"},
      {R"x(source_label: "env in ()")x",
       R"x(source_label: "env in ()" is not a label selector: empty value set for env)x"},
      {R"(destination_label: "=x")", R"(destination_label: "=x" is not a label selector: missing key)"},
      {R"(destination_label: "app=a,")",
       R"(destination_label: "app=a," is not a label selector: missing key)"},
      {R"(destination_label: "app=a b")",
       R"(destination_label: "app=a b" is not a label selector: expected , after app)"},
      {R"(destination_label: "app>3")",
       R"(destination_label: "app>3" is not a label selector: unknown operator after app)"},
      {R"(destination_label: "app=a/b")",
       R"(destination_label: "app=a/b" is not a label selector: bad value for app)"},
      {R"(destination_label: ":app")",
       R"(destination_label: ":app" is not a label selector: bad key source prefix)"},
      {R"(destination_label: "!")", R"(destination_label: "!" is not a label selector: missing key)"},
  });
}

TEST(FilterErrorsTest, HttpFieldsNeedAnL7EventTypeWhenEventTypeIsSet) {
  ExpectErrors({
      {R"(event_type { type: 4 } http_status_code: "5+")",
       "http_status_code: needs event_type to include L7 events (type 129) when event_type is set"},
      {R"(event_type { type: 1 } http_path: "/")",
       "http_path: needs event_type to include L7 events (type 129) when event_type is set"},
      {R"(event_type { type: 1 } http_header { key: "a" })",
       "http_header: needs event_type to include L7 events (type 129) when event_type is set"},
  });
}

TEST(FilterErrorsTest, ValuesAreQuotedSafely) {
  EXPECT_EQ(CompileError("source_ip: \"a\\\"b\\n\""),
            R"(source_ip: "a\"b\x0a" is not an IP address or CIDR)");
}

TEST(FilterErrorsTest, HubbleFieldsFlowsDoesNotHonourAreRejected) {
  // source_identity (19), as a packed repeated uint32 holding 5: unknown to our proto.
  flow::FlowFilter f;
  ASSERT_TRUE(f.ParseFromString(std::string("\x9a\x01\x01\x05", 4)));
  FlowFilterSet::Filters filters;
  *filters.Add() = f;
  auto set = FlowFilterSet::Compile(filters, {});
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message, "source_identity: FlowFilter field 19 is not supported by flows");
}

TEST(FilterErrorsTest, ErrorsSayWhichFilterOfSeveral) {
  auto set = FlowFilterSet::Compile(Filters({R"(verdict: DROPPED)", R"(source_ip: "x")"}), {});
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message, R"(whitelist[1]: source_ip: "x" is not an IP address or CIDR)");

  auto black = FlowFilterSet::Compile({}, Filters({R"(protocol: "tcpp")"}));
  ASSERT_FALSE(black.ok());
  EXPECT_EQ(black.error().message, R"(protocol: unknown protocol "tcpp")");
}

}  // namespace
}  // namespace flows::api
