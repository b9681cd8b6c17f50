// The command line of `flows map` and `flows map diff`, and the
// GetGraphRequest the flags make (a pure function of the flags and "now").
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "flows/cli/map_diff.h"
#include "flows/common/result.h"
#include "graph/graph.pb.h"

namespace flows::cli {

struct MapOptions {
  std::string since = "1h";
  std::string until;
  std::vector<std::string> namespaces;
  bool all_namespaces = false;
  std::vector<std::string> exclude_namespaces;
  std::vector<std::string> exclude_workloads;
  std::string group_by = "workload";
  std::uint64_t min_requests = 0;
  std::string output = "table";
};

struct MapDiffOptions {
  std::string before, after;
  MapDiffThresholds thresholds;
  std::string fail_on;  // "", "new-edges", "regressions", "any"
};

void AddMapFlags(CLI::App& cmd, MapOptions& options);
void AddMapDiffFlags(CLI::App& cmd, MapDiffOptions& options);

// Checks what CLI11 cannot (times, their order, -A with -n); the error is
// one line naming the flag.
Result<graph::GetGraphRequest> BuildGraphRequest(const MapOptions& options,
                                                 std::chrono::system_clock::time_point now);

// Whether `--fail-on` makes this diff exit 1.
bool DiffFails(const MapDiff& diff, const std::string& fail_on);

}  // namespace flows::cli
