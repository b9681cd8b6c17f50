// `flows map diff`: edges are matched by (source label, destination label,
// port, L4, L7); the grouping of both maps should be the same for the
// labels to match (RunMapDiff warns when it is not).
#include "flows/cli/map_diff.h"

#include <cstdio>
#include <map>

#include "map_text.h"

namespace flows::cli {
namespace {

using Edges = std::map<MapEdgeKey, MapEdgeFigures>;

std::uint64_t SaturatingAdd(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum;
  return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

Edges Index(const graph::GetGraphResponse& g) {
  Edges edges;
  for (const auto& e : g.edges()) {
    MapEdgeKey key{EndpointLabel(e.source()), EndpointLabel(e.destination()), e.port(), e.l4_protocol(),
                   e.l7_protocol()};
    auto& f = edges[std::move(key)];
    f.requests = SaturatingAdd(f.requests, e.requests());
    f.errors = SaturatingAdd(f.errors, e.errors());
    f.p99_ns = std::max(f.p99_ns, e.latency_p99_ns());
  }
  return edges;
}

std::string KeyText(const MapEdgeKey& k) {
  std::string out = TerminalCell(k.source) + " -> " + TerminalCell(k.destination) + " ";
  out += k.port == 0 ? "" : std::to_string(k.port) + "/";
  out += TerminalCell(k.protocol.empty() ? "?" : k.protocol);
  if (!k.l7.empty()) out += " " + TerminalCell(k.l7);
  return out;
}

std::string Number(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), format, v);
  return buf;
}

}  // namespace

MapDiff DiffMaps(const graph::GetGraphResponse& before, const graph::GetGraphResponse& after,
                 const MapDiffThresholds& t) {
  const Edges b = Index(before), a = Index(after);
  MapDiff diff;
  for (const auto& [key, fa] : a) {
    const auto it = b.find(key);
    if (it == b.end()) {
      diff.added.push_back(key);
      continue;
    }
    const MapEdgeFigures& fb = it->second;
    const double points = 100 * (ErrorRate(fa.errors, fa.requests) - ErrorRate(fb.errors, fb.requests));
    if (points > t.error_rate_points) diff.error_regressions.push_back({key, fb, fa});
    // Without a p99 before (no latency measured) there is nothing to
    // compare against.
    if (fb.p99_ns != 0 &&
        static_cast<double>(fa.p99_ns) > static_cast<double>(fb.p99_ns) * t.latency_factor) {
      diff.latency_regressions.push_back({key, fb, fa});
    }
  }
  for (const auto& [key, fb] : b) {
    if (!a.contains(key)) diff.removed.push_back(key);
  }
  return diff;
}

std::string FormatMapDiff(const MapDiff& diff, const MapDiffThresholds& t) {
  if (diff.empty()) return "no changes\n";
  std::string out;
  auto section = [&](const std::string& title, std::size_t n) {
    if (!out.empty()) out += '\n';
    out += title + " (" + std::to_string(n) + "):\n";
  };
  if (!diff.added.empty()) {
    section("new edges", diff.added.size());
    for (const auto& k : diff.added) out += "  + " + KeyText(k) + "\n";
  }
  if (!diff.removed.empty()) {
    section("removed edges", diff.removed.size());
    for (const auto& k : diff.removed) out += "  - " + KeyText(k) + "\n";
  }
  if (!diff.error_regressions.empty()) {
    section("error-rate regressions, more than +" + Number("%g", t.error_rate_points) + " points",
            diff.error_regressions.size());
    for (const auto& c : diff.error_regressions) {
      const double rb = ErrorRate(c.before.errors, c.before.requests);
      const double ra = ErrorRate(c.after.errors, c.after.requests);
      out += "  ! " + KeyText(c.key) + ": " + HumanPercent(rb) + " -> " + HumanPercent(ra) + " (+" +
             Number("%.1f", 100 * (ra - rb)) + " points)\n";
    }
  }
  if (!diff.latency_regressions.empty()) {
    section("p99 latency regressions, more than x" + Number("%g", t.latency_factor),
            diff.latency_regressions.size());
    for (const auto& c : diff.latency_regressions) {
      out += "  ! " + KeyText(c.key) + ": " + HumanDuration(c.before.p99_ns) + " -> " +
             HumanDuration(c.after.p99_ns) + " (x" +
             Number("%.1f", static_cast<double>(c.after.p99_ns) / static_cast<double>(c.before.p99_ns)) +
             ")\n";
    }
  }
  return out;
}

}  // namespace flows::cli
