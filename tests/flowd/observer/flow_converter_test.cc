// A datapath flow becomes the flow.Flow a Hubble user expects: pods,
// services, DNS names, direction relative to the pod, L7 with latency.
#include "flows/flowd/observer/flow_converter.h"

#include <arpa/inet.h>
#include <google/protobuf/arena.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <map>
#include <set>

#include "flow_record.h"
#include "node_fakes.h"

namespace flows::flowd {
namespace {

using namespace std::chrono_literals;

using testing_fakes::MapResolver;
using testing_fakes::V4;
using FakeInterfaces = testing_fakes::Interfaces;

datapath::Flow TcpFlow(std::uint32_t ifindex, datapath::Direction dir) {
  datapath::Flow f;
  f.time = std::chrono::system_clock::time_point(1'700'000'000s + 5ms);
  f.first_seen = f.time - 1s;
  f.last_seen = f.time;
  f.ifindex = ifindex;
  f.direction = dir;
  f.src = V4("10.244.1.10");
  f.dst = V4("10.244.1.20");
  f.l4_proto = IPPROTO_TCP;
  f.src_port = 46866;
  f.dst_port = 3550;
  f.tcp_flags = FLOWS_TCP_SYN;
  f.reasons = FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN;
  f.packets = 1;
  f.bytes = 74;
  f.src_mac = {2, 0, 0, 0, 0, 1};
  f.dst_mac = {2, 0, 0, 0, 0, 2};
  return f;
}

class ConverterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    flow::Endpoint frontend;
    frontend.set_namespace_("demo-app");
    frontend.set_pod_name("frontend-7d4b9c-x2x1z");
    frontend.add_labels("k8s:app=frontend");
    auto* w = frontend.add_workloads();
    w->set_name("frontend");
    w->set_kind("Deployment");
    resolver_.endpoints["10.244.1.10"] = frontend;
    flow::Endpoint catalog;
    catalog.set_namespace_("demo-app");
    catalog.set_pod_name("productcatalog-0");
    resolver_.endpoints["10.244.1.20"] = catalog;
    flow::Service svc;
    svc.set_name("productcatalog");
    svc.set_namespace_("demo-app");
    resolver_.services["10.244.1.20"] = svc;
  }
  flow::Flow Convert(const datapath::Flow& f) {
    flow::Flow out;
    converter_.Convert(f, &out);
    return out;
  }

  MapResolver resolver_;
  FakeInterfaces interfaces_;
  DnsCache dns_;
  FlowConverter converter_{"node-1", resolver_, interfaces_, dns_};
};

TEST_F(ConverterTest, TcpSynFromAPod) {
  const auto out = Convert(TcpFlow(7, datapath::Direction::kIngress));
  EXPECT_EQ(out.time().seconds(), 1'700'000'000);
  EXPECT_EQ(out.time().nanos(), 5'000'000);
  EXPECT_EQ(out.verdict(), flow::FORWARDED);
  EXPECT_EQ(out.type(), flow::L3_L4);
  EXPECT_EQ(out.node_name(), "node-1");
  EXPECT_EQ(out.ip().source(), "10.244.1.10");
  EXPECT_EQ(out.ip().destination(), "10.244.1.20");
  EXPECT_EQ(out.ip().ipversion(), flow::IPv4);
  EXPECT_EQ(out.ethernet().source(), "02:00:00:00:00:01");
  EXPECT_EQ(out.l4().tcp().source_port(), 46866u);
  EXPECT_EQ(out.l4().tcp().destination_port(), 3550u);
  EXPECT_TRUE(out.l4().tcp().flags().syn());
  EXPECT_FALSE(out.l4().tcp().flags().ack());
  EXPECT_EQ(out.source().namespace_(), "demo-app");
  EXPECT_EQ(out.source().pod_name(), "frontend-7d4b9c-x2x1z");
  ASSERT_EQ(out.source().workloads_size(), 1);
  EXPECT_EQ(out.source().workloads(0).kind(), "Deployment");
  EXPECT_EQ(out.destination().pod_name(), "productcatalog-0");
  EXPECT_EQ(out.destination_service().name(), "productcatalog");
  EXPECT_FALSE(out.has_source_service());
  // Host side of the pod's veth, ingress: the packet left the pod.
  EXPECT_EQ(out.traffic_direction(), flow::EGRESS);
  EXPECT_EQ(out.event_type().type(), kEventTypeTrace);
  EXPECT_EQ(out.event_type().sub_type(), kTraceFromEndpoint);
  EXPECT_EQ(out.interface().name(), "veth7");
  ASSERT_TRUE(out.has_is_reply());
  EXPECT_FALSE(out.is_reply().value());
  EXPECT_EQ(out.flow_stats().packets(), 1u);
  EXPECT_EQ(out.flow_stats().bytes(), 74u);
  EXPECT_EQ(std::vector<std::string>(out.flow_stats().reasons().begin(), out.flow_stats().reasons().end()),
            (std::vector<std::string>{"new_flow", "tcp_syn"}));
}

TEST_F(ConverterTest, DirectionIsRelativeToThePodOrTheNetwork) {
  EXPECT_EQ(Convert(TcpFlow(7, datapath::Direction::kEgress)).traffic_direction(), flow::INGRESS);
  EXPECT_EQ(Convert(TcpFlow(7, datapath::Direction::kEgress)).event_type().sub_type(), kTraceToEndpoint);
  EXPECT_EQ(Convert(TcpFlow(2, datapath::Direction::kIngress)).traffic_direction(), flow::INGRESS);
  EXPECT_EQ(Convert(TcpFlow(2, datapath::Direction::kIngress)).event_type().sub_type(), kTraceFromNetwork);
  EXPECT_EQ(Convert(TcpFlow(2, datapath::Direction::kEgress)).event_type().sub_type(), kTraceToNetwork);
}

TEST_F(ConverterTest, HttpRequestAndResponseWithLatency) {
  auto req = TcpFlow(7, datapath::Direction::kIngress);
  req.reasons = FLOWS_REASON_L7;
  req.http = datapath::HttpMessage{false, "GET", "/products", "productcatalog:3550", "HTTP/1.1", 0};
  const auto r = Convert(req);
  EXPECT_EQ(r.type(), flow::L7);
  EXPECT_EQ(r.event_type().type(), kEventTypeL7);
  EXPECT_EQ(r.l7().type(), flow::REQUEST);
  EXPECT_EQ(r.l7().http().method(), "GET");
  EXPECT_EQ(r.l7().http().url(), "http://productcatalog:3550/products");
  EXPECT_EQ(r.l7().http().protocol(), "HTTP/1.1");
  EXPECT_EQ(r.l7().latency_ns(), 0u);

  auto resp = TcpFlow(7, datapath::Direction::kEgress);
  std::swap(resp.src, resp.dst);
  std::swap(resp.src_port, resp.dst_port);
  resp.time = req.time + 4ms;
  resp.reasons = FLOWS_REASON_L7;
  resp.http = datapath::HttpMessage{true, "", "", "", "HTTP/1.1", 404};
  const auto s = Convert(resp);
  EXPECT_EQ(s.l7().type(), flow::RESPONSE);
  EXPECT_EQ(s.l7().http().code(), 404u);
  EXPECT_EQ(s.l7().latency_ns(), 4'000'000u);
  EXPECT_TRUE(s.is_reply().value());
  EXPECT_EQ(s.l7().http().method(), "GET") << "a response names the request it answers, as in Hubble";
  EXPECT_EQ(s.l7().http().url(), "http://productcatalog:3550/products");
  EXPECT_EQ(r.traffic_direction(), flow::EGRESS) << "the pod's outgoing call";
  EXPECT_EQ(s.traffic_direction(), flow::EGRESS) << "the reply belongs to the same egress connection";
  // Answered once: a second response on the connection has no request.
  const auto again = Convert(resp);
  EXPECT_EQ(again.l7().latency_ns(), 0u);
  EXPECT_EQ(again.l7().http().method(), "");
}

TEST_F(ConverterTest, L7OfALocalPodIsReportedAtItsVethNotAgainAtTheNic) {
  resolver_.local_pods = {"10.244.1.10"};
  auto at_veth = TcpFlow(7, datapath::Direction::kIngress);
  at_veth.http = datapath::HttpMessage{false, "GET", "/", "web", "HTTP/1.1", 0};
  auto at_nic = at_veth;
  at_nic.ifindex = 2;
  at_nic.direction = datapath::Direction::kEgress;  // leaving the node
  EXPECT_EQ(Convert(at_veth).type(), flow::L7);
  const auto nic = Convert(at_nic);
  EXPECT_EQ(nic.type(), flow::L3_L4);
  EXPECT_FALSE(nic.has_l7());
  EXPECT_EQ(nic.event_type().type(), kEventTypeTrace);
  EXPECT_EQ(nic.event_type().sub_type(), kTraceToNetwork);
  // Not a local pod (host traffic): the NIC is the only place it is seen.
  resolver_.local_pods.clear();
  EXPECT_EQ(Convert(at_nic).type(), flow::L7);
}

TEST_F(ConverterTest, OnAnArenaEndpointsAreSharedAndKeptAlive) {
  google::protobuf::Arena arena;
  KeepAlive keep;
  auto* out = google::protobuf::Arena::CreateMessage<flow::Flow>(&arena);
  converter_.Convert(TcpFlow(7, datapath::Direction::kIngress), out, &keep);
  EXPECT_EQ(out->source().pod_name(), "frontend-7d4b9c-x2x1z");
  EXPECT_EQ(out->destination().pod_name(), "productcatalog-0");
  ASSERT_GE(keep.size(), 2u) << "both endpoints (and the service) kept alive by the caller";
  EXPECT_EQ(static_cast<const void*>(&out->source()), keep[0].get()) << "pointed to, not copied";
  // Serialising reads through the shared submessages.
  flow::Flow copy;
  ASSERT_TRUE(copy.ParseFromString(out->SerializeAsString()));
  EXPECT_EQ(copy.source().labels(0), "k8s:app=frontend");
}

TEST_F(ConverterTest, DnsResponseFillsTheRecordAndNamesLaterFlows) {
  auto q = TcpFlow(7, datapath::Direction::kIngress);
  q.l4_proto = IPPROTO_UDP;
  q.dst = V4("10.244.1.53");
  q.dst_port = 53;
  q.dns = datapath::DnsMessage{0x1234, false, 0x0100, 0, 0, "productcatalog.demo-app.svc.cluster.local.",
                               1,      {},    false};
  EXPECT_EQ(Convert(q).l7().type(), flow::REQUEST);

  auto a = q;
  std::swap(a.src, a.dst);
  std::swap(a.src_port, a.dst_port);
  a.time += 1ms;
  a.dns->response = true;
  a.dns->answers = {{"productcatalog.demo-app.svc.cluster.local.", 1, 30, "10.244.1.20"}};
  const auto r = Convert(a);
  EXPECT_EQ(r.l7().dns().query(), "productcatalog.demo-app.svc.cluster.local.");
  ASSERT_EQ(r.l7().dns().ips_size(), 1);
  EXPECT_EQ(r.l7().dns().ips(0), "10.244.1.20");
  EXPECT_EQ(r.l7().dns().ttl(), 30u);
  EXPECT_EQ(r.l7().dns().rcode(), 0u);
  EXPECT_EQ(r.l7().dns().qtypes(0), "A");
  EXPECT_EQ(r.l7().dns().rrtypes(0), "A");
  EXPECT_EQ(r.l7().latency_ns(), 1'000'000u);

  const auto next = Convert(TcpFlow(7, datapath::Direction::kIngress));
  ASSERT_EQ(next.destination_names_size(), 1);
  EXPECT_EQ(next.destination_names(0), "productcatalog.demo-app.svc.cluster.local");
  EXPECT_EQ(next.source_names_size(), 0);
}

std::vector<std::string> Names(const DnsCache& cache, const std::string& ip,
                               DnsCache::Clock::time_point now) {
  google::protobuf::RepeatedPtrField<std::string> names;
  cache.AppendNames(ip, now, &names);
  return {names.begin(), names.end()};
}

TEST(DnsCache, ForgetsExpiredNamesAndStaysBounded) {
  DnsCache cache({.max_ips = 2, .min_ttl = 1s, .max_ttl = 10s});
  const auto t0 = DnsCache::Clock::now();
  datapath::DnsMessage m{1, true, 0x8180, 0, 0, "a.example.", 1, {{"a.example.", 1, 5, "192.0.2.1"}}, false};
  cache.Learn(m, t0);
  EXPECT_EQ(Names(cache, "192.0.2.1", t0 + 4s), std::vector<std::string>{"a.example"});
  EXPECT_TRUE(Names(cache, "192.0.2.1", t0 + 6s).empty());
  m.rcode = 3;  // NXDOMAIN teaches nothing
  m.answers[0].data = "192.0.2.9";
  cache.Learn(m, t0);
  EXPECT_TRUE(Names(cache, "192.0.2.9", t0).empty());
  m.rcode = 0;
  for (const char* ip : {"192.0.2.2", "192.0.2.3", "192.0.2.4"}) {
    m.answers[0].data = ip;
    cache.Learn(m, t0);
  }
  EXPECT_EQ(cache.size(), 2u);
}

TEST(L7Pairing, PipelinedRequestsAnswerInOrderAndStayBounded) {
  L7Pairing pairing({.max_connections = 3, .max_per_connection = 2});
  auto req = TcpFlow(7, datapath::Direction::kIngress);
  req.http = datapath::HttpMessage{false, "GET", "/", "", "HTTP/1.1", 0};
  auto resp = req;
  std::swap(resp.src, resp.dst);
  std::swap(resp.src_port, resp.dst_port);
  resp.http = datapath::HttpMessage{true, "", "", "", "HTTP/1.1", 200};
  const auto t = req.time;
  for (int i = 0; i < 3; ++i) {  // three pipelined requests, one too many per connection
    req.time = t + std::chrono::milliseconds(i);
    EXPECT_FALSE(pairing.Observe(req).has_value());
  }
  EXPECT_EQ(pairing.forgotten(), 1u);
  resp.time = t + 10ms;
  const auto first = pairing.Observe(resp);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->latency, std::chrono::nanoseconds(9ms)) << "oldest remembered request first";
  EXPECT_EQ(pairing.Observe(resp)->latency, std::chrono::nanoseconds(8ms));
  EXPECT_FALSE(pairing.Observe(resp).has_value());
}

TEST(L7Pairing, AResponseLearnsItsRequestsMethodAndUrl) {
  L7Pairing pairing;
  auto req = TcpFlow(7, datapath::Direction::kIngress);
  req.http = datapath::HttpMessage{false, "POST", "/cart", "", "HTTP/1.1", 0};
  auto resp = req;
  std::swap(resp.src, resp.dst);
  std::swap(resp.src_port, resp.dst_port);
  resp.http = datapath::HttpMessage{true, "", "", "", "HTTP/1.1", 500};
  pairing.Observe(req, "POST", "http://cart/cart");
  pairing.Observe(req, "GET", "http://cart/items");
  const auto a = pairing.Observe(resp);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->method, "POST");
  EXPECT_EQ(a->url, "http://cart/cart");
  EXPECT_EQ(pairing.Observe(resp)->url, "http://cart/items");
}

TEST_F(ConverterTest, AnEvictedFlowEndSaysSo) {
  // The sweeper's end of an entry the kernel's LRU evicted: users see its
  // totals are those last seen, not final.
  auto f = TcpFlow(7, datapath::Direction::kIngress);
  f.reasons = FLOWS_REASON_FLOW_END | FLOWS_REASON_EVICTED;
  const auto out = Convert(f);
  EXPECT_EQ(std::vector<std::string>(out.flow_stats().reasons().begin(), out.flow_stats().reasons().end()),
            (std::vector<std::string>{"flow_end", "evicted"}));
}

TEST(L7Pairing, RequestsUnansweredPastTheTimeoutAreCountedOnce) {
  L7Pairing pairing({.request_timeout = 30s});
  auto req = TcpFlow(7, datapath::Direction::kIngress);
  req.http = datapath::HttpMessage{false, "GET", "/", "", "HTTP/1.1", 0};
  auto resp = req;
  std::swap(resp.src, resp.dst);
  std::swap(resp.src_port, resp.dst_port);
  resp.http = datapath::HttpMessage{true, "", "", "", "HTTP/1.1", 200};
  const auto t = req.time;
  pairing.Observe(req);  // never answered
  req.src_port = 2000;
  req.time = t + 20s;
  pairing.Observe(req);  // answered below, in time
  auto dns = TcpFlow(7, datapath::Direction::kEgress);
  dns.l4_proto = IPPROTO_UDP;
  dns.dst_port = 53;
  dns.dns = datapath::DnsMessage{};
  dns.dns->id = 77;
  dns.time = t + 1s;
  pairing.Observe(dns);  // a DNS query with no response
  EXPECT_EQ(pairing.pending_requests(), 3u);

  pairing.Expire(t + 29s);
  EXPECT_EQ(pairing.unanswered(), 0u) << "not yet";
  pairing.Expire(t + 32s);
  EXPECT_EQ(pairing.unanswered(), 2u) << "the first HTTP request and the DNS query";
  EXPECT_EQ(pairing.pending_requests(), 1u);
  resp.dst_port = 2000;
  resp.time = t + 40s;
  ASSERT_TRUE(pairing.Observe(resp).has_value()) << "a request within its timeout still pairs";
  resp.dst_port = 46866;  // the first request's client port
  EXPECT_FALSE(pairing.Observe(resp).has_value()) << "given up on: its late answer is unpaired";
  pairing.Expire(t + 120s);
  EXPECT_EQ(pairing.unanswered(), 2u) << "each counted once";
  EXPECT_EQ(pairing.forgotten(), 0u);
  EXPECT_EQ(pairing.pending_requests(), 0u);
}

TEST(L7Pairing, ExpiryScansAtMostOncePerSecondOfFlowTime) {
  L7Pairing pairing({.request_timeout = 1s});
  auto req = TcpFlow(7, datapath::Direction::kIngress);
  req.http = datapath::HttpMessage{false, "GET", "/", "", "HTTP/1.1", 0};
  const auto t = req.time;
  pairing.Expire(t);  // scanned: next scan at t + 1s
  pairing.Observe(req);
  pairing.Expire(t + 999ms);
  EXPECT_EQ(pairing.unanswered(), 0u);
  pairing.Expire(t + 1500ms);
  EXPECT_EQ(pairing.unanswered(), 1u);
}

TEST_F(ConverterTest, AnyFlowGivesUpOnStaleRequests) {
  auto req = TcpFlow(7, datapath::Direction::kIngress);
  req.http = datapath::HttpMessage{false, "GET", "/", "", "HTTP/1.1", 0};
  EXPECT_EQ(Convert(req).type(), flow::L7);
  auto later = TcpFlow(7, datapath::Direction::kIngress);  // no L7 at all: e.g. a flow-end
  later.src_port = 50000;
  later.time = req.time + 2min;
  Convert(later);
  EXPECT_EQ(converter_.unanswered_requests(), 1u);
  EXPECT_EQ(converter_.unpaired_requests_forgotten(), 0u);
}

TEST(L7Pairing, ManyUnansweredConnectionsStayBoundedAndCheap) {
  L7Pairing pairing({.max_connections = 100, .max_per_connection = 4});
  auto req = TcpFlow(7, datapath::Direction::kIngress);
  req.http = datapath::HttpMessage{false, "GET", "/", "", "HTTP/1.1", 0};
  // A million requests over 1000 connections, never answered: must finish
  // quickly (this once went quadratic) and forget all but the newest.
  for (int i = 0; i < 1'000'000; ++i) {
    req.src_port = static_cast<std::uint16_t>(1000 + i % 1000);
    pairing.Observe(req);
  }
  EXPECT_EQ(pairing.forgotten(), 1'000'000u - 100)
      << "round-robin: each kept connection holds its newest request";
  auto resp = req;
  std::swap(resp.src, resp.dst);
  std::swap(resp.src_port, resp.dst_port);
  resp.http = datapath::HttpMessage{true, "", "", "", "HTTP/1.1", 200};
  EXPECT_TRUE(pairing.Observe(resp).has_value()) << "the newest connection is remembered";
}

}  // namespace
}  // namespace flows::flowd
