#include "flows/flowd/daemon/kubernetes_sync.h"

#include <set>

#include "flows/common/ip_address.h"

namespace flows::flowd {

namespace {

constexpr const char* kPeerOrigin = "kubernetes";

std::string PodKey(const k8s::ObjectMeta& meta) {
  return meta.namespace_name + "/" + meta.name;
}

}  // namespace

std::optional<Endpoint> EndpointFromPod(const k8s::Pod& pod) {
  if (pod.phase == "Succeeded" || pod.phase == "Failed") return std::nullopt;
  Endpoint ep;
  ep.namespace_ = pod.meta.namespace_name;
  ep.pod_name = pod.meta.name;
  ep.pod_uid = pod.meta.uid;
  ep.labels = pod.meta.labels;
  if (!pod.workload.kind.empty()) ep.workloads.push_back({pod.workload.name, pod.workload.kind});
  ep.node_name = pod.node_name;
  ep.host_network = pod.host_network;
  if (!pod.host_network) ep.ips = pod.pod_ips;
  for (const k8s::ContainerPort& p : pod.ports) ep.ports.push_back({p.name, p.port, p.protocol});
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

std::optional<PeerPods> ParsePeerPods(const std::string& text) {
  // The namespace is required: label keys may hold '/' too
  // ("app.kubernetes.io/name"), namespace names never do.
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0) return std::nullopt;
  PeerPods out;
  out.namespace_name = text.substr(0, slash);
  const std::string selector = text.substr(slash + 1);
  std::size_t pos = 0;
  while (pos <= selector.size()) {
    const std::size_t comma = std::min(selector.find(',', pos), selector.size());
    const std::string term = selector.substr(pos, comma - pos);
    const std::size_t eq = term.find('=');
    if (eq == std::string::npos || eq == 0) return std::nullopt;
    out.selector[term.substr(0, eq)] = term.substr(eq + 1);
    pos = comma + 1;
  }
  return out;
}

std::optional<PeerNode> PeerFromPod(const k8s::Pod& pod, const PeerPods& peers) {
  if (peers.selector.empty()) return std::nullopt;
  if (pod.meta.namespace_name != peers.namespace_name) return std::nullopt;
  for (const auto& [key, value] : peers.selector) {
    auto it = pod.meta.labels.find(key);
    if (it == pod.meta.labels.end() || it->second != value) return std::nullopt;
  }
  // A flowd that is gone or going, or not placed yet, is no node to dial.
  if (pod.meta.deleting || pod.phase != "Running" || pod.node_name.empty() || pod.pod_ips.empty())
    return std::nullopt;
  unsigned port = peers.default_port;
  for (const k8s::ContainerPort& p : pod.ports) {
    if (p.name == "grpc" && p.protocol == "TCP") port = p.port;
  }
  return PeerNode{pod.node_name, JoinHostPort(pod.pod_ips.front(), port)};
}

void KubernetesSync::Reject(const std::string& what) {
  rejected_.fetch_add(1, std::memory_order_relaxed);
  if (log_) log_(what);
}

void KubernetesSync::Pruned(std::size_t n, const char* what) {
  if (n == 0) return;
  pruned_.fetch_add(n, std::memory_order_relaxed);
  if (log_) log_(std::to_string(n) + " " + what + " no longer in the API's list: forgotten");
}

void KubernetesSync::ApplyPod(const k8s::Pod& pod) {
  SetPeer(PodKey(pod.meta), PeerFromPod(pod, peers_));
  std::optional<Endpoint> ep = EndpointFromPod(pod);
  if (!ep) {
    if (!pod.meta.uid.empty())
      endpoints_.RemoveByUid(pod.meta.uid);
    else
      endpoints_.RemoveByName(pod.meta.namespace_name, pod.meta.name);
    return;
  }
  if (Status s = endpoints_.Upsert(std::move(*ep)); !s)
    Reject("pod " + pod.meta.namespace_name + "/" + pod.meta.name + ": " + s.error().message);
}

void KubernetesSync::RemovePod(const k8s::Pod& pod) {
  SetPeer(PodKey(pod.meta), std::nullopt);
  if (!pod.meta.uid.empty())
    endpoints_.RemoveByUid(pod.meta.uid);
  else
    endpoints_.RemoveByName(pod.meta.namespace_name, pod.meta.name);
}

void KubernetesSync::SetPeer(const std::string& key, std::optional<PeerNode> node) {
  if (!peers_.roster) return;
  auto it = peer_pods_.find(key);
  if (node) {
    if (it != peer_pods_.end() && it->second == *node) return;
    peer_pods_.insert_or_assign(key, std::move(*node));
  } else {
    if (it == peer_pods_.end()) return;
    peer_pods_.erase(it);
  }
  PublishPeers();
}

void KubernetesSync::PublishPeers() {
  // One entry per node: during a rolling update two flowd pods may claim a
  // node (both host network, so the same address).
  std::map<std::string, PeerNode> by_node;
  for (const auto& [key, node] : peer_pods_) by_node.insert_or_assign(node.name, node);
  std::vector<PeerNode> nodes;
  nodes.reserve(by_node.size());
  for (auto& [name, node] : by_node) nodes.push_back(std::move(node));
  peers_.roster->Replace(kPeerOrigin, nodes);
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
  h.on_relist = [this](const std::vector<k8s::Pod>& pods) {
    std::set<std::string> uids, names;
    std::map<std::string, PeerNode> peer_pods;
    for (const k8s::Pod& p : pods) {
      if (!p.meta.uid.empty()) uids.insert(p.meta.uid);
      names.insert(PodKey(p.meta));
      if (auto node = PeerFromPod(p, peers_)) peer_pods.emplace(PodKey(p.meta), std::move(*node));
    }
    Pruned(endpoints_.RetainListed([&](const Endpoint& ep) {
      return ep.pod_uid.empty() ? names.contains(ep.namespace_ + "/" + ep.pod_name)
                                : uids.contains(ep.pod_uid);
    }),
           "pods");
    if (peers_.roster) {
      peer_pods_ = std::move(peer_pods);
      PublishPeers();
    }
  };
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
  h.on_relist = [this](const std::vector<k8s::Service>& listed) {
    std::set<ServiceRef> keep;
    for (const k8s::Service& s : listed) keep.insert(ServiceRef{s.meta.namespace_name, s.meta.name});
    Pruned(services_.RetainListedServices(keep), "services");
  };
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
  h.on_relist = [this](const std::vector<k8s::EndpointSlice>& listed) {
    std::set<SliceKey> keep;
    for (const k8s::EndpointSlice& s : listed) keep.insert(SliceKey{s.meta.namespace_name, s.meta.name});
    Pruned(services_.RetainListedSlices(keep), "endpointslices");
  };
  h.on_decode_error = [this](const Error& e) { Reject("endpointslice: " + e.message); };
  return h;
}

k8s::InformerHandlers<k8s::Namespace> KubernetesSync::NamespaceHandlers() {
  k8s::InformerHandlers<k8s::Namespace> h;
  auto apply = [this](const k8s::Namespace& ns) {
    if (Status st = namespaces_.Upsert(ns.meta.name, ns.meta.labels); !st)
      Reject("namespace " + ns.meta.name + ": " + st.error().message);
  };
  h.on_add = apply;
  h.on_update = [apply](const k8s::Namespace&, const k8s::Namespace& ns) { apply(ns); };
  h.on_delete = [this](const k8s::Namespace& ns) { namespaces_.Remove(ns.meta.name); };
  h.on_relist = [this](const std::vector<k8s::Namespace>& listed) {
    std::set<std::string> keep;
    for (const k8s::Namespace& ns : listed) keep.insert(ns.meta.name);
    Pruned(namespaces_.RetainListed(keep), "namespaces");
  };
  h.on_decode_error = [this](const Error& e) { Reject("namespace: " + e.message); };
  return h;
}

}  // namespace flows::flowd
