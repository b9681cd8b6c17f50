// What flowd knows about one pod: identity (namespace, name, uid), what the
// Kubernetes API says about it (labels, owning workloads), and what the CNI
// says about its plumbing (container id, host-side interface). Flows are
// enriched by looking endpoints up by IP.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::flowd {

// Who described an endpoint. A pod seen by both the CNI and the Kubernetes
// watcher carries both bits: each contributes the fields it knows.
enum class EndpointSource : std::uint8_t { kCni = 1, kKubernetes = 2, kStatic = 4 };
std::string_view SourceName(EndpointSource s);  // "cni", "kubernetes", "static"
std::optional<EndpointSource> ParseSource(std::string_view name);

// An owner in the pod's controller chain, nearest last is not implied: the
// Kubernetes client lists them as it resolves them (ReplicaSet, Deployment).
struct Workload {
  std::string name;
  std::string kind;  // "Deployment", "StatefulSet", ...
  bool operator==(const Workload&) const = default;
};

// A port one of the pod's containers declares: what a NetworkPolicy's named
// port ("http") resolves to on this pod.
struct EndpointPort {
  std::string name;
  std::uint16_t port = 0;
  std::string protocol;  // TCP, UDP, SCTP
  bool operator==(const EndpointPort&) const = default;
};

struct Endpoint {
  std::string namespace_;  // "namespace" in JSON (a keyword in C++)
  std::string pod_name;
  std::string pod_uid;
  std::string container_id;  // the CNI's sandbox id
  std::map<std::string, std::string> labels;
  std::vector<Workload> workloads;
  std::string node_name;
  std::vector<std::string> ips;  // canonical text form (inet_ntop)
  std::string host_ifname;       // host side of the pod's veth
  std::uint32_t host_ifindex = 0;
  std::vector<EndpointPort> ports;  // from the Kubernetes API (or the static file)
  // The pod shares the node's network namespace: it has no addresses of its
  // own here (they are the node's), but policies still select it.
  bool host_network = false;
  std::uint8_t sources = 0;  // bit set of EndpointSource

  bool From(EndpointSource s) const { return (sources & static_cast<std::uint8_t>(s)) != 0; }
  void AddSource(EndpointSource s) { sources |= static_cast<std::uint8_t>(s); }
  bool operator==(const Endpoint&) const = default;
};

}  // namespace flows::flowd
