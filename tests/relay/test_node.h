// A flowd-like node for relay tests: the real ObserverService and
// PeerService over a FlowStore, served on 127.0.0.1. It can be stopped and
// started again on the same port (a node restart).
#pragma once

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "flows/flowd/observer/observer_service.h"
#include "flows/flowd/observer/peer_service.h"

namespace flows::relay::testing {

// A port nobody listens on right now (bound, read, closed).
inline int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class TestNode {
 public:
  explicit TestNode(std::string name, std::size_t capacity = 100000)
      : name_(std::move(name)), port_(FreePort()), store_(capacity) {}
  ~TestNode() { Stop(); }

  void Start(std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials()) {
    flowd::NodeIdentity id{name_, "test-1.0", address(), !tls_cluster_.empty(), {}, tls_cluster_};
    observer_ = std::make_unique<flowd::ObserverService>(store_, namespaces_, id);
    observer_->SetLossSource([this] {
      std::lock_guard lock(losses_mu_);
      return losses_;
    });
    peer_ = std::make_unique<flowd::PeerService>(id, roster_);
    grpc::ServerBuilder b;
    b.AddListeningPort(address(), creds);
    b.RegisterService(observer_.get());
    b.RegisterService(peer_.get());
    for (grpc::Service* extra : extra_services_) b.RegisterService(extra);
    server_ = b.BuildAndStart();
  }
  // A node going away: open streams end (the client sees them fail).
  void Stop() {
    if (!server_) return;
    peer_->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
    server_.reset();
  }
  bool running() const { return server_ != nullptr; }
  // The nodes its Peer service announces besides itself (from the next
  // Start); not owned.
  void SetRoster(const flowd::PeerRoster* roster) { roster_ = roster; }
  // Serves TLS (given to Start): its Peer service names every node's
  // certificate as <node>.<cluster>.flows-grpc.
  void SetTlsCluster(std::string cluster) { tls_cluster_ = std::move(cluster); }
  // Served too from the next Start (e.g. flowd's GraphService); not owned.
  void AddService(grpc::Service* service) { extra_services_.push_back(service); }

  // A flow with this time (ns since the epoch), as flowd's ingest stores it.
  void Push(std::int64_t time_ns, const std::string& ns = "demo-app", const std::string& pod = "frontend") {
    auto f = std::make_shared<flow::Flow>();
    f->mutable_time()->set_seconds(time_ns / 1'000'000'000);
    f->mutable_time()->set_nanos(static_cast<int>(time_ns % 1'000'000'000));
    f->set_node_name(name_);
    f->set_verdict(flow::FORWARDED);
    f->mutable_ip()->set_source("10.0.0.1");
    f->mutable_ip()->set_destination("10.0.1.1");
    f->mutable_source()->set_namespace_(ns);
    f->mutable_source()->set_pod_name(pod);
    f->mutable_l4()->mutable_tcp()->set_destination_port(80);
    namespaces_.Observe(*f, flowd::NamespaceTracker::Clock::now());
    store_.Push(std::move(f));
  }

  // What this node's ServerStatus reports as lost, by stage.
  void SetLosses(std::vector<std::pair<std::string, std::uint64_t>> losses) {
    std::lock_guard lock(losses_mu_);
    losses_ = std::move(losses);
  }

  const std::string& name() const { return name_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  flowd::FlowStore& store() { return store_; }

 private:
  std::string name_;
  int port_;
  flowd::FlowStore store_;
  flowd::NamespaceTracker namespaces_;
  std::mutex losses_mu_;
  std::vector<std::pair<std::string, std::uint64_t>> losses_;
  std::unique_ptr<flowd::ObserverService> observer_;
  std::unique_ptr<flowd::PeerService> peer_;
  std::vector<grpc::Service*> extra_services_;
  const flowd::PeerRoster* roster_ = nullptr;
  std::string tls_cluster_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace flows::relay::testing
