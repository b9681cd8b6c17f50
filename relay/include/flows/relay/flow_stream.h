// One node's GetFlows stream, as the merger sees it. The gRPC client stream
// is one implementation (grpc_flow_stream.h); tests and the benchmark use
// scripted ones, so the merge logic runs without a network.
#pragma once

#include <grpcpp/support/status.h>

#include <cstdint>
#include <memory>

#include "observer/observer.pb.h"

namespace flows::relay {

// One response from one node and the key the merger orders it by.
struct FlowItem {
  // Shared and const: a source may hand out the same message many times
  // (the benchmark does), and nobody modifies it after it was read.
  std::shared_ptr<const observer::GetFlowsResponse> response;
  std::int64_t time_ns = 0;  // the response's time, nanoseconds since the epoch
  // Flows are ordered by time; lost-event and node-status notices are not
  // (they describe the stream, not a moment) and go out as soon as possible.
  bool ordered = true;
};

// Makes a FlowItem from a response read off a node's stream.
FlowItem MakeFlowItem(std::shared_ptr<const observer::GetFlowsResponse> response);

class FlowStream {
 public:
  virtual ~FlowStream() = default;
  // Blocks for the next response; false when the stream is over (then call
  // Finish once for the reason).
  virtual bool Read(FlowItem* out) = 0;
  virtual grpc::Status Finish() = 0;
  // From any thread: a blocked Read returns false soon after.
  virtual void Cancel() = 0;
};

}  // namespace flows::relay
