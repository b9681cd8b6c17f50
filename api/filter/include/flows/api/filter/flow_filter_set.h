// Hubble's FlowFilter semantics for GetFlows: the request's whitelist and
// blacklist, compiled once per request, then asked about every flow read.
//
//   match = (whitelist empty, or any whitelist filter matches)
//           and no blacklist filter matches
//
// Within one FlowFilter, different fields AND and the values of one field
// OR; a FlowFilter with no field set matches every flow. Malformed values
// (bad address, regex, selector, status code, ...) and fields of Hubble's
// FlowFilter that flows does not honour make Compile fail with a message
// naming the field and the value; the gRPC layer answers INVALID_ARGUMENT.
//
// Matches() allocates nothing and is safe to call from many threads at once.
#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <vector>

#include "flow/flow.pb.h"
#include "flows/common/result.h"

namespace flows::api {

class CompiledFlowFilter;

class FlowFilterSet {
 public:
  using Filters = google::protobuf::RepeatedPtrField<flow::FlowFilter>;

  static Result<FlowFilterSet> Compile(const Filters& whitelist, const Filters& blacklist);

  bool Matches(const flow::Flow& flow) const;

  // True when the request had no filters at all: callers may skip Matches.
  bool MatchesEverything() const { return whitelist_.empty() && blacklist_.empty(); }

  FlowFilterSet(FlowFilterSet&&) noexcept;
  FlowFilterSet& operator=(FlowFilterSet&&) noexcept;
  ~FlowFilterSet();

 private:
  FlowFilterSet();

  std::vector<CompiledFlowFilter> whitelist_;
  std::vector<CompiledFlowFilter> blacklist_;
};

}  // namespace flows::api
