// The parts of Kubernetes objects flowd needs to name the two ends of a
// flow: which pod (and workload) owns an IP, and which service a cluster IP
// or an endpoint belongs to; plus what network policies select on (namespace
// labels, container ports, hostNetwork). Everything else is ignored.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace flows::flowd::k8s {

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
};

struct ObjectMeta {
  std::string namespace_name;  // empty for cluster-scoped objects
  std::string name;
  std::string uid;
  std::string resource_version;
  std::map<std::string, std::string> labels;
  std::vector<OwnerReference> owner_references;
  bool deleting = false;  // metadata.deletionTimestamp is set
};

// The controller a pod belongs to, as Hubble reports it: a Deployment rather
// than its ReplicaSet, a CronJob rather than its Job. An empty kind means a
// bare pod.
struct Workload {
  std::string kind;
  std::string name;
  bool operator==(const Workload&) const = default;
};

// spec.containers[].ports[]: what a NetworkPolicy's named ports resolve to.
struct ContainerPort {
  std::string name;              // optional (IANA service name)
  std::uint16_t port = 0;        // containerPort, 1-65535
  std::string protocol = "TCP";  // TCP, UDP or SCTP; the API server defaults it to TCP
  bool operator==(const ContainerPort&) const = default;
};

struct Pod {
  ObjectMeta meta;
  std::string node_name;
  std::vector<std::string> pod_ips;  // status.podIPs, else status.podIP; validated, in order
  bool host_network = false;         // pod IPs are the node's: they do not identify this pod
  std::string phase;
  std::optional<bool> ready;         // status.conditions[type=Ready]; unset: not reported
  std::vector<ContainerPort> ports;  // of every container, in order
  Workload workload;
};

// Cluster-scoped: only its labels matter (the API server adds
// kubernetes.io/metadata.name=<name> to every namespace).
struct Namespace {
  ObjectMeta meta;
};

struct Service {
  ObjectMeta meta;
  std::string type;                      // ClusterIP, NodePort, LoadBalancer, ExternalName
  std::vector<std::string> cluster_ips;  // spec.clusterIPs, else spec.clusterIP; validated
  bool headless = false;                 // clusterIP "None"
  std::map<std::string, std::string> selector;
};

struct ObjectReference {
  std::string kind;
  std::string namespace_name;
  std::string name;
  std::string uid;
};

struct Endpoint {
  std::vector<std::string> addresses;  // validated IPs (FQDN slices keep names as given)
  std::optional<bool> ready;           // conditions.ready; unset means unknown (treat as ready)
  std::string node_name;
  std::optional<ObjectReference> target_ref;
};

struct EndpointSlice {
  ObjectMeta meta;
  std::string service_name;  // label kubernetes.io/service-name; empty if not managed for a service
  std::string address_type;  // IPv4, IPv6, FQDN
  std::vector<Endpoint> endpoints;
};

}  // namespace flows::flowd::k8s
