// -o dict: one "KEY: value" block per flow, separated by a dashed line, as
// Hubble's dict output; flows adds the datapath counters (STATS) when the
// flow carries them.
#include "flows/cli/flow_text.h"
#include "printers.h"
#include "text_util.h"

namespace flows::cli {
namespace {

constexpr std::string_view kSeparator = "------------\n";

class DictPrinter final : public FlowPrinter {
 public:
  explicit DictPrinter(const PrintOptions& o)
      : palette_(o.color), time_(o.time_layout), node_(o.print_node_name), numeric_(o.numeric) {}

  void Print(const observer::GetFlowsResponse& r, std::string& out, std::string& err) override {
    if (!r.has_flow()) {
      AppendEventLine(r, time_, err);
      return;
    }
    const flow::Flow& f = r.flow();
    if (printed_++ > 0) out += kSeparator;
    out += "  TIMESTAMP: ";
    time_.Append(f.time(), out);
    if (node_) {
      out += "\n       NODE: ";
      out += f.node_name().empty() ? r.node_name() : f.node_name();
    }
    out += "\n     SOURCE: ";
    AppendEndpoint(f, Side::kSource, palette_, out, numeric_);
    out += "\nDESTINATION: ";
    AppendEndpoint(f, Side::kDestination, palette_, out, numeric_);
    out += "\n       TYPE: ";
    AppendFlowType(f, out);
    out += "\n    VERDICT: ";
    AppendVerdict(f, palette_, out);
    out += "\n    SUMMARY: ";
    AppendSummary(f, palette_, out);
    if (f.has_flow_stats()) {
      const flow::FlowStats& st = f.flow_stats();
      out += "\n      STATS: ";
      AppendNumber(st.packets(), out);
      out += st.packets() == 1 ? " packet, " : " packets, ";
      AppendNumber(st.bytes(), out);
      out += st.bytes() == 1 ? " byte" : " bytes";
      if (!st.reasons().empty()) {
        out += " (";
        for (int i = 0; i < st.reasons_size(); ++i) {
          if (i) out += ',';
          out += st.reasons(i);
        }
        out += ')';
      }
    }
    out += '\n';
  }

 private:
  Palette palette_;
  TimeFormatter time_;
  bool node_;
  bool numeric_;
  std::uint64_t printed_ = 0;
};

}  // namespace

std::unique_ptr<FlowPrinter> MakeDictPrinter(const PrintOptions& options) {
  return std::make_unique<DictPrinter>(options);
}

}  // namespace flows::cli
