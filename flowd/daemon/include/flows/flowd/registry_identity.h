// IdentityResolver over flowd's registries: an address names the pod that
// holds it (EndpointRegistry, fed by the CNI, the Kubernetes API and static
// files) and the Service it is a ClusterIP or a backend of (ServiceRegistry).
#pragma once

#include "flows/flowd/endpoint_registry.h"
#include "flows/flowd/flow_converter.h"
#include "flows/flowd/service_registry.h"

namespace flows::flowd {

class RegistryIdentityResolver final : public IdentityResolver {
 public:
  RegistryIdentityResolver(const EndpointRegistry& endpoints, const ServiceRegistry& services,
                           std::string node_name)
      : endpoints_(endpoints), services_(services), node_name_(std::move(node_name)) {}

  // Labels are written as Cilium (and so Hubble's --label filters) expects:
  // "k8s:app=frontend", plus "k8s:io.kubernetes.pod.namespace=<ns>".
  bool ResolveEndpoint(const std::string& ip, flow::Endpoint* out) const override;
  bool ResolveService(const std::string& ip, flow::Service* out) const override;
  // A registered pod of this node (hostNetwork pods are never registered).
  bool IsLocalPod(const std::string& ip) const override;

 private:
  const EndpointRegistry& endpoints_;
  const ServiceRegistry& services_;
  std::string node_name_;
};

// The proto form of a registry endpoint (exposed for tests).
void FillFlowEndpoint(const Endpoint& ep, flow::Endpoint* out);

}  // namespace flows::flowd
