// The built `flows` binary's `map` against a tiny in-process Graph server
// (the real ones are flowd's and flows-relay's, tested with them): the
// request the flags make, every format, the relay's partial answer, the
// server's INVALID_ARGUMENT as a one-line error, and `map diff` on files
// with the exit codes CI relies on.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "flows/cli/map_format.h"
#include "graph/graph.grpc.pb.h"
#include "observer/observer.grpc.pb.h"
#include "run_flows.h"
#include "sample_graph.h"

namespace flows::cli {
namespace {

class FakeGraph final : public graph::Graph::Service {
 public:
  grpc::Status GetGraph(grpc::ServerContext*, const graph::GetGraphRequest* req,
                        graph::GetGraphResponse* res) override {
    std::lock_guard lock(mu_);
    last_ = *req;
    // As flowd does: the field named, and a second line the CLI must fold.
    for (int i = 0; i < req->namespaces_size(); ++i) {
      if (req->namespaces(i) == "Bad_NS") {
        return {
            grpc::StatusCode::INVALID_ARGUMENT,
            "namespaces[" + std::to_string(i) + "]: \"Bad_NS\" is not a valid namespace\n(RFC 1123 label)"};
      }
    }
    *res = testing::SampleGraph();
    return grpc::Status::OK;
  }
  graph::GetGraphRequest last() {
    std::lock_guard lock(mu_);
    return last_;
  }

 private:
  std::mutex mu_;
  graph::GetGraphRequest last_;
};

std::unique_ptr<grpc::Server> Serve(const std::string& address, grpc::Service* service) {
  grpc::ServerBuilder b;
  b.AddListeningPort(address, grpc::InsecureServerCredentials());
  b.RegisterService(service);
  return b.BuildAndStart();
}

class MapBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    address_ = "unix://" + dir_.File("graph.sock");
    server_ = Serve(address_, &graph_);
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
  ProcessResult Map(std::vector<std::string> args) {
    args.insert(args.begin(), {"map", "--server", address_});
    return RunFlows(dir_, args);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.File(name), std::ios::binary) << text;
    return dir_.File(name);
  }

  flowd::testing::TempDir dir_;
  FakeGraph graph_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

TEST_F(MapBinaryTest, TableByDefault) {
  const ProcessResult run = Map({});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");  // the partial note is the table's footer
  const auto lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 6u) << run.out;
  EXPECT_EQ(lines[0].rfind("SOURCE ", 0), 0u);
  EXPECT_NE(lines[2].find("demo-app/Deployment/productcatalog"), std::string::npos) << run.out;
  EXPECT_EQ(lines[5], "partial: node-c did not answer");
  // Defaults: the last hour, every namespace, by workload.
  const auto req = graph_.last();
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  EXPECT_NEAR(static_cast<double>(req.since().seconds()), static_cast<double>(now - 3600), 30);
  EXPECT_FALSE(req.has_until());
  EXPECT_EQ(req.namespaces_size(), 0);
  EXPECT_EQ(req.group_by(), graph::GROUP_BY_WORKLOAD);
}

TEST_F(MapBinaryTest, FlagsReachTheServer) {
  const ProcessResult run =
      Map({"--since", "2026-11-15T03:00:00Z", "--until", "2026-11-22T03:00:00Z", "-n", "demo-app,kube-system",
           "--namespace", "payments", "--exclude-namespace", "monitoring", "--exclude-workload",
           "monitoring/prometheus", "--group-by", "pod", "--min-requests", "5", "-o", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto req = graph_.last();
  EXPECT_EQ(req.since().seconds(), testing::kGraphNowSeconds - 1200 - 7 * 86400);
  EXPECT_EQ(req.until().seconds(), testing::kGraphNowSeconds - 1200);
  ASSERT_EQ(req.namespaces_size(), 3);
  EXPECT_EQ(req.namespaces(0), "demo-app");
  EXPECT_EQ(req.namespaces(2), "payments");
  EXPECT_EQ(req.exclude_namespaces(0), "monitoring");
  EXPECT_EQ(req.exclude_workloads(0), "monitoring/prometheus");
  EXPECT_EQ(req.group_by(), graph::GROUP_BY_POD);
  EXPECT_EQ(req.min_requests(), 5u);
}

TEST_F(MapBinaryTest, EveryFormat) {
  for (const std::string format : {"dot", "mermaid", "json"}) {
    SCOPED_TRACE(format);
    const ProcessResult run = Map({"-o", format, "--group-by", "namespace", "-A"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    // Files and tools get the output; the person running it gets the note.
    EXPECT_EQ(run.err, "flows: partial: node-c did not answer\n");
    EXPECT_EQ(run.out, FormatMap(*ParseMapFormat(format), testing::SampleGraph(), {}));
  }
  EXPECT_EQ(graph_.last().group_by(), graph::GROUP_BY_NAMESPACE);
}

TEST_F(MapBinaryTest, InvalidArgumentIsOneLineExit2) {
  const ProcessResult run = Map({"-n", "Bad_NS"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            "flows: the server refused the request: namespaces[0]: \"Bad_NS\" is not a valid namespace "
            "(RFC 1123 label)\n");
}

TEST_F(MapBinaryTest, ServerWithoutGraphServiceIsExit1) {
  const std::string other = "unix://" + dir_.File("observer-only.sock");
  // Observer only, as Hubble's servers: GetGraph is UNIMPLEMENTED.
  observer::Observer::Service hubble;
  auto bare = Serve(other, &hubble);
  ASSERT_NE(bare, nullptr);
  const ProcessResult run = RunFlows(dir_, {"map", "--server", other});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(Lines(run.err).size(), 1u) << run.err;
  EXPECT_NE(run.err.find("does not serve the connectivity graph"), std::string::npos) << run.err;
  bare->Shutdown(std::chrono::system_clock::now());
}

TEST_F(MapBinaryTest, UnreachableAndBadCommandLines) {
  const ProcessResult gone = RunFlows(dir_, {"map", "--server", "unix://" + dir_.File("none.sock")});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_EQ(Lines(gone.err).size(), 1u) << gone.err;
  EXPECT_NE(gone.err.find("cannot reach the flows server"), std::string::npos) << gone.err;

  for (const std::vector<std::string>& args : {std::vector<std::string>{"-o", "svg"},
                                               {"--since", "yesterday"},
                                               {"--group-by", "team"},
                                               {"-A", "-n", "demo-app"},
                                               {"--exclude-workload", "prometheus"},
                                               {"--min-requests", "-3"}}) {
    const ProcessResult run = Map(args);
    EXPECT_EQ(run.exit_code, 2) << args[0] << ": " << run.err;
    EXPECT_EQ(Lines(run.err).size(), 1u) << run.err;
    EXPECT_EQ(run.out, "");
  }
}

TEST_F(MapBinaryTest, DiffFiles) {
  const ProcessResult saved = Map({"-o", "json"});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  const std::string before = Write("before.json", saved.out);

  const ProcessResult same = RunFlows(dir_, {"map", "diff", before, before, "--fail-on", "any"});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(same.out, "no changes\n");

  // After: a new edge, and coredns answering slower.
  auto g = testing::SampleGraph();
  auto* added = g.add_edges();
  *added = g.edges(0);
  added->mutable_destination()->set_label("demo-app/Deployment/cart");
  g.mutable_edges(1)->set_latency_p99_ns(10'000'000);
  const std::string after = Write("after.json", FormatMapJson(g));

  const ProcessResult report = RunFlows(dir_, {"map", "diff", before, after});
  EXPECT_EQ(report.exit_code, 0) << report.err;  // no --fail-on: a report only
  EXPECT_NE(report.out.find("new edges (1):\n  + demo-app/Deployment/frontend -> demo-app/Deployment/cart"),
            std::string::npos)
      << report.out;
  EXPECT_NE(report.out.find("p99 latency regressions, more than x1.5 (1)"), std::string::npos) << report.out;

  EXPECT_EQ(RunFlows(dir_, {"map", "diff", before, after, "--fail-on", "new-edges"}).exit_code, 1);
  EXPECT_EQ(RunFlows(dir_, {"map", "diff", before, after, "--fail-on", "regressions"}).exit_code, 1);
  EXPECT_EQ(
      RunFlows(dir_, {"map", "diff", before, after, "--fail-on", "regressions", "--latency-threshold", "5"})
          .exit_code,
      0);
  EXPECT_EQ(RunFlows(dir_, {"map", "diff", after, before, "--fail-on", "new-edges"}).exit_code, 0);
  EXPECT_EQ(RunFlows(dir_, {"map", "diff", after, before, "--fail-on", "any"}).exit_code, 1);

  const std::string broken = Write("broken.json", saved.out.substr(0, 100));
  const ProcessResult bad = RunFlows(dir_, {"map", "diff", before, broken});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_EQ(bad.err.rfind("flows: " + broken + ": not JSON: parse error at line", 0), 0u) << bad.err;
  EXPECT_EQ(Lines(bad.err).size(), 1u) << bad.err;

  const std::string wrong = Write("wrong.json", R"({"elements": {"nodes": [], "edges": [{"data": {}}]}})");
  const ProcessResult shape = RunFlows(dir_, {"map", "diff", wrong, before});
  EXPECT_EQ(shape.exit_code, 2);
  EXPECT_EQ(shape.err, "flows: " + wrong + ": elements.edges[0].data.source: missing\n");

  const ProcessResult missing = RunFlows(dir_, {"map", "diff", dir_.File("nope.json"), before});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "flows: " + dir_.File("nope.json") + ": cannot open: No such file or directory\n");

  EXPECT_EQ(RunFlows(dir_, {"map", "diff", before}).exit_code, 2);
  EXPECT_EQ(RunFlows(dir_, {"map", "diff", before, after, "--fail-on", "sometimes"}).exit_code, 2);
}

}  // namespace
}  // namespace flows::cli
