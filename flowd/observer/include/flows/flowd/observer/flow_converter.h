// Turns a datapath Flow into Hubble's flow.Flow: addresses and ports, the
// pods, services and DNS names behind each address, the observation point,
// HTTP/DNS with request->response latency. Runs on the ingest thread, one
// call per record, so it fills the proto in place and keeps no locks of
// its own (the resolvers it calls may).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flow/flow.pb.h"
#include "flows/datapath/flow.h"
#include "flows/flowd/graph/types.h"
#include "flows/flowd/observer/dns_cache.h"
#include "flows/flowd/observer/l7_pairing.h"

namespace flows::flowd {

// What a converted flow points into without owning: shared, immutable
// identity protos. Whoever owns the flow keeps these alive as long.
using KeepAlive = std::vector<std::shared_ptr<const void>>;

// Who is behind an address, as flows show it. The protos are immutable and
// shared: flows on an arena point to them instead of copying them.
struct Identity {
  std::shared_ptr<const flow::Endpoint> endpoint;  // null: unknown
  std::shared_ptr<const flow::Service> service;    // null: not a Service's
  bool local_pod = false;                          // a pod behind one of this node's veths
};

// Implemented over the endpoint and service registries (CNI, Kubernetes,
// static files).
class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;
  virtual Identity Resolve(const std::string& ip) const = 0;
};

// What an interface is to this node.
enum class InterfaceRole : std::uint8_t { kUnknown, kPod, kNodeNic };
class InterfaceDirectory {
 public:
  virtual ~InterfaceDirectory() = default;
  virtual InterfaceRole Role(std::uint32_t ifindex) const = 0;
  virtual std::string Name(std::uint32_t ifindex) const = 0;
};

// Cilium's event_type numbers, which Hubble clients filter on.
inline constexpr int kEventTypeTrace = 4;
inline constexpr int kEventTypeL7 = 129;
inline constexpr int kTraceToEndpoint = 0;
inline constexpr int kTraceFromEndpoint = 5;
inline constexpr int kTraceFromNetwork = 10;
inline constexpr int kTraceToNetwork = 11;

// What Convert worked out about a record beyond the proto, for consumers on
// the ingest path that need it without working it out again (the
// connectivity graph).
struct FlowFacts {
  bool at_nic = false;         // seen on the node NIC (else a pod veth, or unknown)
  std::optional<bool> reply;   // server -> client, when the record says
  bool src_local_pod = false;  // behind one of this node's veths
  bool dst_local_pod = false;
  bool l7 = false;  // HTTP/DNS reported for this record (once per pod, at the veth)
  // The count-once rule's inputs (graph/count_once.h), as decided for the
  // proto's vantage and primary fields.
  graph::Vantage vantage = graph::Vantage::kTransit;
  bool client_observed = false;  // the client end is a known pod
};

class FlowConverter {
 public:
  FlowConverter(std::string node_name, const IdentityResolver& identities,
                const InterfaceDirectory& interfaces, DnsCache& dns_cache, L7Pairing::Options pairing = {})
      : node_name_(std::move(node_name)),
        identities_(identities),
        interfaces_(interfaces),
        dns_(dns_cache),
        pairing_(pairing) {}

  // With `keep` and `out` on an arena, the source and destination endpoints
  // are the resolver's shared protos (no copy), added to `keep`; `out` must
  // then never be modified and must not outlive `keep`.
  // `facts`, when given, receives what the conversion worked out.
  void Convert(const datapath::Flow& in, flow::Flow* out, KeepAlive* keep = nullptr,
               FlowFacts* facts = nullptr);
  // HTTP/DNS requests never paired with a response (thread-safe reads):
  // dropped because the pairing table was full, or unanswered in time.
  std::uint64_t unpaired_requests_forgotten() const { return pairing_.forgotten(); }
  std::uint64_t unanswered_requests() const { return pairing_.unanswered(); }

 private:
  void FillEndpoints(const Identity& src, const Identity& dst, flow::Flow* out, KeepAlive* keep);
  void FillL4(const datapath::Flow& in, flow::Flow* out);
  void FillL7(const datapath::Flow& in, bool reported, flow::Flow* out);
  void FillObservationPoint(const datapath::Flow& in, bool at_nic, bool reply, bool l7, flow::Flow* out);
  static void FillTraceReason(const datapath::Flow& in, std::optional<bool> reply, flow::Flow* out);
  static bool ReportsL7(const datapath::Flow& in, bool at_nic, const Identity& src, const Identity& dst);

  std::string node_name_;
  const IdentityResolver& identities_;
  const InterfaceDirectory& interfaces_;
  DnsCache& dns_;
  L7Pairing pairing_;
};

// Helpers shared with the metrics and the CLI formats.
void SetTimestamp(std::chrono::system_clock::time_point t, google::protobuf::Timestamp* out);

}  // namespace flows::flowd
