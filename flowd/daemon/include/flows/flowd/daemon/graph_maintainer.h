// Keeps the connectivity graph going on its own thread: every checkpoint
// interval (5 s) it seals the minute that ended, appends what changed to the
// graph's log (or writes a snapshot when one is due), refreshes this node's
// own addresses for the feeder, and updates the graph metrics; every minute
// it rolls up, expires and enforces the memory budget (Maintain). Stop()
// writes a last checkpoint.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "flows/flowd/daemon/graph_feeder.h"
#include "flows/flowd/graph/connectivity_graph.h"
#include "flows/flowd/graph/graph_persistence.h"
#include "flows/flowd/metrics/graph_metrics.h"

namespace flows::flowd {

// This node's addresses (canonical text), every interface's: getifaddrs(3).
std::vector<std::string> LocalAddresses();

class GraphMaintainer {
 public:
  struct Options {
    std::chrono::milliseconds checkpoint_interval{5000};
    std::chrono::seconds maintain_interval{60};
  };
  // `persistence` and `metrics` are optional.
  GraphMaintainer(graph::ConnectivityGraph& graph, graph::GraphPersistence* persistence, GraphFeeder& feeder,
                  GraphMetrics* metrics, Options options);
  ~GraphMaintainer();

  void Start();
  void Stop();
  // One round (what the thread does each interval; exposed for tests).
  void Tick(bool maintain);

 private:
  graph::ConnectivityGraph& graph_;
  graph::GraphPersistence* persistence_;
  GraphFeeder& feeder_;
  GraphMetrics* metrics_;
  const Options options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool failing_ = false;  // the last checkpoint failed (logged once per streak)
  std::thread thread_;
};

}  // namespace flows::flowd
