// docs/metrics.md is true of flowd's metrics: the registry flowd builds
// (FlowMetrics, its loss counters, GraphMetrics), fed a flow of every kind
// so that every family has a series, served by the real exporter and
// scraped over HTTP, exposes exactly the families the doc's flowd tables
// list, with their types, under both prefixes; and promtool accepts it.
#include "metrics_doc.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "flows/api/http/metrics_server.h"
#include "flows/flowd/metrics/flow_metrics.h"
#include "flows/flowd/metrics/graph_metrics.h"
#include "http_get.h"

namespace flows::flowd {
namespace {

using testing_support::DocumentedFamilies;
using testing_support::ExposedFamilies;
using testing_support::HttpGet;
using testing_support::Missing;

flow::Flow Base(flow::FlowType type) {
  flow::Flow f;
  f.set_type(type);
  f.set_verdict(flow::FORWARDED);
  f.set_traffic_direction(flow::EGRESS);
  f.mutable_ip()->set_source("10.0.0.1");
  f.mutable_ip()->set_destination("10.0.0.2");
  f.mutable_ip()->set_ipversion(flow::IPv4);
  f.mutable_source()->set_namespace_("demo");
  f.mutable_source()->set_pod_name("client");
  f.mutable_event_type()->set_type(type == flow::L7 ? 129 : 4);
  return f;
}

// One flow event of every kind flowd's metrics count.
void FeedEveryKind(FlowMetrics& m) {
  flow::Flow syn = Base(flow::L3_L4);
  syn.mutable_l4()->mutable_tcp()->set_destination_port(80);
  syn.mutable_l4()->mutable_tcp()->mutable_flags()->set_syn(true);
  syn.mutable_is_reply()->set_value(false);
  syn.mutable_flow_stats()->add_reasons("new_flow");
  m.Observe(syn, {.packets = 1, .bytes = 74, .counted = true});

  flow::Flow ping = Base(flow::L3_L4);
  ping.mutable_l4()->mutable_icmpv4()->set_type(8);
  ping.mutable_flow_stats()->add_reasons("new_flow");
  m.Observe(ping);

  for (bool response : {false, true}) {
    flow::Flow http = Base(flow::L7);
    http.mutable_l7()->set_type(response ? flow::RESPONSE : flow::REQUEST);
    http.mutable_l7()->mutable_http()->set_method("GET");
    http.mutable_l7()->mutable_http()->set_protocol("HTTP/1.1");
    if (response) {
      http.mutable_l7()->mutable_http()->set_code(200);
      http.mutable_l7()->set_latency_ns(1'000'000);
    }
    m.Observe(http);

    flow::Flow dns = Base(flow::L7);
    dns.mutable_l7()->set_type(response ? flow::RESPONSE : flow::REQUEST);
    dns.mutable_l7()->mutable_dns()->set_query("example.com.");
    dns.mutable_l7()->mutable_dns()->add_qtypes("A");
    m.Observe(dns);
  }
  m.AddLost("ring_reservation", 0);
}

// What flowd's /metrics serves with `prefix`, the body only.
std::string Scrape(const std::string& prefix) {
  auto registry = std::make_shared<prometheus::Registry>();
  MetricsOptions options;
  options.prefix = prefix;
  FlowMetrics metrics(*registry, options);
  GraphMetrics graph(*registry, prefix);
  FeedEveryKind(metrics);
  graph.Update({.edges = 3, .evicted_buckets = 1, .evicted_edges = 1});
  auto server = api::MetricsServer::Start("127.0.0.1:0", registry, [] { return true; });
  EXPECT_TRUE(server.ok());
  if (!server.ok()) return "";
  const std::string response = HttpGet((*server)->port(), "/metrics");
  const auto body = response.find("\r\n\r\n");
  EXPECT_NE(body, std::string::npos) << response;
  return body == std::string::npos ? "" : response.substr(body + 4);
}

TEST(MetricsDoc, FlowdExportsExactlyTheDocumentedFamilies) {
  const auto documented = DocumentedFamilies("flowd");
  ASSERT_FALSE(documented.empty()) << "no flowd tables read from docs/metrics.md";
  const auto exposed = ExposedFamilies(Scrape("flows"));
  EXPECT_EQ(exposed, documented) << "exported, not documented:\n"
                                 << Missing(exposed, documented) << "documented, not exported:\n"
                                 << Missing(documented, exposed);
}

TEST(MetricsDoc, HubblePrefixGivesTheDocumentedHubbleNames) {
  const auto documented = DocumentedFamilies("flowd", /*hubble_names=*/true);
  ASSERT_FALSE(documented.empty());
  const auto exposed = ExposedFamilies(Scrape("hubble"));
  EXPECT_EQ(exposed, documented) << "exported, not documented:\n"
                                 << Missing(exposed, documented) << "documented, not exported:\n"
                                 << Missing(documented, exposed);
  // Hubble's own names, as Hubble's handlers register them.
  for (const char* name : {"hubble_flows_processed_total counter", "hubble_dns_queries_total counter",
                           "hubble_dns_responses_total counter", "hubble_http_requests_total counter",
                           "hubble_http_responses_total counter",
                           "hubble_http_request_duration_seconds histogram", "hubble_tcp_flags_total counter",
                           "hubble_port_distribution_total counter", "hubble_icmp_total counter"})
    EXPECT_EQ(exposed.count(name), 1u) << name;
}

TEST(MetricsDoc, NoNameRepeatsAWord) {
  for (const auto& family : ExposedFamilies(Scrape("flows"))) {
    EXPECT_EQ(family.find("flows_flows"), std::string::npos) << family;
  }
}

TEST(MetricsDoc, PromtoolAcceptsTheExposition) {
  for (const char* prefix : {"flows", "hubble"}) {
    const std::string path = ::testing::TempDir() + "/flowd_metrics_" + prefix + ".prom";
    std::ofstream(path) << Scrape(prefix);
    const int rc = std::system(("promtool check metrics < " + path + " 2>&1").c_str());
    EXPECT_EQ(rc, 0) << "promtool check metrics rejected the " << prefix << " exposition";
  }
}

}  // namespace
}  // namespace flows::flowd
