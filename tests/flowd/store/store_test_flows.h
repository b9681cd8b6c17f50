// Flows for store tests: each carries a number in time.seconds, so a test can
// tell which flow came back (and, in the concurrency test, check that an
// entry's flow really is the one pushed with its sequence number).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "flow/flow.pb.h"
#include "flows/flowd/store/flow_store.h"

namespace flows::flowd::testing {

inline std::shared_ptr<const flow::Flow> FlowAt(std::int64_t seconds) {
  auto f = std::make_shared<flow::Flow>();
  f->mutable_time()->set_seconds(seconds);
  return f;
}

// Pushes flows numbered first, first+1, ..., first+count-1.
inline void PushNumbered(FlowStore& store, std::int64_t first, std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i) store.Push(FlowAt(first + i));
}

inline std::vector<std::int64_t> Numbers(const std::vector<StoredFlow>& flows) {
  std::vector<std::int64_t> out;
  for (const StoredFlow& f : flows) out.push_back(f.flow->time().seconds());
  return out;
}

inline std::vector<std::uint64_t> Seqs(const std::vector<StoredFlow>& flows) {
  std::vector<std::uint64_t> out;
  for (const StoredFlow& f : flows) out.push_back(f.seq);
  return out;
}

inline google::protobuf::Timestamp Seconds(std::int64_t s) {
  google::protobuf::Timestamp t;
  t.set_seconds(s);
  return t;
}

}  // namespace flows::flowd::testing
