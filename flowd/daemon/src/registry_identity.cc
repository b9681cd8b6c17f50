#include "flows/flowd/registry_identity.h"

namespace flows::flowd {

void FillFlowEndpoint(const Endpoint& ep, flow::Endpoint* out) {
  out->set_namespace_(ep.namespace_);
  out->set_pod_name(ep.pod_name);
  for (const auto& [key, value] : ep.labels) out->add_labels("k8s:" + key + "=" + value);
  if (!ep.namespace_.empty()) out->add_labels("k8s:io.kubernetes.pod.namespace=" + ep.namespace_);
  for (const Workload& w : ep.workloads) {
    auto* wl = out->add_workloads();
    wl->set_name(w.name);
    wl->set_kind(w.kind);
  }
}

bool RegistryIdentityResolver::ResolveEndpoint(const std::string& ip, flow::Endpoint* out) const {
  std::shared_ptr<const Endpoint> ep = endpoints_.FindByIp(ip);
  if (!ep) return false;
  FillFlowEndpoint(*ep, out);
  return true;
}

bool RegistryIdentityResolver::IsLocalPod(const std::string& ip) const {
  std::shared_ptr<const Endpoint> ep = endpoints_.FindByIp(ip);
  return ep && !node_name_.empty() && ep->node_name == node_name_;
}

bool RegistryIdentityResolver::ResolveService(const std::string& ip, flow::Service* out) const {
  std::optional<ServiceRef> svc = services_.LookupByIp(ip);
  if (!svc) return false;
  out->set_namespace_(svc->namespace_);
  out->set_name(svc->name);
  return true;
}

}  // namespace flows::flowd
