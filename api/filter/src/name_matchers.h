// Fields matched with NamePattern wildcards: source_fqdn / destination_fqdn
// (against the flow's source_names / destination_names) and node_name.
#pragma once

#include <string>

#include "field_error.h"
#include "field_matcher.h"

namespace flows::api::filter {

Result<FieldMatcherPtr> MakeFqdnMatcher(const char* field, Side side,
                                        const google::protobuf::RepeatedPtrField<std::string>& values);

// "cluster/node" patterns; either part may be empty (any) and a pattern
// without '/' is a node pattern in any cluster. A flow's node name without a
// cluster belongs to the cluster "default", as in Hubble.
Result<FieldMatcherPtr> MakeNodeNameMatcher(const google::protobuf::RepeatedPtrField<std::string>& values);

}  // namespace flows::api::filter
