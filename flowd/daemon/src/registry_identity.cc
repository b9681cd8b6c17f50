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
  a = Answer{eg, sg, nullptr, std::nullopt, false};
  if (std::shared_ptr<const Endpoint> ep = endpoints_.FindByIp(ip)) {
    auto proto = std::make_shared<flow::Endpoint>();
    FillFlowEndpoint(*ep, proto.get());
    a.endpoint = std::move(proto);
    a.local = !node_name_.empty() && ep->node_name == node_name_;
  }
  if (std::optional<ServiceRef> svc = services_.LookupByIp(ip)) {
    auto& s = a.service.emplace();
    s.set_namespace_(svc->namespace_);
    s.set_name(svc->name);
  }
  return a;
}

bool RegistryIdentityResolver::ResolveEndpoint(const std::string& ip, flow::Endpoint* out) const {
  std::lock_guard lock(cache_mu_);
  const Answer& a = Lookup(ip);
  if (!a.endpoint) return false;
  out->CopyFrom(*a.endpoint);
  return true;
}

std::shared_ptr<const flow::Endpoint> RegistryIdentityResolver::SharedEndpoint(const std::string& ip) const {
  std::lock_guard lock(cache_mu_);
  return Lookup(ip).endpoint;
}

bool RegistryIdentityResolver::IsLocalPod(const std::string& ip) const {
  std::lock_guard lock(cache_mu_);
  return Lookup(ip).local;
}

bool RegistryIdentityResolver::ResolveService(const std::string& ip, flow::Service* out) const {
  std::lock_guard lock(cache_mu_);
  const Answer& a = Lookup(ip);
  if (!a.service) return false;
  out->CopyFrom(*a.service);
  return true;
}

}  // namespace flows::flowd
