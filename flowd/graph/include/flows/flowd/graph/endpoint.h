// Endpoints of the connectivity graph, and the table that interns them.
//
// An endpoint is what an edge connects: a workload (namespace + owner
// kind/name, e.g. demo-app/Deployment/frontend; the pod itself when it has no
// owner), optionally with the Service it was reached through; this node's
// host; a remote node; or the world, named by the DNS name the client
// resolved or by IP. Edges hold a 32-bit id per endpoint; the strings are
// stored once per distinct endpoint.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "flows/common/result.h"
#include "flows/flowd/graph/types.h"

namespace flows::flowd::graph {

using EndpointId = std::uint32_t;

// A borrowed endpoint: what the ingest path passes in (views into the
// caller's identity objects, valid for the duration of the call).
struct EndpointRef {
  EndpointKind kind = EndpointKind::kWorld;
  std::string_view namespace_;
  std::string_view workload_kind;      // "Deployment"; empty for a pod without owner
  std::string_view workload_name;      // owner name, or the pod name when there is no owner
  std::string_view pod;                // pod name; only kept with GraphOptions::keep_pods
  std::string_view service_namespace;  // the Service this endpoint was reached through
  std::string_view service_name;
  std::string_view name;  // kWorld: DNS name or IP; kRemoteNode: node name (optional)
};

// An owned endpoint: what queries return.
struct Endpoint {
  EndpointKind kind = EndpointKind::kWorld;
  std::string namespace_;
  std::string workload_kind;
  std::string workload_name;
  std::string pod;
  std::string service_namespace;
  std::string service_name;
  std::string name;

  static Endpoint From(const EndpointRef& ref);
  EndpointRef Ref() const;
  // "demo-app/Deployment/frontend", "demo-app/svc/productcatalog",
  // "world:api.example.com", "host", "remote-node:node-b", "ns:demo-app".
  std::string Label() const;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

bool operator==(const EndpointRef& a, const EndpointRef& b);

struct EndpointRefHash {
  using is_transparent = void;
  std::size_t operator()(const EndpointRef& e) const;
};

// Interns endpoints: equal endpoints get the same id; an id is released when
// the last edge using it is removed (reference counted by the graph).
// Not thread-safe: the graph guards it. Entries are immutable shared objects
// so readers can keep them past the lock.
class EndpointTable {
 public:
  static constexpr EndpointId kNone = 0xffffffffu;
  // The id of `ref`, or kNone.
  EndpointId Find(const EndpointRef& ref) const {
    auto it = index_.find(ref);
    return it == index_.end() ? kNone : it->second;
  }
  // Interns `ref` and adds one reference.
  EndpointId Acquire(const EndpointRef& ref);
  // Drops one reference; at zero the endpoint is removed (returns true) and
  // the caller decides when its id may be reused (MakeReusable).
  bool Release(EndpointId id);
  void AddRef(EndpointId id) { ++entries_[id].refs; }
  std::uint32_t refs(EndpointId id) const { return entries_[id].refs; }
  // Removes a live endpoint nobody references (after loading state).
  bool RemoveIfUnused(EndpointId id);
  // Restores an endpoint at a given id (loading state). Refcount 0; the graph
  // adds references as it restores edges.
  Status Restore(EndpointId id, const Endpoint& endpoint);
  // Ids are reusable only once the caller says so (see ConnectivityGraph:
  // ids freed since the last durable snapshot are held back).
  void MakeReusable(EndpointId id) { free_.push_back(id); }

  const std::shared_ptr<const Endpoint>& Get(EndpointId id) const { return entries_[id].endpoint; }
  bool Live(EndpointId id) const { return id < entries_.size() && entries_[id].endpoint != nullptr; }
  std::size_t size() const { return live_; }
  std::size_t capacity() const { return entries_.size(); }
  std::size_t BytesEstimate() const { return bytes_; }
  // Every slot (null where free), for readers that copy the table.
  std::vector<std::shared_ptr<const Endpoint>> CopyAll() const;

 private:
  struct Entry {
    std::shared_ptr<const Endpoint> endpoint;
    std::uint32_t refs = 0;
  };
  static std::size_t EntryBytes(const Endpoint& e);

  std::vector<Entry> entries_;
  std::vector<EndpointId> free_;
  // Keys are views into the entries' own strings.
  absl::flat_hash_map<EndpointRef, EndpointId, EndpointRefHash> index_;
  std::size_t live_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace flows::flowd::graph
