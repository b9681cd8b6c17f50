// The relay in-process, as flows-relay wires it (PeerManager, RelayService,
// RelayGraphService, a gRPC server on 127.0.0.1 port 0), with short timeouts
// for tests; and a follow client that collects what it reads on its own
// thread.
#pragma once

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <condition_variable>
#include <functional>
#include <thread>

#include "flows/relay/credentials.h"
#include "flows/relay/relay_graph_service.h"
#include "flows/relay/relay_service.h"

namespace flows::relay::testing {

using namespace std::chrono_literals;

inline RelayOptions TestRelayOptions() {
  RelayOptions o;
  o.merge.sort_window = 4096;
  // Long enough that a loaded CI machine does not release flows early
  // (and out of order) in the ordering tests.
  o.merge.drain_timeout = 1500ms;
  o.follow_rescan = 100ms;
  o.call_timeout = 2s;
  o.version = "relay-test";
  return o;
}

class RelayHarness {
 public:
  explicit RelayHarness(RelayOptions options = TestRelayOptions(), DialOptions dial = FastDial(),
                        std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials())
      : metrics_(registry_),
        dial_(*MakeChannelFactory(dial)),
        peers_(dial_, &metrics_, PeerManager::Options{.poll = 50ms}),
        service_(peers_, options, &metrics_),
        graph_service_(peers_, options.call_timeout) {
    peers_.Start();
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", creds, &port_);
    b.RegisterService(&service_);
    b.RegisterService(&graph_service_);
    server_ = b.BuildAndStart();
  }
  ~RelayHarness() {
    server_->Shutdown(std::chrono::system_clock::now() + 1s);
    peers_.Stop();
  }

  static DialOptions FastDial() {
    DialOptions d;
    d.backoff_initial = 100ms;
    d.backoff_max = 500ms;
    return d;
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::unique_ptr<observer::Observer::Stub> Stub(
      std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials(),
      const std::string& server_name = {}) const {
    grpc::ChannelArguments args;
    if (!server_name.empty()) args.SetSslTargetNameOverride(server_name);
    return observer::Observer::NewStub(grpc::CreateCustomChannel(address(), creds, args));
  }
  std::unique_ptr<::flows::graph::Graph::Stub> GraphStub() const {
    return ::flows::graph::Graph::NewStub(grpc::CreateChannel(address(), grpc::InsecureChannelCredentials()));
  }
  PeerManager& peers() { return peers_; }
  RelayMetrics& metrics() { return metrics_; }
  const ChannelFactory& dial() const { return dial_; }

  // Waits until `n` peers are connected.
  bool WaitConnected(std::size_t n, std::chrono::milliseconds limit = 10s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      std::size_t c = 0;
      for (const auto& p : peers_.Snapshot()) c += p.state == ::relay::NODE_CONNECTED;
      if (c >= n) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

 private:
  prometheus::Registry registry_;
  RelayMetrics metrics_;
  ChannelFactory dial_;
  PeerManager peers_;
  RelayService service_;
  RelayGraphService graph_service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

// Reads a GetFlows stream on its own thread; the test waits for what it needs.
class StreamCollector {
 public:
  StreamCollector(observer::Observer::Stub& stub, const observer::GetFlowsRequest& req) {
    reader_ = stub.GetFlows(&ctx_, req);
    thread_ = std::thread([this] {
      observer::GetFlowsResponse r;
      while (reader_->Read(&r)) {
        std::lock_guard lock(mu_);
        got_.push_back(r);
        cv_.notify_all();
      }
      std::lock_guard lock(mu_);
      status_ = reader_->Finish();
      done_ = true;
      cv_.notify_all();
    });
  }
  ~StreamCollector() {
    ctx_.TryCancel();
    thread_.join();
  }

  // Waits until pred(all responses so far) holds.
  bool WaitFor(const std::function<bool(const std::vector<observer::GetFlowsResponse>&)>& pred,
               std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(got_); });
  }
  std::vector<observer::GetFlowsResponse> Responses() {
    std::lock_guard lock(mu_);
    return got_;
  }
  bool WaitDone(std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return done_; });
  }
  grpc::Status status() {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<observer::GetFlowsResponse>> reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<observer::GetFlowsResponse> got_;
  grpc::Status status_;
  bool done_ = false;
  std::thread thread_;
};

inline std::size_t CountFlows(const std::vector<observer::GetFlowsResponse>& rs,
                              const std::string& node = {}) {
  std::size_t n = 0;
  for (const auto& r : rs) n += r.has_flow() && (node.empty() || r.node_name() == node);
  return n;
}

// True if some NodeStatusEvent with `state` names `node`.
inline bool HasStatus(const std::vector<observer::GetFlowsResponse>& rs, ::relay::NodeState state,
                      const std::string& node, std::size_t from = 0) {
  for (std::size_t i = from; i < rs.size(); ++i) {
    const auto& r = rs[i];
    if (!r.has_node_status() || r.node_status().state_change() != state) continue;
    for (const auto& n : r.node_status().node_names())
      if (n == node) return true;
  }
  return false;
}

inline std::int64_t TimeNs(const observer::GetFlowsResponse& r) {
  return r.time().seconds() * 1'000'000'000 + r.time().nanos();
}

}  // namespace flows::relay::testing
