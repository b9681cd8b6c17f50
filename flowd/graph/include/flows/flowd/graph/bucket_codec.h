// The compact encoding of a closed time bucket: one record per edge active in
// the bucket, edges in increasing id order.
//
//   record := varint(edge id - previous id)  varint(field mask)
//             varint(value) for each scalar field present, in mask bit order
//             [http]    varint(n) n x (varint key, varint count)
//             [dns]     varint(n) n x (varint key, varint count)
//             [latency] varint(n) n x (varint key delta, varint count)
//
// Zero fields are left out, so a TCP-only edge active in an hour costs about
// 12 bytes; an HTTP edge adds its (method, class) cells and ~2-3 bytes per
// latency cell.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "flows/flowd/graph/byte_io.h"
#include "flows/flowd/graph/edge_counters.h"

namespace flows::flowd::graph {

class BucketEncoder {
 public:
  explicit BucketEncoder(std::string* out) : w_(out) {}
  // `edge` must be greater than the previous record's.
  void Add(std::uint32_t edge, const EdgeCounters& counters);
  std::uint32_t records() const { return records_; }

 private:
  ByteWriter w_;
  std::uint32_t prev_ = 0;
  std::uint32_t records_ = 0;
};

class BucketDecoder {
 public:
  explicit BucketDecoder(std::string_view blob) : r_(blob) {}
  // Decodes the next record into `counters` (cleared first). False at the
  // end or on malformed input (then failed() is true).
  bool Next(std::uint32_t* edge, EdgeCounters* counters);
  // The same in two steps, to pick where the counters go once the edge is
  // known: NextEdge, then ReadCounters (adds into `sum`, no clear).
  bool NextEdge(std::uint32_t* edge);
  bool ReadCounters(EdgeCounters* sum);
  bool failed() const { return failed_; }

 private:
  ByteReader r_;
  std::uint64_t mask_ = 0;
  std::uint32_t prev_ = 0;
  bool first_ = true;
  bool failed_ = false;
};

}  // namespace flows::flowd::graph
