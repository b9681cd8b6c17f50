// Feeds the connectivity graph from the ingest path: each converted flow
// (with what the converter worked out: NIC or veth, reply or not, local
// pods) becomes one graph::Observation.
//
//   client/server  from the connection's direction: a reply travels server ->
//                  client (the kernel's flow-table role, on every record).
//                  When a record does not say (an entry from an older
//                  program), the entry's earlier records did; failing that,
//                  the lower port is the server's.
//   vantage        the converter's (graph/count_once.h VantageOf): a pod veth
//                  is the client's or the server's by which end of the packet
//                  is behind it; a NIC is transit (never counted).
//   client_observed
//                  the client is a pod (the registry knows its pod name):
//                  flowd runs on every node (a DaemonSet), so that pod's veth
//                  is watched on its node, and the count-once rule counts the
//                  connection there. Host, world and unknown clients are
//                  counted at the server's veth.
//   endpoints      pods by workload (the Service the server was reached
//                  through kept); this node's own addresses are `host`;
//                  anything else is `world`, named by the DNS name the client
//                  resolved (the converter filled it from the DNS cache) or
//                  the IP.
//   events         SYN (TCP) or the first packet (UDP) opens a connection; an
//                  RST answering a SYN is refused, other RSTs resets; HTTP
//                  and DNS responses with their latency; byte and packet
//                  deltas of every record (the records carry flow totals).
//   L7             an edge's L7 protocol is its server port's: learned from
//                  the first HTTP/DNS message to (server, port) and applied to
//                  the connection's other records. A connection's records
//                  before any server port's first message go to the L4 edge.
//
// Cost: one hash probe for the entry's byte/packet baseline, one for the
// port's L7 when an entry does not know it yet; no allocation per record.
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
  void Add(const datapath::Flow& in, const flow::Flow& out, const FlowFacts& facts);
  void Commit();

  // Flow-table entries with a byte/packet baseline (bounded).
  std::size_t tracked_entries() const { return entries_.size(); }
  static constexpr std::size_t kMaxEntries = 1 << 20;
  static constexpr std::size_t kMaxPorts = 1 << 16;

 private:
  struct EntryKey {
    IpAddress src, dst;
    std::uint32_t ifindex = 0;
    std::uint16_t src_port = 0, dst_port = 0;
    std::uint8_t proto = 0;
    datapath::Direction direction = datapath::Direction::kIngress;
    friend bool operator==(const EntryKey&, const EntryKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const EntryKey& k) {
      return H::combine(std::move(h), k.src.bytes, k.dst.bytes, k.ifindex, k.src_port, k.dst_port, k.proto,
                        static_cast<std::uint8_t>(k.direction));
    }
  };
  struct EntryState {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::int8_t reply = -1;  // -1 unknown, 0 client -> server, 1 server -> client
    graph::L7Proto l7 = graph::L7Proto::kNone;
  };
  struct PortKey {
    IpAddress server;
    std::uint16_t port = 0;
    std::uint8_t proto = 0;
    friend bool operator==(const PortKey&, const PortKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const PortKey& k) {
      return H::combine(std::move(h), k.server.bytes, k.port, k.proto);
    }
  };

  graph::ConnectivityGraph& graph_;
  graph::NodeId node_;
  absl::flat_hash_map<EntryKey, EntryState> entries_;
  absl::flat_hash_map<PortKey, graph::L7Proto> port_l7_;
  std::vector<graph::Observation> batch_;

  std::mutex hosts_mu_;
  std::shared_ptr<const absl::flat_hash_set<std::string>> hosts_;        // guarded by hosts_mu_
  std::shared_ptr<const absl::flat_hash_set<std::string>> batch_hosts_;  // ingest thread's copy
};

}  // namespace flows::flowd
