// `flows map -o mermaid`: a Mermaid flowchart, a subgraph per namespace.
//
// Mermaid ids are generated (n0, n1, ... in label order; ns0, ns1 for
// namespaces): names from the cluster only appear inside quoted labels,
// where anything outside a small safe set is a Mermaid entity (#35;) and
// control or non-ASCII bytes are shown as \xNN.
#include <cstdio>
#include <map>

#include "flows/cli/map_format.h"
#include "flows/cli/status_text.h"
#include "map_text.h"

namespace flows::cli {
namespace {

std::string Text(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view(" .:/-_@+,=*%").find(ch) != std::string_view::npos) {
      out += ch;
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[12];
      std::snprintf(hex, sizeof(hex), "#92;x%02x", c);
      out += hex;
    } else {
      out += "#" + std::to_string(c) + ";";
    }
  }
  return out;
}

std::string NodeLine(const std::string& id, const MapNode& n, std::string_view indent) {
  const bool round = n.endpoint->kind() == graph::Endpoint::WORLD;
  return std::string(indent) + id + (round ? "((\"" : "[\"") + Text(ShortLabel(n)) +
         (round ? "\"))" : "\"]") + "\n";
}

}  // namespace

std::string FormatMapMermaid(const graph::GetGraphResponse& graph) {
  const auto nodes = MapNodes(graph);
  std::map<std::string, std::string> ids;  // label -> n<i>
  for (std::size_t i = 0; i < nodes.size(); ++i) ids[nodes[i].label] = "n" + std::to_string(i);

  std::string out = "flowchart LR\n";
  if (const std::string note = PartialNote(graph); !note.empty()) out += "  %% " + Text(note) + "\n";
  const auto namespaces = MapNamespaces(nodes);
  for (std::size_t i = 0; i < namespaces.size(); ++i) {
    out += "  subgraph ns" + std::to_string(i) + "[\"" + Text(namespaces[i]) + "\"]\n";
    for (const auto& n : nodes) {
      if (n.ns == namespaces[i]) out += NodeLine(ids[n.label], n, "    ");
    }
    out += "  end\n";
  }
  for (const auto& n : nodes) {
    if (n.ns.empty()) out += NodeLine(ids[n.label], n, "  ");
  }
  std::string red;  // edges with errors, by their index in the chart
  std::size_t index = 0;
  for (const graph::Edge* e : EdgesByTraffic(graph)) {
    if (e->errors() != 0) red += (red.empty() ? "" : ",") + std::to_string(index);
    ++index;
    std::string label = Text(PortProto(*e));
    if (!e->l7_protocol().empty()) label += " " + Text(e->l7_protocol());
    label += "<br/>" + Grouped(e->requests()) + " req, " +
             HumanPercent(ErrorRate(e->errors(), e->requests())) + " err";
    if (e->latency_p99_ns() != 0) label += "<br/>p99 " + HumanDuration(e->latency_p99_ns());
    out += "  " + ids[EndpointLabel(e->source())] + " -->|\"" + label + "\"| " +
           ids[EndpointLabel(e->destination())] + "\n";
  }
  if (!red.empty()) out += "  linkStyle " + red + " stroke:red,color:red\n";
  return out;
}

}  // namespace flows::cli
