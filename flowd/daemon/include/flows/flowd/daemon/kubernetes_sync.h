// Keeps flowd's registries in step with the Kubernetes API: informer
// callbacks for Pods (-> EndpointRegistry, every node's pods so remote peers
// are named too), Services (ClusterIPs) and EndpointSlices (backends) (->
// ServiceRegistry).
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "flows/flowd/endpoints/endpoint_registry.h"
#include "flows/flowd/endpoints/service_registry.h"
#include "flows/flowd/k8s/informer.h"
#include "flows/flowd/k8s/objects.h"

namespace flows::flowd {

// The registry's view of a pod; nullopt for pods whose addresses do not
// identify them (hostNetwork pods share the node's IPs) or that no longer
// hold any (Succeeded/Failed pods give their IPs back to IPAM).
std::optional<Endpoint> EndpointFromPod(const k8s::Pod& pod);
// A Service's ClusterIPs (headless Services have none).
Service ServiceFromK8s(const k8s::Service& svc);
// An EndpointSlice's addresses that may receive traffic (ready or unknown).
std::vector<std::string> ReadyAddresses(const k8s::EndpointSlice& slice);

class KubernetesSync {
 public:
  using Log = std::function<void(const std::string&)>;
  KubernetesSync(EndpointRegistry& endpoints, ServiceRegistry& services, Log log = {})
      : endpoints_(endpoints), services_(services), log_(std::move(log)) {}

  k8s::InformerHandlers<k8s::Pod> PodHandlers();
  k8s::InformerHandlers<k8s::Service> ServiceHandlers();
  k8s::InformerHandlers<k8s::EndpointSlice> EndpointSliceHandlers();

  // Objects that decoded but could not be applied, and objects that did not
  // decode: visible in metrics, never fatal.
  std::uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }

 private:
  void ApplyPod(const k8s::Pod& pod);
  void RemovePod(const k8s::Pod& pod);
  void Reject(const std::string& what);

  EndpointRegistry& endpoints_;
  ServiceRegistry& services_;
  Log log_;
  std::atomic<std::uint64_t> rejected_{0};
};

}  // namespace flows::flowd
