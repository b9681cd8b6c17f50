#include "flows/api/graph/graph_merge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flows/api/graph/latency_buckets.h"

namespace flows::api::graph {
namespace {

using flows::graph::Edge;
using flows::graph::GetGraphResponse;

Edge MakeEdge(const std::string& src, const std::string& dst, std::uint32_t port, const std::string& l7) {
  Edge e;
  e.mutable_source()->set_label(src);
  e.mutable_destination()->set_label(dst);
  e.set_port(port);
  e.set_l4_protocol(l7 == "dns" ? "UDP" : "TCP");
  e.set_l7_protocol(l7);
  return e;
}

void AddHttp(Edge& e, const std::string& method, std::uint32_t cls, std::uint64_t n) {
  auto* h = e.add_http();
  h->set_method(method);
  h->set_status_class(cls);
  h->set_count(n);
}

void AddLatency(Edge& e, std::int64_t ns, std::uint64_t n) {
  auto* c = e.add_latency();
  c->set_index(static_cast<std::uint32_t>(LatencyBucketOf(ns)));
  c->set_count(n);
}

GetGraphResponse Node(const std::string& name, std::int64_t since, std::int64_t until,
                      std::vector<Edge> edges) {
  GetGraphResponse r;
  r.mutable_since()->set_seconds(since);
  r.mutable_until()->set_seconds(until);
  r.add_nodes(name);
  for (auto& e : edges) {
    e.add_nodes(name);
    DeriveFields(e);
    *r.add_edges() = std::move(e);
  }
  return r;
}

TEST(GraphMergeTest, SameEdgeSumsAndRecomputes) {
  Edge a = MakeEdge("demo-app/Deployment/frontend", "demo-app/Deployment/productcatalog", 3550, "http");
  a.set_connections(3);
  a.set_bytes_to_server(100);
  a.set_bytes_to_client(1000);
  AddHttp(a, "GET", 2, 90);
  AddHttp(a, "GET", 5, 10);
  AddLatency(a, 1'000'000, 100);
  a.mutable_first_seen()->set_seconds(50);
  a.mutable_last_seen()->set_seconds(90);
  Edge b = MakeEdge("demo-app/Deployment/frontend", "demo-app/Deployment/productcatalog", 3550, "http");
  b.set_connections(2);
  b.set_bytes_to_server(10);
  AddHttp(b, "GET", 5, 100);
  AddHttp(b, "POST", 2, 5);
  AddLatency(b, 100'000'000, 105);
  b.mutable_first_seen()->set_seconds(40);
  b.mutable_last_seen()->set_seconds(80);

  const std::vector<GetGraphResponse> parts = {Node("node-b", 100, 200, {b}), Node("node-a", 60, 160, {a})};
  const GetGraphResponse out = MergeGraphs(parts);
  ASSERT_EQ(out.edges_size(), 1);
  const Edge& e = out.edges(0);
  EXPECT_EQ(e.connections(), 5u);
  EXPECT_EQ(e.bytes_to_server(), 110u);
  EXPECT_EQ(e.bytes_to_client(), 1000u);
  EXPECT_EQ(e.requests(), 205u);
  EXPECT_EQ(e.errors(), 110u);
  ASSERT_EQ(e.http_size(), 3);
  EXPECT_EQ(e.http(0).method(), "GET");
  EXPECT_EQ(e.http(0).status_class(), 2u);
  EXPECT_EQ(e.http(1).count(), 110u);  // GET 5xx: 10 + 100
  EXPECT_EQ(e.http(2).method(), "POST");
  EXPECT_EQ(e.latency_p50_ns(), static_cast<std::uint64_t>(LatencyBucketValue(LatencyBucketOf(100'000'000))));
  EXPECT_EQ(e.latency_p95_ns(), e.latency_p50_ns());
  EXPECT_EQ(e.first_seen().seconds(), 40);
  EXPECT_EQ(e.last_seen().seconds(), 90);
  EXPECT_EQ(std::vector<std::string>(e.nodes().begin(), e.nodes().end()),
            (std::vector<std::string>{"node-a", "node-b"}));
  EXPECT_EQ(out.since().seconds(), 60);
  EXPECT_EQ(out.until().seconds(), 200);
  EXPECT_EQ(std::vector<std::string>(out.nodes().begin(), out.nodes().end()),
            (std::vector<std::string>{"node-a", "node-b"}));
}

TEST(GraphMergeTest, DifferentPortOrProtocolIsAnotherEdge) {
  Edge a = MakeEdge("x", "y", 80, "http");
  Edge b = MakeEdge("x", "y", 81, "http");
  Edge c = MakeEdge("x", "y", 80, "");
  const std::vector<GetGraphResponse> parts = {Node("n1", 0, 1, {a, b}), Node("n2", 0, 1, {c})};
  EXPECT_EQ(MergeGraphs(parts).edges_size(), 3);
}

TEST(GraphMergeTest, SortedByBytesThenRequestsThenLabels) {
  Edge big = MakeEdge("a", "z", 1, "");
  big.set_bytes_to_server(1000);
  Edge busy = MakeEdge("b", "z", 1, "");
  busy.set_bytes_to_server(10);
  busy.set_connections(50);
  Edge quiet1 = MakeEdge("d", "z", 1, "");
  quiet1.set_bytes_to_server(10);
  quiet1.set_connections(1);
  Edge quiet2 = MakeEdge("c", "z", 1, "");
  quiet2.set_bytes_to_server(10);
  quiet2.set_connections(1);
  const std::vector<GetGraphResponse> parts = {Node("n1", 0, 1, {quiet1, busy}),
                                               Node("n2", 0, 1, {quiet2, big})};
  const GetGraphResponse out = MergeGraphs(parts);
  ASSERT_EQ(out.edges_size(), 4);
  EXPECT_EQ(out.edges(0).source().label(), "a");
  EXPECT_EQ(out.edges(1).source().label(), "b");
  EXPECT_EQ(out.edges(2).source().label(), "c");
  EXPECT_EQ(out.edges(3).source().label(), "d");
}

TEST(GraphMergeTest, MinRequestsAppliesToTheSum) {
  Edge a = MakeEdge("x", "y", 53, "dns");
  auto* d = a.add_dns();
  d->set_rcode(0);
  d->set_count(3);
  Edge b = a;
  b.mutable_dns(0)->set_rcode(2);  // SERVFAIL counts as an error
  const std::vector<GetGraphResponse> parts = {Node("n1", 0, 1, {a}), Node("n2", 0, 1, {b})};
  const GetGraphResponse out = MergeGraphs(parts, MergeOptions{.min_requests = 5});
  ASSERT_EQ(out.edges_size(), 1);
  EXPECT_EQ(out.edges(0).requests(), 6u);
  EXPECT_EQ(out.edges(0).errors(), 3u);
  EXPECT_EQ(MergeGraphs(parts, MergeOptions{.min_requests = 7}).edges_size(), 0);
}

TEST(GraphMergeTest, UnavailableNodesUnionedAndFirstSeenIgnoresUnset) {
  Edge a = MakeEdge("x", "y", 1, "");
  a.mutable_last_seen()->set_seconds(5);
  Edge b = a;
  b.mutable_first_seen()->set_seconds(3);
  GetGraphResponse down;
  down.add_unavailable_nodes("node-c");
  const std::vector<GetGraphResponse> parts = {Node("n1", 0, 1, {a}), Node("n2", 0, 1, {b}), down};
  const GetGraphResponse out = MergeGraphs(parts);
  ASSERT_EQ(out.edges_size(), 1);
  EXPECT_EQ(out.edges(0).first_seen().seconds(), 3);
  ASSERT_EQ(out.unavailable_nodes_size(), 1);
  EXPECT_EQ(out.unavailable_nodes(0), "node-c");
  EXPECT_EQ(MergeGraphs({}).edges_size(), 0);
}

TEST(GraphMergeTest, DerivedFieldsOfAnEdgeWithoutL7AreConnections) {
  Edge e = MakeEdge("x", "y", 5432, "");
  e.set_connections(7);
  e.set_refused(2);
  DeriveFields(e);
  EXPECT_EQ(e.requests(), 7u);
  EXPECT_EQ(e.errors(), 2u);
  EXPECT_EQ(e.latency_p99_ns(), 0u);
}

}  // namespace
}  // namespace flows::api::graph
