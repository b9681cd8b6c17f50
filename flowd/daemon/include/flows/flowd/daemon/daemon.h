// flowd, assembled: the datapath (programs, ring, interfaces) feeding the
// ingest pipeline (enrichment, metrics, store), the identity sources (CNI
// registrations, the Kubernetes API, a static file, the persisted
// registry), and the servers (Observer/Peer gRPC, /metrics, the CNI
// socket). Start() brings everything up in dependency order and reports the
// first thing that fails; Run() does the periodic work until asked to stop;
// the destructor takes it all down in reverse.
#pragma once

#include <atomic>
#include <memory>
#include <stop_token>

#include "flows/common/result.h"
#include "flows/flowd/daemon/daemon_options.h"

namespace flows::flowd {

class Daemon {
 public:
  static Result<std::unique_ptr<Daemon>> Start(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Housekeeping (loss counters, idle flows, registry saves) once a second
  // until `stop` is requested.
  void Run(const std::stop_token& stop);

  struct Parts;  // every component, in construction order (daemon.cc)

 private:
  explicit Daemon(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> p_;
};

}  // namespace flows::flowd
