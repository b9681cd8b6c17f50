// Errors for malformed filters, worded for the person who typed them: the
// field name, the offending value quoted, and what is wrong with it. The
// gRPC layer returns them as INVALID_ARGUMENT.
#pragma once

#include <string>
#include <string_view>

#include "flows/common/result.h"

namespace flows::api::filter {

// `field: "value" problem`
Error BadValue(std::string_view field, std::string_view value, std::string_view problem);

// `field: problem`
Error BadField(std::string_view field, std::string_view problem);

}  // namespace flows::api::filter
