// Hubble's metrics from flows: names, labels, context labels, the series
// budget, and an exposition that promtool accepts, served over HTTP.
#include "flows/flowd/metrics/flow_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <cstdio>
#include <fstream>

#include "flows/api/http/metrics_server.h"
#include "flows/flowd/metrics/metric_name.h"
#include "http_get.h"

namespace flows::flowd {
namespace {

using api::MetricsServer;

flow::Flow HttpFlow(bool response, std::uint32_t code, const char* ns, const char* pod) {
  flow::Flow f;
  f.set_type(flow::L7);
  f.set_verdict(flow::FORWARDED);
  f.set_traffic_direction(flow::EGRESS);
  f.mutable_ip()->set_source("10.0.0.1");
  f.mutable_ip()->set_destination("10.0.0.2");
  f.mutable_ip()->set_ipversion(flow::IPv4);
  f.mutable_source()->set_namespace_(ns);
  f.mutable_source()->set_pod_name(pod);
  f.mutable_event_type()->set_type(129);
  auto* l7 = f.mutable_l7();
  l7->set_type(response ? flow::RESPONSE : flow::REQUEST);
  l7->mutable_http()->set_method(response ? "" : "GET");
  l7->mutable_http()->set_protocol("HTTP/1.1");
  if (response) {
    l7->mutable_http()->set_code(code);
    l7->set_latency_ns(4'000'000);
  }
  return f;
}

flow::Flow TcpSyn() {
  flow::Flow f;
  f.set_type(flow::L3_L4);
  f.set_verdict(flow::FORWARDED);
  f.mutable_ip()->set_ipversion(flow::IPv4);
  f.mutable_event_type()->set_type(4);
  f.mutable_event_type()->set_sub_type(5);
  f.mutable_l4()->mutable_tcp()->set_destination_port(3550);
  f.mutable_l4()->mutable_tcp()->mutable_flags()->set_syn(true);
  f.mutable_is_reply()->set_value(false);
  f.mutable_flow_stats()->add_reasons("new_flow");
  f.mutable_flow_stats()->add_reasons("tcp_syn");
  return f;
}

std::string Scrape(prometheus::Registry& r) {
  return prometheus::TextSerializer().Serialize(r.Collect());
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(FlowMetrics, HubbleNamesAndLabels) {
  prometheus::Registry registry;
  FlowMetrics m(registry, {});
  m.Observe(TcpSyn());
  m.Observe(HttpFlow(false, 0, "demo-app", "frontend"));
  m.Observe(HttpFlow(true, 500, "demo-app", "frontend"));
  m.AddLost("ring_reservation", 3);
  const auto text = Scrape(registry);
  EXPECT_TRUE(
      Has(text, "flows_processed_total{subtype=\"from-endpoint\",type=\"L3_L4\",verdict=\"FORWARDED\"} 1"))
      << text;
  EXPECT_TRUE(Has(text, "flows_processed_total{subtype=\"HTTP\",type=\"L7\",verdict=\"FORWARDED\"} 2"))
      << text;
  EXPECT_TRUE(
      Has(text, "flows_http_requests_total{method=\"GET\",protocol=\"HTTP/1.1\",reporter=\"client\"} 1"))
      << text;
  EXPECT_TRUE(Has(
      text,
      "flows_http_responses_total{method=\"\",protocol=\"HTTP/1.1\",reporter=\"client\",status=\"500\"} 1"))
      << text;
  EXPECT_TRUE(
      Has(text, "flows_http_request_duration_seconds_bucket{method=\"\",reporter=\"client\",le=\"0.005\"} 1"))
      << text;
  EXPECT_TRUE(Has(text, "flows_tcp_flags_total{family=\"IPv4\",flag=\"SYN\"} 1")) << text;
  EXPECT_TRUE(Has(text, "flows_port_distribution_total{port=\"3550\",protocol=\"TCP\"} 1")) << text;
  EXPECT_TRUE(Has(text, "flows_lost_events_total{source=\"ring_reservation\"} 3")) << text;
}

TEST(FlowMetrics, NamesDoNotRepeatThePrefix) {
  EXPECT_EQ(MetricName("flows", "flows_processed_total"), "flows_processed_total");
  EXPECT_EQ(MetricName("hubble", "flows_processed_total"), "hubble_flows_processed_total");
  EXPECT_EQ(MetricName("flows", "dns_queries_total"), "flows_dns_queries_total");
  EXPECT_EQ(MetricName("hubble", "dns_queries_total"), "hubble_dns_queries_total");
  EXPECT_EQ(MetricName("flows", "flowset_total"), "flows_flowset_total");  // a word, not a prefix of one
}

TEST(FlowMetrics, HubblePrefixAndContextLabels) {
  prometheus::Registry registry;
  MetricsOptions opts;
  opts.prefix = "hubble";
  ASSERT_TRUE(ParseMetricContexts("http:source=pod;*:source=namespace", &opts).ok());
  FlowMetrics m(registry, opts);
  m.Observe(HttpFlow(false, 0, "demo-app", "frontend"));
  m.Observe(TcpSyn());
  const auto text = Scrape(registry);
  EXPECT_TRUE(Has(text,
                  "hubble_http_requests_total{method=\"GET\",protocol=\"HTTP/"
                  "1.1\",reporter=\"client\",source=\"demo-app/frontend\"} 1"))
      << text;
  EXPECT_TRUE(Has(text, "hubble_tcp_flags_total{family=\"IPv4\",flag=\"SYN\",source=\"\"} 1")) << text;
}

TEST(FlowMetrics, BadContextSpecsAreErrors) {
  MetricsOptions opts;
  auto st = ParseMetricContexts("http:source=podd", &opts);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("podd"), std::string::npos);
  EXPECT_FALSE(ParseMetricContexts("http", &opts).ok());
  EXPECT_FALSE(ParseMetricContexts("http:origin=pod", &opts).ok());
  // A misspelt metric would set nobody's labels: refused, naming it.
  st = ParseMetricContexts("trafic:source=pod", &opts);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("\"trafic\""), std::string::npos) << st.error().message;
  for (const char* ok :
       {"flows_processed:source=pod", "dns:source=pod", "http:source=pod", "tcp:source=pod",
        "port-distribution:source=pod", "icmp:source=pod", "traffic:source=pod", "*:source=namespace"})
    EXPECT_TRUE(ParseMetricContexts(ok, &opts).ok()) << ok;
}

TEST(FlowMetrics, SeriesBudgetSendsTheRestToOther) {
  prometheus::Registry registry;
  MetricsOptions opts;
  opts.series_budget = 3;
  ASSERT_TRUE(ParseMetricContexts("http:source=pod", &opts).ok());
  FlowMetrics m(registry, opts);
  for (int i = 0; i < 10; ++i) m.Observe(HttpFlow(false, 0, "ns", ("pod-" + std::to_string(i)).c_str()));
  const auto text = Scrape(registry);
  EXPECT_TRUE(Has(text, "source=\"ns/pod-2\"} 1"));
  EXPECT_FALSE(Has(text, "source=\"ns/pod-3\""));
  EXPECT_TRUE(Has(
      text,
      "flows_http_requests_total{method=\"other\",protocol=\"other\",reporter=\"other\",source=\"other\"} 7"))
      << text;
  EXPECT_TRUE(Has(text, "flows_metrics_series_overflow_total{metric=\"http_requests_total\"} 7")) << text;
}

TEST(FlowMetrics, ExpositionPassesPromtool) {
  prometheus::Registry registry;
  FlowMetrics m(registry, {});
  m.Observe(TcpSyn());
  m.Observe(HttpFlow(true, 200, "a", "b"));
  const std::string path = testing::TempDir() + "/flows_metrics.prom";
  std::ofstream(path) << Scrape(registry);
  // promtool comes with Debian's prometheus package (installed by make test).
  const int rc = std::system(("promtool check metrics < " + path + " 2>&1").c_str());
  EXPECT_EQ(rc, 0) << "promtool check metrics failed (is the prometheus package installed?)";
}

using testing_support::HttpGet;

TEST(MetricsServer, ServesMetricsHealthAndReadiness) {
  auto registry = std::make_shared<prometheus::Registry>();
  FlowMetrics m(*registry, {});
  m.Observe(TcpSyn());
  std::atomic<bool> ready{false};
  auto server = MetricsServer::Start("127.0.0.1:0", registry, [&] { return ready.load(); });
  ASSERT_TRUE(server.ok()) << server.error().message;
  const auto port = (*server)->port();
  EXPECT_TRUE(Has(HttpGet(port, "/metrics"), "flows_tcp_flags_total{family=\"IPv4\",flag=\"SYN\"} 1"));
  EXPECT_TRUE(Has(HttpGet(port, "/healthz"), "200 OK"));
  EXPECT_TRUE(Has(HttpGet(port, "/readyz"), "503"));
  ready = true;
  EXPECT_TRUE(Has(HttpGet(port, "/readyz"), "200 OK"));
  EXPECT_TRUE(Has(HttpGet(port, "/nope"), "404"));
}

TEST(MetricsServer, BadAddressesAreErrors) {
  auto registry = std::make_shared<prometheus::Registry>();
  EXPECT_FALSE(MetricsServer::Start("nonsense", registry, {}).ok());
  EXPECT_FALSE(MetricsServer::Start("127.0.0.1:99999", registry, {}).ok());
  EXPECT_FALSE(MetricsServer::Start("300.0.0.1:80", registry, {}).ok());
}

}  // namespace
}  // namespace flows::flowd
