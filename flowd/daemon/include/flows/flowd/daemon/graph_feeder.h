// Feeds the connectivity graph from the ingest path: each converted flow
// (with what the converter worked out: NIC or veth, local pods) and what it
// adds to its connection (EntryTracker: deltas, direction, vantage, L7)
// becomes one graph::Observation.
//
//   client/server  from the connection's direction: a reply travels server ->
//                  client (the kernel's flow-table role, on every record;
//                  EntryTracker remembers it for records that do not say).
//   vantage, client_observed
//                  the count-once rule's inputs (graph/count_once.h), as the
//                  converter decided them for the flow's `primary` field.
//   endpoints      pods by workload (the Service the server was reached
//                  through kept); this node's own addresses are `host`;
//                  anything else is `world`, named by the DNS name the client
//                  resolved (the converter filled it from the DNS cache) or
//                  the IP.
//   events         SYN (TCP) or the first packet (UDP) opens a connection; an
//                  RST answering a SYN is refused, other RSTs resets; HTTP
//                  and DNS responses with their latency; byte and packet
//                  deltas of every record.
//   L7             the connection's (the server port's, see EntryTracker). A
//                  connection's records before any server port's first
//                  message go to the L4 edge.
//   counted once   the graph applies the count-once rule to the vantage and
//                  client_observed EntryTracker worked out.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "flow/flow.pb.h"
#include "flows/datapath/flow.h"
#include "flows/flowd/daemon/entry_tracker.h"
#include "flows/flowd/graph/connectivity_graph.h"
#include "flows/flowd/observer/flow_converter.h"

namespace flows::flowd {

class GraphFeeder {
 public:
  GraphFeeder(graph::ConnectivityGraph& graph, const std::string& node_name);

  // This node's own addresses (canonical text): they are `host`. Any thread.
  void SetHostAddresses(const std::vector<std::string>& addresses);

  // Ingest thread, per batch: Add every converted record, then Commit. The
  // observations point into the flows, which must live until Commit.
  void Add(const datapath::Flow& in, const flow::Flow& out, const FlowFacts& facts, const EntryRecord& rec);
  void Commit();

 private:
  graph::ConnectivityGraph& graph_;
  graph::NodeId node_;
  std::vector<graph::Observation> batch_;

  std::mutex hosts_mu_;
  std::shared_ptr<const absl::flat_hash_set<std::string>> hosts_;        // guarded by hosts_mu_
  std::shared_ptr<const absl::flat_hash_set<std::string>> batch_hosts_;  // ingest thread's copy
};

}  // namespace flows::flowd
