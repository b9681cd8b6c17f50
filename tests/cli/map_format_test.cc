// `flows map` output formats on a fixed GetGraphResponse (sample_graph.h),
// compared byte for byte with tests/cli/golden/map_<format>.txt (regenerate
// with FLOWS_UPDATE_GOLDEN=1, as format_golden_test.cc); the DOT output
// rendered by Graphviz; the JSON checked as Cytoscape.js elements and read
// back without loss; and hostile labels in every format.
#include "flows/cli/map_format.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sample_graph.h"
#include "temp_dir.h"

namespace flows::cli {
namespace {

using testing::GraphNow;
using testing::SampleGraph;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void ExpectGolden(const std::string& name, const std::string& got) {
  SCOPED_TRACE(name);
  const std::string path = std::string(FLOWS_CLI_GOLDEN_DIR) + "/" + name + ".txt";
  if (std::getenv("FLOWS_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << got;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (FLOWS_UPDATE_GOLDEN=1 writes it)";
  EXPECT_EQ(got, ReadFile(path)) << "output of " << name << " differs from " << path;
}

// Labels a cluster could hold only if something is wrong with it, which is
// exactly when the map must still be readable and safe.
graph::GetGraphResponse HostileGraph() {
  graph::GetGraphResponse g = SampleGraph();
  auto* e = g.add_edges();
  auto* src = e->mutable_source();
  src->set_kind(graph::Endpoint::WORKLOAD);
  src->set_namespace_("ns\"\\\n}");
  src->set_workload_name("x");
  src->set_label("ns\"\\\n}/evil\"];\x1b[2J<b>&amp;\r\t-->|x|\"end\\");
  auto* dst = e->mutable_destination();
  dst->set_kind(graph::Endpoint::WORLD);
  dst->set_label(
      "world:\xc2\x9b"
      "31m\x7f caf\xc3\xa9 \xff\\");
  e->set_port(80);
  e->set_l4_protocol("TCP\n");
  e->set_l7_protocol("http\"]\x1b");
  e->set_requests(UINT64_MAX);
  e->set_errors(UINT64_MAX);
  e->set_bytes_to_server(UINT64_MAX);
  e->set_bytes_to_client(UINT64_MAX);
  e->set_latency_p99_ns(UINT64_MAX);
  e->mutable_last_seen()->set_seconds(INT64_MAX);  // not a valid Timestamp
  // The same edge again, and an edge whose label collides with a namespace
  // box's id.
  *g.add_edges() = *e;
  auto* c = g.add_edges();
  c->mutable_source()->set_label("cluster:demo-app");
  c->mutable_destination()->set_label("");
  c->mutable_destination()->set_kind(graph::Endpoint::HOST);
  g.add_unavailable_nodes("node-\x1b]0;title\x07");
  return g;
}

bool HasControlBytes(const std::string& text, bool allow_newline) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' && allow_newline) continue;
    if (c < 0x20 || c == 0x7f) return true;
    if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      return true;
    }
  }
  return false;
}

// Renders DOT with Graphviz. A missing `dot` fails: it is a test
// dependency (scripts/install-deps.sh installs graphviz).
void ExpectDotRenders(const std::string& dot) {
  ASSERT_EQ(std::system("command -v dot >/dev/null 2>&1"), 0)
      << "Graphviz's dot is missing: run scripts/install-deps.sh (Debian package graphviz)";
  flowd::testing::TempDir dir;
  std::ofstream(dir.File("map.dot"), std::ios::binary) << dot;
  const std::string cmd =
      "dot -Tsvg " + dir.File("map.dot") + " -o " + dir.File("map.svg") + " 2>" + dir.File("err");
  EXPECT_EQ(std::system(cmd.c_str()), 0) << ReadFile(dir.File("err")) << "\n" << dot;
  EXPECT_EQ(ReadFile(dir.File("err")), "") << dot;  // not even a warning
  EXPECT_NE(ReadFile(dir.File("map.svg")).find("<svg"), std::string::npos);
}

TEST(MapFormat, Golden) {
  const auto g = SampleGraph();
  ExpectGolden("map_table", FormatMapTable(g, GraphNow()));
  ExpectGolden("map_dot", FormatMapDot(g));
  ExpectGolden("map_mermaid", FormatMapMermaid(g));
  ExpectGolden("map_json", FormatMapJson(g));
}

TEST(MapFormat, TableOrderUnitsAndFooter) {
  auto g = SampleGraph();
  // The server's order does not matter: most bytes first.
  std::reverse(g.mutable_edges()->begin(), g.mutable_edges()->end());
  const std::string table = FormatMapTable(g, GraphNow());
  std::istringstream in(table);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 6u) << table;
  EXPECT_EQ(lines[0].rfind("SOURCE", 0), 0u);
  EXPECT_NE(lines[1].find("world:api.example.com"), std::string::npos) << table;  // 9.5 MiB
  EXPECT_NE(lines[1].find("9.5 MiB"), std::string::npos) << table;
  EXPECT_NE(lines[2].find("3550/TCP"), std::string::npos) << table;
  EXPECT_NE(lines[2].find("10.0%"), std::string::npos) << table;
  EXPECT_NE(lines[2].find("250ms"), std::string::npos) << table;
  EXPECT_NE(lines[2].find("12s ago"), std::string::npos) << table;
  EXPECT_NE(lines[3].find("180\xc2\xb5s"), std::string::npos) << table;
  EXPECT_EQ(lines[5], "partial: node-c did not answer");
  // Every line's LAST SEEN column starts at the same place on screen.
  const auto column = lines[0].find("LAST SEEN");
  for (std::size_t i = 1; i < 5; ++i) {
    std::string prefix = lines[i].substr(0, lines[i].rfind("   ") + 3);
    std::size_t width = 0;
    for (unsigned char c : prefix) width += (c & 0xc0) != 0x80;
    EXPECT_EQ(width, column) << lines[i];
  }
}

TEST(MapFormat, EmptyGraph) {
  graph::GetGraphResponse g;
  EXPECT_EQ(FormatMapTable(g, GraphNow()),
            "SOURCE   DESTINATION   PORT/PROTO   L7   REQUESTS   ERROR%   P50   P99   BYTES   LAST SEEN\n");
  ExpectDotRenders(FormatMapDot(g));
  EXPECT_EQ(FormatMapMermaid(g), "flowchart LR\n");
  auto back = ParseMapJson(FormatMapJson(g));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->edges_size(), 0);
}

TEST(MapFormat, DotRendersWithGraphviz) {
  ExpectDotRenders(FormatMapDot(SampleGraph()));
}

TEST(MapFormat, JsonIsCytoscapeElements) {
  const auto j = nlohmann::json::parse(FormatMapJson(SampleGraph()));
  ASSERT_TRUE(j["elements"]["nodes"].is_array());
  ASSERT_TRUE(j["elements"]["edges"].is_array());
  std::set<std::string> ids, node_ids, compound_ids;
  for (const auto& n : j["elements"]["nodes"]) {
    const auto& d = n.at("data");
    ASSERT_TRUE(d.at("id").is_string()) << d;
    EXPECT_TRUE(ids.insert(d["id"].get<std::string>()).second) << "repeated id " << d["id"];
    node_ids.insert(d["id"].get<std::string>());
    for (const char* key : {"label", "namespace", "kind"}) EXPECT_TRUE(d.at(key).is_string()) << key << d;
    if (d.value("compound", false)) compound_ids.insert(d["id"].get<std::string>());
  }
  for (const auto& n : j["elements"]["nodes"]) {
    const auto& d = n["data"];
    if (d.contains("parent")) {
      EXPECT_TRUE(compound_ids.contains(d["parent"].get<std::string>())) << "parent of " << d["id"];
    }
  }
  // Namespaces are the compound parents: demo-app and kube-system.
  EXPECT_EQ(compound_ids, (std::set<std::string>{"cluster:demo-app", "cluster:kube-system"}));
  ASSERT_EQ(j["elements"]["edges"].size(), 4u);
  for (const auto& e : j["elements"]["edges"]) {
    const auto& d = e.at("data");
    EXPECT_TRUE(ids.insert(d.at("id").get<std::string>()).second) << "repeated id " << d["id"];
    EXPECT_TRUE(node_ids.contains(d.at("source").get<std::string>())) << d;
    EXPECT_TRUE(node_ids.contains(d.at("target").get<std::string>())) << d;
    EXPECT_FALSE(compound_ids.contains(d["source"].get<std::string>())) << d;
    for (const char* key :
         {"port", "requests", "errors", "bytes", "connections", "bytes_to_server", "bytes_to_client",
          "packets_to_server", "packets_to_client", "refused", "resets", "drops", "latency_p99_ns"}) {
      EXPECT_TRUE(d.at(key).is_number_unsigned()) << key << d;
    }
    for (const char* key : {"error_rate", "p50_ms", "p99_ms"}) EXPECT_TRUE(d.at(key).is_number()) << key;
    for (const char* key : {"protocol", "l7", "first_seen", "last_seen"})
      EXPECT_TRUE(d.at(key).is_string()) << key;
    for (const char* key : {"nodes", "http", "dns", "latency"}) EXPECT_TRUE(d.at(key).is_array()) << key;
  }
  const auto& first = j["elements"]["edges"][0]["data"];  // most bytes: the world edge
  EXPECT_EQ(first["target"], "world:api.example.com");
  EXPECT_EQ(first["bytes"], 9920000u);
  const auto& http = j["elements"]["edges"][1]["data"];
  EXPECT_EQ(http["target_service"], (nlohmann::json{{"namespace", "demo-app"}, {"name", "productcatalog"}}));
  EXPECT_DOUBLE_EQ(http["error_rate"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(http["p99_ms"].get<double>(), 250.0);
  EXPECT_EQ(http["last_seen"], "2026-11-22T03:19:48Z");
  EXPECT_EQ(j["flows"]["unavailable_nodes"], nlohmann::json::array({"node-c"}));
}

TEST(MapFormat, JsonReadsBackWithoutLoss) {
  const auto g = SampleGraph();
  auto back = ParseMapJson(FormatMapJson(g));
  ASSERT_TRUE(back) << back.error().message;
  google::protobuf::util::MessageDifferencer diff;
  diff.TreatAsSet(graph::GetGraphResponse::descriptor()->FindFieldByName("edges"));
  std::string report;
  diff.ReportDifferencesToString(&report);
  EXPECT_TRUE(diff.Compare(g, *back)) << report;
}

TEST(MapFormat, HostileLabelsInEveryFormat) {
  const auto g = HostileGraph();

  const std::string table = FormatMapTable(g, GraphNow());
  EXPECT_FALSE(HasControlBytes(table, true)) << table;
  EXPECT_EQ(std::count(table.begin(), table.end(), '\n'), 1 + g.edges_size() + 1) << table;

  const std::string dot = FormatMapDot(g);
  EXPECT_FALSE(HasControlBytes(dot, true));
  ExpectDotRenders(dot);

  const std::string mermaid = FormatMapMermaid(g);
  EXPECT_FALSE(HasControlBytes(mermaid, true)) << mermaid;
  std::istringstream in(mermaid);
  for (std::string line; std::getline(in, line);) {
    // Every quoted label closes on its own line, and holds no quote.
    EXPECT_EQ(std::count(line.begin(), line.end(), '"') % 2, 0) << line;
    for (const char* bad : {"]-->", "<b>", "\\\""}) EXPECT_EQ(line.find(bad), std::string::npos) << line;
  }

  const std::string json = FormatMapJson(g);
  for (unsigned char c : json) {
    EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << "byte " << int(c);
  }
  auto back = ParseMapJson(json);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->edges_size(), g.edges_size());
  // Valid UTF-8 survives exactly; the invalid byte becomes U+FFFD.
  std::set<std::string> labels;
  for (const auto& e : back->edges()) labels.insert(e.source().label());
  EXPECT_TRUE(labels.contains(g.edges(4).source().label()));
  const auto j = nlohmann::json::parse(json);
  std::set<std::string> ids;
  for (const auto* list : {&j["elements"]["nodes"], &j["elements"]["edges"]}) {
    for (const auto& el : *list) EXPECT_TRUE(ids.insert(el["data"]["id"].get<std::string>()).second) << el;
  }
}

}  // namespace
}  // namespace flows::cli
