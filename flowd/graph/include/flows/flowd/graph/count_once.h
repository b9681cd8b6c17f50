// The count-once rule: which observation of a connection the graph counts.
//
// One connection is seen at several places: the client pod's veth, the
// server pod's veth (on the same node or another one), and the node NICs in
// between. Summing all of them would count it two to four times, and the
// relay would add those copies up across nodes. The rule picks exactly one
// vantage point per connection, cluster-wide, from facts every node knows
// locally:
//
//   * the client is an observed pod (its veth is watched by flows):
//       counted where vantage == kClient, i.e. at the client's veth, on the
//       client's node;
//   * the client is not an observed pod (host, remote node, world, or a pod
//       on a node without flows):
//       counted where vantage == kServer, i.e. at the server pod's veth, on
//       the server's node;
//   * vantage == kTransit (a NIC seeing a pod's packets) never counts: the
//       pod's veth sees the same packets.
//
//   case                       observations                    counted at
//   same-node pod -> pod       client veth, server veth        client veth
//   cross-node pod -> pod      A: client veth, NIC; B: NIC,     node A, client veth
//                              server veth
//   pod -> world               client veth, NIC                client veth
//   world -> pod               NIC, server veth                server veth
//   host -> pod                server veth                     server veth
//
// Traffic between two unobserved ends (host -> world) is not pod traffic and
// is not counted anywhere. The rule applies to every event of a connection
// (opens, byte deltas, HTTP, DNS, resets), so all of an edge's figures come
// from the same single vantage point.
//
// This is the only copy of the rule: the flow converter marks each flow it
// keeps (flow.Flow.primary, what `flows observe --once` filters on) and
// hands the same vantage to the graph feeder, so the map and the flow list
// count the same sightings.
#pragma once

#include "flows/flowd/graph/observation.h"

namespace flows::flowd::graph {

// Where a sighting sits: `at_nic` a node NIC; else a pod's veth, whose pod
// sent the packet (`pod_sent`, the veth's ingress) or receives it; `reply`
// the packet travels server -> client.
constexpr Vantage VantageOf(bool at_nic, bool pod_sent, bool reply) {
  if (at_nic) return Vantage::kTransit;
  return pod_sent != reply ? Vantage::kClient : Vantage::kServer;
}

constexpr bool ShouldCount(Vantage vantage, bool client_observed) {
  return client_observed ? vantage == Vantage::kClient : vantage == Vantage::kServer;
}

constexpr bool ShouldCount(const Observation& obs) {
  return ShouldCount(obs.vantage, obs.client_observed);
}

}  // namespace flows::flowd::graph
