// Snapshot + log: round trip, restart after kill -9, torn and corrupted files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "flows/flowd/graph/graph_persistence.h"
#include "graph_test_util.h"

namespace flows::flowd::graph {
namespace {

using namespace testing;  // NOLINT
using ::testing::HasSubstr;

GraphOptions Durable() {
  GraphOptions o;
  o.durable = true;
  return o;
}

class PersistenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("flows_graph_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A fresh graph loaded from the state directory.
  std::unique_ptr<ConnectivityGraph> Reload(TimeNs now, LoadReport* report, bool expect_ok = true,
                                            GraphOptions options = Durable()) {
    auto g = std::make_unique<ConnectivityGraph>(options);
    GraphPersistence p(*g, dir_.string());
    Result<LoadReport> loaded = p.Load(now);
    EXPECT_EQ(loaded.ok(), expect_ok) << (loaded ? "" : loaded.error().message);
    last_error_ = loaded ? "" : loaded.error().message;
    if (loaded) *report = *loaded;
    return g;
  }

  static std::string Read(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void Write(const std::filesystem::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << data;
  }

  std::filesystem::path dir_;
  std::string last_error_;
};

void Traffic(ConnectivityGraph& g, NodeId node, TimeNs t, int n) {
  for (int i = 0; i < n; ++i) {
    g.Ingest(Bytes(Http(kFrontend, kCatalog, 3550, HttpMethod::kGet, i % 5 == 0 ? 500 : 200,
                        (i + 1) * 100'000LL, t + i * kSecondNs, node),
                   2, 300, 2, 900));
  }
  Observation dns = Obs(kFrontend, kCoredns, 53, EventKind::kDnsResponse, t, node);
  dns.l4 = L4Proto::kUdp;
  dns.l7 = L7Proto::kDns;
  dns.dns_rcode = 3;
  g.Ingest(dns);
  g.Ingest(Obs(World("api.example.com"), kFrontend, 443, EventKind::kConnectionOpened, t, node));
}

void ExpectSameGraph(const ConnectivityGraph& a, const ConnectivityGraph& b) {
  const Graph ga = QueryAll(a), gb = QueryAll(b);
  ASSERT_EQ(Labels(ga), Labels(gb));
  for (std::size_t i = 0; i < ga.edges.size(); ++i) {
    EXPECT_EQ(ga.edges[i].counters, gb.edges[i].counters) << i;
    EXPECT_EQ(ga.edges[i].first_seen, gb.edges[i].first_seen);
    EXPECT_EQ(ga.edges[i].last_seen, gb.edges[i].last_seen);
    EXPECT_EQ(ga.edges[i].nodes, gb.edges[i].nodes);
  }
}

TEST_F(PersistenceTest, EmptyDirectoryLoadsEmpty) {
  LoadReport report;
  auto g = Reload(kT0, &report);
  EXPECT_FALSE(report.snapshot_loaded);
  EXPECT_EQ(report.records_dropped, 0u);
  EXPECT_EQ(g->Stats().edges, 0u);
}

TEST_F(PersistenceTest, SnapshotAndLogRoundTrip) {
  ConnectivityGraph g(Durable());
  const NodeId node = g.InternNode("node-a");
  GraphPersistence p(g, dir_.string());
  Traffic(g, node, kT0, 20);
  ASSERT_OK(p.Checkpoint(kT0 + 30 * kSecondNs));  // first: a snapshot
  EXPECT_GT(p.snapshot_bytes(), 0u);
  EXPECT_EQ(p.log_bytes(), 8u);
  Traffic(g, node, kT0 + 2 * kMinuteNs, 10);                      // seals minute 0, minute 2 open
  ASSERT_OK(p.Checkpoint(kT0 + 2 * kMinuteNs + 20 * kSecondNs));  // a log record
  EXPECT_GT(p.log_bytes(), 8u);
  g.Ingest(Obs(kProber, kFrontend, 8080, EventKind::kConnectionOpened, kT0 + 2 * kMinuteNs + 25 * kSecondNs));
  ASSERT_OK(p.Checkpoint(kT0 + 2 * kMinuteNs + 30 * kSecondNs));

  LoadReport report;
  auto loaded = Reload(kT0 + 2 * kMinuteNs + 31 * kSecondNs, &report);
  EXPECT_TRUE(report.snapshot_loaded);
  EXPECT_EQ(report.log_records_applied, 2u);
  EXPECT_EQ(report.records_dropped, 0u);
  EXPECT_EQ(report.last_durable, kT0 + 2 * kMinuteNs + 30 * kSecondNs);
  EXPECT_EQ(report.lost_span, kSecondNs);
  ExpectSameGraph(g, *loaded);
  const Graph graph = QueryAll(*loaded);
  const GraphEdge* e = FindEdge(graph, "demo-app/Deployment/frontend",
                                "demo-app/Deployment/productcatalog via svc demo-app/productcatalog", 3550);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->counters.HttpRequests(), 30u);
  EXPECT_EQ(e->counters.HttpRequests(5), 6u);
  EXPECT_EQ(loaded->Stats().edges, 4u);
}

TEST_F(PersistenceTest, KillNineLosesOnlyWhatCameAfterTheLastCheckpoint) {
  ConnectivityGraph g(Durable());
  const NodeId node = g.InternNode("node-a");
  {
    GraphPersistence p(g, dir_.string());
    Traffic(g, node, kT0, 10);
    ASSERT_OK(p.Checkpoint(kT0 + 10 * kSecondNs));
    Traffic(g, node, kT0 + 15 * kSecondNs, 5);  // same open minute
    ASSERT_OK(p.Checkpoint(kT0 + 20 * kSecondNs));
    Traffic(g, node, kT0 + 22 * kSecondNs, 3);  // never written: "kill -9" now
  }
  LoadReport report;
  auto loaded = Reload(kT0 + 25 * kSecondNs, &report);
  EXPECT_EQ(report.lost_span, 5 * kSecondNs);
  const Graph graph = QueryAll(*loaded);
  const GraphEdge* e = FindEdge(graph, "demo-app/Deployment/frontend",
                                "demo-app/Deployment/productcatalog via svc demo-app/productcatalog", 3550);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->counters.HttpRequests(), 15u);  // 10 + 5; the last 3 were lost
}

TEST_F(PersistenceTest, RestartContinuesTheLog) {
  {
    ConnectivityGraph g(Durable());
    GraphPersistence p(g, dir_.string());
    LoadReport report;
    ASSERT_OK_AND_ASSIGN(report, p.Load(kT0));
    Traffic(g, g.InternNode("node-a"), kT0, 10);
    ASSERT_OK(p.Checkpoint(kT0 + 30 * kSecondNs));
  }
  {
    ConnectivityGraph g(Durable());
    GraphPersistence p(g, dir_.string());
    LoadReport report;
    ASSERT_OK_AND_ASSIGN(report, p.Load(kT0 + kMinuteNs));
    Traffic(g, g.InternNode("node-a"), kT0 + 2 * kMinuteNs, 10);
    ASSERT_OK(p.Checkpoint(kT0 + 2 * kMinuteNs + 30 * kSecondNs));
  }
  LoadReport report;
  auto g = Reload(kT0 + 3 * kMinuteNs, &report);
  EXPECT_EQ(report.log_records_applied, 1u);
  const Graph graph = QueryAll(*g);
  const GraphEdge* e = FindEdge(graph, "demo-app/Deployment/frontend",
                                "demo-app/Deployment/productcatalog via svc demo-app/productcatalog", 3550);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->counters.HttpRequests(), 20u);
}

TEST_F(PersistenceTest, TornLastRecordIsDroppedAndReported) {
  ConnectivityGraph g(Durable());
  const NodeId node = g.InternNode("node-a");
  GraphPersistence p(g, dir_.string());
  Traffic(g, node, kT0, 10);
  ASSERT_OK(p.Checkpoint(kT0 + 10 * kSecondNs));  // snapshot
  Traffic(g, node, kT0 + kMinuteNs, 10);
  ASSERT_OK(p.Checkpoint(kT0 + kMinuteNs + 10 * kSecondNs));  // log record 1
  const std::uint64_t after_first = p.log_bytes();
  Traffic(g, node, kT0 + 2 * kMinuteNs, 10);
  ASSERT_OK(p.Checkpoint(kT0 + 2 * kMinuteNs + 10 * kSecondNs));  // log record 2

  // The second record only half reached the disk.
  const std::string log = Read(dir_ / "graph.log");
  const std::size_t half = after_first + (log.size() - after_first) / 2;
  Write(dir_ / "graph.log", log.substr(0, half));

  LoadReport report;
  auto loaded = Reload(kT0 + 2 * kMinuteNs + 40 * kSecondNs, &report);
  EXPECT_TRUE(report.torn);
  EXPECT_FALSE(report.corrupt);
  EXPECT_EQ(report.log_records_applied, 1u);
  EXPECT_EQ(report.records_dropped, 1u);
  EXPECT_EQ(report.bytes_dropped, half - after_first);
  EXPECT_EQ(report.last_durable, kT0 + kMinuteNs + 10 * kSecondNs);
  EXPECT_EQ(report.lost_span, kMinuteNs + 30 * kSecondNs);
  EXPECT_THAT(report.detail, HasSubstr("cut short"));
  const Graph graph = QueryAll(*loaded);
  const GraphEdge* e = FindEdge(graph, "demo-app/Deployment/frontend",
                                "demo-app/Deployment/productcatalog via svc demo-app/productcatalog", 3550);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->counters.HttpRequests(), 20u);
  // The log was cut back to the last good record, so new appends are readable.
  EXPECT_EQ(std::filesystem::file_size(dir_ / "graph.log"), after_first);
}

TEST_F(PersistenceTest, CorruptedSnapshotIsAClearError) {
  ConnectivityGraph g(Durable());
  GraphPersistence p(g, dir_.string());
  Traffic(g, g.InternNode("node-a"), kT0, 10);
  ASSERT_OK(p.WriteSnapshot(kT0 + 10 * kSecondNs));
  std::string snap = Read(dir_ / "graph.snapshot");
  snap[snap.size() / 2] ^= 0x40;
  Write(dir_ / "graph.snapshot", snap);
  LoadReport report;
  auto loaded = Reload(kT0, &report, /*expect_ok=*/false);
  EXPECT_THAT(last_error_, HasSubstr("graph.snapshot"));
  EXPECT_THAT(last_error_, HasSubstr("CRC mismatch"));

  Write(dir_ / "graph.snapshot", "not a snapshot at all");
  Reload(kT0, &report, false);
  EXPECT_THAT(last_error_, HasSubstr("bad header"));
  Write(dir_ / "graph.snapshot", snap.substr(0, 20));
  Reload(kT0, &report, false);
  EXPECT_THAT(last_error_, HasSubstr("cut short"));
}

TEST_F(PersistenceTest, CorruptedLogRecordDropsTheRest) {
  ConnectivityGraph g(Durable());
  const NodeId node = g.InternNode("node-a");
  GraphPersistence p(g, dir_.string());
  Traffic(g, node, kT0, 5);
  ASSERT_OK(p.Checkpoint(kT0 + 10 * kSecondNs));
  std::vector<std::uint64_t> ends;
  for (int m = 1; m <= 3; ++m) {
    Traffic(g, node, kT0 + m * kMinuteNs, 5);
    ASSERT_OK(p.Checkpoint(kT0 + m * kMinuteNs + 10 * kSecondNs));
    ends.push_back(p.log_bytes());
  }
  std::string log = Read(dir_ / "graph.log");
  log[ends[0] + 20] ^= 0x01;  // inside the second of three records
  Write(dir_ / "graph.log", log);
  LoadReport report;
  auto loaded = Reload(kT0 + 4 * kMinuteNs, &report);
  EXPECT_TRUE(report.corrupt);
  EXPECT_EQ(report.log_records_applied, 1u);
  EXPECT_EQ(report.records_dropped, 2u);
  EXPECT_EQ(report.bytes_dropped, log.size() - ends[0]);
  EXPECT_THAT(report.detail, HasSubstr("CRC mismatch"));
  const Graph graph = QueryAll(*loaded);
  const GraphEdge* e = FindEdge(graph, "demo-app/Deployment/frontend",
                                "demo-app/Deployment/productcatalog via svc demo-app/productcatalog", 3550);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->counters.HttpRequests(), 10u);
}

TEST_F(PersistenceTest, GarbageNeverCrashes) {
  std::filesystem::create_directories(dir_);
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) >> 3));
  for (std::size_t cut : {0ul, 4ul, 8ul, 9ul, 100ul, 4096ul}) {
    Write(dir_ / "graph.snapshot", "FLGRAPH1" + junk.substr(0, cut));
    Write(dir_ / "graph.log", "FLGRAPH1" + junk.substr(0, cut));
    LoadReport report;
    auto g = std::make_unique<ConnectivityGraph>(Durable());
    GraphPersistence p(*g, dir_.string());
    (void)p.Load(kT0);  // an error or a report, never a crash
    std::filesystem::remove(dir_ / "graph.snapshot");
    LoadReport log_only;
    auto g2 = std::make_unique<ConnectivityGraph>(Durable());
    GraphPersistence p2(*g2, dir_.string());
    ASSERT_OK_AND_ASSIGN(log_only, p2.Load(kT0));
    if (cut > 0) {
      EXPECT_GT(log_only.records_dropped, 0u) << cut;
    }
  }
}

TEST_F(PersistenceTest, IdsFreedBeforeASnapshotAreNotReusedInTheLog) {
  GraphOptions options = Durable();
  options.retention = kHourNs;
  ConnectivityGraph g(options);
  const NodeId node = g.InternNode("node-a");
  GraphPersistence p(g, dir_.string());
  g.Ingest(Obs(kProber, kCatalog, 3550, EventKind::kConnectionOpened, kT0, node));
  ASSERT_OK(p.Checkpoint(kT0 + kSecondNs));  // snapshot: prober -> productcatalog
  g.Advance(kT0 + kMinuteNs);
  ASSERT_OK(p.Checkpoint(kT0 + kMinuteNs));  // log: its sealed minute
  g.Maintain(kT0 + 2 * kHourNs);             // expires it
  ASSERT_EQ(g.Stats().edges, 0u);
  g.Ingest(Obs(kFrontend, kCoredns, 53, EventKind::kConnectionOpened, kT0 + 2 * kHourNs, node));
  ASSERT_OK(p.Checkpoint(kT0 + 2 * kHourNs + kSecondNs));  // log: a new edge

  LoadReport report;
  auto loaded = Reload(kT0 + 2 * kHourNs + 2 * kSecondNs, &report, true, options);
  EXPECT_EQ(report.log_records_applied, 2u);
  // The old bucket is still attributed to the old edge (it expires again at
  // the next Maintain), and the new edge has its own id.
  Graph graph = QueryAll(*loaded);
  EXPECT_NE(FindEdge(graph, "monitoring/DaemonSet/prober",
                     "demo-app/Deployment/productcatalog via svc demo-app/productcatalog", 3550),
            nullptr);
  EXPECT_NE(FindEdge(graph, "demo-app/Deployment/frontend",
                     "kube-system/Deployment/coredns via svc kube-system/kube-dns", 53),
            nullptr);
  loaded->Maintain(kT0 + 2 * kHourNs + 2 * kSecondNs);
  EXPECT_EQ(QueryAll(*loaded).edges.size(), 1u);
}

}  // namespace
}  // namespace flows::flowd::graph
