#include <algorithm>

#include "flows/relay/flow_stream.h"

namespace flows::relay {

FlowItem MakeFlowItem(std::shared_ptr<const observer::GetFlowsResponse> response) {
  FlowItem item;
  // flowd stamps every response with the flow's time; a response from some
  // other server may carry it only inside the flow. No time at all sorts
  // first (as the epoch), which is harmless.
  const auto& t = response->has_time() ? response->time() : response->flow().time();
  // A node's timestamp is untrusted: clamp it so that the nanosecond count
  // cannot overflow (years beyond 2250 all sort last, which is fine).
  constexpr std::int64_t kMaxSeconds = 9'000'000'000;
  const std::int64_t seconds = std::clamp<std::int64_t>(t.seconds(), -kMaxSeconds, kMaxSeconds);
  const std::int64_t nanos = std::clamp<std::int64_t>(t.nanos(), -999'999'999, 999'999'999);
  item.time_ns = seconds * 1'000'000'000 + nanos;
  item.ordered = response->has_flow();
  item.response = std::move(response);
  return item;
}

}  // namespace flows::relay
