#include "flows/flowd/daemon/kubernetes_sync.h"

namespace flows::flowd {

std::optional<Endpoint> EndpointFromPod(const k8s::Pod& pod) {
  if (pod.host_network) return std::nullopt;
  if (pod.phase == "Succeeded" || pod.phase == "Failed") return std::nullopt;
  Endpoint ep;
  ep.namespace_ = pod.meta.namespace_name;
  ep.pod_name = pod.meta.name;
  ep.pod_uid = pod.meta.uid;
  ep.labels = pod.meta.labels;
  if (!pod.workload.kind.empty()) ep.workloads.push_back({pod.workload.name, pod.workload.kind});
  ep.node_name = pod.node_name;
  ep.ips = pod.pod_ips;
  ep.AddSource(EndpointSource::kKubernetes);
  return ep;
}

Service ServiceFromK8s(const k8s::Service& svc) {
  Service out;
  out.namespace_ = svc.meta.namespace_name;
  out.name = svc.meta.name;
  if (!svc.headless) out.cluster_ips = svc.cluster_ips;
  return out;
}

std::vector<std::string> ReadyAddresses(const k8s::EndpointSlice& slice) {
  std::vector<std::string> out;
  if (slice.address_type == "FQDN") return out;  // names, not addresses
  for (const k8s::Endpoint& e : slice.endpoints) {
    if (e.ready.has_value() && !*e.ready) continue;
    out.insert(out.end(), e.addresses.begin(), e.addresses.end());
  }
  return out;
}

void KubernetesSync::Reject(const std::string& what) {
  rejected_.fetch_add(1, std::memory_order_relaxed);
  if (log_) log_(what);
}

void KubernetesSync::ApplyPod(const k8s::Pod& pod) {
  std::optional<Endpoint> ep = EndpointFromPod(pod);
  if (!ep) return RemovePod(pod);
  if (Status s = endpoints_.Upsert(std::move(*ep)); !s)
    Reject("pod " + pod.meta.namespace_name + "/" + pod.meta.name + ": " + s.error().message);
}

void KubernetesSync::RemovePod(const k8s::Pod& pod) {
  if (!pod.meta.uid.empty())
    endpoints_.RemoveByUid(pod.meta.uid);
  else
    endpoints_.RemoveByName(pod.meta.namespace_name, pod.meta.name);
}

k8s::InformerHandlers<k8s::Pod> KubernetesSync::PodHandlers() {
  k8s::InformerHandlers<k8s::Pod> h;
  h.on_add = [this](const k8s::Pod& p) { ApplyPod(p); };
  h.on_update = [this](const k8s::Pod& old_pod, const k8s::Pod& p) {
    // A recreated pod under the same name has a new uid: the old one is gone.
    if (old_pod.meta.uid != p.meta.uid) RemovePod(old_pod);
    ApplyPod(p);
  };
  h.on_delete = [this](const k8s::Pod& p) { RemovePod(p); };
  h.on_decode_error = [this](const Error& e) { Reject("pod: " + e.message); };
  return h;
}

k8s::InformerHandlers<k8s::Service> KubernetesSync::ServiceHandlers() {
  k8s::InformerHandlers<k8s::Service> h;
  auto apply = [this](const k8s::Service& s) {
    if (Status st = services_.Upsert(ServiceFromK8s(s)); !st)
      Reject("service " + s.meta.namespace_name + "/" + s.meta.name + ": " + st.error().message);
  };
  h.on_add = apply;
  h.on_update = [apply](const k8s::Service&, const k8s::Service& s) { apply(s); };
  h.on_delete = [this](const k8s::Service& s) { services_.Remove(s.meta.namespace_name, s.meta.name); };
  h.on_decode_error = [this](const Error& e) { Reject("service: " + e.message); };
  return h;
}

k8s::InformerHandlers<k8s::EndpointSlice> KubernetesSync::EndpointSliceHandlers() {
  k8s::InformerHandlers<k8s::EndpointSlice> h;
  auto apply = [this](const k8s::EndpointSlice& s) {
    if (s.service_name.empty()) {  // not a Service's slice: nothing to name
      services_.RemoveSlice(s.meta.namespace_name, s.meta.name);
      return;
    }
    if (Status st =
            services_.UpsertSlice(s.meta.namespace_name, s.meta.name, s.service_name, ReadyAddresses(s));
        !st)
      Reject("endpointslice " + s.meta.namespace_name + "/" + s.meta.name + ": " + st.error().message);
  };
  h.on_add = apply;
  h.on_update = [apply](const k8s::EndpointSlice&, const k8s::EndpointSlice& s) { apply(s); };
  h.on_delete = [this](const k8s::EndpointSlice& s) {
    services_.RemoveSlice(s.meta.namespace_name, s.meta.name);
  };
  h.on_decode_error = [this](const Error& e) { Reject("endpointslice: " + e.message); };
  return h;
}

}  // namespace flows::flowd
