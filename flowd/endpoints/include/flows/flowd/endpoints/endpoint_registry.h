// Every endpoint flowd knows, findable by IP for flow enrichment.
//
// Identity: a description is merged into the record it matches by pod uid,
// else by namespace/name, else by container id, so the CNI's registration
// (interface, container id) and the Kubernetes watcher's (labels,
// workloads) of the same pod become one endpoint whatever order they come
// in. A match whose uid contradicts is a different pod (a StatefulSet pod
// recreated under the same name) and is not merged.
//
// An address belongs to the endpoint that claimed it last: IPAM reuses
// addresses, and the newest pod is the one sending from it.
//
// Thread-safe: lookups take a shared lock and are one hash probe; records
// are immutable and shared, so FindByIp hands one out without copying.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flows/common/result.h"
#include "flows/flowd/endpoints/endpoint.h"

namespace flows::flowd {

class EndpointRegistry {
 public:
  // Adds or merges `ep`. Its IPs are canonicalized. Errors: no identity
  // (no uid, no namespace+name, no container id), or an address that is not one.
  Status Upsert(Endpoint ep);

  // The CNI's DEL: drops what the CNI contributed. A pod the Kubernetes API
  // (or the static file) still describes stays, without its interface. May
  // be called twice; false if nothing matched.
  bool RemoveByContainerId(std::string_view container_id);
  // The pod's host interface is gone (its DEL was missed: flowd was down or
  // hung, or the pod's network had no flows-cni): drops what the CNI
  // contributed to every endpoint recorded on `ifname` – with index
  // `ifindex`, when both sides know one – exactly as RemoveByContainerId
  // would. Returns how many endpoints that touched.
  std::size_t RemoveByInterface(std::string_view ifname, std::uint32_t ifindex);
  // The pod is gone from the Kubernetes API: drops the whole endpoint.
  bool RemoveByUid(std::string_view uid);
  bool RemoveByName(std::string_view ns, std::string_view name);
  // A complete Pod list arrived: every endpoint the API described (source
  // kubernetes) that `listed` says the list lacks is gone – also those
  // restored from disk whose pod was deleted while flowd was down. Dropped
  // whole, unless the static file describes it too (then only the API's
  // part goes). Returns how many were dropped.
  std::size_t RetainListed(const std::function<bool(const Endpoint&)>& listed);

  // nullopt for unknown or malformed addresses.
  std::optional<Endpoint> LookupByIp(std::string_view ip) const;
  // The same without a copy: for the per-flow enrichment path.
  std::shared_ptr<const Endpoint> FindByIp(std::string_view ip) const;
  std::optional<Endpoint> LookupByContainerId(std::string_view container_id) const;
  std::optional<Endpoint> LookupByUid(std::string_view uid) const;
  std::optional<Endpoint> LookupByName(std::string_view ns, std::string_view name) const;

  // Sorted by namespace, name, container id.
  std::vector<Endpoint> List() const;
  // Sorted, without duplicates or the empty namespace.
  std::vector<std::string> Namespaces() const;
  std::size_t size() const;
  // Bumped by every change: lets a saver skip writing an unchanged registry,
  // and a cache of lookups know when to look again. Lock-free.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Persistence across daemon restarts: {"version": 1, "endpoints": [...]}
  // (endpoint_json.h), written to a temporary file in the same directory and
  // renamed over `path`, so a crash leaves the old file or the new one.
  Status SaveTo(const std::string& path) const;
  // Replaces the contents with the file's, or changes nothing and returns an
  // Error (err = ENOENT for a missing file: a first start, not a fault).
  Status LoadFrom(const std::string& path);

 private:
  // The records and their indexes; not locked itself.
  struct Table {
    std::unordered_map<std::uint64_t, std::shared_ptr<const Endpoint>> records;
    std::unordered_map<std::string, std::uint64_t> by_uid, by_name, by_cid, by_ip;
    std::uint64_t next_id = 1;

    Status Upsert(Endpoint ep);
    void Put(std::uint64_t id, Endpoint ep);  // (re)indexes
    void Erase(std::uint64_t id);
    void Unindex(std::uint64_t id, const Endpoint& ep);
    void Index(std::uint64_t id, const Endpoint& ep);
    void DropIp(std::uint64_t id, const std::string& ip);
    void DropCni(std::uint64_t id);  // RemoveByContainerId's and RemoveByInterface's effect
    std::shared_ptr<const Endpoint> Find(const std::unordered_map<std::string, std::uint64_t>& index,
                                         const std::string& key) const;
  };

  mutable std::shared_mutex mu_;
  Table table_;
  std::atomic<std::uint64_t> generation_{0};  // written under mu_
};

}  // namespace flows::flowd
