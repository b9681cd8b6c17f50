// The parts of Kubernetes objects flowd needs to name the two ends of a
// flow: which pod (and workload) owns an IP, and which service a cluster IP
// or an endpoint belongs to. Everything else in the API objects is ignored.
#pragma once

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

struct Pod {
  ObjectMeta meta;
  std::string node_name;
  std::vector<std::string> pod_ips;  // status.podIPs, else status.podIP; validated, in order
  bool host_network = false;         // pod IPs are the node's: they do not identify this pod
  std::string phase;
  Workload workload;
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
