// Turns a datapath Flow into Hubble's flow.Flow: addresses and ports, the
// pods, services and DNS names behind each address, the observation point,
// HTTP/DNS with request->response latency. Runs on the ingest thread, one
// call per record, so it fills the proto in place and keeps no locks of
// its own (the resolvers it calls may).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flow/flow.pb.h"
#include "flows/datapath/flow.h"
#include "flows/flowd/dns_cache.h"
#include "flows/flowd/l7_pairing.h"

namespace flows::flowd {

// Who is behind an address. Implemented over the endpoint registry (CNI,
// Kubernetes, static files); returns false when the address is unknown.
// What a converted flow points into without owning: shared, immutable
// identity protos. Whoever owns the flow keeps these alive as long.
using KeepAlive = std::vector<std::shared_ptr<const void>>;

class IdentityResolver {
 public:
  virtual ~IdentityResolver() = default;
  virtual bool ResolveEndpoint(const std::string& ip, flow::Endpoint* out) const = 0;
  // The same as a shared, immutable proto that flows on an arena point to
  // instead of copying it; null if unknown. Default: a fresh copy.
  virtual std::shared_ptr<const flow::Endpoint> SharedEndpoint(const std::string& ip) const {
    auto ep = std::make_shared<flow::Endpoint>();
    if (!ResolveEndpoint(ip, ep.get())) return nullptr;
    return ep;
  }
  virtual bool ResolveService(const std::string& ip, flow::Service* out) const = 0;
  // Whether the address is a pod on this node (behind one of its veths).
  virtual bool IsLocalPod(const std::string& ip) const {
    (void)ip;
    return false;
  }
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

class FlowConverter {
 public:
  FlowConverter(std::string node_name, const IdentityResolver& identities, const InterfaceDirectory& interfaces,
                DnsCache& dns_cache)
      : node_name_(std::move(node_name)), identities_(identities), interfaces_(interfaces), dns_(dns_cache) {}

  // With `keep` and `out` on an arena, the source and destination endpoints
  // are the resolver's shared protos (no copy), added to `keep`; `out` must
  // then never be modified and must not outlive `keep`.
  void Convert(const datapath::Flow& in, flow::Flow* out, KeepAlive* keep = nullptr);
  std::uint64_t unpaired_requests_forgotten() const { return pairing_.forgotten(); }

 private:
  void FillEndpoints(flow::Flow* out, KeepAlive* keep);
  void FillEndpoint(const std::string& ip, bool source, flow::Flow* out, KeepAlive* keep);
  void FillL4(const datapath::Flow& in, flow::Flow* out);
  void FillL7(const datapath::Flow& in, bool l7, flow::Flow* out);
  void FillObservationPoint(const datapath::Flow& in, bool l7, flow::Flow* out);
  bool ReportsL7(const datapath::Flow& in, const std::string& src, const std::string& dst) const;

  std::string node_name_;
  const IdentityResolver& identities_;
  const InterfaceDirectory& interfaces_;
  DnsCache& dns_;
  L7Pairing pairing_;
};

// Helpers shared with the metrics and the CLI formats.
void SetTimestamp(std::chrono::system_clock::time_point t, google::protobuf::Timestamp* out);

}  // namespace flows::flowd
