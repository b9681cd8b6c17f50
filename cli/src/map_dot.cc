// `flows map -o dot`: a Graphviz digraph, namespaces as clusters.
//
// Names come from the cluster, so none is written into DOT syntax as is:
// ids are quoted and hold only [A-Za-z0-9.:/-] (any other byte, and '_',
// as _xx), and every visible text is an HTML-like label with anything
// outside a small safe set as an entity. Quoted DOT strings are avoided
// for text on purpose: Graphviz's lexer reads a trailing backslash as
// escaping the closing quote, whatever it is preceded by.
#include <cstdio>
#include <map>

#include "flows/cli/map_format.h"
#include "flows/cli/status_text.h"
#include "map_text.h"

namespace flows::cli {
namespace {

bool Plain(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// An injective map of any bytes to a quoted DOT id.
std::string Id(std::string_view prefix, std::string_view name) {
  std::string out = "\"";
  out += prefix;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (Plain(c) || c == '.' || c == ':' || c == '/' || c == '-') {
      out += ch;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "_%02x", c);
      out += hex;
    }
  }
  return out + "\"";
}

// Text inside an HTML-like label. Control and non-ASCII bytes are shown
// as \xNN (the backslash itself as an entity).
std::string Html(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (Plain(c) || std::string_view(" .:/-_@+,=()*%#").find(ch) != std::string_view::npos) {
      out += ch;
    } else if (c < 0x20 || c >= 0x7f) {
      char hex[12];
      std::snprintf(hex, sizeof(hex), "&#92;x%02x", c);
      out += hex;
    } else {
      out += "&#" + std::to_string(c) + ";";
    }
  }
  return out;
}

std::string NodeLine(const MapNode& n, std::string_view indent) {
  std::string line(indent);
  line += Id("", n.label) + " [label=<" + Html(ShortLabel(n)) + ">";
  switch (n.endpoint->kind()) {
    case graph::Endpoint::WORLD:
      line += ", shape=ellipse";
      break;
    case graph::Endpoint::HOST:
    case graph::Endpoint::REMOTE_NODE:
      line += ", shape=box3d";
      break;
    default:
      break;
  }
  return line + "];\n";
}

}  // namespace

std::string FormatMapDot(const graph::GetGraphResponse& graph) {
  const auto nodes = MapNodes(graph);
  std::string out =
      "digraph flows {\n"
      "  rankdir=LR;\n"
      "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
      "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  if (const std::string note = PartialNote(graph); !note.empty()) {
    out += "  labelloc=b;\n  label=<" + Html(note) + ">;\n";
  }
  std::map<std::string, std::vector<const MapNode*>> by_namespace;
  for (const auto& n : nodes) by_namespace[n.ns].push_back(&n);
  for (const auto& [ns, members] : by_namespace) {
    if (ns.empty()) continue;
    out += "  subgraph " + Id("cluster_", ns) + " {\n    label=<" + Html(ns) + ">;\n";
    for (const MapNode* n : members) out += NodeLine(*n, "    ");
    out += "  }\n";
  }
  if (auto it = by_namespace.find(""); it != by_namespace.end()) {
    for (const MapNode* n : it->second) out += NodeLine(*n, "  ");
  }
  for (const graph::Edge* e : EdgesByTraffic(graph)) {
    const double rate = ErrorRate(e->errors(), e->requests());
    std::string label = Html(PortProto(*e));
    if (!e->l7_protocol().empty()) label += " " + Html(e->l7_protocol());
    label += "<br/>" + Grouped(e->requests()) + " req, " + HumanPercent(rate) + " err";
    if (e->latency_p99_ns() != 0) label += "<br/>p99 " + HumanDuration(e->latency_p99_ns());
    out += "  " + Id("", EndpointLabel(e->source())) + " -> " + Id("", EndpointLabel(e->destination())) +
           " [label=<" + label + ">";
    if (e->errors() != 0) out += ", color=\"red\", fontcolor=\"red\"";
    out += "];\n";
  }
  out += "}\n";
  return out;
}

}  // namespace flows::cli
