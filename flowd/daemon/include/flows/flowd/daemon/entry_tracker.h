// What each record adds to its connection, worked out once on the ingest
// path for everything that counts traffic (the metrics and the connectivity
// graph), so both count the same packets, once.
//
//   deltas   records carry their flow-table entry's running totals: a
//            record adds the totals' increase since the entry's previous
//            record. The first record of a new entry (new_flow) adds its
//            totals, even when a baseline for its key remains (the old
//            entry's flow-end record was lost), as do totals that went down
//            (recreated, and its first record lost too); an entry first
//            seen mid-connection (flowd restarted and the pinned table kept
//            counting) adds nothing, as the previous run counted it.
//   reply    the connection's direction: a reply travels server -> client.
//            When a record does not say (a stats or flow-end record), the
//            entry's earlier records did; for an entry first seen
//            mid-connection, the lower port is the server's.
//   vantage  a pod veth is the client's or the server's by which end of the
//            packet is behind it; a NIC is transit.
//   client_observed
//            the client is a pod (it has a pod name): flowd runs on every
//            node, so that pod's veth is watched somewhere. With the
//            vantage, this decides whether this record counts
//            (graph::ShouldCount, flowd/graph/count_once.h).
//   l7       the connection's L7 protocol is its server port's: learned from
//            the first HTTP/DNS message to (server, port) and applied to the
//            connection's other records.
//
// Cost: one hash probe per record for the entry's baseline, one for the
// port's L7 when an entry does not know it yet; no allocation per record.
#pragma once

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "flow/flow.pb.h"
#include "flows/datapath/flow.h"
#include "flows/flowd/graph/count_once.h"
#include "flows/flowd/graph/types.h"
#include "flows/flowd/observer/flow_converter.h"

namespace flows::flowd {

struct EntryRecord {
  std::uint64_t packets = 0;  // new since the entry's previous record
  std::uint64_t bytes = 0;
  bool reply = false;  // server -> client
  graph::L7Proto l7 = graph::L7Proto::kNone;
  graph::Vantage vantage = graph::Vantage::kTransit;
  bool client_observed = false;
  bool new_flow = false;  // the entry's first record
  // Link-local or multicast (flows/common IsLinkScope): the network's own
  // chatter, neither traffic between workloads nor a dependency.
  bool link_scope = false;

  // Whether this record's packets are counted here (the count-once rule).
  bool counted() const { return !link_scope && graph::ShouldCount(vantage, client_observed); }
};

class EntryTracker {
 public:
  // Without `learn_l7` (nothing needs it: no graph), l7 stays kNone and the
  // port probe is saved.
  explicit EntryTracker(bool learn_l7 = true) : learn_l7_(learn_l7) {}

  // Ingest thread, one record at a time, in ring order. `out` and `facts`
  // are the converter's for `in`.
  EntryRecord Track(const datapath::Flow& in, const flow::Flow& out, const FlowFacts& facts);

  // Flow-table entries with a baseline (bounded).
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

  bool learn_l7_;
  absl::flat_hash_map<EntryKey, EntryState> entries_;
  absl::flat_hash_map<PortKey, graph::L7Proto> port_l7_;
};

}  // namespace flows::flowd
