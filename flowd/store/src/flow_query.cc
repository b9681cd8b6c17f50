#include "flows/flowd/store/flow_query.h"

namespace flows::flowd {
namespace {

// Timestamps compare as (seconds, nanos): both fields are normalised by
// protobuf's own producers (nanos in [0, 1e9)).
int Compare(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  if (a.seconds() != b.seconds()) return a.seconds() < b.seconds() ? -1 : 1;
  if (a.nanos() != b.nanos()) return a.nanos() < b.nanos() ? -1 : 1;
  return 0;
}

}  // namespace

bool FlowQuery::Accepts(const flow::Flow& flow) const {
  // time() of a flow without one is the default instance: the epoch.
  if (since && Compare(flow.time(), *since) < 0) return false;
  if (until && Compare(flow.time(), *until) > 0) return false;
  return !predicate || predicate(flow);
}

}  // namespace flows::flowd
