#include "flows/cli/flow_printer.h"

#include "printers.h"
#include "terminal_safe.h"

namespace flows::cli {
namespace {

// The text formats, with control bytes from the server escaped (see
// terminal_safe.h). JSON escapes them itself.
class TerminalSafePrinter final : public FlowPrinter {
 public:
  TerminalSafePrinter(std::unique_ptr<FlowPrinter> inner, bool one_line, bool palette)
      : inner_(std::move(inner)), one_line_(one_line), palette_(palette) {}

  void Print(const observer::GetFlowsResponse& r, std::string& out, std::string& err) override {
    const std::size_t out_from = out.size(), err_from = err.size();
    inner_->Print(r, out, err);
    EscapeControlBytes(out, out_from, !one_line_, palette_);
    EscapeControlBytes(err, err_from, false, palette_);
  }
  void Flush(std::string& out) override {
    const std::size_t from = out.size();
    inner_->Flush(out);
    EscapeControlBytes(out, from, true, palette_);
  }

 private:
  std::unique_ptr<FlowPrinter> inner_;
  bool one_line_;
  bool palette_;
};

}  // namespace

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
      return std::make_unique<TerminalSafePrinter>(MakeDictPrinter(options), false, options.color);
    case OutputFormat::kJson:
      return MakeJsonPrinter();
    case OutputFormat::kTable:
      return std::make_unique<TerminalSafePrinter>(MakeTablePrinter(options), false, options.color);
    case OutputFormat::kCompact:
      break;
  }
  return std::make_unique<TerminalSafePrinter>(MakeCompactPrinter(options), true, options.color);
}

}  // namespace flows::cli
