#include "flows/cli/flow_printer.h"

#include "printers.h"

namespace flows::cli {

std::optional<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "compact") return OutputFormat::kCompact;
  if (name == "dict") return OutputFormat::kDict;
  if (name == "json" || name == "jsonpb") return OutputFormat::kJson;
  if (name == "table" || name == "tab") return OutputFormat::kTable;
  return std::nullopt;
}

std::unique_ptr<FlowPrinter> MakeFlowPrinter(OutputFormat format, const PrintOptions& options) {
  switch (format) {
    case OutputFormat::kDict:
      return MakeDictPrinter(options);
    case OutputFormat::kJson:
      return MakeJsonPrinter();
    case OutputFormat::kTable:
      return MakeTablePrinter(options);
    case OutputFormat::kCompact:
      break;
  }
  return MakeCompactPrinter(options);
}

}  // namespace flows::cli
