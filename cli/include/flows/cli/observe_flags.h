// The command line of `flows observe` (CLI11), grouped in --help the way a
// user narrows down flows: selectors, L3/L4, L7, negation, how many and
// when, output, server. Filter flags are recorded in command-line order (a
// CLI11 callback per occurrence), because `--not` applies to the next one.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "flows/cli/observe_request.h"
#include "flows/cli/server.h"
#include "flows/common/result.h"

namespace flows::cli {

struct ObserveOptions {
  ObserveSelection selection;
  std::string output = "compact";
  std::string color = "auto";
  std::string time_format = "StampMilli";
  bool print_node_name = false;
  bool numeric = false;
  // Hubble's --print-raw-filters: print the FlowFilters, send nothing.
  bool print_raw_filters = false;
};

void AddObserveFlags(CLI::App& cmd, ObserveOptions& options);
// --server (env FLOWS_SERVER), --timeout, --tls*: on every command that
// talks to a server.
void AddServerFlags(CLI::App& cmd, ServerOptions& options);

// `flows observe` flags alone, e.g. {"--from-pod", "demo/x", "-o", "json"}:
// what the translation tests feed in. The error is one line.
Result<ObserveOptions> ParseObserveArgs(const std::vector<std::string>& args);

// A CLI11 parse error as one line ("unknown flag: --foo").
std::string ParseErrorLine(const CLI::ParseError& e);

}  // namespace flows::cli
