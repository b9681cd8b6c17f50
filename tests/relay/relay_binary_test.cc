// The flows-relay binary as a process: flags, serving, metrics, shutdown.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>

#include "http_get.h"
#include "metrics_doc.h"
#include "relay_harness.h"
#include "test_node.h"

namespace flows::relay {
namespace {

using namespace std::chrono_literals;

// flows-relay with `args`, stdout read through a pipe.
class RelayProcess {
 public:
  explicit RelayProcess(std::vector<std::string> args) {
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      std::vector<char*> argv{const_cast<char*>(FLOWS_RELAY_BINARY)};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(FLOWS_RELAY_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = ::fdopen(out[0], "r");
  }
  ~RelayProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_) std::fclose(out_);
  }
  // "listening <grpc port> metrics <metrics port>", once serving.
  bool ReadPorts(int* grpc_port, int* metrics_port) {
    return out_ && std::fscanf(out_, "listening %d metrics %d", grpc_port, metrics_port) == 2;
  }
  // Exit status after SIGTERM (or by itself), -1 if it did not exit in time.
  int Wait(std::chrono::milliseconds limit, bool term = true) {
    if (term) ::kill(pid_, SIGTERM);
    const auto until = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < until) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  bool exited_ = false;
};

using flows::testing_support::HttpGet;

TEST(RelayBinaryTest, ServesFlowsMetricsAndShutsDownOnSigterm) {
  testing::TestNode node("node-bin");
  node.Start();
  node.Push(testing::NowNs());
  RelayProcess relay({"--listen-address", "127.0.0.1:0", "--metrics-address", "127.0.0.1:0", "--peer",
                      node.address(), "--peer-backoff-initial", "0.1"});
  int grpc_port = 0, metrics_port = 0;
  ASSERT_TRUE(relay.ReadPorts(&grpc_port, &metrics_port));
  auto stub = observer::Observer::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_port), grpc::InsecureChannelCredentials()));
  // Until the relay has connected to the node.
  std::vector<observer::GetFlowsResponse> rs;
  for (auto until = std::chrono::steady_clock::now() + 10s;
       testing::CountFlows(rs) == 0 && std::chrono::steady_clock::now() < until;) {
    std::this_thread::sleep_for(100ms);
    testing::StreamCollector c(*stub, observer::GetFlowsRequest());
    c.WaitDone();
    rs = c.Responses();
  }
  EXPECT_EQ(testing::CountFlows(rs, "node-bin"), 1u);

  const std::string metrics = HttpGet(metrics_port, "/metrics");
  EXPECT_NE(metrics.find("flows_relay_peer_connected{peer=\"" + node.address() + "\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("flows_relay_flows_forwarded_total 1"), std::string::npos);
  // docs/metrics.md's flows-relay table is what the binary exports, both ways.
  const auto documented = testing_support::DocumentedFamilies("flows-relay");
  const auto exposed = testing_support::ExposedFamilies(metrics);
  EXPECT_EQ(exposed, documented) << "exported, not documented:\n"
                                 << testing_support::Missing(exposed, documented)
                                 << "documented, not exported:\n"
                                 << testing_support::Missing(documented, exposed);
  EXPECT_NE(HttpGet(metrics_port, "/readyz").find("200 OK"), std::string::npos);
  EXPECT_EQ(relay.Wait(5s), 0);
}

TEST(RelayBinaryTest, BadFlagsExitWithAMessage) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--peer", "nohost"},
                                             {"--peer-dns", "name:0"},
                                             {"--tls-cert", "/nonexistent", "--tls-key", "/nonexistent"},
                                             {"--tls-client-ca", "/nonexistent"},
                                             {"--listen-address", ":notaport"},
                                             {"--sort-buffer-len", "0"},
                                             {"--no-such-flag"}}) {
    RelayProcess relay(args);
    EXPECT_NE(relay.Wait(5s, false), 0) << args[0];
  }
}

}  // namespace
}  // namespace flows::relay
