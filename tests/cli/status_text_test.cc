// `flows status`, `flows list nodes`, `flows list namespaces` text from fixed
// server answers, including flowd's loss counters (ServerStatus field
// 200000).
#include "flows/cli/status_text.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

namespace flows::cli {
namespace {

// LostEventCount{source=1, count=2, node_name=3} as wire bytes.
std::string LossBytes(const std::string& source, std::uint64_t count, const std::string& node = "") {
  std::string b;
  b += static_cast<char>(0x0a);
  b += static_cast<char>(source.size());
  b += source;
  b += static_cast<char>(0x10);
  while (count >= 0x80) {
    b += static_cast<char>((count & 0x7f) | 0x80);
    count >>= 7;
  }
  b += static_cast<char>(count);
  if (!node.empty()) {
    b += static_cast<char>(0x1a);
    b += static_cast<char>(node.size());
    b += node;
  }
  return b;
}

// ServerStatusResponse{num_flows, max_flows, seen_flows, ...} plus field
// 200000 entries, built on the wire so the test pins the field number (what
// a server of another version sends) rather than our generated accessors.
observer::ServerStatusResponse StatusWithLosses() {
  observer::ServerStatusResponse st;
  st.set_num_flows(65535);
  st.set_max_flows(65535);
  st.set_seen_flows(1234567);
  st.set_uptime_ns(3723'000'000'000ull);
  st.set_version("0.1.0");
  st.set_flows_rate(331.5);
  std::string wire = st.SerializeAsString();
  for (const auto& entry : {LossBytes("ring_reservation", 0), LossBytes("client", 300, "node-1")}) {
    wire += "\x82\xd4\x61";  // tag: field 200000, length-delimited
    wire += static_cast<char>(entry.size());
    wire += entry;
  }
  observer::ServerStatusResponse parsed;
  EXPECT_TRUE(parsed.ParseFromString(wire));
  return parsed;
}

TEST(StatusText, FlowsdStatusWithLossCounters) {
  const std::string text = FormatStatus(StatusWithLosses(), "unix:///run/flows/observer.sock");
  EXPECT_EQ(text,
            "Healthcheck (via unix:///run/flows/observer.sock): Ok\n"
            "Version:           0.1.0\n"
            "Uptime:            1h2m3s\n"
            "Current/Max Flows: 65,535/65,535 (100.00% of the ring)\n"
            "Flows seen:        1,234,567 (1,169,032 aged out of the ring)\n"
            "Flows/s:           331.50\n"
            "Lost events:       300 in total\n"
            "  ring_reservation:   0\n"
            "  client:             300   (node-1)\n");
}

TEST(StatusText, EveryLossSourceOfFlowdIsALine) {
  // What a flowd that lost a bit of everything answers: each source on its
  // own line, the total above them.
  observer::ServerStatusResponse st;
  st.set_max_flows(10);
  const std::vector<std::pair<std::string, std::uint64_t>> sources = {
      {"client", 1},         {"decode", 2},          {"flow_table", 3}, {"flow_table_evicted", 4},
      {"ipv6_ext_limit", 5}, {"l7_pairing_full", 6}, {"l7_parse", 7},   {"l7_scratch", 8},
      {"l7_truncated", 9},   {"l7_unanswered", 10},  {"malformed", 11}, {"ring_reservation", 12}};
  for (const auto& [source, n] : sources) {
    auto* c = st.add_flows_lost_events();
    c->set_source(source);
    c->set_count(n);
  }
  const std::string text = FormatStatus(st, "unix:///run/flows/observer.sock");
  EXPECT_NE(text.find("Lost events:       78 in total\n"), std::string::npos) << text;
  for (const auto& [source, n] : sources) {
    const std::string line = "  " + source + ":";
    const auto at = text.find(line);
    ASSERT_NE(at, std::string::npos) << source << "\n" << text;
    const auto eol = text.find('\n', at);
    const std::string rest = text.substr(at + line.size(), eol - at - line.size());
    EXPECT_EQ(rest.substr(rest.find_first_not_of(' ')), std::to_string(n)) << source << "\n" << text;
  }
}

TEST(StatusText, RelayNodesAndNoLossCounters) {
  observer::ServerStatusResponse st;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "num_flows: 10 max_flows: 40 seen_flows: 10 uptime_ns: 5000000000 flows_rate: 2"
      " num_connected_nodes { value: 2 } num_unavailable_nodes { value: 1 } unavailable_nodes: 'node-3'",
      &st));
  EXPECT_EQ(FormatStatus(st, "relay:4245"),
            "Healthcheck (via relay:4245): Ok\n"
            "Uptime:            5s\n"
            "Current/Max Flows: 10/40 (25.00% of the ring)\n"
            "Flows seen:        10 (0 aged out of the ring)\n"
            "Flows/s:           2.00\n"
            "Connected Nodes:   2/3\n"
            "Unavailable Nodes: 1\n"
            "  - node-3\n"
            "Lost events:       not reported by this server (its ServerStatus has no loss counters)\n");
}

TEST(StatusText, MalformedLossEntriesAreSkipped) {
  observer::ServerStatusResponse st;
  const std::string wire = "\x82\xd4\x61\x03\x0a\x09x";  // source claims 9 bytes, has 1
  // Generated code that declares field 200000 refuses the whole message;
  // without the declaration the entry is kept as unknown bytes, which
  // LossCounters must skip rather than trust.
  if (st.ParseFromString(wire)) {
    EXPECT_TRUE(LossCounters(st).empty());
  }
}

TEST(StatusText, NodesTable) {
  observer::GetNodesResponse res;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "nodes { name: 'node-1' version: '0.1.0' address: '10.0.0.1:4244' state: NODE_CONNECTED"
      " uptime_ns: 7384000000000 num_flows: 4096 max_flows: 65535 seen_flows: 738400 tls { enabled: true } }"
      " nodes { name: 'node-2' state: NODE_UNAVAILABLE }",
      &res));
  EXPECT_EQ(
      FormatNodes(res),
      "NAME     STATUS        AGE      FLOWS/S   CURRENT/MAX-FLOWS      VERSION   ADDRESS         TLS\n"
      "node-1   Connected     2h3m4s   100.00    4,096/65,535 (6.25%)   0.1.0     10.0.0.1:4244   yes\n"
      "node-2   Unavailable   N/A      N/A       0/0 (0.00%)            N/A       N/A             no\n");
}

TEST(StatusText, Namespaces) {
  observer::GetNamespacesResponse res;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      "namespaces { namespace: 'demo-app' } namespaces { namespace: 'kube-system' }", &res));
  EXPECT_EQ(FormatNamespaces(res), "NAMESPACE\ndemo-app\nkube-system\n");
  res.mutable_namespaces(0)->set_cluster("east");
  EXPECT_EQ(FormatNamespaces(res), "CLUSTER   NAMESPACE\neast      demo-app\nN/A       kube-system\n");
}

TEST(StatusText, Numbers) {
  EXPECT_EQ(Grouped(0), "0");
  EXPECT_EQ(Grouped(999), "999");
  EXPECT_EQ(Grouped(1000), "1,000");
  EXPECT_EQ(Grouped(18446744073709551615ull), "18,446,744,073,709,551,615");
  EXPECT_EQ(FormatUptime(0), "0s");
  EXPECT_EQ(FormatUptime(90'061'000'000'000ull), "1d1h1m1s");
}

}  // namespace
}  // namespace flows::cli
