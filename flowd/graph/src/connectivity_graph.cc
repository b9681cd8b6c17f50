// Ingest, sealing, roll-up, retention and the memory budget.
#include "flows/flowd/graph/connectivity_graph.h"

#include <algorithm>
#include <limits>

#include "flows/flowd/graph/bucket_codec.h"
#include "flows/flowd/graph/count_once.h"

namespace flows::flowd::graph {
namespace {

TimeNs FloorTo(TimeNs t, TimeNs width) {
  TimeNs q = t / width;
  if (t % width < 0) --q;
  return q * width;
}

bool Same(const Endpoint& a, const EndpointRef& b) {
  return a.kind == b.kind && a.workload_name == b.workload_name && a.namespace_ == b.namespace_ &&
         a.service_name == b.service_name && a.name == b.name && a.workload_kind == b.workload_kind &&
         a.pod == b.pod && a.service_namespace == b.service_namespace;
}

// Per live edge: its record, its index slot (with the table's ~7/8 load).
constexpr std::size_t kEdgeIndexBytes = (sizeof(EdgeKey) + sizeof(std::uint32_t) + 1) * 8 / 7;

}  // namespace

ConnectivityGraph::ConnectivityGraph(GraphOptions options) : options_(options) {}

NodeId ConnectivityGraph::InternNode(std::string_view name) {
  std::lock_guard lock(mu_);
  return node_sets_.InternNode(name);
}

void ConnectivityGraph::Ingest(const Observation& obs) {
  std::lock_guard lock(mu_);
  ++observations_;
  if (!ShouldCount(obs)) {
    ++not_counted_;
    return;
  }
  IngestLocked(obs);
}

void ConnectivityGraph::IngestBatch(std::span<const Observation> batch) {
  std::lock_guard lock(mu_);
  for (const Observation& obs : batch) {
    ++observations_;
    if (!ShouldCount(obs)) {
      ++not_counted_;
      continue;
    }
    IngestLocked(obs);
  }
}

std::uint32_t ConnectivityGraph::FindOrCreateEdge(const Observation& obs) {
  EndpointRef client = obs.client;
  EndpointRef server = obs.server;
  if (!options_.keep_pods) {
    client.pod = {};
    server.pod = {};
  }
  const EndpointRefHash hasher;
  const std::uint64_t hash = (hasher(client) * 0x9E3779B97F4A7C15ULL) ^ hasher(server) ^
                             ((std::uint64_t{obs.port} << 16 | static_cast<std::uint64_t>(obs.l4) << 8 |
                               static_cast<std::uint64_t>(obs.l7)) *
                              0xC2B2AE3D27D4EB4FULL);
  CacheEntry& cached = edge_cache_[(hash >> 20) & (kCacheSize - 1)];
  if (cached.hash == hash && cached.edge < edges_.size()) {
    const EdgeRecord& e = edges_[cached.edge];
    if (e.live && e.key.port == obs.port && e.key.l4 == obs.l4 && e.key.l7 == obs.l7 &&
        Same(*endpoints_.Get(e.key.src), client) && Same(*endpoints_.Get(e.key.dst), server)) {
      return cached.edge;
    }
  }
  EdgeKey key{endpoints_.Find(client), endpoints_.Find(server), obs.port, obs.l4, obs.l7};
  if (key.src != EndpointTable::kNone && key.dst != EndpointTable::kNone) {
    auto it = edge_index_.find(key);
    if (it != edge_index_.end()) {
      cached = CacheEntry{hash, it->second};
      return it->second;
    }
  }
  const bool new_src = key.src == EndpointTable::kNone;
  const bool new_dst = key.dst == EndpointTable::kNone;
  key.src = endpoints_.Acquire(client);
  key.dst = endpoints_.Acquire(server);
  const std::size_t needed = std::max(key.src, key.dst) + std::size_t{1};
  if (endpoint_logged_.size() < needed) endpoint_logged_.resize(needed, false);
  if (new_src) endpoint_logged_[key.src] = false;
  if (new_dst) endpoint_logged_[key.dst] = false;
  std::uint32_t id;
  if (!free_edges_.empty()) {
    id = free_edges_.back();
    free_edges_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(edges_.size());
    edges_.emplace_back();
  }
  EdgeRecord& e = edges_[id];
  e = EdgeRecord{};
  e.key = key;
  e.first_seen = obs.time_ns;
  e.last_seen = obs.time_ns;
  e.live = true;
  edge_index_.emplace(key, id);
  ++live_edges_;
  if (options_.durable) new_edges_.push_back(id);
  cached = CacheEntry{hash, id};
  return id;
}

void ConnectivityGraph::IngestLocked(const Observation& obs) {
  const TimeNs minute = FloorTo(obs.time_ns, kMinuteNs);
  if (minute != open_start_ || !open_started_) {
    if (!open_started_) {
      open_start_ = minute;
      open_started_ = true;
    } else if (minute > open_start_) {
      SealOpenLocked();
      open_start_ = minute;
    } else {
      ++late_;
    }
  }
  const std::uint32_t id = FindOrCreateEdge(obs);
  EdgeRecord& e = edges_[id];
  if (e.open_slot == kNoSlot) {
    const std::uint32_t slot = open_used_++;
    if (slot == open_.size()) {
      open_.emplace_back();
      open_edges_.push_back(id);
    } else {
      open_edges_[slot] = id;
    }
    e.open_slot = slot;
    e.last_bucket = open_start_;
  }
  open_[e.open_slot].Add(obs);
  if (obs.time_ns > e.last_seen) e.last_seen = obs.time_ns;
  if (obs.time_ns < e.first_seen) e.first_seen = obs.time_ns;
  if (e.last_node != obs.node) {
    e.nodes = node_sets_.With(e.nodes, obs.node);
    e.last_node = obs.node;
  }
  if (options_.durable && !e.dirty) {
    e.dirty = true;
    dirty_edges_.push_back(id);
  }
}

void ConnectivityGraph::Advance(TimeNs now) {
  std::lock_guard lock(mu_);
  const TimeNs minute = FloorTo(now, kMinuteNs);
  if (open_started_ && minute > open_start_) {
    SealOpenLocked();
    open_start_ = minute;
  }
}

void ConnectivityGraph::SealOpenLocked() {
  if (open_used_ == 0) return;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> order;  // (edge, slot)
  order.reserve(open_used_);
  for (std::uint32_t slot = 0; slot < open_used_; ++slot) order.emplace_back(open_edges_[slot], slot);
  std::sort(order.begin(), order.end());
  auto bucket = std::make_shared<Bucket>();
  bucket->start = open_start_;
  bucket->width = kMinuteNs;
  BucketEncoder encoder(&bucket->blob);
  for (const auto& [edge, slot] : order) {
    encoder.Add(edge, open_[slot]);
    open_[slot].Clear();
    edges_[edge].open_slot = kNoSlot;
  }
  bucket->records = encoder.records();
  bucket->blob.shrink_to_fit();
  open_used_ = 0;
  InsertBucketLocked(std::move(bucket), false);
}

std::size_t ConnectivityGraph::BucketBytes(const Bucket& b) {
  // The blob, the bucket with its shared_ptr control block, its slot.
  return b.blob.capacity() + sizeof(Bucket) + 16 + sizeof(BucketSlot);
}

void ConnectivityGraph::InsertBucketLocked(std::shared_ptr<const Bucket> bucket, bool logged) {
  bucket_bytes_ += BucketBytes(*bucket);
  bucket_records_ += bucket->records;
  auto it = std::upper_bound(buckets_.begin(), buckets_.end(), bucket->start,
                             [](TimeNs start, const BucketSlot& s) { return start < s.bucket->start; });
  buckets_.insert(it, BucketSlot{std::move(bucket), logged});
}

void ConnectivityGraph::ReleaseEdgeId(std::uint32_t id) {
  (options_.durable ? pending_free_edges_ : free_edges_).push_back(id);
}

void ConnectivityGraph::ReleaseEndpointId(EndpointId id) {
  if (!endpoints_.Release(id)) return;
  if (options_.durable) {
    pending_free_endpoints_.push_back(id);
  } else {
    endpoints_.MakeReusable(id);
  }
}

void ConnectivityGraph::RemoveEdgeLocked(std::uint32_t id) {
  EdgeRecord& e = edges_[id];
  if (e.open_slot != kNoSlot) {
    const std::uint32_t slot = e.open_slot;
    const std::uint32_t last = open_used_ - 1;
    if (slot != last) {
      std::swap(open_[slot], open_[last]);
      open_edges_[slot] = open_edges_[last];
      edges_[open_edges_[slot]].open_slot = slot;
    }
    open_[last].Clear();
    --open_used_;
    e.open_slot = kNoSlot;
  }
  edge_index_.erase(e.key);
  ReleaseEndpointId(e.key.src);
  ReleaseEndpointId(e.key.dst);
  e.live = false;
  --live_edges_;
  ReleaseEdgeId(id);
}

std::uint64_t ConnectivityGraph::CollectEdgesLocked() {
  const TimeNs oldest =
      buckets_.empty() ? std::numeric_limits<TimeNs>::max() : buckets_.front().bucket->start;
  std::uint64_t removed = 0;
  for (std::uint32_t id = 0; id < edges_.size(); ++id) {
    const EdgeRecord& e = edges_[id];
    if (e.live && e.open_slot == kNoSlot && e.last_bucket < oldest) {
      RemoveEdgeLocked(id);
      ++removed;
    }
  }
  return removed;
}

std::size_t ConnectivityGraph::OpenBytesLocked() const {
  std::size_t bytes =
      open_.capacity() * sizeof(EdgeCounters) + open_edges_.capacity() * sizeof(std::uint32_t);
  for (const EdgeCounters& c : open_) bytes += c.HeapBytes();
  return bytes;
}

std::size_t ConnectivityGraph::BytesLocked(std::size_t open_bytes) const {
  return bucket_bytes_ + live_edges_ * (sizeof(EdgeRecord) + kEdgeIndexBytes) + endpoints_.BytesEstimate() +
         node_sets_.BytesEstimate() + open_bytes;
}

std::shared_ptr<const ConnectivityGraph::Bucket> ConnectivityGraph::RollUp(
    const std::vector<std::shared_ptr<const Bucket>>& minutes, TimeNs hour) const {
  absl::flat_hash_map<std::uint32_t, EdgeCounters> sums;
  for (const auto& m : minutes) {
    BucketDecoder decoder(m->blob);
    std::uint32_t edge;
    EdgeCounters c;
    while (decoder.Next(&edge, &c)) sums[edge].Merge(c);
  }
  std::vector<std::uint32_t> ids;
  ids.reserve(sums.size());
  for (const auto& [id, c] : sums) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  auto bucket = std::make_shared<Bucket>();
  bucket->start = hour;
  bucket->width = kHourNs;
  BucketEncoder encoder(&bucket->blob);
  for (std::uint32_t id : ids) encoder.Add(id, sums[id]);
  bucket->records = encoder.records();
  bucket->blob.shrink_to_fit();
  return bucket;
}

void ConnectivityGraph::Maintain(TimeNs now) {
  std::lock_guard maintain(maintain_mu_);
  Advance(now);

  // Roll-up: minute buckets whose whole hour is older than rollup_after. The
  // merging runs without the mutex (buckets are immutable); only
  // Maintain removes buckets, and it is serialized by maintain_mu_.
  std::vector<std::pair<TimeNs, std::vector<std::shared_ptr<const Bucket>>>> groups;
  {
    std::lock_guard lock(mu_);
    for (const BucketSlot& s : buckets_) {
      const Bucket& b = *s.bucket;
      if (b.width != kMinuteNs) continue;
      const TimeNs hour = FloorTo(b.start, kHourNs);
      if (hour + kHourNs > now - options_.rollup_after) continue;
      if (options_.durable && !s.logged) continue;
      if (groups.empty() || groups.back().first != hour) {
        // Buckets are sorted by start, so an hour's minutes are contiguous.
        groups.emplace_back(hour, std::vector<std::shared_ptr<const Bucket>>{});
      }
      groups.back().second.push_back(s.bucket);
    }
  }
  std::vector<std::shared_ptr<const Bucket>> hours;
  hours.reserve(groups.size());
  for (const auto& [hour, minutes] : groups) hours.push_back(RollUp(minutes, hour));

  std::lock_guard lock(mu_);
  if (!groups.empty()) {
    absl::flat_hash_map<const Bucket*, bool> rolled;
    for (const auto& [hour, minutes] : groups) {
      for (const auto& m : minutes) rolled.emplace(m.get(), true);
    }
    std::vector<BucketSlot> kept;
    kept.reserve(buckets_.size());
    for (BucketSlot& s : buckets_) {
      if (rolled.contains(s.bucket.get())) {
        bucket_bytes_ -= BucketBytes(*s.bucket);
        bucket_records_ -= s.bucket->records;
      } else {
        kept.push_back(std::move(s));
      }
    }
    buckets_ = std::move(kept);
    for (auto& h : hours) InsertBucketLocked(std::move(h), true);
  }

  auto drop_front = [this] {
    bucket_bytes_ -= BucketBytes(*buckets_.front().bucket);
    bucket_records_ -= buckets_.front().bucket->records;
    buckets_.erase(buckets_.begin());
  };

  // Retention.
  std::size_t expired = 0;
  while (expired < buckets_.size()) {
    const Bucket& b = *buckets_[expired].bucket;
    if (b.start + b.width > now - options_.retention) break;
    ++expired;
  }
  if (expired > 0) {
    for (std::size_t i = 0; i < expired; ++i) {
      bucket_bytes_ -= BucketBytes(*buckets_[i].bucket);
      bucket_records_ -= buckets_[i].bucket->records;
    }
    buckets_.erase(buckets_.begin(), buckets_.begin() + static_cast<std::ptrdiff_t>(expired));
    expired_buckets_ += expired;
  }
  expired_edges_ += CollectEdgesLocked();

  // Memory budget: the oldest buckets first...
  const std::size_t budget = options_.memory_budget_bytes;
  std::size_t open_bytes = OpenBytesLocked();
  bool evicted = false;
  while (!buckets_.empty() && BytesLocked(open_bytes) > budget) {
    drop_front();
    ++evicted_buckets_;
    evicted = true;
  }
  if (evicted) evicted_edges_ += CollectEdgesLocked();
  // ... then the least recently seen edges.
  if (BytesLocked(open_bytes) > budget) {
    std::vector<std::pair<TimeNs, std::uint32_t>> by_age;
    for (std::uint32_t id = 0; id < edges_.size(); ++id) {
      if (edges_[id].live) by_age.emplace_back(edges_[id].last_seen, id);
    }
    std::sort(by_age.begin(), by_age.end());
    // Removing an edge from the open minute keeps its slot's allocation, so
    // the open minute's bytes do not change here.
    for (std::size_t next = 0; next < by_age.size() && BytesLocked(open_bytes) > budget; ++next) {
      RemoveEdgeLocked(by_age[next].second);
      ++evicted_edges_;
    }
  }
}

GraphStats ConnectivityGraph::Stats() const {
  std::lock_guard lock(mu_);
  GraphStats s;
  s.edges = live_edges_;
  s.endpoints = endpoints_.size();
  s.nodes = node_sets_.node_count();
  for (const BucketSlot& b : buckets_) {
    if (b.bucket->width == kMinuteNs) {
      ++s.minute_buckets;
    } else {
      ++s.hour_buckets;
    }
  }
  s.open_edges = open_used_;
  s.bucket_records = bucket_records_;
  s.bytes = BytesLocked(OpenBytesLocked());
  s.bucket_bytes = bucket_bytes_;
  s.evicted_buckets = evicted_buckets_;
  s.evicted_edges = evicted_edges_;
  s.expired_buckets = expired_buckets_;
  s.expired_edges = expired_edges_;
  s.observations = observations_;
  s.not_counted = not_counted_;
  s.late = late_;
  s.oldest_bucket = buckets_.empty() ? 0 : buckets_.front().bucket->start;
  return s;
}

}  // namespace flows::flowd::graph
