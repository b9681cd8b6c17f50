// `flows map diff BEFORE AFTER`: what changed between two maps (the JSON
// of `flows map -o json`), for CI drift checks: edges that appeared or
// went away, and edges in both whose error rate or p99 latency got worse
// past a threshold.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.pb.h"

namespace flows::cli {

struct MapDiffThresholds {
  // An error-rate regression: the rate grew by more than this many
  // percentage points (2% -> 3.5% is +1.5 points).
  double error_rate_points = 1.0;
  // A latency regression: p99 after > p99 before times this.
  double latency_factor = 1.5;
};

// What identifies an edge across two maps.
struct MapEdgeKey {
  std::string source, destination;  // endpoint labels
  std::uint32_t port = 0;
  std::string protocol, l7;
  auto operator<=>(const MapEdgeKey&) const = default;
};

struct MapEdgeFigures {
  std::uint64_t requests = 0, errors = 0, p99_ns = 0;
};

struct MapEdgeChange {
  MapEdgeKey key;
  MapEdgeFigures before, after;
};

struct MapDiff {
  std::vector<MapEdgeKey> added, removed;
  std::vector<MapEdgeChange> error_regressions, latency_regressions;
  bool regressions() const { return !error_regressions.empty() || !latency_regressions.empty(); }
  bool empty() const { return added.empty() && removed.empty() && !regressions(); }
};

// Edges repeated in one map (only a misbehaving server sends them) are
// summed; their p99 is the worst of them.
MapDiff DiffMaps(const graph::GetGraphResponse& before, const graph::GetGraphResponse& after,
                 const MapDiffThresholds& thresholds);

// Sections "new edges", "removed edges", "error-rate regressions",
// "p99 latency regressions"; "no changes" when there are none.
std::string FormatMapDiff(const MapDiff& diff, const MapDiffThresholds& thresholds);

}  // namespace flows::cli
