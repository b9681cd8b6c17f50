// Parsers for the filter flag values the CLI turns into typed FlowFilter
// fields (the string fields are checked by flowd's filter compiler instead).
// Errors are the text after "--flag: ".
#pragma once

#include <string_view>

#include "flow/flow.pb.h"
#include "flows/common/result.h"
#include "flows/common/text.h"

namespace flows::cli {

Result<flow::TCPFlags> ParseTcpFlags(std::string_view value);
Result<flow::EventTypeFilter> ParseEventType(std::string_view value);
Result<flow::Verdict> ParseVerdict(std::string_view value);
Result<flow::TrafficDirection> ParseTrafficDirection(std::string_view value);
Result<flow::IPVersion> ParseIpVersion(std::string_view value);
Result<flow::HTTPHeader> ParseHttpHeader(std::string_view value);
// "[KIND/]NAME"; Hubble accepts anything here, and so do we.
flow::Workload ParseWorkload(std::string_view value);

}  // namespace flows::cli
