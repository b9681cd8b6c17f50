#include "flows/cli/app.h"

#include <grpc/support/log.h>
#include <signal.h>
#include <unistd.h>

#include <sstream>

#include "commands.h"
#include "flows/cli/exit_codes.h"
#include "output.h"

namespace flows::cli {

int RunApp(int argc, char** argv) {
  // A closed stdout (`flows observe | head`) must come back as EPIPE from
  // write(), so the stream is cancelled and we exit cleanly.
  ::signal(SIGPIPE, SIG_IGN);
  // gRPC logs connection failures (TLS handshakes, ...) to stderr on its
  // own; the CLI reports each failure once, in one line, so gRPC's log goes.
  gpr_set_log_function([](gpr_log_func_args*) {});

  CLI::App app(
      "flows: network flows of a Kubernetes cluster, from flowd or flows-relay "
      "(Hubble's Observer API)",
      "flows");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");

  ObserveOptions observe;
  ServerOptions observe_server;
  auto* observe_cmd = app.add_subcommand("observe", "Print flows: recent ones, or live with --follow");
  AddObserveFlags(*observe_cmd, observe);
  observe_cmd->footer(
      "\nExamples:\n"
      "  flows observe --from-pod demo-app/frontend --follow      live flows from the frontend pods\n"
      "  flows observe -n demo-app --http-status 5+ --last 100     the last 100 HTTP server errors in "
      "demo-app\n"
      "  flows observe --dns-query 'productcatalog' --since 10m    DNS lookups of the last 10 minutes\n"
      "  flows observe --from-pod demo-app/ --not --to-port 53     everything demo-app sends, except DNS\n"
      "  flows observe --to-fqdn '*.example.com' -o json | jq .    as Hubble's jsonpb, for scripts\n"
      "  flows observe -n demo-app --print-raw-filters             the FlowFilters these flags make");
  AddServerFlags(*observe_cmd, observe_server);

  ServerOptions status_server;
  std::string status_output = "table";
  auto* status_cmd =
      app.add_subcommand("status", "Health of the server: flows held, seen, per second, losses");
  status_cmd->add_option("-o,--output", status_output, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  AddServerFlags(*status_cmd, status_server);

  auto* list_cmd = app.add_subcommand("list", "List nodes or namespaces");
  list_cmd->require_subcommand(1);
  ServerOptions nodes_server, namespaces_server;
  std::string nodes_output = "table", namespaces_output = "table";
  auto* nodes_cmd = list_cmd->add_subcommand("nodes", "Nodes the server reads flows from");
  nodes_cmd->add_option("-o,--output", nodes_output, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  AddServerFlags(*nodes_cmd, nodes_server);
  auto* namespaces_cmd = list_cmd->add_subcommand("namespaces", "Namespaces with flows in the last hour");
  namespaces_cmd->add_option("-o,--output", namespaces_output, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  AddServerFlags(*namespaces_cmd, namespaces_server);

  MapOptions map;
  ServerOptions map_server;
  auto* map_cmd = app.add_subcommand(
      "map", "Who talks to whom: the connectivity graph, with requests, errors, latency and bytes per edge");
  AddMapFlags(*map_cmd, map);
  AddServerFlags(*map_cmd, map_server);
  map_cmd->footer(
      "\nExamples:\n"
      "  flows map -n demo-app                              the last hour of demo-app's edges\n"
      "  flows map --since 7d --exclude-workload monitoring/prometheus\n"
      "  flows map -o dot | dot -Tsvg > map.svg             a picture, namespaces as boxes\n"
      "  flows map -o json > before.json                    Cytoscape.js elements; the input of map diff\n"
      "  flows map diff before.json after.json --fail-on new-edges");
  MapDiffOptions map_diff;
  auto* map_diff_cmd = map_cmd->add_subcommand(
      "diff",
      "Compare two maps (flows map -o json): new and removed edges, error-rate and latency regressions");
  AddMapDiffFlags(*map_diff_cmd, map_diff);
  map_diff_cmd->footer(
      "\nExit codes: 0 (and a report) unless --fail-on finds what it names: 1; a file that is not a map: 2.\n"
      "Examples:\n"
      "  flows map diff before.json after.json                            what changed\n"
      "  flows map diff base.json now.json --fail-on new-edges            CI: no new dependencies\n"
      "  flows map diff a.json b.json --fail-on regressions --latency-threshold 2");

  ServerOptions version_server;
  auto* version_cmd = app.add_subcommand("version", "Versions of this client and of the server");
  AddServerFlags(*version_cmd, version_server);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::ostringstream out, err;
    const int rc = app.exit(e, out, err);
    FdWriter(STDOUT_FILENO).Write(out.str());
    return rc;
  } catch (const CLI::CallForAllHelp& e) {
    std::ostringstream out, err;
    const int rc = app.exit(e, out, err);
    FdWriter(STDOUT_FILENO).Write(out.str());
    return rc;
  } catch (const CLI::ParseError& e) {
    std::string where = "flows";
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
      sub = sub->get_subcommands().front();
      where += " " + sub->get_name();
    }
    PrintError(ParseErrorLine(e) + " (see '" + where + " --help')");
    return kExitUsage;
  }

  if (observe_cmd->parsed()) return RunObserve(observe, observe_server);
  if (status_cmd->parsed()) return RunStatus(status_server, status_output);
  if (nodes_cmd->parsed()) return RunListNodes(nodes_server, nodes_output);
  if (namespaces_cmd->parsed()) return RunListNamespaces(namespaces_server, namespaces_output);
  if (version_cmd->parsed()) return RunVersion(version_server);
  if (map_diff_cmd->parsed()) return RunMapDiff(map_diff);
  if (map_cmd->parsed()) return RunMap(map, map_server);
  return kExitUsage;
}

}  // namespace flows::cli
