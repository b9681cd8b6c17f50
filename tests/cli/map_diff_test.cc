// `flows map diff` on maps made from sample_graph.h (through the JSON a
// user would save), the reader's errors on broken files, and the
// GetGraphRequest `flows map` flags make.
#include "flows/cli/map_diff.h"

#include <gtest/gtest.h>

#include "flows/cli/map_format.h"
#include "flows/cli/map_options.h"
#include "sample_graph.h"

namespace flows::cli {
namespace {

using testing::GraphNow;
using testing::SampleGraph;

// What `flows map -o json > file; flows map diff` sees.
graph::GetGraphResponse Saved(const graph::GetGraphResponse& g) {
  auto back = ParseMapJson(FormatMapJson(g));
  EXPECT_TRUE(back) << back.error().message;
  return back ? *back : graph::GetGraphResponse();
}

graph::Edge* Find(graph::GetGraphResponse& g, std::string_view destination) {
  for (auto& e : *g.mutable_edges()) {
    if (e.destination().label() == destination) return &e;
  }
  ADD_FAILURE() << "no edge to " << destination;
  return nullptr;
}

TEST(MapDiff, IdenticalMapsHaveNoChanges) {
  const auto g = Saved(SampleGraph());
  const MapDiff diff = DiffMaps(g, g, {});
  EXPECT_TRUE(diff.empty());
  EXPECT_EQ(FormatMapDiff(diff, {}), "no changes\n");
  for (const char* fail_on : {"", "new-edges", "regressions", "any"}) EXPECT_FALSE(DiffFails(diff, fail_on));
}

TEST(MapDiff, NewAndRemovedEdges) {
  const auto before = SampleGraph();
  auto after = before;
  // productcatalog -> world goes away; frontend -> redis appears.
  after.mutable_edges()->erase(after.mutable_edges()->begin() + 2);
  auto* added = after.add_edges();
  *added = before.edges(0);
  added->mutable_destination()->set_label("demo-app/StatefulSet/redis");
  added->set_port(6379);
  added->set_l7_protocol("");
  const MapDiff diff = DiffMaps(Saved(before), Saved(after), {});
  ASSERT_EQ(diff.added.size(), 1u);
  EXPECT_EQ(diff.added[0].destination, "demo-app/StatefulSet/redis");
  ASSERT_EQ(diff.removed.size(), 1u);
  EXPECT_EQ(diff.removed[0].destination, "world:api.example.com");
  EXPECT_FALSE(diff.regressions());
  EXPECT_EQ(FormatMapDiff(diff, {}),
            "new edges (1):\n"
            "  + demo-app/Deployment/frontend -> demo-app/StatefulSet/redis 6379/TCP\n"
            "\n"
            "removed edges (1):\n"
            "  - demo-app/Deployment/productcatalog -> world:api.example.com 443/TCP\n");
  EXPECT_TRUE(DiffFails(diff, "new-edges"));
  EXPECT_FALSE(DiffFails(diff, "regressions"));
  EXPECT_TRUE(DiffFails(diff, "any"));
  EXPECT_FALSE(DiffFails(diff, ""));
  // Only a removal: new-edges passes, any fails.
  auto fewer = before;
  fewer.mutable_edges()->RemoveLast();
  const MapDiff removed_only = DiffMaps(Saved(before), Saved(fewer), {});
  EXPECT_FALSE(DiffFails(removed_only, "new-edges"));
  EXPECT_TRUE(DiffFails(removed_only, "any"));
}

TEST(MapDiff, ErrorRateRegression) {
  const auto before = SampleGraph();  // frontend -> productcatalog: 10.0%
  auto after = before;
  Find(after, "demo-app/Deployment/productcatalog")->set_errors(23);  // 11.5%: +1.5 points
  Find(after, "kube-system/Deployment/coredns")->set_errors(12);      // 1.9% -> 2.9%: +0.95
  MapDiff diff = DiffMaps(Saved(before), Saved(after), {});
  ASSERT_EQ(diff.error_regressions.size(), 1u);
  EXPECT_EQ(diff.error_regressions[0].key.port, 3550u);
  EXPECT_EQ(diff.error_regressions[0].before.errors, 20u);
  EXPECT_EQ(diff.error_regressions[0].after.errors, 23u);
  EXPECT_TRUE(diff.added.empty() && diff.removed.empty() && diff.latency_regressions.empty());
  EXPECT_EQ(FormatMapDiff(diff, {}),
            "error-rate regressions, more than +1 points (1):\n"
            "  ! demo-app/Deployment/frontend -> demo-app/Deployment/productcatalog 3550/TCP http: "
            "10.0% -> 11.5% (+1.5 points)\n");
  EXPECT_TRUE(DiffFails(diff, "regressions"));
  EXPECT_FALSE(DiffFails(diff, "new-edges"));
  // A looser threshold lets it pass; a tighter one catches DNS too.
  EXPECT_TRUE(DiffMaps(Saved(before), Saved(after), {.error_rate_points = 2}).empty());
  EXPECT_EQ(DiffMaps(Saved(before), Saved(after), {.error_rate_points = 0.5}).error_regressions.size(), 2u);
  // Fewer errors is not a regression.
  EXPECT_TRUE(DiffMaps(Saved(after), Saved(before), {}).empty());
}

TEST(MapDiff, LatencyRegression) {
  const auto before = SampleGraph();
  auto after = before;
  Find(after, "kube-system/Deployment/coredns")->set_latency_p99_ns(4'200'000);        // x2
  Find(after, "demo-app/Deployment/productcatalog")->set_latency_p99_ns(350'000'000);  // x1.4
  Find(after, "world:api.example.com")->set_latency_p99_ns(1'000'000'000);  // nothing measured before
  const MapDiff diff = DiffMaps(Saved(before), Saved(after), {});
  ASSERT_EQ(diff.latency_regressions.size(), 1u);
  EXPECT_EQ(diff.latency_regressions[0].key.destination, "kube-system/Deployment/coredns");
  EXPECT_EQ(FormatMapDiff(diff, {}),
            "p99 latency regressions, more than x1.5 (1):\n"
            "  ! demo-app/Deployment/frontend -> kube-system/Deployment/coredns 53/UDP dns: 2.1ms -> 4.2ms "
            "(x2.0)\n");
  EXPECT_EQ(DiffMaps(Saved(before), Saved(after), {.latency_factor = 1.3}).latency_regressions.size(), 2u);
  EXPECT_TRUE(DiffMaps(Saved(before), Saved(after), {.latency_factor = 3}).empty());
  EXPECT_TRUE(DiffFails(diff, "regressions"));
  EXPECT_TRUE(DiffFails(diff, "any"));
}

TEST(MapJsonRead, BrokenFilesNameTheProblem) {
  const std::string good = FormatMapJson(SampleGraph());
  auto error = [](const std::string& text) {
    auto r = ParseMapJson(text);
    EXPECT_FALSE(r) << text;
    return r ? std::string() : r.error().message;
  };
  EXPECT_EQ(error("").rfind("not JSON: ", 0), 0u);
  EXPECT_EQ(error(good.substr(0, good.size() / 2)).rfind("not JSON: parse error at line", 0), 0u);
  EXPECT_EQ(error("[1, 2]"), "not a flows map: the top level is not an object");
  EXPECT_EQ(error("{}"), "not a flows map (`flows map -o json`): .elements: missing");
  EXPECT_EQ(error(R"({"elements": {"nodes": {}, "edges": []}})"), "elements.nodes: not an array");
  EXPECT_EQ(error(R"({"elements": {"nodes": [{"data": {"id": 3}}], "edges": []}})"),
            "elements.nodes[0].data.id: not a string");
  EXPECT_EQ(
      error(
          R"({"elements": {"nodes": [{"data": {"id": "a", "label": "a", "kind": "alien"}}], "edges": []}})"),
      "elements.nodes[0].data.kind: unknown kind \"alien\"");
  const std::string node = R"({"data": {"id": "a", "label": "a"}})";
  EXPECT_EQ(error(R"({"elements": {"nodes": [)" + node + "," + node + R"(], "edges": []}})"),
            "elements.nodes[1].data.id: repeats the node id \"a\"");
  auto edge = [&](const std::string& data) {
    return R"({"elements": {"nodes": [)" + node +
           R"(], "edges": [{"data": {"source": "a", "target": "a"}}, {"data": )" + data + "}]}}";
  };
  EXPECT_EQ(error(edge(R"({"source": "a", "target": "b\u001b"})")),
            "elements.edges[1].data.target: no node with id \"b\\x1b\"");
  EXPECT_EQ(error(edge(R"({"target": "a"})")), "elements.edges[1].data.source: missing");
  EXPECT_EQ(error(edge(R"({"source": "a", "target": "a", "requests": -1})")),
            "elements.edges[1].data.requests: not an integer between 0 and 18446744073709551615");
  EXPECT_EQ(error(edge(R"({"source": "a", "target": "a", "errors": 1.5})")),
            "elements.edges[1].data.errors: not an integer between 0 and 18446744073709551615");
  EXPECT_EQ(error(edge(R"({"source": "a", "target": "a", "port": 4294967296})")),
            "elements.edges[1].data.port: not an integer between 0 and 4294967295");
  EXPECT_EQ(error(edge(R"({"source": "a", "target": "a", "last_seen": "yesterday"})")),
            "elements.edges[1].data.last_seen: not an RFC 3339 time: \"yesterday\"");
  EXPECT_EQ(error(edge(R"({"source": "a", "target": "a", "http": [{"count": "3"}]})")),
            "elements.edges[1].data.http[0].count: not an integer between 0 and 18446744073709551615");
  EXPECT_EQ(error(edge(R"({"source": "a", "target": "a", "target_service": "svc"})")),
            "elements.edges[1].data.target_service: not an object");
  // Deep nesting is a parse, not a stack overflow.
  EXPECT_FALSE(ParseMapJson(std::string(200000, '[') + std::string(200000, ']')));
  // A minimal hand-written map is fine: absent counters are 0.
  auto minimal = ParseMapJson(edge(R"({"source": "a", "target": "a", "requests": 5})"));
  ASSERT_TRUE(minimal) << minimal.error().message;
  EXPECT_EQ(minimal->edges(1).requests(), 5u);
}

TEST(MapRequest, FlagsMakeTheRequest) {
  MapOptions o;
  auto req = BuildGraphRequest(o, GraphNow());
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->since().seconds(), testing::kGraphNowSeconds - 3600);  // default 1h
  EXPECT_FALSE(req->has_until());
  EXPECT_EQ(req->group_by(), graph::GROUP_BY_WORKLOAD);

  o.since = "7d";
  o.until = "1d12h";
  o.namespaces = {"demo-app", "kube-system"};
  o.exclude_namespaces = {"monitoring"};
  o.exclude_workloads = {"monitoring/prometheus", "demo-app/Deployment/loadgen"};
  o.group_by = "service";
  o.min_requests = 10;
  req = BuildGraphRequest(o, GraphNow());
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->since().seconds(), testing::kGraphNowSeconds - 7 * 86400);
  EXPECT_EQ(req->until().seconds(), testing::kGraphNowSeconds - 36 * 3600);
  EXPECT_EQ(req->namespaces_size(), 2);
  EXPECT_EQ(req->exclude_namespaces(0), "monitoring");
  EXPECT_EQ(req->exclude_workloads(1), "demo-app/Deployment/loadgen");
  EXPECT_EQ(req->group_by(), graph::GROUP_BY_SERVICE);
  EXPECT_EQ(req->min_requests(), 10u);

  o = MapOptions();
  o.since = "2026-11-22T00:00:00Z";
  o.until = "2026-11-22T03:00:00+01:00";
  req = BuildGraphRequest(o, GraphNow());
  ASSERT_TRUE(req) << req.error().message;
  EXPECT_EQ(req->until().seconds() - req->since().seconds(), 2 * 3600);
}

TEST(MapRequest, BadFlagsAreOneLineErrors) {
  auto error = [](MapOptions o) {
    auto r = BuildGraphRequest(o, GraphNow());
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().message;
  };
  MapOptions o;
  o.since = "yesterday";
  EXPECT_EQ(
      error(o),
      "--since \"yesterday\" is not a time: use RFC 3339 (2026-11-22T03:19:46Z) or a duration back from now "
      "(30m, 1h, 7d)");
  for (const char* bad : {"1d-2h", "d", "1.5d", "100000d", "7dd"}) {
    o.since = bad;
    EXPECT_NE(error(o).find("is not a time"), std::string::npos) << bad;
  }
  o.since = "99999d";  // the most days, back to 1753
  EXPECT_TRUE(BuildGraphRequest(o, GraphNow()));
  o = MapOptions();
  o.until = "2h";  // before the default --since 1h
  EXPECT_EQ(error(o), "--until \"2h\" is not after --since \"1h\"");
  o = MapOptions();
  o.all_namespaces = true;
  o.namespaces = {"demo-app"};
  EXPECT_EQ(error(o), "-A/--all-namespaces and -n/--namespace cannot be used together");
  o = MapOptions();
  o.exclude_workloads = {"prometheus"};
  EXPECT_EQ(error(o).rfind("--exclude-workload \"prometheus\": use namespace/name", 0), 0u);
  o.exclude_workloads = {"a//b"};
  EXPECT_FALSE(BuildGraphRequest(o, GraphNow()));
  o = MapOptions();
  o.namespaces = {""};
  EXPECT_EQ(error(o), "--namespace \"\" is not a namespace name");
}

}  // namespace
}  // namespace flows::cli
