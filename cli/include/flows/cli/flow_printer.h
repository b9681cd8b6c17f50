// Output formats of `flows observe`. A printer turns each GetFlowsResponse
// into text appended to `out` (stdout) or `err` (stderr: lost events and
// node status in the text formats, as Hubble does), so it can be tested on
// strings and the caller decides when to write.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "flows/cli/time_format.h"
#include "observer/observer.pb.h"

namespace flows::cli {

enum class OutputFormat { kCompact, kDict, kJson, kTable };

// "compact", "dict", "json" (or Hubble's "jsonpb"), "table".
std::optional<OutputFormat> ParseOutputFormat(std::string_view name);

struct PrintOptions {
  TimeLayout time_layout = TimeLayout::kStampMilli;
  bool color = false;            // text formats only; JSON is never coloured
  bool print_node_name = false;  // text formats; JSON always has node_name
  bool numeric = false;          // addresses instead of pod, service and DNS names
};

class FlowPrinter {
 public:
  virtual ~FlowPrinter() = default;
  virtual void Print(const observer::GetFlowsResponse& r, std::string& out, std::string& err) = 0;
  // Text held back (table rows wait to be aligned). Called at the end, and
  // after each response when following.
  virtual void Flush(std::string& out) { (void)out; }
};

std::unique_ptr<FlowPrinter> MakeFlowPrinter(OutputFormat format, const PrintOptions& options);

}  // namespace flows::cli
