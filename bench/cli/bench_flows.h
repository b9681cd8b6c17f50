// A node's worth of flows for the CLI benchmarks: HTTP requests and
// responses between demo-app pods (some 5xx), DNS to kube-system, TCP
// events, traffic to the network; shaped as flowd fills them.
#pragma once

#include <vector>

#include "flow/flow.pb.h"

namespace flows::cli::bench {

// `n` flows cycling through the kinds above, one microsecond apart.
std::vector<flow::Flow> FlowMix(std::size_t n);

}  // namespace flows::cli::bench
