// One function per subcommand; each returns the exit code.
#pragma once

#include <string>

#include "flows/cli/map_options.h"
#include "flows/cli/observe_flags.h"
#include "flows/cli/server.h"

namespace flows::cli {

int RunObserve(const ObserveOptions& options, const ServerOptions& server);
// output: "table" (text) or "json".
int RunStatus(const ServerOptions& server, const std::string& output);
int RunListNodes(const ServerOptions& server, const std::string& output);
int RunListNamespaces(const ServerOptions& server, const std::string& output);
int RunVersion(const ServerOptions& server);
int RunMap(const MapOptions& options, ServerOptions server);
int RunMapDiff(const MapDiffOptions& options);

}  // namespace flows::cli
