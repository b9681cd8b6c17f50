#include "flows/cli/observe_flags.h"

#include <algorithm>
#include <sstream>

#include "flows/cli/filter_flags.h"
#include "flows/cli/flow_printer.h"
#include "flows/cli/time_format.h"

namespace flows::cli {
namespace {

constexpr const char* kGroupTime = "How many flows, and when";
constexpr const char* kGroupOutput = "Output";
constexpr const char* kGroupServer = "Server";

std::string Names(const FilterFlag& f) {
  std::string names;
  if (!f.short_name.empty()) names = "-" + std::string(f.short_name) + ",";
  return names + "--" + std::string(f.name);
}

}  // namespace

void AddObserveFlags(CLI::App& cmd, ObserveOptions& o) {
  auto& filters = o.selection.filters;
  for (const FilterFlag& f : FilterFlags()) {
    const std::string name(f.name);
    CLI::Option* opt;
    if (f.takes_value) {
      opt = cmd.add_option_function<std::string>(
          Names(f),
          [&filters, name](const std::string& v) {
            filters.push_back({name, v});
          },
          std::string(f.help));
      opt->type_name("VALUE")->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    } else {
      opt = cmd.add_flag_function(
          Names(f),
          [&filters, name](std::int64_t) {
            filters.push_back({name, ""});
          },
          std::string(f.help));
    }
    // Fire once per occurrence, in command-line order.
    opt->trigger_on_parse()->group(std::string(f.group));
  }

  auto& s = o.selection;
  cmd.add_option("--last", s.last, "Show the last N flows (default 20 when nothing else selects)")
      ->type_name("N")
      ->group(kGroupTime);
  cmd.add_option("--first", s.first, "Show the first (oldest) N flows")->type_name("N")->group(kGroupTime);
  cmd.add_flag("--all", s.all, "Show every flow the server holds")->group(kGroupTime);
  cmd.add_flag("-f,--follow", s.follow, "Keep printing flows as they arrive")->group(kGroupTime);
  cmd.add_option(
         "--since", s.since,
         "Flows at or after this time: RFC 3339 (2026-11-22T03:19:46Z) or a duration back from now (5m, 1h)")
      ->type_name("TIME")
      ->group(kGroupTime);
  cmd.add_option("--until", s.until, "Flows at or before this time (same forms as --since)")
      ->type_name("TIME")
      ->group(kGroupTime);

  cmd.add_option("-o,--output", o.output, "Output format: compact, dict, json (alias jsonpb), table")
      ->type_name("FORMAT")
      ->check([](const std::string& v) {
        return ParseOutputFormat(v) ? std::string()
                                    : "must be compact, dict, json or table, not \"" + v + "\"";
      })
      ->group(kGroupOutput);
  cmd.add_option("--color", o.color, "Colour the text formats: auto (on a terminal), always, never")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->group(kGroupOutput);
  cmd.add_option("--time-format", o.time_format, "How times are printed: " + std::string(TimeLayoutNames()))
      ->type_name("LAYOUT")
      ->check([](const std::string& v) {
        return ParseTimeLayout(v) ? std::string() : "must be one of " + std::string(TimeLayoutNames());
      })
      ->group(kGroupOutput);
  cmd.add_flag("--print-node-name", o.print_node_name, "Print the node each flow was observed on")
      ->group(kGroupOutput);
  cmd.add_flag("--numeric", o.numeric, "Show IP addresses instead of pod, service and DNS names")
      ->group(kGroupOutput);
  cmd.add_flag(
         "--print-raw-filters", o.print_raw_filters,
         "Print the allowlist/denylist FlowFilters the flags make, and exit without contacting the server")
      ->group(kGroupOutput);
}

void AddServerFlags(CLI::App& cmd, ServerOptions& o) {
  cmd.add_option("--server", o.address,
                 "Observer API address: unix:///path, /path or host:port (env FLOWS_SERVER; default " +
                     std::string(kDefaultServer) + ")")
      ->envname(std::string(kServerEnv))
      ->type_name("ADDRESS")
      ->group(kGroupServer);
  cmd.add_option("--timeout", o.timeout, "How long to wait for the connection (default 5s)")
      ->type_name("DURATION")
      ->group(kGroupServer);
  cmd.add_flag("--tls", o.tls, "Connect with TLS")->group(kGroupServer);
  cmd.add_option("--tls-ca-cert-files", o.tls_ca_cert_files,
                 "PEM files of the CAs that sign the server's certificate")
      ->type_name("FILE")
      ->group(kGroupServer);
  cmd.add_option("--tls-client-cert-file", o.tls_client_cert_file, "PEM client certificate (mutual TLS)")
      ->type_name("FILE")
      ->group(kGroupServer);
  cmd.add_option("--tls-client-key-file", o.tls_client_key_file, "PEM key of the client certificate")
      ->type_name("FILE")
      ->group(kGroupServer);
  cmd.add_option("--tls-server-name", o.tls_server_name, "Name expected in the server's certificate")
      ->type_name("NAME")
      ->group(kGroupServer);
}

std::string ParseErrorLine(const CLI::ParseError& e) {
  std::string msg = e.what();
  std::replace(msg.begin(), msg.end(), '\n', ' ');
  for (const std::string_view prefix :
       {"The following argument was not expected: ", "The following arguments were not expected: "}) {
    if (msg.rfind(prefix, 0) != 0) continue;
    // CLI11 lists every leftover word (a mistyped flag and its value); the
    // mistyped flag is the one to name.
    std::istringstream words(msg.substr(prefix.size()));
    std::string word, first;
    while (words >> word) {
      if (first.empty()) first = word;
      if (word.size() > 1 && word[0] == '-') return "unknown flag or argument: " + word;
    }
    return "unexpected argument: " + first;
  }
  return msg;
}

Result<ObserveOptions> ParseObserveArgs(const std::vector<std::string>& args) {
  ObserveOptions o;
  CLI::App app("flows observe", "observe");
  AddObserveFlags(app, o);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return Error::Invalid(ParseErrorLine(e));
  }
  return o;
}

}  // namespace flows::cli
