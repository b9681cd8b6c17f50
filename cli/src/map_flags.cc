// The flags of `flows map` and `flows map diff`, and the GetGraphRequest
// they make. Checks the server would also make (times, names) are made
// here first, so a typo is exit 2 with the flag named, before any
// connection.
#include <algorithm>

#include "flows/cli/map_format.h"
#include "flows/cli/map_options.h"
#include "flows/cli/time_parse.h"
#include "flows/common/text.h"
#include "map_json.h"

namespace flows::cli {
namespace {

constexpr const char* kGroupSelect = "What to map";
constexpr const char* kGroupOutput = "Output";
constexpr const char* kGroupDiff = "Diff";

Result<google::protobuf::Timestamp> Time(const char* flag, const std::string& text,
                                         std::chrono::system_clock::time_point now) {
  auto t = ParseTimeArgWithDays(text, now);
  if (!t) {
    return Error::Invalid(std::string(flag) + " " + Quote(text) +
                          " is not a time: use RFC 3339 (2026-11-22T03:19:46Z) or a duration back from now "
                          "(30m, 1h, 7d)");
  }
  return *t;
}

// "namespace/name" or "namespace/Kind/name", no part empty.
bool WorkloadName(const std::string& w) {
  const auto parts = std::count(w.begin(), w.end(), '/');
  return (parts == 1 || parts == 2) && w.front() != '/' && w.back() != '/' &&
         w.find("//") == std::string::npos;
}

}  // namespace

std::optional<MapFormat> ParseMapFormat(std::string_view name) {
  if (name == "table") return MapFormat::kTable;
  if (name == "dot") return MapFormat::kDot;
  if (name == "mermaid") return MapFormat::kMermaid;
  if (name == "json") return MapFormat::kJson;
  return std::nullopt;
}

void AddMapFlags(CLI::App& cmd, MapOptions& o) {
  cmd.add_option("--since", o.since,
                 "Map traffic at or after this time: RFC 3339 or a duration back from now (30m, 1h, 7d; "
                 "default 1h)")
      ->type_name("TIME")
      ->group(kGroupSelect);
  cmd.add_option("--until", o.until, "Map traffic before this time (same forms as --since; default now)")
      ->type_name("TIME")
      ->group(kGroupSelect);
  cmd.add_option("-n,--namespace", o.namespaces,
                 "Edges with an end in this namespace (repeatable, or a,b); default: every namespace")
      ->type_name("NAMESPACE")
      ->delimiter(',')
      ->group(kGroupSelect);
  cmd.add_flag("-A,--all-namespaces", o.all_namespaces, "Every namespace (the default without -n)")
      ->group(kGroupSelect);
  cmd.add_option("--exclude-namespace", o.exclude_namespaces,
                 "Leave out edges with an end in this namespace (repeatable, or a,b)")
      ->type_name("NAMESPACE")
      ->delimiter(',')
      ->group(kGroupSelect);
  cmd.add_option("--exclude-workload", o.exclude_workloads,
                 "Leave out edges with an end in this workload: namespace/name or namespace/Kind/name "
                 "(repeatable, or a,b), e.g. monitoring/prometheus")
      ->type_name("WORKLOAD")
      ->delimiter(',')
      ->group(kGroupSelect);
  cmd.add_option("--group-by", o.group_by, "One node per workload (default), pod, namespace or service")
      ->type_name("GROUPING")
      ->check(CLI::IsMember({"workload", "pod", "namespace", "service"}))
      ->group(kGroupSelect);
  cmd.add_option("--min-requests", o.min_requests,
                 "Leave out edges with fewer requests in the window (HTTP and DNS answers; connections "
                 "otherwise)")
      ->type_name("N")
      ->check([](const std::string& v) {
        // CLI11 would wrap "-3" around to 2^64-3 for an unsigned option.
        return !v.empty() && v.find_first_not_of("0123456789") == std::string::npos
                   ? std::string()
                   : "must be a whole number, not " + Quote(v);
      })
      ->group(kGroupSelect);
  cmd.add_option("-o,--output", o.output, "Output format: table (default), dot, mermaid, json (Cytoscape.js)")
      ->type_name("FORMAT")
      ->check([](const std::string& v) {
        return ParseMapFormat(v) ? std::string() : "must be table, dot, mermaid or json, not " + Quote(v);
      })
      ->group(kGroupOutput);
}

void AddMapDiffFlags(CLI::App& cmd, MapDiffOptions& o) {
  cmd.add_option("BEFORE", o.before, "Map before (flows map -o json)")->required()->type_name("FILE");
  cmd.add_option("AFTER", o.after, "Map after (flows map -o json)")->required()->type_name("FILE");
  cmd.add_option("--error-rate-threshold", o.thresholds.error_rate_points,
                 "An error-rate regression is a rise of more than this many percentage points (default 1)")
      ->type_name("POINTS")
      ->check(CLI::NonNegativeNumber)
      ->group(kGroupDiff);
  cmd.add_option("--latency-threshold", o.thresholds.latency_factor,
                 "A latency regression is a p99 more than this many times the one before (default 1.5)")
      ->type_name("FACTOR")
      ->check(CLI::PositiveNumber)
      ->group(kGroupDiff);
  cmd.add_option("--fail-on", o.fail_on,
                 "Exit 1 when the diff has new-edges, regressions, or any change (for CI drift checks)")
      ->type_name("WHAT")
      ->check(CLI::IsMember({"new-edges", "regressions", "any"}))
      ->group(kGroupDiff);
}

Result<graph::GetGraphRequest> BuildGraphRequest(const MapOptions& o,
                                                 std::chrono::system_clock::time_point now) {
  graph::GetGraphRequest req;
  if (o.all_namespaces && !o.namespaces.empty()) {
    return Error::Invalid("-A/--all-namespaces and -n/--namespace cannot be used together");
  }
  auto since = Time("--since", o.since, now);
  if (!since) return since.error();
  *req.mutable_since() = *since;
  if (!o.until.empty()) {
    auto until = Time("--until", o.until, now);
    if (!until) return until.error();
    if (std::pair(until->seconds(), until->nanos()) <= std::pair(since->seconds(), since->nanos())) {
      return Error::Invalid("--until " + Quote(o.until) + " is not after --since " + Quote(o.since));
    }
    *req.mutable_until() = *until;
  }
  for (const auto& [flag, list, out] :
       {std::tuple{"--namespace", &o.namespaces, req.mutable_namespaces()},
        std::tuple{"--exclude-namespace", &o.exclude_namespaces, req.mutable_exclude_namespaces()}}) {
    for (const auto& ns : *list) {
      if (ns.empty() || ns.find('/') != std::string::npos) {
        return Error::Invalid(std::string(flag) + " " + Quote(ns) + " is not a namespace name");
      }
      out->Add(std::string(ns));
    }
  }
  for (const auto& w : o.exclude_workloads) {
    if (!WorkloadName(w)) {
      return Error::Invalid(
          "--exclude-workload " + Quote(w) +
          ": use namespace/name or namespace/Kind/name (e.g. monitoring/Deployment/prometheus)");
    }
    req.add_exclude_workloads(w);
  }
  const auto group = GroupByFromName(o.group_by);
  if (!group)
    return Error::Invalid("--group-by " + Quote(o.group_by) + ": use workload, pod, namespace or service");
  req.set_group_by(*group);
  req.set_min_requests(o.min_requests);
  return req;
}

bool DiffFails(const MapDiff& diff, const std::string& fail_on) {
  if (fail_on == "new-edges") return !diff.added.empty();
  if (fail_on == "regressions") return diff.regressions();
  if (fail_on == "any") return !diff.empty();
  return false;
}

}  // namespace flows::cli
