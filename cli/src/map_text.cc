#include "map_text.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace flows::cli {
namespace {

std::string Fixed1(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

// One decimal below 10, none above: "1.5ms", "250ms".
std::string Scaled(double v, const char* unit) {
  char buf[64];
  if (v < 9.95) {
    std::snprintf(buf, sizeof(buf), "%.1f%s", v, unit);
  } else {
    std::snprintf(buf, sizeof(buf), "%.0f%s", v, unit);
  }
  return buf;
}

}  // namespace

std::string_view EndpointKindName(graph::Endpoint::Kind kind) {
  switch (kind) {
    case graph::Endpoint::WORKLOAD:
      return "workload";
    case graph::Endpoint::HOST:
      return "host";
    case graph::Endpoint::REMOTE_NODE:
      return "remote-node";
    case graph::Endpoint::WORLD:
      return "world";
    case graph::Endpoint::SERVICE:
      return "service";
    case graph::Endpoint::NAMESPACE:
      return "namespace";
    default:
      return "unknown";
  }
}

std::string EndpointLabel(const graph::Endpoint& e) {
  if (!e.label().empty()) return e.label();
  switch (e.kind()) {
    case graph::Endpoint::HOST:
      return "host";
    case graph::Endpoint::REMOTE_NODE:
      return e.name().empty() ? "remote-node" : "remote-node:" + e.name();
    case graph::Endpoint::WORLD:
      return "world:" + e.name();
    case graph::Endpoint::NAMESPACE:
      return "ns:" + e.namespace_();
    case graph::Endpoint::SERVICE:
      return e.service_namespace() + "/Service/" + e.service_name();
    default:
      break;
  }
  if (!e.pod().empty()) return e.namespace_() + "/" + e.pod();
  if (e.workload_kind().empty()) return e.namespace_() + "/" + e.workload_name();
  return e.namespace_() + "/" + e.workload_kind() + "/" + e.workload_name();
}

std::string EndpointNamespace(const graph::Endpoint& e) {
  switch (e.kind()) {
    case graph::Endpoint::WORKLOAD:
      return e.namespace_();
    case graph::Endpoint::SERVICE:
      return e.service_namespace().empty() ? e.namespace_() : e.service_namespace();
    default:
      return "";
  }
}

std::uint64_t EdgeBytes(const graph::Edge& e) {
  // Saturating: absurd counters from a server must not wrap to small ones.
  std::uint64_t sum;
  return __builtin_add_overflow(e.bytes_to_server(), e.bytes_to_client(), &sum) ? UINT64_MAX : sum;
}

double ErrorRate(std::uint64_t errors, std::uint64_t requests) {
  if (errors == 0) return 0;
  if (requests == 0 || errors >= requests) return 1;
  return static_cast<double>(errors) / static_cast<double>(requests);
}

std::string PortProto(const graph::Edge& e) {
  std::string proto = e.l4_protocol().empty() ? "?" : e.l4_protocol();
  if (e.port() == 0) return proto;
  return std::to_string(e.port()) + "/" + proto;
}

std::vector<const graph::Edge*> EdgesByTraffic(const graph::GetGraphResponse& graph) {
  // Labels are computed once per edge, not once per comparison.
  struct Keyed {
    std::uint64_t bytes, requests;
    std::string source, destination;
    const graph::Edge* edge;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(static_cast<std::size_t>(graph.edges_size()));
  for (const auto& e : graph.edges()) {
    keyed.push_back(
        {EdgeBytes(e), e.requests(), EndpointLabel(e.source()), EndpointLabel(e.destination()), &e});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    if (a.requests != b.requests) return a.requests > b.requests;
    return std::forward_as_tuple(a.source, a.destination, a.edge->port(), a.edge->l4_protocol(),
                                 a.edge->l7_protocol()) <
           std::forward_as_tuple(b.source, b.destination, b.edge->port(), b.edge->l4_protocol(),
                                 b.edge->l7_protocol());
  });
  std::vector<const graph::Edge*> edges;
  edges.reserve(keyed.size());
  for (const auto& k : keyed) edges.push_back(k.edge);
  return edges;
}

std::string HumanBytes(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {" KiB", " MiB", " GiB", " TiB", " PiB", " EiB"};
  double v = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (v >= 1023.95 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  return Scaled(v, kUnits[unit]);
}

std::string HumanDuration(std::uint64_t ns) {
  if (ns == 0) return "-";
  const double v = static_cast<double>(ns);
  if (ns < 1'000) return std::to_string(ns) + "ns";
  if (ns < 999'500) return Scaled(v / 1e3, "\xc2\xb5s");
  if (ns < 999'500'000) return Scaled(v / 1e6, "ms");
  if (ns < 60'000'000'000) return Scaled(v / 1e9, "s");
  if (ns < 3'600'000'000'000) return Scaled(v / 60e9, "m");
  return Scaled(v / 3600e9, "h");
}

std::string HumanPercent(double rate) {
  return Fixed1(rate * 100) + "%";
}

std::string HumanAge(const google::protobuf::Timestamp& t, std::chrono::system_clock::time_point now) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  std::int64_t age;
  // A timestamp from the future (clock skew between nodes) is "now".
  if (__builtin_sub_overflow(now_s, t.seconds(), &age) || age < 1) return "now";
  if (age < 60) return std::to_string(age) + "s ago";
  if (age < 3600) return std::to_string(age / 60) + "m ago";
  if (age < 86400) return std::to_string(age / 3600) + "h ago";
  return std::to_string(age / 86400) + "d ago";
}

std::string TerminalCell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // C1 controls (U+0080..U+009F, e.g. CSI) are two bytes in UTF-8.
    const bool c1 = c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9f;
    if (c >= 0x20 && c != 0x7f && !c1) {
      out += static_cast<char>(c);
      continue;
    }
    const unsigned char shown = c1 ? static_cast<unsigned char>(text[++i]) : c;
    char hex[5];
    std::snprintf(hex, sizeof(hex), "\\x%02x", shown);
    out += hex;
  }
  return out;
}

std::size_t DisplayWidth(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

std::vector<MapNode> MapNodes(const graph::GetGraphResponse& graph) {
  std::map<std::string, const graph::Endpoint*> by_label;
  for (const auto& e : graph.edges()) {
    by_label.try_emplace(EndpointLabel(e.source()), &e.source());
    by_label.try_emplace(EndpointLabel(e.destination()), &e.destination());
  }
  std::vector<MapNode> nodes;
  nodes.reserve(by_label.size());
  for (auto& [label, endpoint] : by_label) nodes.push_back({label, EndpointNamespace(*endpoint), endpoint});
  return nodes;
}

std::string ShortLabel(const MapNode& n) {
  if (!n.ns.empty() && n.label.size() > n.ns.size() + 1 && n.label.compare(0, n.ns.size(), n.ns) == 0 &&
      n.label[n.ns.size()] == '/') {
    return n.label.substr(n.ns.size() + 1);
  }
  return n.label;
}

std::vector<std::string> MapNamespaces(const std::vector<MapNode>& nodes) {
  std::set<std::string> names;
  for (const auto& n : nodes) {
    if (!n.ns.empty()) names.insert(n.ns);
  }
  return {names.begin(), names.end()};
}

std::string PartialNote(const graph::GetGraphResponse& graph) {
  if (graph.unavailable_nodes().empty()) return "";
  std::string out = "partial: ";
  for (int i = 0; i < graph.unavailable_nodes_size(); ++i) {
    if (i > 0) out += ", ";
    out += graph.unavailable_nodes(i);
  }
  out += " did not answer";
  return out;
}

}  // namespace flows::cli
