// Kubernetes Services by address, for naming the service a flow went to:
// a ClusterIP names its Service; a backend address (from the Service's
// EndpointSlices) names the Services it serves, which is what a flow shows
// after kube-proxy's DNAT has replaced the ClusterIP.
//
// Thread-safe (shared lock for lookups).
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flows/common/result.h"
#include "flows/flowd/endpoints/endpoint.h"

namespace flows::flowd {

struct ServiceRef {
  std::string namespace_;
  std::string name;
  auto operator<=>(const ServiceRef&) const = default;
};

struct Service {
  std::string namespace_;
  std::string name;
  std::vector<std::string> cluster_ips;  // "None" (headless) is simply left out
  // Who described it: a complete list from the API prunes only the API's.
  EndpointSource source = EndpointSource::kKubernetes;
};

using SliceKey = std::pair<std::string, std::string>;  // (namespace, EndpointSlice name)

class ServiceRegistry {
 public:
  // Adds a Service or replaces its ClusterIPs. Error on an address that is not one.
  Status Upsert(const Service& svc);
  // Drops the Service and the EndpointSlices that belong to it.
  bool Remove(std::string_view ns, std::string_view name);

  // An EndpointSlice `slice` (namespace `ns`) of Service `service`: its
  // ready addresses. Replaces what the slice said before.
  Status UpsertSlice(std::string_view ns, std::string_view slice, std::string_view service,
                     const std::vector<std::string>& addresses,
                     EndpointSource source = EndpointSource::kKubernetes);
  bool RemoveSlice(std::string_view ns, std::string_view slice);

  // Complete lists from the API: the Services (EndpointSlices) described by
  // the API that a list lacks are gone, also those restored from disk.
  // Static ones stay. Each returns how many were dropped.
  std::size_t RetainListedServices(const std::set<ServiceRef>& listed);
  std::size_t RetainListedSlices(const std::set<SliceKey>& listed);

  // The Service whose ClusterIP this is.
  std::optional<ServiceRef> LookupClusterIp(std::string_view ip) const;
  // Services that `ip` is a backend of, sorted.
  std::vector<ServiceRef> LookupBackend(std::string_view ip) const;
  // A ClusterIP's Service, else the first Service `ip` is a backend of.
  std::optional<ServiceRef> LookupByIp(std::string_view ip) const;

  std::vector<Service> List() const;  // sorted by namespace, name
  std::size_t slice_count() const;

  // Persistence across restarts, so flows are named before the API answers
  // (the API's Services and slices; static ones come from their file again):
  // {"version": 1, "services": [{"namespace", "name", "cluster_ips", "source"}],
  //  "slices": [{"namespace", "name", "service", "addresses", "source"}]}
  // (state_file.h).
  Status SaveTo(const std::string& path) const;
  // Replaces the contents with the file's, or changes nothing and returns an Error.
  Status LoadFrom(const std::string& path);
  // Bumped by every change (lets a cache of lookups know when to look again).
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  struct Slice {
    ServiceRef service;
    std::vector<std::string> addresses;
    EndpointSource source = EndpointSource::kKubernetes;
  };
  struct Entry {
    std::vector<std::string> cluster_ips;
    EndpointSource source = EndpointSource::kKubernetes;
  };
  void IndexSlice(const Slice& s, int delta);
  void UnindexClusterIps(const ServiceRef& ref, const Entry& e);

  mutable std::shared_mutex mu_;
  std::map<ServiceRef, Entry> services_;
  std::unordered_map<std::string, ServiceRef> by_cluster_ip_;
  std::map<SliceKey, Slice> slices_;
  // backend address -> Service -> how many slices list it (a Service's
  // slices may overlap while they are being rebalanced)
  std::unordered_map<std::string, std::map<ServiceRef, int>> by_backend_;
  std::atomic<std::uint64_t> generation_{0};  // written under mu_
};

}  // namespace flows::flowd
