// The graph's state as bytes, for GraphPersistence: a full image (snapshot)
// or what changed since the last encode (log record), and loading them back.
//
//   payload  := u8 version(1) u8 type(1 full, 2 delta) section*
//   section  := u8 tag varint(length) bytes
//   NODES     n x (varint id, string name)              every record: ids are remapped by name
//   ENDPOINTS n x (varint id, u8 kind, 7 x string)
//   EDGES     n x (varint id, varint src, varint dst, varint port, u8 l4, u8 l7)
//   META      n x (varint id, svarint first, svarint last, svarint last_bucket, varint k, k x varint node)
//   BUCKET    svarint start, varint width, varint records, blob (bucket_codec.h)   one per bucket
//   OPEN      varint session, svarint start, varint records, blob   the open minute; replaces the
//             previous record's from the same session (writer), see SetWriterSession
//   COUNTERS  4 x varint: evicted buckets, evicted edges, expired buckets, expired edges (full only)
//
// Ids are the graph's own: a durable graph does not reuse an id freed since
// its last snapshot, so a log record never redefines an id the snapshot or an
// earlier record still uses.
#include <algorithm>

#include "flows/flowd/graph/bucket_codec.h"
#include "flows/flowd/graph/byte_io.h"
#include "flows/flowd/graph/connectivity_graph.h"

namespace flows::flowd::graph {
namespace {

constexpr std::uint8_t kVersion = 1;
constexpr std::uint8_t kFull = 1;
constexpr std::uint8_t kDelta = 2;

enum Tag : std::uint8_t {
  kNodes = 1,
  kEndpoints = 2,
  kEdges = 3,
  kMeta = 4,
  kBucket = 5,
  kOpen = 6,
  kCounters = 7,
};

constexpr std::uint32_t kMaxId = 1u << 28;

// Builds a section body, then appends tag + length + body.
class Section {
 public:
  Section(std::string* out, Tag tag) : out_(out), tag_(tag), w_(&body_) {}
  ByteWriter& w() { return w_; }
  void Close() {
    ByteWriter o(out_);
    o.U8(tag_);
    o.Varint(body_.size());
    out_->append(body_);
  }

 private:
  std::string* out_;
  Tag tag_;
  std::string body_;
  ByteWriter w_;
};

void PutEndpoint(ByteWriter& w, EndpointId id, const Endpoint& e) {
  w.Varint(id);
  w.U8(static_cast<std::uint8_t>(e.kind));
  for (const std::string* s : {&e.namespace_, &e.workload_kind, &e.workload_name, &e.pod,
                               &e.service_namespace, &e.service_name, &e.name}) {
    w.String(*s);
  }
}

// The records the snapshot and the delta share.
void PutNodes(ByteWriter& w, const NodeSets& sets) {
  w.Varint(sets.node_count());
  for (std::size_t i = 0; i < sets.node_count(); ++i) {
    w.Varint(i);
    w.String(sets.NodeName(static_cast<NodeId>(i)));
  }
}

void PutEdgeKey(ByteWriter& w, std::uint32_t id, const EdgeKey& k) {
  w.Varint(id);
  w.Varint(k.src);
  w.Varint(k.dst);
  w.Varint(k.port);
  w.U8(static_cast<std::uint8_t>(k.l4));
  w.U8(static_cast<std::uint8_t>(k.l7));
}

void PutEdgeMeta(ByteWriter& w, std::uint32_t id, TimeNs first_seen, TimeNs last_seen, TimeNs last_bucket,
                 const std::vector<NodeId>& nodes) {
  w.Varint(id);
  w.SignedVarint(first_seen);
  w.SignedVarint(last_seen);
  w.SignedVarint(last_bucket);
  w.Varint(nodes.size());
  for (NodeId n : nodes) w.Varint(n);
}

void PutBucket(std::string* out, Tag tag, TimeNs start, TimeNs width, std::uint32_t records,
               std::string_view blob, std::uint64_t session = 0) {
  Section s(out, tag);
  if (tag == kOpen) s.w().Varint(session);
  s.w().SignedVarint(start);
  if (tag == kBucket) s.w().Varint(static_cast<std::uint64_t>(width));
  s.w().Varint(records);
  s.w().out()->append(blob);
  s.Close();
}

}  // namespace

void ConnectivityGraph::EncodeOpenLocked(std::string* out, std::uint32_t* records) const {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> order;
  order.reserve(open_used_);
  for (std::uint32_t slot = 0; slot < open_used_; ++slot) order.emplace_back(open_edges_[slot], slot);
  std::sort(order.begin(), order.end());
  BucketEncoder encoder(out);
  for (const auto& [edge, slot] : order) encoder.Add(edge, open_[slot]);
  *records = encoder.records();
}

void ConnectivityGraph::EncodeFull(std::string* out) {
  out->clear();
  std::vector<std::shared_ptr<const Bucket>> buckets;
  {
    std::lock_guard lock(mu_);
    ByteWriter w(out);
    w.U8(kVersion);
    w.U8(kFull);
    {
      Section s(out, kNodes);
      PutNodes(s.w(), node_sets_);
      s.Close();
    }
    {
      Section s(out, kEndpoints);
      s.w().Varint(endpoints_.size());
      for (EndpointId id = 0; id < endpoints_.capacity(); ++id) {
        if (endpoints_.Live(id)) PutEndpoint(s.w(), id, *endpoints_.Get(id));
      }
      s.Close();
      endpoint_logged_.assign(endpoints_.capacity(), true);
    }
    {
      Section edges(out, kEdges);
      Section meta(out, kMeta);
      edges.w().Varint(live_edges_);
      meta.w().Varint(live_edges_);
      for (std::uint32_t id = 0; id < edges_.size(); ++id) {
        EdgeRecord& e = edges_[id];
        if (!e.live) continue;
        PutEdgeKey(edges.w(), id, e.key);
        PutEdgeMeta(meta.w(), id, e.first_seen, e.last_seen, e.last_bucket, node_sets_.Nodes(e.nodes));
        e.logged = true;
        e.dirty = false;
      }
      edges.Close();
      meta.Close();
    }
    {
      Section s(out, kCounters);
      for (std::uint64_t v : {evicted_buckets_, evicted_edges_, expired_buckets_, expired_edges_})
        s.w().Varint(v);
      s.Close();
    }
    std::string open_blob;
    std::uint32_t open_records = 0;
    EncodeOpenLocked(&open_blob, &open_records);
    PutBucket(out, kOpen, open_start_, kMinuteNs, open_records, open_blob, session_);
    for (BucketSlot& s : buckets_) {
      buckets.push_back(s.bucket);
      s.logged = true;
    }
    new_edges_.clear();
    dirty_edges_.clear();
    releasing_edges_ = std::move(pending_free_edges_);
    pending_free_edges_.clear();
    releasing_endpoints_ = std::move(pending_free_endpoints_);
    pending_free_endpoints_.clear();
  }
  // Sealed buckets are immutable: copied without the mutex.
  for (const auto& b : buckets) PutBucket(out, kBucket, b->start, b->width, b->records, b->blob);
}

void ConnectivityGraph::SetWriterSession(std::uint64_t session) {
  std::lock_guard lock(mu_);
  session_ = session;
}

void ConnectivityGraph::SnapshotWritten(bool ok) {
  std::lock_guard lock(mu_);
  if (ok) {
    free_edges_.insert(free_edges_.end(), releasing_edges_.begin(), releasing_edges_.end());
    for (EndpointId id : releasing_endpoints_) endpoints_.MakeReusable(id);
  } else {
    pending_free_edges_.insert(pending_free_edges_.end(), releasing_edges_.begin(), releasing_edges_.end());
    pending_free_endpoints_.insert(pending_free_endpoints_.end(), releasing_endpoints_.begin(),
                                   releasing_endpoints_.end());
  }
  releasing_edges_.clear();
  releasing_endpoints_.clear();
}

bool ConnectivityGraph::EncodeDelta(std::string* out) {
  out->clear();
  std::lock_guard lock(mu_);
  std::vector<std::uint32_t> new_edges;
  for (std::uint32_t id : new_edges_) {
    if (edges_[id].live && !edges_[id].logged) new_edges.push_back(id);
  }
  std::vector<std::uint32_t> dirty;
  for (std::uint32_t id : dirty_edges_) {
    if (edges_[id].live && edges_[id].dirty) dirty.push_back(id);
  }
  std::vector<BucketSlot*> unlogged;
  for (BucketSlot& s : buckets_) {
    if (!s.logged) unlogged.push_back(&s);
  }
  new_edges_.clear();
  dirty_edges_.clear();
  if (new_edges.empty() && dirty.empty() && unlogged.empty()) return false;

  ByteWriter w(out);
  w.U8(kVersion);
  w.U8(kDelta);
  {
    Section s(out, kNodes);
    PutNodes(s.w(), node_sets_);
    s.Close();
  }
  {
    Section eps(out, kEndpoints);
    Section edges(out, kEdges);
    std::vector<EndpointId> new_endpoints;
    for (std::uint32_t id : new_edges) {
      EdgeRecord& e = edges_[id];
      for (EndpointId ep : {e.key.src, e.key.dst}) {
        if (!endpoint_logged_[ep]) {
          endpoint_logged_[ep] = true;
          new_endpoints.push_back(ep);
        }
      }
      e.logged = true;
    }
    eps.w().Varint(new_endpoints.size());
    for (EndpointId ep : new_endpoints) PutEndpoint(eps.w(), ep, *endpoints_.Get(ep));
    edges.w().Varint(new_edges.size());
    for (std::uint32_t id : new_edges) {
      PutEdgeKey(edges.w(), id, edges_[id].key);
    }
    eps.Close();
    edges.Close();
  }
  {
    Section s(out, kMeta);
    s.w().Varint(dirty.size());
    for (std::uint32_t id : dirty) {
      EdgeRecord& e = edges_[id];
      PutEdgeMeta(s.w(), id, e.first_seen, e.last_seen, e.last_bucket, node_sets_.Nodes(e.nodes));
      e.dirty = false;
    }
    s.Close();
  }
  for (BucketSlot* s : unlogged) {
    PutBucket(out, kBucket, s->bucket->start, s->bucket->width, s->bucket->records, s->bucket->blob);
    s->logged = true;
  }
  std::string open_blob;
  std::uint32_t open_records = 0;
  EncodeOpenLocked(&open_blob, &open_records);
  PutBucket(out, kOpen, open_start_, kMinuteNs, open_records, open_blob, session_);
  return true;
}

Status ConnectivityGraph::Apply(std::string_view payload) {
  std::lock_guard lock(mu_);
  ByteReader r(payload);
  const std::uint8_t version = r.U8();
  const std::uint8_t type = r.U8();
  if (r.failed() || version != kVersion || (type != kFull && type != kDelta)) {
    return Error::Invalid("unknown record format (version " + std::to_string(version) + ", type " +
                          std::to_string(type) + ")");
  }
  if (type == kFull && (live_edges_ > 0 || !buckets_.empty())) {
    return Error::Invalid("full image applied to a graph that is not empty");
  }
  std::vector<NodeId> node_map;  // the record's node id -> ours
  auto fail = [](std::string what) -> Status { return Error::Invalid(std::move(what)); };
  // Checks that every edge a bucket blob names is defined.
  auto check_blob = [this](std::string_view blob, std::uint32_t records, std::string* why) {
    BucketDecoder d(blob);
    std::uint32_t edge;
    EdgeCounters c;
    std::uint32_t n = 0;
    while (d.Next(&edge, &c)) {
      if (edge >= edges_.size() || !edges_[edge].live) {
        *why = "bucket names undefined edge " + std::to_string(edge);
        return false;
      }
      ++n;
    }
    if (d.failed() || n != records) {
      *why = "malformed bucket";
      return false;
    }
    return true;
  };
  while (!r.done()) {
    const auto tag = static_cast<Tag>(r.U8());
    ByteReader s(r.String());
    if (r.failed()) return fail("truncated section");
    switch (tag) {
      case kNodes: {
        const std::uint64_t n = s.Varint();
        for (std::uint64_t i = 0; i < n && !s.failed(); ++i) {
          const std::uint64_t id = s.Varint();
          const std::string_view name = s.String();
          if (s.failed() || id > 0xfffe) return fail("bad node entry");
          if (node_map.size() <= id) node_map.resize(id + 1, kNoNode);
          node_map[id] = node_sets_.InternNode(name);
        }
        break;
      }
      case kEndpoints: {
        const std::uint64_t n = s.Varint();
        for (std::uint64_t i = 0; i < n && !s.failed(); ++i) {
          const std::uint64_t id = s.Varint();
          Endpoint e;
          e.kind = static_cast<EndpointKind>(s.U8());
          for (std::string* f : {&e.namespace_, &e.workload_kind, &e.workload_name, &e.pod,
                                 &e.service_namespace, &e.service_name, &e.name}) {
            *f = std::string(s.String());
          }
          if (s.failed() || id >= kMaxId ||
              static_cast<int>(e.kind) > static_cast<int>(EndpointKind::kWorld)) {
            return fail("bad endpoint entry");
          }
          if (Status restored = endpoints_.Restore(static_cast<EndpointId>(id), e); !restored)
            return restored;
          if (endpoint_logged_.size() <= id) endpoint_logged_.resize(id + 1, true);
          endpoint_logged_[id] = true;
        }
        break;
      }
      case kEdges: {
        const std::uint64_t n = s.Varint();
        for (std::uint64_t i = 0; i < n && !s.failed(); ++i) {
          const std::uint64_t id = s.Varint();
          const std::uint64_t src = s.Varint();
          const std::uint64_t dst = s.Varint();
          const std::uint64_t port = s.Varint();
          const auto l4 = static_cast<L4Proto>(s.U8());
          const auto l7 = static_cast<L7Proto>(s.U8());
          if (s.failed() || id >= kMaxId || port > 0xffff || src >= kMaxId || dst >= kMaxId ||
              !endpoints_.Live(static_cast<EndpointId>(src)) ||
              !endpoints_.Live(static_cast<EndpointId>(dst))) {
            return fail("bad edge entry");
          }
          if (id >= edges_.size()) edges_.resize(id + 1);
          EdgeRecord& e = edges_[id];
          if (e.live) {  // redefined: drop the old definition
            edge_index_.erase(e.key);
            endpoints_.Release(e.key.src);
            endpoints_.Release(e.key.dst);
            --live_edges_;
          }
          e = EdgeRecord{};
          e.key = EdgeKey{static_cast<EndpointId>(src), static_cast<EndpointId>(dst),
                          static_cast<std::uint16_t>(port), l4, l7};
          e.live = true;
          e.logged = true;
          if (!edge_index_.emplace(e.key, static_cast<std::uint32_t>(id)).second) {
            return fail("edge defined twice");
          }
          endpoints_.AddRef(e.key.src);
          endpoints_.AddRef(e.key.dst);
          ++live_edges_;
        }
        break;
      }
      case kMeta: {
        const std::uint64_t n = s.Varint();
        for (std::uint64_t i = 0; i < n && !s.failed(); ++i) {
          const std::uint64_t id = s.Varint();
          const TimeNs first = s.SignedVarint();
          const TimeNs last = s.SignedVarint();
          const TimeNs last_bucket = s.SignedVarint();
          const std::uint64_t k = s.Varint();
          if (s.failed() || id >= edges_.size() || !edges_[id].live || k > node_map.size()) {
            return fail("bad edge metadata");
          }
          std::vector<NodeId> nodes;
          for (std::uint64_t j = 0; j < k; ++j) {
            const std::uint64_t node = s.Varint();
            if (s.failed() || node >= node_map.size() || node_map[node] == kNoNode)
              return fail("bad node id");
            nodes.push_back(node_map[node]);
          }
          EdgeRecord& e = edges_[id];
          e.first_seen = first;
          e.last_seen = last;
          e.last_bucket = last_bucket;
          e.nodes = node_sets_.Of(std::move(nodes));
        }
        break;
      }
      case kBucket:
      case kOpen: {
        auto b = std::make_shared<Bucket>();
        const std::uint64_t session = tag == kOpen ? s.Varint() : 0;
        b->start = s.SignedVarint();
        b->width = tag == kBucket ? static_cast<TimeNs>(s.Varint()) : kMinuteNs;
        b->records = static_cast<std::uint32_t>(s.Varint());
        b->blob = std::string(s.Bytes(s.remaining()));
        if (s.failed() || (b->width != kMinuteNs && b->width != kHourNs)) return fail("bad bucket header");
        std::string why;
        if (!check_blob(b->blob, b->records, &why)) return fail(why);
        if (tag == kOpen) {
          // The same writer's next open minute replaces this one (it is
          // either still open or sealed in a BUCKET of the same record); a
          // new writer's means the old writer stopped: keep its last one.
          if (loaded_open_ != nullptr && loaded_open_session_ != session) {
            InsertBucketLocked(std::move(loaded_open_), true);
          }
          loaded_open_ = b->records > 0 ? std::move(b) : nullptr;
          loaded_open_session_ = session;
        } else {
          InsertBucketLocked(std::move(b), true);
        }
        break;
      }
      case kCounters:
        evicted_buckets_ = s.Varint();
        evicted_edges_ = s.Varint();
        expired_buckets_ = s.Varint();
        expired_edges_ = s.Varint();
        break;
      default:
        break;  // a newer writer's section: skipped
    }
    if (s.failed()) return fail("truncated section " + std::to_string(tag));
  }
  return OkStatus();
}

void ConnectivityGraph::FinishLoad() {
  std::lock_guard lock(mu_);
  if (loaded_open_ != nullptr) {
    InsertBucketLocked(std::move(loaded_open_), true);
    loaded_open_ = nullptr;
  }
  for (EndpointId id = 0; id < endpoints_.capacity(); ++id) {
    if (endpoints_.RemoveIfUnused(id)) {
    }
    if (!endpoints_.Live(id)) endpoints_.MakeReusable(id);
  }
  free_edges_.clear();
  for (std::uint32_t id = static_cast<std::uint32_t>(edges_.size()); id-- > 0;) {
    if (!edges_[id].live) free_edges_.push_back(id);
  }
  endpoint_logged_.resize(endpoints_.capacity(), true);
  new_edges_.clear();
  dirty_edges_.clear();
}

}  // namespace flows::flowd::graph
