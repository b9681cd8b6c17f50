#include "flows/cli/observe_request.h"

#include <limits>

#include "flows/cli/time_parse.h"

namespace flows::cli {

Result<observer::GetFlowsRequest> BuildGetFlowsRequest(const ObserveSelection& sel,
                                                       std::chrono::system_clock::time_point now) {
  const bool first = sel.first > 0, last = sel.last > 0;
  if (first && last) return Error::Invalid("--first and --last cannot be combined");
  if (first && sel.all) return Error::Invalid("--first and --all cannot be combined");
  if (first && sel.follow) {
    return Error::Invalid(
        "--first and --follow cannot be combined (--first reads the oldest flows and stops)");
  }
  if (last && sel.all) return Error::Invalid("--last and --all cannot be combined");

  observer::GetFlowsRequest req;
  const char* kTimeForms =
      " is neither a time (2026-11-22T03:19:46Z) nor a duration back from now (5m, 1h30m)";
  if (!sel.since.empty()) {
    auto since = ParseTimeArg(sel.since, now);
    if (!since) return Error::Invalid("--since \"" + sel.since + "\"" + kTimeForms);
    *req.mutable_since() = *since;
  }
  if (!sel.until.empty()) {
    auto until = ParseTimeArg(sel.until, now);
    if (!until) return Error::Invalid("--until \"" + sel.until + "\"" + kTimeForms);
    if (req.has_since() &&
        (until->seconds() < req.since().seconds() ||
         (until->seconds() == req.since().seconds() && until->nanos() < req.since().nanos()))) {
      return Error::Invalid("--until " + sel.until + " is before --since " + sel.since +
                            ": no flow can match");
    }
    // Hubble's CLI follows past any --until; so do we (checked, not sent).
    if (!sel.follow) *req.mutable_until() = *until;
  }

  std::uint64_t number = first ? sel.first : sel.last;
  if (!req.has_since() && !req.has_until() && !first) {
    if (sel.all) {
      number = std::numeric_limits<std::uint64_t>::max();
    } else if (!last && !sel.follow) {
      number = kDefaultLast;
    }
  }
  req.set_number(number);
  req.set_first(first);
  req.set_follow(sel.follow);

  auto filters = BuildFlowFilters(sel.filters);
  if (!filters) return filters.error();
  for (auto& f : filters->whitelist) *req.add_whitelist() = std::move(f);
  for (auto& f : filters->blacklist) *req.add_blacklist() = std::move(f);
  return req;
}

}  // namespace flows::cli
