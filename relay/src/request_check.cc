#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/time_util.h>

#include "flows/api/filter/flow_filter_set.h"
#include "flows/relay/relay_service.h"

namespace flows::relay {

grpc::Status CheckGetFlowsRequest(const observer::GetFlowsRequest& req) {
  using google::protobuf::util::FieldMaskUtil;
  using google::protobuf::util::TimeUtil;
  if (req.first() && req.follow())
    return {grpc::StatusCode::INVALID_ARGUMENT, "first and follow cannot be combined"};
  // Timestamp's own range (years 1-9999, nanos < 1e9): beyond it the
  // protobuf time arithmetic is undefined.
  auto valid = [](const google::protobuf::Timestamp& t) {
    return t.seconds() >= TimeUtil::kTimestampMinSeconds && t.seconds() <= TimeUtil::kTimestampMaxSeconds &&
           t.nanos() >= 0 && t.nanos() < 1'000'000'000;
  };
  if (req.has_since() && !valid(req.since()))
    return {grpc::StatusCode::INVALID_ARGUMENT, "since: not a valid timestamp"};
  if (req.has_until() && !valid(req.until()))
    return {grpc::StatusCode::INVALID_ARGUMENT, "until: not a valid timestamp"};
  if (req.has_since() && req.has_until() && req.since() > req.until())
    return {grpc::StatusCode::INVALID_ARGUMENT, "since is after until"};
  for (const auto& path : req.field_mask().paths())
    if (!FieldMaskUtil::GetFieldDescriptors(flow::Flow::descriptor(), path, nullptr))
      return {grpc::StatusCode::INVALID_ARGUMENT, "field_mask: unknown flow field \"" + path + "\""};
  // Compiled here only to refuse a bad request before fanning out; each
  // node compiles and applies the filters itself.
  auto filters = api::FlowFilterSet::Compile(req.whitelist(), req.blacklist());
  if (!filters) return {grpc::StatusCode::INVALID_ARGUMENT, filters.error().message};
  return grpc::Status::OK;
}

observer::GetFlowsResponse NodeStatus(::relay::NodeState state, const std::vector<std::string>& nodes,
                                      const std::string& message) {
  observer::GetFlowsResponse r;
  auto* ev = r.mutable_node_status();
  ev->set_state_change(state);
  for (const auto& n : nodes) ev->add_node_names(n);
  ev->set_message(message);
  *r.mutable_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  return r;
}

}  // namespace flows::relay
