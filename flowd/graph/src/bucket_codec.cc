#include "flows/flowd/graph/bucket_codec.h"

namespace flows::flowd::graph {
namespace {

enum Field : std::uint32_t {
  kConnections = 1u << 0,
  kPacketsToServer = 1u << 1,
  kPacketsToClient = 1u << 2,
  kBytesToServer = 1u << 3,
  kBytesToClient = 1u << 4,
  kRefused = 1u << 5,
  kResets = 1u << 6,
  kDrops = 1u << 7,
  kHttp = 1u << 8,
  kDns = 1u << 9,
  kLatency = 1u << 10,
  kKnownFields = (1u << 11) - 1,
};

void PutCells(ByteWriter& w, const SparseCounts& s, bool delta_keys) {
  w.Varint(s.size());
  std::uint16_t prev = 0;
  for (const auto& c : s.cells()) {
    w.Varint(delta_keys ? c.key - prev : c.key);
    w.Varint(c.count);
    prev = c.key;
  }
}

bool GetCells(ByteReader& r, SparseCounts& into, bool delta_keys, std::uint32_t max_key) {
  const std::uint64_t n = r.Varint();
  if (n > max_key + 1) return false;
  std::uint64_t key = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t k = r.Varint();
    key = delta_keys ? key + k : k;
    const std::uint64_t count = r.Varint();
    if (r.failed() || key > max_key) return false;
    into.Add(static_cast<std::uint16_t>(key), count);
  }
  return !r.failed();
}

}  // namespace

void BucketEncoder::Add(std::uint32_t edge, const EdgeCounters& c) {
  std::uint32_t mask = 0;
  if (c.connections) mask |= kConnections;
  if (c.packets_to_server) mask |= kPacketsToServer;
  if (c.packets_to_client) mask |= kPacketsToClient;
  if (c.bytes_to_server) mask |= kBytesToServer;
  if (c.bytes_to_client) mask |= kBytesToClient;
  if (c.refused) mask |= kRefused;
  if (c.resets) mask |= kResets;
  if (c.drops) mask |= kDrops;
  if (!c.http.empty()) mask |= kHttp;
  if (!c.dns.empty()) mask |= kDns;
  if (!c.latency.empty()) mask |= kLatency;
  w_.Varint(records_ == 0 ? edge : edge - prev_);
  w_.Varint(mask);
  if (mask & kConnections) w_.Varint(c.connections);
  if (mask & kPacketsToServer) w_.Varint(c.packets_to_server);
  if (mask & kPacketsToClient) w_.Varint(c.packets_to_client);
  if (mask & kBytesToServer) w_.Varint(c.bytes_to_server);
  if (mask & kBytesToClient) w_.Varint(c.bytes_to_client);
  if (mask & kRefused) w_.Varint(c.refused);
  if (mask & kResets) w_.Varint(c.resets);
  if (mask & kDrops) w_.Varint(c.drops);
  if (mask & kHttp) PutCells(w_, c.http, false);
  if (mask & kDns) PutCells(w_, c.dns, false);
  if (mask & kLatency) PutCells(w_, c.latency.cells(), true);
  prev_ = edge;
  ++records_;
}

bool BucketDecoder::Next(std::uint32_t* edge, EdgeCounters* counters) {
  counters->Clear();
  return NextEdge(edge) && ReadCounters(counters);
}

bool BucketDecoder::NextEdge(std::uint32_t* edge) {
  if (failed_ || r_.done()) return false;
  const std::uint64_t delta = r_.Varint();
  const std::uint64_t id = first_ ? delta : prev_ + delta;
  mask_ = r_.Varint();
  if (r_.failed() || id > 0xffffffffu || (!first_ && delta == 0) || (mask_ & ~std::uint64_t{kKnownFields})) {
    failed_ = true;
    return false;
  }
  first_ = false;
  prev_ = static_cast<std::uint32_t>(id);
  *edge = prev_;
  return true;
}

bool BucketDecoder::ReadCounters(EdgeCounters* c) {
  if (failed_) return false;
  const std::uint64_t mask = mask_;
  if (mask & kConnections) c->connections += r_.Varint();
  if (mask & kPacketsToServer) c->packets_to_server += r_.Varint();
  if (mask & kPacketsToClient) c->packets_to_client += r_.Varint();
  if (mask & kBytesToServer) c->bytes_to_server += r_.Varint();
  if (mask & kBytesToClient) c->bytes_to_client += r_.Varint();
  if (mask & kRefused) c->refused += r_.Varint();
  if (mask & kResets) c->resets += r_.Varint();
  if (mask & kDrops) c->drops += r_.Varint();
  if ((mask & kHttp) && !GetCells(r_, c->http, false, kHttpMethodCount * kHttpClassCount - 1)) failed_ = true;
  if ((mask & kDns) && !GetCells(r_, c->dns, false, 0xffff)) failed_ = true;
  if ((mask & kLatency) && !GetCells(r_, c->latency.mutable_cells(), true, LatencyHistogram::kBuckets - 1)) {
    failed_ = true;
  }
  if (r_.failed()) failed_ = true;
  return !failed_;
}

}  // namespace flows::flowd::graph
