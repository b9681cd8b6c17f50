// The printer of each format, and what the text formats share.
#pragma once

#include <memory>
#include <string>

#include "flows/cli/flow_printer.h"
#include "flows/cli/time_format.h"

namespace flows::cli {

std::unique_ptr<FlowPrinter> MakeCompactPrinter(const PrintOptions& options);
std::unique_ptr<FlowPrinter> MakeDictPrinter(const PrintOptions& options);
std::unique_ptr<FlowPrinter> MakeTablePrinter(const PrintOptions& options);
std::unique_ptr<FlowPrinter> MakeJsonPrinter();

// A lost-events or node-status response as one line for stderr; nothing for
// informational node states (connected, gone), as Hubble does.
void AppendEventLine(const observer::GetFlowsResponse& r, TimeFormatter& time, std::string& err);

}  // namespace flows::cli
