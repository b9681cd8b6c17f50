// The daemon's HTTP side: /metrics (Prometheus text format from a
// prometheus-cpp registry), /healthz (the process is serving) and /readyz
// (the datapath is loaded and attached: what a DaemonSet rollout waits on).
// Boost.Beast, one thread, one request at a time: scrapes are rare.
#pragma once

#include <prometheus/registry.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "flows/common/result.h"

namespace flows::api {

class MetricsServer {
 public:
  // address is "host:port"; port 0 picks a free one (see port()).
  static Result<std::unique_ptr<MetricsServer>> Start(const std::string& address,
                                                      std::shared_ptr<prometheus::Registry> registry,
                                                      std::function<bool()> ready);
  ~MetricsServer();
  unsigned short port() const;

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace flows::api
