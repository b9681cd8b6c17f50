// IdentityResolver over flowd's registries: an address names the pod that
// holds it (EndpointRegistry, fed by the CNI, the Kubernetes API and static
// files), its namespace's labels (NamespaceRegistry) and the Service it is a
// ClusterIP or a backend of (ServiceRegistry).
//
// Answers are cached per address until any registry changes (their
// generation counters): canonicalising the address, two hash probes and
// building the proto (labels as "k8s:k=v") once per address instead of per
// flow was three quarters of a flow's conversion cost.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "flows/flowd/endpoints/endpoint_registry.h"
#include "flows/flowd/endpoints/namespace_registry.h"
#include "flows/flowd/endpoints/service_registry.h"
#include "flows/flowd/observer/flow_converter.h"

namespace flows::flowd {

class RegistryIdentityResolver final : public IdentityResolver {
 public:
  // Addresses remembered at most; past that the cache starts over.
  static constexpr std::size_t kMaxCachedAddresses = 1 << 16;

  RegistryIdentityResolver(const EndpointRegistry& endpoints, const ServiceRegistry& services,
                           const NamespaceRegistry& namespaces, std::string node_name)
      : endpoints_(endpoints),
        services_(services),
        namespaces_(namespaces),
        node_name_(std::move(node_name)) {}

  // Labels are written as Cilium (and so Hubble's --label filters) expects:
  // "k8s:app=frontend", "k8s:io.kubernetes.pod.namespace=<ns>" and the
  // namespace's labels as "k8s:io.cilium.k8s.namespace.labels.<k>=<v>",
  // sorted. A local pod is a registered pod of this node with an address
  // (hostNetwork pods have none: theirs are the node's).
  Identity Resolve(const std::string& ip) const override;

 private:
  struct Answer {
    std::uint64_t endpoints_generation = 0;
    std::uint64_t services_generation = 0;
    std::uint64_t namespaces_generation = 0;
    Identity identity;
  };
  // The current answer for `ip`; call with cache_mu_ held.
  const Answer& Lookup(const std::string& ip) const;

  const EndpointRegistry& endpoints_;
  const ServiceRegistry& services_;
  const NamespaceRegistry& namespaces_;
  std::string node_name_;
  mutable std::mutex cache_mu_;
  mutable absl::flat_hash_map<std::string, Answer> cache_;
};

// Cilium's prefix for a pod's namespace labels in its identity labels.
inline constexpr const char* kNamespaceLabelPrefix = "k8s:io.cilium.k8s.namespace.labels.";
// The proto form of a registry endpoint; `namespace_labels` null when the
// namespace is not known (exposed for tests).
void FillFlowEndpoint(const Endpoint& ep, const Labels* namespace_labels, flow::Endpoint* out);

}  // namespace flows::flowd
