// cni_test_server: flowd's CNI socket (the real CniServer) with a recording
// sink, for test_cni_chain.sh. Each registration becomes one JSON line in
// --record, written before the reply is sent; --delay-ms stands in for the
// time attaching programs takes (or, made long, for a hung flowd). The
// "attach" checks that the host interface exists in this network namespace
// with the index the plugin reported, as flowd's real attach would need.
#include <net/if.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "flows/flowd/cni/cni_server.h"
#include "flows/flowd/endpoints/endpoint_json.h"

namespace {

using namespace flows::flowd;

class RecordingSink : public EndpointSink {
 public:
  RecordingSink(std::string path, std::chrono::milliseconds delay) : path_(std::move(path)), delay_(delay) {}

  flows::Status OnAdd(const Endpoint& ep) override {
    std::this_thread::sleep_for(delay_);
    nlohmann::json line = EndpointToJson(ep);
    line["op"] = "add";
    const unsigned seen = ep.host_ifname.empty() ? 0 : if_nametoindex(ep.host_ifname.c_str());
    line["ifindex_in_netns"] = seen;
    Record(line);
    known_.insert(ep.container_id);
    if (!ep.host_ifname.empty() && (seen == 0 || seen != ep.host_ifindex))
      return flows::Error::Invalid("no interface " + ep.host_ifname + " with index " +
                                   std::to_string(ep.host_ifindex) + " here");
    return flows::OkStatus();
  }
  flows::Status OnDel(const std::string& container_id) override {
    Record({{"op", "del"}, {"container_id", container_id}});
    known_.erase(container_id);
    return flows::OkStatus();
  }
  bool Knows(const std::string& container_id) override {
    Record({{"op", "check"}, {"container_id", container_id}});
    return known_.count(container_id) > 0;
  }
  // Forgets every container not listed, as flowd's registry does.
  std::uint32_t OnGc(const std::vector<std::string>& valid) override {
    Record({{"op", "gc"}, {"valid", valid}});
    std::uint32_t removed = 0;
    for (auto it = known_.begin(); it != known_.end();) {
      if (std::find(valid.begin(), valid.end(), *it) == valid.end()) {
        it = known_.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    return removed;
  }

 private:
  void Record(const nlohmann::json& line) {
    std::ofstream out(path_, std::ios::app);
    out << line.dump() << "\n";
  }

  std::string path_;
  std::chrono::milliseconds delay_;
  std::set<std::string> known_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"test stand-in for flowd's CNI registration socket"};
  std::string socket_path, record, ready;
  int delay_ms = 0;
  app.add_option("--socket", socket_path, "unix socket to serve")->required();
  app.add_option("--record", record, "append one JSON line per request here")->required();
  app.add_option("--ready", ready, "file created once the socket is listening")->required();
  app.add_option("--delay-ms", delay_ms, "time each ADD takes before the reply");
  CLI11_PARSE(app, argc, argv);

  // Block the stop signals before any thread starts, then wait for one.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  RecordingSink sink(record, std::chrono::milliseconds(delay_ms));
  CniServerOptions opts;
  opts.socket_path = socket_path;
  opts.node_name = "test-node";
  opts.log = [](const std::string& line) { std::cerr << line << std::endl; };
  auto server = CniServer::Start(opts, sink);
  if (!server.ok()) {
    std::cerr << "cni_test_server: " << server.error().message << std::endl;
    return 1;
  }
  std::ofstream(ready) << "listening\n";
  int sig = 0;
  sigwait(&stop, &sig);
  (*server)->Stop();
  return 0;
}
