// What a reader of the FlowStore asks for: a time window on flow.time and a
// predicate (the compiled GetFlows filters). Both are applied by the reader,
// outside the store's lock, so an expensive filter never delays ingest.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <functional>
#include <optional>

#include "flow/flow.pb.h"

namespace flows::flowd {

struct FlowQuery {
  // Both bounds are inclusive, as in Hubble's GetFlowsRequest since/until.
  // A flow without a time counts as the epoch.
  std::optional<google::protobuf::Timestamp> since;
  std::optional<google::protobuf::Timestamp> until;
  // Empty: every flow.
  std::function<bool(const flow::Flow&)> predicate;

  bool Accepts(const flow::Flow& flow) const;
};

}  // namespace flows::flowd
