// The connectivity graph of one node: who talks to whom, on which port, how
// much and how well, in time buckets kept for weeks.
//
// Ingest (one thread, the ingest pipeline): Ingest() applies the count-once
// rule (count_once.h) and adds the observation to the edge's counters in the
// open minute. Cost: three hash lookups (both endpoints, the edge) and a few
// additions, under an uncontended mutex (IngestBatch takes it once per batch).
//
// Time buckets: observations go to the minute of their timestamp; when a
// later minute starts (an observation or Advance(now) says so) the open
// minute is sealed: encoded compactly (bucket_codec.h) and immutable from
// then on. Maintain(now) rolls minute buckets up into hour buckets once their
// hour is older than `rollup_after` (1 day), drops buckets older than
// `retention` (14 days) and enforces the memory budget: oldest buckets first,
// then the least recently seen edges. Every removal is counted in Stats().
// A late observation (for a minute already sealed) is counted in the open
// minute (Stats::late).
//
// Queries (any thread): copy what they need under the mutex (bucket
// pointers, the edge table, endpoint pointers, the open minute's counters:
// a few ms for 100k edges) and decode, filter, group and sort without it,
// so a query never holds up ingest for longer than that copy.
//
// Endpoints and edges are interned: an edge is 12 bytes of key (two 32-bit
// endpoint ids, port, protocols) plus ~32 bytes of metadata; its counters
// live in buckets, only where it was active.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "flows/flowd/graph/edge_counters.h"
#include "flows/flowd/graph/endpoint.h"
#include "flows/flowd/graph/node_sets.h"
#include "flows/flowd/graph/observation.h"
#include "flows/flowd/graph/query.h"

namespace flows::flowd::graph {

struct GraphOptions {
  // Minute buckets older than this (by their hour's end) become hour buckets.
  TimeNs rollup_after = kDayNs;
  TimeNs retention = 14 * kDayNs;
  // Upper bound on Stats::bytes, enforced by Maintain().
  std::size_t memory_budget_bytes = std::size_t{256} << 20;
  // Key workloads by pod too (group_by pod); more edges when pods churn.
  bool keep_pods = false;
  // Set when the graph is persisted (GraphPersistence): ids freed since the
  // last snapshot are reused only after the next one, and minute buckets
  // are rolled up only once they are in the log.
  bool durable = false;
};

struct GraphStats {
  std::uint64_t edges = 0;
  std::uint64_t endpoints = 0;
  std::uint64_t nodes = 0;
  std::uint64_t minute_buckets = 0;  // sealed
  std::uint64_t hour_buckets = 0;
  std::uint64_t open_edges = 0;       // edges active in the open minute
  std::uint64_t bucket_records = 0;   // (edge, bucket) pairs in sealed buckets
  std::uint64_t bytes = 0;            // estimate of everything the graph holds
  std::uint64_t bucket_bytes = 0;     // of which sealed buckets
  std::uint64_t evicted_buckets = 0;  // memory budget
  std::uint64_t evicted_edges = 0;
  std::uint64_t expired_buckets = 0;  // retention
  std::uint64_t expired_edges = 0;
  std::uint64_t observations = 0;  // Ingest calls
  std::uint64_t not_counted = 0;   // left out by the count-once rule
  std::uint64_t late = 0;          // counted in the open minute, timestamp in an earlier one
  TimeNs oldest_bucket = 0;        // start of the oldest bucket (0: none)
};

// An edge: two interned endpoints, the server port and the protocols.
struct EdgeKey {
  EndpointId src = 0;
  EndpointId dst = 0;
  std::uint16_t port = 0;
  L4Proto l4 = L4Proto::kUnknown;
  L7Proto l7 = L7Proto::kNone;
  friend bool operator==(const EdgeKey&, const EdgeKey&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const EdgeKey& k) {
    return H::combine(std::move(h), k.src, k.dst, k.port, static_cast<std::uint8_t>(k.l4),
                      static_cast<std::uint8_t>(k.l7));
  }
};

class ConnectivityGraph {
 public:
  explicit ConnectivityGraph(GraphOptions options = {});
  ConnectivityGraph(const ConnectivityGraph&) = delete;
  ConnectivityGraph& operator=(const ConnectivityGraph&) = delete;

  const GraphOptions& options() const { return options_; }

  // The id to put in Observation::node (once per node name).
  NodeId InternNode(std::string_view name);

  // Ingest thread.
  void Ingest(const Observation& obs);
  void IngestBatch(std::span<const Observation> batch);
  // Seals the open minute if `now` is past it.
  void Advance(TimeNs now);

  // Any thread (one at a time): roll-up, retention, memory budget.
  void Maintain(TimeNs now);

  // Any thread.
  GraphStats Stats() const;
  // Checks the query first (ValidateQuery: the error names the field).
  Result<Graph> Query(const graph::Query& query) const;

  // State for persistence (graph_state.cc); see GraphPersistence.
  // A full image of the graph, sealed buckets and open minute included.
  void EncodeFull(std::string* out);
  // What changed since the last EncodeFull/EncodeDelta: new endpoints and
  // edges, edge metadata that moved, buckets sealed since, and the open
  // minute as it is now (replacing the previous delta's). False when nothing
  // changed.
  bool EncodeDelta(std::string* out);
  // Names the writer (a restart is a new writer) in what Encode* write: on
  // loading, a record's open minute replaces the one before it from the same
  // writer, while a new writer's records keep the previous writer's last
  // open minute (it became a bucket when that writer restarted).
  void SetWriterSession(std::uint64_t session);
  // After a snapshot (EncodeFull) is durable, or failed to be.
  void SnapshotWritten(bool ok);
  // Applies an encoded full image or delta (loading); then FinishLoad().
  Status Apply(std::string_view payload);
  void FinishLoad();

 private:
  static constexpr std::uint32_t kNoSlot = 0xffffffffu;
  static constexpr NodeId kNoNode = 0xffff;

  struct EdgeRecord {
    EdgeKey key;
    TimeNs first_seen = 0;
    TimeNs last_seen = 0;
    TimeNs last_bucket = 0;  // start of the latest bucket holding counters for it
    std::uint32_t open_slot = kNoSlot;
    NodeSetId nodes = NodeSets::kEmpty;
    NodeId last_node = kNoNode;
    bool live = false;
    bool logged = false;  // its definition is in the log or snapshot
    bool dirty = false;   // metadata changed since the last delta
  };
  struct Bucket {
    TimeNs start = 0;
    TimeNs width = 0;
    std::uint32_t records = 0;
    std::string blob;
  };
  struct BucketSlot {
    std::shared_ptr<const Bucket> bucket;
    bool logged = false;
  };

  void IngestLocked(const Observation& obs);
  std::uint32_t FindOrCreateEdge(const Observation& obs);
  void SealOpenLocked();
  void InsertBucketLocked(std::shared_ptr<const Bucket> bucket, bool logged);
  void RemoveEdgeLocked(std::uint32_t id);
  void ReleaseEdgeId(std::uint32_t id);
  void ReleaseEndpointId(EndpointId id);
  // Removes edges no bucket and no open slot refers to; returns how many.
  std::uint64_t CollectEdgesLocked();
  std::size_t BytesLocked(std::size_t open_bytes) const;
  std::size_t OpenBytesLocked() const;
  static std::size_t BucketBytes(const Bucket& b);
  std::shared_ptr<const Bucket> RollUp(const std::vector<std::shared_ptr<const Bucket>>& minutes,
                                       TimeNs hour) const;
  void EncodeOpenLocked(std::string* out, std::uint32_t* records) const;

  // Direct-mapped cache in front of the endpoint and edge indexes, keyed by
  // a hash of the whole edge; a hit is verified against the stored edge.
  struct CacheEntry {
    std::uint64_t hash = 0;
    std::uint32_t edge = kNoSlot;
  };
  static constexpr std::size_t kCacheSize = 4096;

  const GraphOptions options_;
  mutable std::mutex mu_;
  std::vector<CacheEntry> edge_cache_ = std::vector<CacheEntry>(kCacheSize);
  std::mutex maintain_mu_;

  EndpointTable endpoints_;
  NodeSets node_sets_;
  absl::flat_hash_map<EdgeKey, std::uint32_t> edge_index_;
  std::vector<EdgeRecord> edges_;
  std::size_t live_edges_ = 0;
  std::vector<std::uint32_t> free_edges_;
  // Freed since the last snapshot (durable graphs), and freed before the
  // snapshot being written.
  std::vector<std::uint32_t> pending_free_edges_, releasing_edges_;
  std::vector<EndpointId> pending_free_endpoints_, releasing_endpoints_;

  TimeNs open_start_ = 0;
  bool open_started_ = false;
  std::vector<EdgeCounters> open_;         // slots [0, open_used_) in use
  std::vector<std::uint32_t> open_edges_;  // slot -> edge id
  std::uint32_t open_used_ = 0;

  std::vector<BucketSlot> buckets_;  // by start time
  std::size_t bucket_bytes_ = 0;
  std::size_t bucket_records_ = 0;

  // Delta tracking (durable graphs).
  std::vector<bool> endpoint_logged_;  // by endpoint id
  std::vector<std::uint32_t> new_edges_, dirty_edges_;
  std::size_t logged_nodes_ = 0;
  // Loading: the latest delta's open minute, sealed by FinishLoad.
  std::shared_ptr<Bucket> loaded_open_;
  std::uint64_t loaded_open_session_ = 0;
  std::uint64_t session_ = 0;

  std::uint64_t evicted_buckets_ = 0, evicted_edges_ = 0;
  std::uint64_t expired_buckets_ = 0, expired_edges_ = 0;
  std::uint64_t observations_ = 0, not_counted_ = 0, late_ = 0;
};

}  // namespace flows::flowd::graph
