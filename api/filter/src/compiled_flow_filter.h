// One flow.FlowFilter compiled: a matcher per field that is set. A flow
// matches when every field matches (fields AND); an empty FlowFilter matches
// every flow, as in Hubble.
#pragma once

#include <vector>

#include "field_error.h"
#include "field_matcher.h"

namespace flows::api {

class CompiledFlowFilter {
 public:
  static Result<CompiledFlowFilter> Compile(const flow::FlowFilter& filter);

  bool Matches(const flow::Flow& flow) const {
    for (const auto& field : fields_) {
      if (!field->Matches(flow)) return false;
    }
    return true;
  }

 private:
  std::vector<filter::FieldMatcherPtr> fields_;  // cheapest first
};

}  // namespace flows::api
