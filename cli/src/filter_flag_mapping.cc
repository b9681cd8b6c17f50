// FilterBuilder::Set: the checks around each filter flag's mapping (the
// mapping itself is in the table, filter_flags.cc): Hubble's conflict
// groups, namespaces, and the value compiled as the server will.
#include <algorithm>

#include "filter_tracker.h"
#include "flows/api/filter/flow_filter_set.h"
#include "flows/cli/filter_flags.h"

namespace flows::cli {
namespace {

using flow::FlowFilter;

Error ForFlag(std::string_view flag, std::string_view problem) {
  return Error::Invalid("--" + std::string(flag) + ": " + std::string(problem));
}

// flowd's filter compiler says "whitelist[0]: source_ip: "x" is not an IP
// address"; the user typed --from-ip, so the list and field names go (the
// leading "word: " parts; the problem itself has spaces or quotes).
std::string_view WithoutFieldName(std::string_view message) {
  while (true) {
    const std::size_t colon = message.find(": ");
    if (colon == std::string_view::npos ||
        message.substr(0, colon).find_first_of(" \"") != std::string_view::npos) {
      return message;
    }
    message.remove_prefix(colon + 2);
  }
}

}  // namespace

Status FilterBuilder::Set(FilterTracker& t, const FilterFlag& flag, const std::string& v) {
  if (std::find(t.changed.begin(), t.changed.end(), flag.name) == t.changed.end()) {
    t.changed.emplace_back(flag.name);
    if (auto conflict = t.Conflict()) return *conflict;
  }
  if (auto st = flag.apply(t, v); !st) return ForFlag(flag.name, st.error().message);

  if (auto e = t.NamespaceConflicts(t.left)) return *e;
  if (auto e = t.NamespaceConflicts(t.right)) return *e;
  // The value as flowd will read it: a bad address, pattern or selector is
  // reported now, against this flag, rather than by the server.
  if (t.used) {
    google::protobuf::RepeatedPtrField<FlowFilter> filters;
    *filters.Add() = t.left;
    *filters.Add() = t.right;
    auto compiled = api::FlowFilterSet::Compile(filters, {});
    if (!compiled) return ForFlag(flag.name, WithoutFieldName(compiled.error().message));
  }
  return OkStatus();
}

}  // namespace flows::cli
