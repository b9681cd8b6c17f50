// `flows observe` flags -> observer.GetFlowsRequest: a pure function of the
// parsed flags and the current time, so every translation is testable
// without a server. Mirrors Hubble's CLI:
//   - --first with --last, --all or --follow, and --last with --all, are
//     refused;
//   - with no --since/--until/--first: --all asks for every flow, and a
//     plain (non-follow) run asks for the last 20;
//   - --until is not sent with --follow (the stream would end at it).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "flows/cli/filter_builder.h"
#include "flows/common/result.h"
#include "observer/observer.pb.h"

namespace flows::cli {

// Hubble's default for a plain `observe`.
inline constexpr std::uint64_t kDefaultLast = 20;

struct ObserveSelection {
  std::vector<FilterArg> filters;  // in command-line order
  std::uint64_t last = 0;          // 0: not given
  std::uint64_t first = 0;         // 0: not given
  bool all = false;
  bool follow = false;
  std::string since;  // "" : not given
  std::string until;
};

Result<observer::GetFlowsRequest> BuildGetFlowsRequest(const ObserveSelection& sel,
                                                       std::chrono::system_clock::time_point now);

}  // namespace flows::cli
