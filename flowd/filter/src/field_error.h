// Errors for malformed filters, worded for the person who typed them: the
// field name, the offending value quoted, and what is wrong with it. The
// gRPC layer returns them as INVALID_ARGUMENT.
#pragma once

#include <string>
#include <string_view>

#include "flows/datapath/result.h"

namespace flows::flowd::filter {

using datapath::Error;
using datapath::Result;

// The value in double quotes, with quotes, backslashes and non-printable
// bytes escaped so a hostile value cannot garble the message.
std::string Quoted(std::string_view value);

// `field: "value" problem`
Error BadValue(std::string_view field, std::string_view value, std::string_view problem);

// `field: problem`
Error BadField(std::string_view field, std::string_view problem);

}  // namespace flows::flowd::filter
