#include "flows/flowd/daemon/registry_identity.h"

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

const RegistryIdentityResolver::Answer& RegistryIdentityResolver::Lookup(const std::string& ip) const {
  // Generations first: a change racing with the lookups below then makes
  // the next call look again rather than keep a stale answer.
  const std::uint64_t eg = endpoints_.generation();
  const std::uint64_t sg = services_.generation();
  auto it = cache_.find(ip);
  if (it != cache_.end() && it->second.endpoints_generation == eg && it->second.services_generation == sg)
    return it->second;
  if (it == cache_.end()) {
    if (cache_.size() >= kMaxCachedAddresses) cache_.clear();
    it = cache_.emplace(ip, Answer{}).first;
  }
  Answer& a = it->second;
  a = Answer{eg, sg, {}};
  if (std::shared_ptr<const Endpoint> ep = endpoints_.FindByIp(ip)) {
    auto proto = std::make_shared<flow::Endpoint>();
    FillFlowEndpoint(*ep, proto.get());
    a.identity.endpoint = std::move(proto);
    a.identity.local_pod = !node_name_.empty() && ep->node_name == node_name_;
  }
  if (std::optional<ServiceRef> svc = services_.LookupByIp(ip)) {
    auto proto = std::make_shared<flow::Service>();
    proto->set_namespace_(svc->namespace_);
    proto->set_name(svc->name);
    a.identity.service = std::move(proto);
  }
  return a;
}

Identity RegistryIdentityResolver::Resolve(const std::string& ip) const {
  std::lock_guard lock(cache_mu_);
  return Lookup(ip).identity;
}

}  // namespace flows::flowd
