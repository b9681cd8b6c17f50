// Parsers for the filter flag values the CLI turns into typed FlowFilter
// fields (the string fields are checked by flowd's filter compiler instead).
// Errors are the text after "--flag: ".
#pragma once

#include <string_view>

#include "flow/flow.pb.h"
#include "flows/datapath/result.h"

namespace flows::cli {

datapath::Result<flow::TCPFlags> ParseTcpFlags(std::string_view value);
datapath::Result<flow::EventTypeFilter> ParseEventType(std::string_view value);
datapath::Result<flow::Verdict> ParseVerdict(std::string_view value);
datapath::Result<flow::TrafficDirection> ParseTrafficDirection(std::string_view value);
datapath::Result<flow::IPVersion> ParseIpVersion(std::string_view value);
datapath::Result<flow::HTTPHeader> ParseHttpHeader(std::string_view value);
// "[KIND/]NAME"; Hubble accepts anything here, and so do we.
flow::Workload ParseWorkload(std::string_view value);

// "\"value\"" with control characters escaped: values come from users and
// end up on one line of stderr.
std::string Quote(std::string_view value);

}  // namespace flows::cli
