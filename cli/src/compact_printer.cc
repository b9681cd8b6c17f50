// -o compact: one line per flow, Hubble's layout:
//   TIME [NODE]: SOURCE ARROW DESTINATION TYPE VERDICT (SUMMARY)
// Replies are printed with source and destination swapped and "<-", so the
// client is always on the left of a conversation.
#include "flows/cli/flow_text.h"
#include "printers.h"

namespace flows::cli {
namespace {

class CompactPrinter final : public FlowPrinter {
 public:
  explicit CompactPrinter(const PrintOptions& o)
      : palette_(o.color), time_(o.time_layout), node_(o.print_node_name), numeric_(o.numeric) {}

  void Print(const observer::GetFlowsResponse& r, std::string& out, std::string& err) override {
    if (!r.has_flow()) {
      AppendEventLine(r, time_, err);
      return;
    }
    const flow::Flow& f = r.flow();
    time_.Append(f.time(), out);
    if (node_) {
      out += " [";
      out += f.node_name().empty() ? r.node_name() : f.node_name();
      out += ']';
    }
    out += ": ";
    const Arrow arrow = ArrowOf(f);
    const bool swap = arrow == Arrow::kReply;
    AppendEndpoint(f, swap ? Side::kDestination : Side::kSource, palette_, out, numeric_);
    out += arrow == Arrow::kRequest ? " -> " : arrow == Arrow::kReply ? " <- " : " <> ";
    AppendEndpoint(f, swap ? Side::kSource : Side::kDestination, palette_, out, numeric_);
    out += ' ';
    AppendFlowType(f, out);
    out += ' ';
    AppendVerdict(f, palette_, out);
    const std::size_t before_summary = out.size();
    out += " (";
    const std::size_t summary_at = out.size();
    AppendSummary(f, palette_, out);
    if (out.size() == summary_at) {
      out.resize(before_summary);
    } else {
      out += ')';
    }
    out += '\n';
  }

 private:
  Palette palette_;
  TimeFormatter time_;
  bool node_;
  bool numeric_;
};

}  // namespace

std::unique_ptr<FlowPrinter> MakeCompactPrinter(const PrintOptions& options) {
  return std::make_unique<CompactPrinter>(options);
}

}  // namespace flows::cli
