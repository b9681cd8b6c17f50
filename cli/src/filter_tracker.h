// The state Hubble's CLI keeps per list (whitelist or blacklist) while it
// reads filter flags: two FlowFilters ORed by the server ("left" and
// "right"), the namespaces to apply at the end, and which flags were used
// (for the conflict groups). Internal to FilterBuilder.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/flow.pb.h"
#include "flows/cli/filter_builder.h"
#include "flows/common/result.h"

namespace flows::cli {

struct FilterTracker {
  flow::FlowFilter left, right;
  bool used = false;  // a flag set a field (namespaces only count at Materialize)
  std::vector<std::string> ns, src_ns, dst_ns;
  std::vector<std::string> changed;  // flags used, for the conflict groups

  // A one-sided flag: the same field in both filters.
  template <typename F>
  Status Both(F set) {
    set(left);
    set(right);
    used = true;
    return OkStatus();
  }
  // A two-sided flag: source field in left, destination field in right.
  template <typename L, typename R>
  Status Split(L set_left, R set_right) {
    set_left(left);
    set_right(right);
    used = true;
    return OkStatus();
  }

  bool Changed(std::string_view flag) const;
  std::optional<Error> Conflict() const;
  std::optional<Error> NamespaceConflicts(const flow::FlowFilter& f) const;
  // The FlowFilters this list sends: none, one, or left and right.
  std::vector<flow::FlowFilter> Materialize() const;
};

}  // namespace flows::cli
