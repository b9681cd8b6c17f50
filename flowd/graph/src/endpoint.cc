#include "flows/flowd/graph/endpoint.h"

#include <cstring>

namespace flows::flowd::graph {

Endpoint Endpoint::From(const EndpointRef& r) {
  return Endpoint{r.kind,
                  std::string(r.namespace_),
                  std::string(r.workload_kind),
                  std::string(r.workload_name),
                  std::string(r.pod),
                  std::string(r.service_namespace),
                  std::string(r.service_name),
                  std::string(r.name)};
}

EndpointRef Endpoint::Ref() const {
  return EndpointRef{kind, namespace_,        workload_kind, workload_name,
                     pod,  service_namespace, service_name,  name};
}

std::string Endpoint::Label() const {
  std::string out;
  switch (kind) {
    case EndpointKind::kWorkload:
      out = namespace_ + "/";
      if (!workload_kind.empty()) out += workload_kind + "/";
      out += workload_name;
      if (!pod.empty() && pod != workload_name) out += " (pod " + pod + ")";
      if (!service_name.empty()) out += " via svc " + service_namespace + "/" + service_name;
      return out;
    case EndpointKind::kService:
      return service_namespace + "/svc/" + service_name;
    case EndpointKind::kNamespace:
      return "ns:" + namespace_;
    case EndpointKind::kHost:
      return "host";
    case EndpointKind::kRemoteNode:
      return name.empty() ? "remote-node" : "remote-node:" + name;
    case EndpointKind::kWorld:
      return name.empty() ? "world" : "world:" + name;
  }
  return out;
}

bool operator==(const EndpointRef& a, const EndpointRef& b) {
  return a.kind == b.kind && a.workload_name == b.workload_name && a.namespace_ == b.namespace_ &&
         a.workload_kind == b.workload_kind && a.pod == b.pod && a.service_name == b.service_name &&
         a.service_namespace == b.service_namespace && a.name == b.name;
}

namespace {

// The ingest path hashes two endpoints per observation; std::hash over eight
// string_views was half of its cost. Word-at-a-time multiply-xor over each
// field, then a full 64-bit finalizer (flat_hash_map uses all bits).
inline std::uint64_t Mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

inline std::uint64_t AddBytes(std::uint64_t h, std::string_view s) {
  constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  const char* p = s.data();
  std::size_t n = s.size();
  h = (h ^ n) * kMul;
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
  }
  return h ^ (h >> 29);
}

}  // namespace

std::size_t EndpointRefHash::operator()(const EndpointRef& e) const {
  std::uint64_t h = static_cast<std::uint64_t>(e.kind) + 1;
  h = AddBytes(h, e.namespace_);
  h = AddBytes(h, e.workload_kind);
  h = AddBytes(h, e.workload_name);
  h = AddBytes(h, e.pod);
  h = AddBytes(h, e.service_namespace);
  h = AddBytes(h, e.service_name);
  h = AddBytes(h, e.name);
  return Mix(h);
}

std::size_t EndpointTable::EntryBytes(const Endpoint& e) {
  // The shared object with its control block, heap strings past the SSO
  // buffer, and the index slot.
  auto heap = [](const std::string& s) { return s.size() > 15 ? s.capacity() + 1 : 0; };
  return sizeof(Endpoint) + 16 + sizeof(EndpointRef) + sizeof(EndpointId) + 1 + heap(e.namespace_) +
         heap(e.workload_kind) + heap(e.workload_name) + heap(e.pod) + heap(e.service_namespace) +
         heap(e.service_name) + heap(e.name) + sizeof(Entry);
}

EndpointId EndpointTable::Acquire(const EndpointRef& ref) {
  auto it = index_.find(ref);
  if (it != index_.end()) {
    ++entries_[it->second].refs;
    return it->second;
  }
  EndpointId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<EndpointId>(entries_.size());
    entries_.emplace_back();
  }
  auto endpoint = std::make_shared<const Endpoint>(Endpoint::From(ref));
  index_.emplace(endpoint->Ref(), id);
  bytes_ += EntryBytes(*endpoint);
  entries_[id] = Entry{std::move(endpoint), 1};
  ++live_;
  return id;
}

bool EndpointTable::Release(EndpointId id) {
  Entry& e = entries_[id];
  if (--e.refs > 0) return false;
  bytes_ -= EntryBytes(*e.endpoint);
  index_.erase(e.endpoint->Ref());
  e.endpoint.reset();
  --live_;
  return true;
}

bool EndpointTable::RemoveIfUnused(EndpointId id) {
  Entry& e = entries_[id];
  if (e.endpoint == nullptr || e.refs > 0) return false;
  bytes_ -= EntryBytes(*e.endpoint);
  index_.erase(e.endpoint->Ref());
  e.endpoint.reset();
  --live_;
  return true;
}

Status EndpointTable::Restore(EndpointId id, const Endpoint& endpoint) {
  if (id >= (1u << 28)) return Error::Invalid("endpoint id " + std::to_string(id) + " out of range");
  if (id >= entries_.size()) entries_.resize(id + 1);
  Entry& e = entries_[id];
  if (e.endpoint != nullptr) {
    if (*e.endpoint == endpoint) return OkStatus();
    bytes_ -= EntryBytes(*e.endpoint);
    index_.erase(e.endpoint->Ref());
    --live_;
  }
  auto shared = std::make_shared<const Endpoint>(endpoint);
  if (!index_.emplace(shared->Ref(), id).second) {
    return Error::Invalid("endpoint " + endpoint.Label() + " defined twice");
  }
  bytes_ += EntryBytes(*shared);
  e.endpoint = std::move(shared);
  ++live_;
  return OkStatus();
}

std::vector<std::shared_ptr<const Endpoint>> EndpointTable::CopyAll() const {
  std::vector<std::shared_ptr<const Endpoint>> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.endpoint);
  return out;
}

}  // namespace flows::flowd::graph
