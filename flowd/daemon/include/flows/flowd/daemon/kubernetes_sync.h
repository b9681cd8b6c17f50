// Keeps flowd's registries in step with the Kubernetes API: informer
// callbacks for Pods (-> EndpointRegistry, every node's pods so remote peers
// are named too; flowd's own pods -> PeerRoster), Services (ClusterIPs) and
// EndpointSlices (backends) (-> ServiceRegistry), Namespaces (labels ->
// NamespaceRegistry).
//
// Every complete list (the first after a start, and every relist after 410
// Gone) prunes what it does not contain, including what was restored from
// disk: a pod deleted while flowd was down must not keep naming its IP.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "flows/flowd/endpoints/endpoint_registry.h"
#include "flows/flowd/endpoints/namespace_registry.h"
#include "flows/flowd/endpoints/service_registry.h"
#include "flows/flowd/k8s/informer.h"
#include "flows/flowd/k8s/objects.h"
#include "flows/flowd/observer/peer_roster.h"

namespace flows::flowd {

// The registry's view of a pod; nullopt for pods that no longer hold
// addresses (Succeeded/Failed pods give their IPs back to IPAM).
// hostNetwork pods are kept without addresses: theirs are the node's and do
// not identify them, but their labels and ports still matter to policies.
std::optional<Endpoint> EndpointFromPod(const k8s::Pod& pod);
// A Service's ClusterIPs (headless Services have none).
Service ServiceFromK8s(const k8s::Service& svc);
// An EndpointSlice's addresses that may receive traffic (ready or unknown).
std::vector<std::string> ReadyAddresses(const k8s::EndpointSlice& slice);

// Which pods are flowd's own (the DaemonSet's): each one running on a node,
// with an address, is a node the Peer service announces.
struct PeerPods {
  std::string namespace_name;
  std::map<std::string, std::string> selector;  // labels every flowd pod carries; empty: off
  unsigned default_port = 4244;                 // when the pod declares no port named "grpc"
  PeerRoster* roster = nullptr;
};
// "ns/app=flowd,tier=x" as PeerPods; nullopt when malformed.
std::optional<PeerPods> ParsePeerPods(const std::string& text);
// The node a flowd pod stands for, if it is one and is running with an address.
std::optional<PeerNode> PeerFromPod(const k8s::Pod& pod, const PeerPods& peers);

class KubernetesSync {
 public:
  using Log = std::function<void(const std::string&)>;
  KubernetesSync(EndpointRegistry& endpoints, ServiceRegistry& services, NamespaceRegistry& namespaces,
                 Log log = {})
      : endpoints_(endpoints), services_(services), namespaces_(namespaces), log_(std::move(log)) {}

  // Announce flowd's pods as peers (before the informers start).
  void SetPeerPods(PeerPods peers) { peers_ = std::move(peers); }

  k8s::InformerHandlers<k8s::Pod> PodHandlers();
  k8s::InformerHandlers<k8s::Service> ServiceHandlers();
  k8s::InformerHandlers<k8s::EndpointSlice> EndpointSliceHandlers();
  k8s::InformerHandlers<k8s::Namespace> NamespaceHandlers();

  // Objects that decoded but could not be applied, and objects that did not
  // decode: visible in metrics, never fatal.
  std::uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }
  // Records dropped because a complete list no longer held them.
  std::uint64_t pruned() const { return pruned_.load(std::memory_order_relaxed); }

 private:
  void ApplyPod(const k8s::Pod& pod);
  void RemovePod(const k8s::Pod& pod);
  // Pod `key` ("ns/name") is this peer now, or none (nullopt); republishes.
  void SetPeer(const std::string& key, std::optional<PeerNode> node);
  void PublishPeers();
  void Reject(const std::string& what);
  void Pruned(std::size_t n, const char* what);

  EndpointRegistry& endpoints_;
  ServiceRegistry& services_;
  NamespaceRegistry& namespaces_;
  Log log_;
  PeerPods peers_;
  std::map<std::string, PeerNode> peer_pods_;  // pod key -> node; pod callbacks' thread only
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<std::uint64_t> pruned_{0};
};

}  // namespace flows::flowd
