#include <charconv>

#include "printers.h"
#include "text_util.h"

namespace flows::cli {
namespace {

// Hubble lists node names up to ~50 characters, then "(and N more)".
void AppendNodeNames(const relay::NodeStatusEvent& s, std::string& out) {
  std::size_t length = 0;
  int shown = 0;
  for (const std::string& name : s.node_names()) {
    length += name.size() + 2;
    if (shown > 0 && length > 50) break;
    if (shown > 0) out += ", ";
    out += name;
    ++shown;
  }
  if (shown < s.node_names_size()) {
    out += " (and ";
    AppendNumber(static_cast<std::uint64_t>(s.node_names_size() - shown), out);
    out += " more)";
  }
}

}  // namespace

void AppendEventLine(const observer::GetFlowsResponse& r, TimeFormatter& time, std::string& err) {
  if (r.has_lost_events()) {
    const flow::LostEvent& lost = r.lost_events();
    time.Append(r.time(), err);
    err += ": EVENTS LOST: ";
    const std::string& source = flow::LostEventSource_Name(lost.source());
    err += source.empty() ? std::string_view("UNKNOWN_LOST_EVENT_SOURCE") : std::string_view(source);
    if (lost.has_cpu()) {
      err += " CPU(";
      AppendNumber(static_cast<std::uint64_t>(lost.cpu().value() < 0 ? 0 : lost.cpu().value()), err);
      err += ')';
    }
    err += ' ';
    AppendNumber(lost.num_events_lost(), err);
    err += '\n';
    return;
  }
  if (!r.has_node_status()) return;
  const relay::NodeStatusEvent& s = r.node_status();
  if (s.state_change() != relay::NODE_UNAVAILABLE && s.state_change() != relay::NODE_ERROR) return;
  time.Append(r.time(), err);
  if (!r.node_name().empty()) {
    err += " [";
    err += r.node_name();
    err += ']';
  }
  err += ": ";
  if (s.state_change() == relay::NODE_ERROR) {
    err += "Error \"";
    err += s.message();
    err += "\" on ";
  }
  AppendNumber(static_cast<std::uint64_t>(s.node_names_size()), err);
  err += s.state_change() == relay::NODE_ERROR ? " nodes: " : " nodes are unavailable: ";
  AppendNodeNames(s, err);
  err += '\n';
}

}  // namespace flows::cli
