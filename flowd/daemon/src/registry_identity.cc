#include "flows/flowd/daemon/registry_identity.h"

#include <algorithm>

namespace flows::flowd {

void FillFlowEndpoint(const Endpoint& ep, const Labels* namespace_labels, flow::Endpoint* out) {
  out->set_namespace_(ep.namespace_);
  out->set_pod_name(ep.pod_name);
  std::vector<std::string> labels;
  labels.reserve(ep.labels.size() + 1 + (namespace_labels ? namespace_labels->size() : 0));
  for (const auto& [key, value] : ep.labels) labels.push_back("k8s:" + key + "=" + value);
  if (!ep.namespace_.empty()) labels.push_back("k8s:io.kubernetes.pod.namespace=" + ep.namespace_);
  if (namespace_labels) {
    for (const auto& [key, value] : *namespace_labels)
      labels.push_back(kNamespaceLabelPrefix + key + "=" + value);
  }
  std::sort(labels.begin(), labels.end());  // Hubble's order
  for (std::string& l : labels) out->add_labels(std::move(l));
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
  const std::uint64_t ng = namespaces_.generation();
  auto it = cache_.find(ip);
  if (it != cache_.end() && it->second.endpoints_generation == eg && it->second.services_generation == sg &&
      it->second.namespaces_generation == ng)
    return it->second;
  if (it == cache_.end()) {
    if (cache_.size() >= kMaxCachedAddresses) cache_.clear();
    it = cache_.emplace(ip, Answer{}).first;
  }
  Answer& a = it->second;
  a = Answer{eg, sg, ng, {}};
  if (std::shared_ptr<const Endpoint> ep = endpoints_.FindByIp(ip)) {
    auto proto = std::make_shared<flow::Endpoint>();
    const std::optional<Labels> ns_labels = namespaces_.LabelsOf(ep->namespace_);
    FillFlowEndpoint(*ep, ns_labels ? &*ns_labels : nullptr, proto.get());
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
