// Kubernetes Namespaces and their labels: flows name an endpoint's namespace
// labels the way Cilium does (k8s:io.cilium.k8s.namespace.labels.<k>=<v>),
// and network policies select namespaces by them. Fed by the Namespace
// informer, persisted across restarts like the other registries.
//
// Thread-safe (shared lock for lookups).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "flows/common/result.h"

namespace flows::flowd {

using Labels = std::map<std::string, std::string>;

class NamespaceRegistry {
 public:
  // Adds the namespace or replaces its labels. Error on an empty name.
  Status Upsert(const std::string& name, Labels labels);
  bool Remove(std::string_view name);
  // A complete Namespace list: the namespaces it lacks are gone. Returns how
  // many were dropped.
  std::size_t RetainListed(const std::set<std::string>& names);

  // nullopt for a namespace the API has not described (yet).
  std::optional<Labels> LabelsOf(std::string_view name) const;
  std::map<std::string, Labels> List() const;  // sorted by name
  std::size_t size() const;
  // Bumped by every change (lets a cache of lookups know when to look again).
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // {"version": 1, "namespaces": [{"name": "shop", "labels": {...}}]} (state_file.h).
  Status SaveTo(const std::string& path) const;
  // Replaces the contents with the file's, or changes nothing and returns an Error.
  Status LoadFrom(const std::string& path);

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, Labels, std::less<>> namespaces_;
  std::atomic<std::uint64_t> generation_{0};  // written under mu_
};

}  // namespace flows::flowd
