// `flows map -o table`: one line per edge, most traffic first, columns
// aligned like `flows list nodes`. Every cell passes through TerminalCell,
// before the widths are measured, so a label cannot break the columns or
// reach the terminal as a control sequence.
#include <algorithm>

#include "flows/cli/map_format.h"
#include "flows/cli/status_text.h"
#include "map_text.h"

namespace flows::cli {

std::string FormatMapTable(const graph::GetGraphResponse& graph, std::chrono::system_clock::time_point now) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"SOURCE", "DESTINATION", "PORT/PROTO", "L7", "REQUESTS", "ERROR%", "P50", "P99", "BYTES",
                  "LAST SEEN"});
  for (const graph::Edge* e : EdgesByTraffic(graph)) {
    rows.push_back({TerminalCell(EndpointLabel(e->source())), TerminalCell(EndpointLabel(e->destination())),
                    TerminalCell(PortProto(*e)),
                    e->l7_protocol().empty() ? "-" : TerminalCell(e->l7_protocol()), Grouped(e->requests()),
                    HumanPercent(ErrorRate(e->errors(), e->requests())), HumanDuration(e->latency_p50_ns()),
                    HumanDuration(e->latency_p99_ns()), HumanBytes(EdgeBytes(*e)),
                    HumanAge(e->last_seen(), now)});
  }
  std::vector<std::size_t> widths(rows.front().size(), 0);
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] + 3 - DisplayWidth(row[i]), ' ');
    }
    out += '\n';
  }
  if (const std::string note = PartialNote(graph); !note.empty()) out += TerminalCell(note) + "\n";
  return out;
}

}  // namespace flows::cli
