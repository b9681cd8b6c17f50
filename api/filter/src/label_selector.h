// Kubernetes label selectors over Cilium-style endpoint labels.
//
// Flows carry labels as "source:key=value" strings ("k8s:app=frontend",
// "reserved:host"). A selector key may name the source ("k8s:app=frontend")
// or not ("app=frontend"), in which case a label of any source with that key
// counts, as in Hubble.
//
// Grammar (requirements separated by commas, all must hold):
//   key            the label is present
//   !key           the label is absent
//   key=value      present with that value (also key==value)
//   key!=value     absent, or present with another value
//   key in (a,b)   present with one of the values
//   key notin (a)  absent, or present with none of the values
// The set-based ">"/"<" operators of Kubernetes are not supported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "field_error.h"
#include "field_matcher.h"

namespace flows::api::filter {

class LabelSelector {
 public:
  // `field` names the FlowFilter field in error messages.
  static Result<LabelSelector> Parse(std::string_view field, std::string_view text);

  bool Matches(const google::protobuf::RepeatedPtrField<std::string>& labels) const;

 private:
  enum class Op { kExists, kNotExists, kIn, kNotIn };  // "=" is In with one value
  struct Requirement {
    std::string source;  // empty: any source
    std::string key;
    Op op = Op::kExists;
    std::vector<std::string> values;
  };
  class Parser;

  std::vector<Requirement> requirements_;
};

// source_label / destination_label: a flow matches if any selector does.
Result<FieldMatcherPtr> MakeLabelMatcher(const char* field, Side side,
                                         const google::protobuf::RepeatedPtrField<std::string>& values);

}  // namespace flows::api::filter
