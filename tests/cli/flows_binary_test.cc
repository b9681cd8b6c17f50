// The built `flows` binary against the real ObserverService over a
// FlowStore, on a unix socket in a temp dir: what a user gets from
// `flows observe`, `flows status`, `flows list`, and the exit codes when the
// server is missing or the command line is wrong.
#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "flows/flowd/observer/observer_service.h"
#include "run_flows.h"
#include "sample_flows.h"
#include "temp_dir.h"
#include "test_pki.h"

namespace flows::cli {
namespace {

class FlowsBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    server_address_ = "unix://" + dir_.File("observer.sock");
    observer_ = std::make_unique<flowd::ObserverService>(
        store_, namespaces_, flowd::NodeIdentity{"node-1", "0.1.0-test", "10.0.0.1:4244"});
    // flowd's loss counters, as the daemon wires them (ServerStatus field
    // 200000): `flows status` must print each.
    observer_->SetLossSource([] {
      return std::vector<std::pair<std::string, std::uint64_t>>{{"ring_reservation", 0}, {"client", 7}};
    });
    grpc::ServerBuilder b;
    b.AddListeningPort(server_address_, grpc::InsecureServerCredentials());
    b.RegisterService(observer_.get());
    server_ = b.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    // The sample flows, oldest first, as flowd's ingest would push them.
    for (const auto& r : testing::SampleResponses()) {
      if (!r.has_flow()) continue;
      store_.Push(std::make_shared<flow::Flow>(r.flow()));
      namespaces_.Observe(r.flow(), flowd::NamespaceTracker::Clock::now());
    }
  }
  void TearDown() override {
    store_.Shutdown();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  flowd::testing::TempDir dir_;
  flowd::FlowStore store_{100};
  flowd::NamespaceTracker namespaces_;
  std::unique_ptr<flowd::ObserverService> observer_;
  std::unique_ptr<grpc::Server> server_;
  std::string server_address_;
};

TEST_F(FlowsBinaryTest, ObserveJsonLastN) {
  const ProcessResult run =
      RunFlows(dir_, {"observe", "--server", server_address_, "-o", "json", "--last", "10"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  const auto lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 10u) << run.out;
  // The store holds 11 flows; the last 10 come oldest first.
  const auto sample = testing::SampleResponses();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    observer::GetFlowsResponse r;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[i], &r).ok()) << lines[i];
    ASSERT_TRUE(r.has_flow()) << lines[i];
    EXPECT_EQ(r.flow().time().nanos(), sample[i + 1].flow().time().nanos()) << lines[i];
    EXPECT_EQ(r.node_name(), "node-1");
  }
  // Hubble's jsonpb shape: proto field names, enums by name, wrappers as values.
  EXPECT_NE(lines[0].find("\"source_port\":53"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"is_reply\":true"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"verdict\":\"FORWARDED\""), std::string::npos) << lines[0];
}

TEST_F(FlowsBinaryTest, ObserveAllFirstSinceUntil) {
  auto lines = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"observe", "--server", server_address_, "-o", "json"});
    const ProcessResult run = RunFlows(dir_, args);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return Lines(run.out);
  };
  EXPECT_EQ(lines({"--all"}).size(), 11u);
  const auto first = lines({"--first", "2"});
  ASSERT_EQ(first.size(), 2u);
  EXPECT_NE(first[0].find("\"time\":\"2026-11-22T03:19:46.724123373Z\""), std::string::npos) << first[0];
  EXPECT_EQ(lines({"--since", "2026-11-22T03:19:46.9Z"}).size(), 4u);
  EXPECT_EQ(lines({"--until", "2026-11-22T03:19:46.725Z"}).size(), 2u);
  EXPECT_EQ(lines({"--since", "2026-11-22T03:19:46.9Z", "--until", "2026-11-22T03:19:46.95Z"}).size(), 2u);
}

TEST_F(FlowsBinaryTest, ObserveCompactWithFilters) {
  const ProcessResult run =
      RunFlows(dir_, {"observe", "--server", server_address_, "--from-pod", "demo-app/productcatalog",
                      "--http-status", "5+", "--color", "never"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(
      run.out,
      "Nov 22 03:19:46.800: demo-app/frontend-7d4b9c-x2k4p:46870 <- demo-app/productcatalog-5f9d8-qz9lm:3550 "
      "http-response FORWARDED (HTTP/1.1 503 12ms (GET http://productcatalog:3550/checkout))\n");

  const ProcessResult negated = RunFlows(dir_, {"observe", "--server", server_address_, "--not", "--protocol",
                                                "dns", "--not", "--protocol", "tcp", "-o", "compact"});
  ASSERT_EQ(negated.exit_code, 0) << negated.err;
  ASSERT_EQ(Lines(negated.out).size(), 2u) << negated.out;  // the UDP/123 flow and the ping
  EXPECT_NE(negated.out.find("[fd00::1]:123"), std::string::npos) << negated.out;
  EXPECT_NE(negated.out.find("example.com"), std::string::npos) << negated.out;
}

TEST_F(FlowsBinaryTest, ServerFromEnvironment) {
  const ProcessResult run =
      RunFlows(dir_, {"observe", "--last", "1", "-o", "json"}, {"FLOWS_SERVER=" + server_address_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Lines(run.out).size(), 1u) << run.out;
}

TEST_F(FlowsBinaryTest, StatusAndLists) {
  const ProcessResult status = RunFlows(dir_, {"status", "--server", server_address_});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("Healthcheck (via " + server_address_ + "): Ok\n"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("Version:           0.1.0-test\n"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("Current/Max Flows: 11/100 (11.00% of the ring)\n"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("Flows seen:        11 (0 aged out of the ring)\n"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("Lost events:       7 in total\n"
                            "  ring_reservation:   0\n"
                            "  client:             7\n"),
            std::string::npos)
      << status.out;

  const ProcessResult nodes = RunFlows(dir_, {"list", "nodes", "--server", server_address_});
  ASSERT_EQ(nodes.exit_code, 0) << nodes.err;
  ASSERT_EQ(Lines(nodes.out).size(), 2u) << nodes.out;
  EXPECT_EQ(Lines(nodes.out)[1].rfind("node-1   Connected", 0), 0u) << nodes.out;

  const ProcessResult namespaces = RunFlows(dir_, {"list", "namespaces", "--server", server_address_});
  ASSERT_EQ(namespaces.exit_code, 0) << namespaces.err;
  EXPECT_EQ(namespaces.out, "NAMESPACE\ndemo-app\nkube-system\n");

  const ProcessResult version = RunFlows(dir_, {"version", "--server", server_address_});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, "flows (client): 0.1.0\nserver at " + server_address_ + ": 0.1.0-test\n");
}

TEST_F(FlowsBinaryTest, UnreachableServerIsOneLineAndExit1) {
  const std::string missing = "unix://" + dir_.File("nobody-here.sock");
  for (const auto& cmd : std::vector<std::vector<std::string>>{{"observe", "--server", missing},
                                                               {"status", "--server", missing},
                                                               {"list", "nodes", "--server", missing}}) {
    const ProcessResult run = RunFlows(dir_, cmd);
    EXPECT_EQ(run.exit_code, 1) << cmd[0];
    EXPECT_EQ(run.out, "");
    ASSERT_EQ(Lines(run.err).size(), 1u) << run.err;
    EXPECT_NE(run.err.find(missing), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("is flowd"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("FLOWS_SERVER"), std::string::npos) << run.err;
  }
}

TEST_F(FlowsBinaryTest, BadCommandLinesAreOneLineAndExit2) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"observe", "--frm-pod", "x"}, "flows: unknown flag or argument: --frm-pod"},
      {{"observe", "--from-ip", "10.0.0.0/33"},
       "flows: --from-ip: \"10.0.0.0/33\" is not an IP address or CIDR"},
      {{"observe", "--http-path", "("}, "flows: --http-path: bad regular expression"},
      {{"observe", "--label", "a=b", "--from-label", "c=d"},
       "flows: filters --label and --from-label cannot be combined"},
      {{"observe", "--first", "5", "-f"}, "flows: --first and --follow cannot be combined"},
      {{"observe", "-o", "yaml"}, "flows: --output: must be compact, dict, json or table"},
      {{"observe", "--timeout", "soon"}, "flows: --timeout \"soon\" is not a positive duration"},
      {{"observe", "--tls-server-name", "x"}, "flows: --tls-server-name needs --tls"},
      {{"nonsense"}, "flows: "},
      {{}, "flows: "},
  };
  for (const auto& [args, start] : cases) {
    std::vector<std::string> full = args;
    if (!args.empty() && args[0] == "observe") {
      full.push_back("--server");
      full.push_back(server_address_);
    }
    const ProcessResult run = RunFlows(dir_, full);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_EQ(run.out, "");
    ASSERT_EQ(Lines(run.err).size(), 1u) << run.err;
    EXPECT_EQ(run.err.rfind(start, 0), 0u) << run.err;
  }
}

// --tls flags against a TCP listener that requires client certificates.
TEST_F(FlowsBinaryTest, MutualTls) {
  flowd::testing::TestPki pki;
  pki.Issue("server", "ca", "subjectAltName=DNS:flowd.test");
  pki.Issue("client", "ca", "extendedKeyUsage=clientAuth");
  pki.Issue("rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth");
  ASSERT_TRUE(pki.ok());
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = pki.Read("ca.crt");
  ssl.pem_key_cert_pairs.push_back({pki.Read("server.key"), pki.Read("server.crt")});
  flowd::ObserverService tls_observer(store_, namespaces_, flowd::NodeIdentity{"node-1", "0.1.0-test", ""});
  int port = 0;
  grpc::ServerBuilder b;
  b.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(ssl), &port);
  b.RegisterService(&tls_observer);
  auto server = b.BuildAndStart();
  ASSERT_NE(server, nullptr);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  auto status = [&](const std::string& ca, const std::string& client) {
    std::vector<std::string> args = {
        "status", "--server",          address,      "--timeout",           "3s",
        "--tls",  "--tls-server-name", "flowd.test", "--tls-ca-cert-files", pki.File(ca + ".crt")};
    if (!client.empty()) {
      args.insert(args.end(), {"--tls-client-cert-file", pki.File(client + ".crt"), "--tls-client-key-file",
                               pki.File(client + ".key")});
    }
    return RunFlows(dir_, args);
  };

  const ProcessResult ok = status("ca", "client");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out.rfind("Healthcheck (via " + address + "): Ok\n", 0), 0u) << ok.out;

  for (const auto& [ca, client] : std::vector<std::pair<std::string, std::string>>{
           {"ca", ""}, {"ca", "rogue-client"}, {"rogue-ca", "client"}}) {
    const ProcessResult refused = status(ca, client);
    EXPECT_EQ(refused.exit_code, 1) << ca << " " << client << ": " << refused.out;
    EXPECT_EQ(Lines(refused.err).size(), 1u) << refused.err;
    EXPECT_NE(refused.err.find("cannot reach the flows server at " + address), std::string::npos)
        << refused.err;
  }

  const ProcessResult no_file = status("no-such-ca", "client");
  EXPECT_EQ(no_file.exit_code, 2);
  EXPECT_EQ(no_file.err.rfind("flows: --tls-ca-cert-files " + pki.File("no-such-ca.crt") + ": ", 0), 0u)
      << no_file.err;
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
}

// What the demo runs: `flows observe --from-pod ... --follow` prints each
// new flow as it arrives, while still running.
TEST_F(FlowsBinaryTest, FollowPrintsNewFlowsAsTheyArrive) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  std::vector<std::string> args = {FLOWS_BINARY, "observe",       "--server", server_address_, "--follow",
                                   "--from-pod", "demo-app/live", "--color",  "never"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(out[1]);

  // The client connects at its own pace: keep pushing matching flows until
  // one is printed (only flows pushed after it connected can be).
  std::string text;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (int i = 0; text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline; ++i) {
    flow::Flow f = testing::SampleResponses()[4].flow();
    f.mutable_source()->set_pod_name("live-" + std::to_string(i));
    store_.Push(std::make_shared<flow::Flow>(f));
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[4096];
      const ssize_t n = read(out[0], buf, sizeof(buf));
      if (n > 0) text.append(buf, static_cast<std::size_t>(n));
    }
  }
  // Still running (following), yet the line is already out.
  EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), 0);
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  close(out[0]);
  EXPECT_NE(text.find(" demo-app/live-"), std::string::npos) << text;
  EXPECT_NE(text.find(" http-request FORWARDED (HTTP/1.1 GET http://productcatalog:3550/products)\n"),
            std::string::npos)
      << text;
}

TEST_F(FlowsBinaryTest, PrintRawFiltersNeedsNoServer) {
  const ProcessResult run =
      RunFlows(dir_, {"observe", "--server", "unix:///nonexistent.sock", "--pod", "demo-app/frontend",
                      "--not", "--to-port", "53", "--print-raw-filters"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out,
            "allowlist:\n"
            "- '{\"source_pod\":[\"demo-app/frontend\"]}'\n"
            "- '{\"destination_pod\":[\"demo-app/frontend\"]}'\n"
            "denylist:\n"
            "- '{\"destination_port\":[\"53\"]}'\n");
  const ProcessResult none = RunFlows(dir_, {"observe", "--print-raw-filters"});
  EXPECT_EQ(none.out, "{}\n");
}

TEST_F(FlowsBinaryTest, HelpGroupsFlagsAndExits0) {
  const ProcessResult run = RunFlows(dir_, {"observe", "--help"});
  EXPECT_EQ(run.exit_code, 0);
  std::size_t last = 0;
  for (const char* heading :
       {"Selectors", "L3/L4", "L7 filters", "Negation", "How many flows", "Output", "Server"}) {
    const std::size_t at = run.out.find(heading);
    ASSERT_NE(at, std::string::npos) << heading << "\n" << run.out;
    EXPECT_GT(at, last) << heading;
    last = at;
  }
  // The examples in the help parse (checked without a server).
  int examples = 0;
  for (const std::string& line : Lines(run.out)) {
    if (line.rfind("  flows observe ", 0) != 0) continue;
    std::string command = line.substr(2, line.find("  ", 2) - 2);
    command = command.substr(0, command.find(" |"));
    std::vector<std::string> args;
    std::istringstream words(command);
    for (std::string w; words >> w;) {
      if (w.size() >= 2 && w.front() == '\'' && w.back() == '\'') w = w.substr(1, w.size() - 2);
      args.push_back(w);
    }
    args.erase(args.begin());  // "flows"
    args.push_back("--print-raw-filters");
    const ProcessResult example = RunFlows(dir_, args);
    EXPECT_EQ(example.exit_code, 0) << command << ": " << example.err;
    ++examples;
  }
  EXPECT_GE(examples, 5);
}

}  // namespace
}  // namespace flows::cli
