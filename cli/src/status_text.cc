#include "flows/cli/status_text.h"

#include <algorithm>
#include <cstdio>

namespace flows::cli {
namespace {

std::string Percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "0.00%";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

std::string Fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

// Columns separated by three spaces, the last one unpadded.
std::string Columns(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] + 3 - row[i].size(), ' ');
    }
    out += '\n';
  }
  return out;
}

void Line(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += ':';
  out.append(key.size() < 18 ? 18 - key.size() : 1, ' ');  // values line up after the longest key
  out += value;
  out += '\n';
}

std::string NodeState(relay::NodeState s) {
  switch (s) {
    case relay::NODE_CONNECTED:
      return "Connected";
    case relay::NODE_UNAVAILABLE:
      return "Unavailable";
    case relay::NODE_GONE:
      return "Gone";
    case relay::NODE_ERROR:
      return "Error";
    default:
      return "Unknown";
  }
}

}  // namespace

std::string Grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatUptime(std::uint64_t ns) {
  std::uint64_t s = ns / 1'000'000'000;
  const std::uint64_t days = s / 86400, hours = s / 3600 % 24, minutes = s / 60 % 60, seconds = s % 60;
  std::string out;
  if (days) out += std::to_string(days) + "d";
  if (days || hours) out += std::to_string(hours) + "h";
  if (days || hours || minutes) out += std::to_string(minutes) + "m";
  out += std::to_string(seconds) + "s";
  return out;
}

std::string FormatStatus(const observer::ServerStatusResponse& st, const std::string& address) {
  std::string out = "Healthcheck (via " + address + "): Ok\n";
  if (!st.version().empty()) Line(out, "Version", st.version());
  Line(out, "Uptime", FormatUptime(st.uptime_ns()));
  Line(out, "Current/Max Flows",
       Grouped(st.num_flows()) + "/" + Grouped(st.max_flows()) + " (" +
           Percent(st.num_flows(), st.max_flows()) + " of the ring)");
  // Flows older than the ring's capacity were replaced by newer ones: gone
  // from the store, but not lost on the way in.
  const std::uint64_t aged_out = st.seen_flows() > st.num_flows() ? st.seen_flows() - st.num_flows() : 0;
  Line(out, "Flows seen", Grouped(st.seen_flows()) + " (" + Grouped(aged_out) + " aged out of the ring)");
  Line(out, "Flows/s", Fixed2(st.flows_rate()));
  if (st.has_num_connected_nodes() || st.has_num_unavailable_nodes()) {
    const std::uint32_t up = st.num_connected_nodes().value(), down = st.num_unavailable_nodes().value();
    Line(out, "Connected Nodes", std::to_string(up) + "/" + std::to_string(up + down));
    if (down > 0) {
      Line(out, "Unavailable Nodes", std::to_string(down));
      for (const std::string& n : st.unavailable_nodes()) out += "  - " + n + "\n";
    }
  }
  const std::vector<LossCount> losses = LossCounters(st);
  if (losses.empty()) {
    Line(out, "Lost events", "not reported by this server (its ServerStatus has no loss counters)");
    return out;
  }
  std::uint64_t total = 0;
  for (const LossCount& l : losses) total += l.count;
  Line(out, "Lost events", Grouped(total) + " in total");
  std::vector<std::vector<std::string>> rows;
  for (const LossCount& l : losses) {
    std::vector<std::string> row = {"  " + l.source + ":", Grouped(l.count)};
    if (!l.node_name.empty()) row.push_back("(" + l.node_name + ")");
    rows.push_back(std::move(row));
  }
  return out + Columns(rows);
}

std::string FormatNodes(const observer::GetNodesResponse& res) {
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "STATUS", "AGE", "FLOWS/S", "CURRENT/MAX-FLOWS", "VERSION", "ADDRESS", "TLS"}};
  for (const observer::Node& n : res.nodes()) {
    const double seconds = static_cast<double>(n.uptime_ns()) / 1e9;
    rows.push_back({
        n.name(),
        NodeState(n.state()),
        n.uptime_ns() ? FormatUptime(n.uptime_ns()) : "N/A",
        seconds >= 1 ? Fixed2(static_cast<double>(n.seen_flows()) / seconds) : "N/A",
        Grouped(n.num_flows()) + "/" + Grouped(n.max_flows()) + " (" + Percent(n.num_flows(), n.max_flows()) +
            ")",
        n.version().empty() ? "N/A" : n.version(),
        n.address().empty() ? "N/A" : n.address(),
        n.tls().enabled() ? "yes" : "no",
    });
  }
  return Columns(rows);
}

std::string FormatNamespaces(const observer::GetNamespacesResponse& res) {
  const bool clusters = std::any_of(res.namespaces().begin(), res.namespaces().end(),
                                    [](const observer::Namespace& n) { return !n.cluster().empty(); });
  std::vector<std::vector<std::string>> rows;
  rows.push_back(clusters ? std::vector<std::string>{"CLUSTER", "NAMESPACE"}
                          : std::vector<std::string>{"NAMESPACE"});
  for (const observer::Namespace& n : res.namespaces()) {
    if (clusters) {
      rows.push_back({n.cluster().empty() ? "N/A" : n.cluster(), n.namespace_()});
    } else {
      rows.push_back({n.namespace_()});
    }
  }
  return Columns(rows);
}

}  // namespace flows::cli
