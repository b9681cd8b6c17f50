// Filter flags -> GetFlowsRequest whitelist and blacklist, the way Hubble's
// CLI builds them, so `flows observe` and `hubble observe` send the same
// request for the same command line:
//
// - Flags go into two FlowFilters, "left" and "right", ORed by the server.
//   A two-sided flag (--pod, --ip, --label, -n, ...) puts the source field in
//   left and the destination field in right; a one-sided flag (--from-pod,
//   --http-status, ...) sets its field in both. Equal filters collapse into
//   one.
// - Namespaces (-n, --from-namespace, --to-namespace) are applied last, to
//   the pod and service values without a namespace, or as "ns/" alone.
// - `--not` sends the next filter flag to the blacklist (its own left/right).
// - Some flags cannot be combined (Hubble's conflict groups), e.g. --label
//   with --from-label, --from-ip with --from-pod.
//
// Values are checked as they are added, with flowd's own filter compiler, so
// a bad CIDR, regular expression or label selector is reported against the
// flag that carried it, before anything is sent.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flow/flow.pb.h"
#include "flows/common/result.h"

namespace flows::cli {

struct FilterFlag;
struct FilterTracker;

// One filter flag as given on the command line; order matters (--not).
struct FilterArg {
  std::string flag;  // long name without dashes: "from-pod", "not", "ipv4"
  std::string value;
};

struct FlowFilters {
  std::vector<flow::FlowFilter> whitelist;
  std::vector<flow::FlowFilter> blacklist;
};

class FilterBuilder {
 public:
  FilterBuilder();
  ~FilterBuilder();
  FilterBuilder(const FilterBuilder&) = delete;
  FilterBuilder& operator=(const FilterBuilder&) = delete;

  // Errors name the flag and the value ("--from-ip "10.0.0.0/33": is not an
  // IP address or CIDR"); after one, the builder must not be used further.
  Status Add(const FilterArg& arg);
  Result<FlowFilters> Finish();

 private:
  Status Set(FilterTracker& t, const FilterFlag& flag, const std::string& value);

  std::unique_ptr<FilterTracker> whitelist_;
  std::unique_ptr<FilterTracker> blacklist_;
  bool negate_next_ = false;
};

// Convenience: every argument in order, then Finish.
Result<FlowFilters> BuildFlowFilters(const std::vector<FilterArg>& args);

}  // namespace flows::cli
