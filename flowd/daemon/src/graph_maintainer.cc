#include "flows/flowd/daemon/graph_maintainer.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

#include "flows/common/ip_address.h"

namespace flows::flowd {
namespace {

graph::TimeNs NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::vector<std::string> LocalAddresses() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    IpAddress ip;
    if (a->ifa_addr->sa_family == AF_INET) {
      ip.version = 4;
      const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
      std::memcpy(ip.bytes.data(), &sin->sin_addr, 4);
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      ip.version = 6;
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
      std::memcpy(ip.bytes.data(), &sin6->sin6_addr, 16);
    } else {
      continue;
    }
    out.push_back(ip.ToString());
  }
  ::freeifaddrs(list);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

GraphMaintainer::GraphMaintainer(graph::ConnectivityGraph& graph, graph::GraphPersistence* persistence,
                                 GraphFeeder& feeder, GraphMetrics* metrics, Options options)
    : graph_(graph), persistence_(persistence), feeder_(feeder), metrics_(metrics), options_(options) {}

GraphMaintainer::~GraphMaintainer() {
  Stop();
}

void GraphMaintainer::Start() {
  Tick(/*maintain=*/false);
  thread_ = std::thread([this] {
    auto next_maintain = std::chrono::steady_clock::now() + options_.maintain_interval;
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, options_.checkpoint_interval, [this] { return stop_; })) {
      lock.unlock();
      const auto now = std::chrono::steady_clock::now();
      const bool maintain = now >= next_maintain;
      if (maintain) next_maintain = now + options_.maintain_interval;
      Tick(maintain);
      lock.lock();
    }
  });
}

void GraphMaintainer::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  Tick(/*maintain=*/false);  // what came in since the last round
}

void GraphMaintainer::Tick(bool maintain) {
  const graph::TimeNs now = NowNs();
  feeder_.SetHostAddresses(LocalAddresses());
  graph_.Advance(now);
  if (maintain) graph_.Maintain(now);
  GraphHealth health;
  if (persistence_ != nullptr) {
    if (Status s = persistence_->Checkpoint(now); !s) {
      if (!failing_) spdlog::warn("graph: checkpoint failed: {} (retrying every round)", s.error().message);
      failing_ = true;
    } else if (failing_) {
      spdlog::info("graph: checkpoints work again");
      failing_ = false;
    }
    const graph::TimeNs durable = persistence_->last_durable();
    health.snapshot_age_seconds = durable > 0 && now > durable ? static_cast<double>(now - durable) / 1e9 : 0;
    health.snapshot_bytes = persistence_->snapshot_bytes() + persistence_->log_bytes();
  }
  if (metrics_ != nullptr) {
    const graph::GraphStats stats = graph_.Stats();
    health.edges = stats.edges;
    health.evicted_buckets = stats.evicted_buckets;
    health.evicted_edges = stats.evicted_edges;
    metrics_->Update(health);
  }
}

}  // namespace flows::flowd
