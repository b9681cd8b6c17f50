// source_ip / destination_ip: each value an exact address or a CIDR, IPv4
// or IPv6 ("10.0.0.1", "10.0.0.0/8", "fd00::/64").
#pragma once

#include <string>

#include "field_error.h"
#include "field_matcher.h"

namespace flows::api::filter {

Result<FieldMatcherPtr> MakeIpMatcher(const char* field, Side side,
                                      const google::protobuf::RepeatedPtrField<std::string>& values);

}  // namespace flows::api::filter
