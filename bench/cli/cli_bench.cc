// CLI benchmarks, one run, JSON on stdout:
//   filter_eval_flows_per_s     FlowFilterSet::Matches on a request built
//                               from realistic `flows observe` flags, one
//                               core (thread CPU time)
//   compact_format_flows_per_s  `-o compact` lines into a buffer (thread
//                               CPU time; the write(2) is not included)
//   first_flow_ms               wall time from spawning `flows observe` to
//                               its first line on a pipe, against an
//                               in-process ObserverService over a full
//                               65,535-flow store on a unix socket
// Each is measured in rounds; the JSON has the median, min and max.
//
// usage: cli_bench [--mode full|quick] [--flows PATH]
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench_flows.h"
#include "flows/api/filter/flow_filter_set.h"
#include "flows/cli/flow_printer.h"
#include "flows/cli/observe_flags.h"
#include "flows/cli/observe_request.h"
#include "flows/flowd/observer/observer_service.h"

extern char** environ;

namespace {

using namespace flows;
using nlohmann::json;

double ThreadSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

json Summary(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {{"median", v[v.size() / 2]}, {"min", v.front()}, {"max", v.back()}, {"rounds", v.size()}};
}

// The filters of someone watching the demo app's HTTP and DNS without the
// health checks: two whitelist filters (the namespace on either side, each
// with the protocols) and a blacklist filter with a regular expression.
// (Several --not flags would AND into one blacklist filter, as in Hubble.)
const std::vector<std::string> kFilterArgs = {"-n",  "demo-app", "--protocol",  "http",      "--protocol",
                                              "dns", "--not",    "--http-path", "^/healthz$"};

json FilterEval(const std::vector<flow::Flow>& flows, int rounds) {
  auto options = cli::ParseObserveArgs(kFilterArgs);
  if (!options) throw std::runtime_error(options.error().message);
  auto req = cli::BuildGetFlowsRequest(options->selection, std::chrono::system_clock::now());
  if (!req) throw std::runtime_error(req.error().message);
  auto set = api::FlowFilterSet::Compile(req->whitelist(), req->blacklist());
  if (!set) throw std::runtime_error(set.error().message);
  constexpr int kPasses = 2000;  // x 1024 flows per round
  std::vector<double> rates;
  std::size_t matched = 0;
  for (int r = 0; r < rounds; ++r) {
    matched = 0;
    const double t0 = ThreadSeconds();
    for (int p = 0; p < kPasses; ++p) {
      for (const flow::Flow& f : flows) matched += set->Matches(f);
    }
    const double dt = ThreadSeconds() - t0;
    rates.push_back(static_cast<double>(flows.size()) * kPasses / dt);
  }
  json j = Summary(rates);
  std::string args;
  for (const auto& a : kFilterArgs) args += (args.empty() ? "" : " ") + a;
  j["flags"] = args;
  j["request"] = req->ShortDebugString();
  j["matched_fraction"] = static_cast<double>(matched) / (static_cast<double>(flows.size()) * kPasses);
  return j;
}

json Format(const std::vector<flow::Flow>& flows, cli::OutputFormat format, int rounds, int passes) {
  std::vector<observer::GetFlowsResponse> responses(flows.size());
  for (std::size_t i = 0; i < flows.size(); ++i) {
    *responses[i].mutable_flow() = flows[i];
    responses[i].set_node_name("node-1");
    *responses[i].mutable_time() = flows[i].time();
  }
  std::vector<double> rates;
  std::size_t bytes = 0;
  for (int r = 0; r < rounds; ++r) {
    auto printer = cli::MakeFlowPrinter(format, cli::PrintOptions{});
    std::string out, err;
    out.reserve(1 << 20);
    bytes = 0;
    const double t0 = ThreadSeconds();
    for (int p = 0; p < passes; ++p) {
      for (const auto& resp : responses) {
        printer->Print(resp, out, err);
        // The CLI writes ~64 KiB batches; the buffer is reused the same way.
        if (out.size() >= 64 * 1024) {
          bytes += out.size();
          out.clear();
        }
      }
    }
    const double dt = ThreadSeconds() - t0;
    bytes += out.size();
    rates.push_back(static_cast<double>(responses.size()) * passes / dt);
  }
  json j = Summary(rates);
  j["bytes_per_flow"] = static_cast<double>(bytes) / (static_cast<double>(responses.size()) * passes);
  return j;
}

// Milliseconds from posix_spawn to the first '\n' on the child's stdout.
double FirstFlowMs(const std::string& binary, const std::vector<std::string>& args) {
  int pipefd[2];
  if (pipe(pipefd) != 0) throw std::runtime_error("pipe");
  std::vector<std::string> argv_s = {binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_addclose(&fa, pipefd[0]);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, binary.c_str(), &fa, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + binary);
  }
  posix_spawn_file_actions_destroy(&fa);
  close(pipefd[1]);
  double ms = -1;
  char buf[65536];
  for (;;) {
    pollfd p{pipefd[0], POLLIN, 0};
    if (poll(&p, 1, 10'000) <= 0) break;  // 10 s without output: give up on this round
    const ssize_t n = read(pipefd[0], buf, sizeof(buf));
    if (n <= 0) break;
    if (ms < 0 && std::memchr(buf, '\n', static_cast<std::size_t>(n))) {
      ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }
  }
  close(pipefd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (ms < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("flows observe printed no flow or failed (exit status " +
                             std::to_string(status) + ")");
  }
  return ms;
}

json FirstFlow(const std::string& binary, int rounds) {
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("flows-cli-bench-" + std::to_string(getpid())));
  std::filesystem::create_directories(dir);
  const std::string address = "unix://" + dir + "/observer.sock";
  flowd::FlowStore store(flowd::FlowStore::kDefaultCapacity);
  for (auto& f : cli::bench::FlowMix(flowd::FlowStore::kDefaultCapacity)) {
    store.Push(std::make_shared<flow::Flow>(std::move(f)));
  }
  flowd::NamespaceTracker namespaces;
  flowd::ObserverService observer(store, namespaces, flowd::NodeIdentity{"node-1", "bench", ""});
  grpc::ServerBuilder b;
  b.AddListeningPort(address, grpc::InsecureServerCredentials());
  b.RegisterService(&observer);
  auto server = b.BuildAndStart();
  if (!server) throw std::runtime_error("cannot listen on " + address);

  struct Case {
    const char* name;
    std::vector<std::string> args;
  };
  const std::vector<Case> cases = {
      // What a user types first: the last 20 flows, compact.
      {"default", {"observe", "--server", address, "--color", "never"}},
      // A filter that matches 1 flow in 64: the server scans back through
      // the ring to find 20.
      {"filtered_http_5xx", {"observe", "--server", address, "--color", "never", "--http-status", "5+"}},
  };
  json out;
  for (const Case& c : cases) {
    FirstFlowMs(binary, c.args);  // warm the page cache and the server's threads
    std::vector<double> ms;
    for (int r = 0; r < rounds; ++r) ms.push_back(FirstFlowMs(binary, c.args));
    out[c.name] = Summary(ms);
    out[c.name]["command"] = "flows " + [&] {
      std::string s;
      for (const auto& a : c.args)
        s += (s.empty() ? "" : " ") + (a == address ? std::string("unix://...") : a);
      return s;
    }();
  }
  out["store_flows"] = store.size();
  store.Shutdown();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  std::filesystem::remove_all(dir);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = "full", binary = FLOWS_BINARY;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--mode")
      mode = argv[i + 1];
    else if (flag == "--flows")
      binary = argv[i + 1];
  }
  const bool quick = mode == "quick";
  const int rounds = quick ? 3 : 11;
  try {
    const auto flows = cli::bench::FlowMix(1024);
    json result;
    result["mode"] = mode;
    result["filter_eval_flows_per_s"] = FilterEval(flows, rounds);
    result["compact_format_flows_per_s"] =
        Format(flows, cli::OutputFormat::kCompact, rounds, quick ? 200 : 1000);
    result["json_format_flows_per_s"] = Format(flows, cli::OutputFormat::kJson, rounds, quick ? 20 : 100);
    result["first_flow_ms"] = FirstFlow(binary, quick ? 5 : 21);
    std::cout << result.dump(2) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "cli_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
