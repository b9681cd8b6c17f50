#include "flows/relay/flow_stream.h"

namespace flows::relay {

FlowItem MakeFlowItem(std::shared_ptr<const observer::GetFlowsResponse> response) {
  FlowItem item;
  // flowd stamps every response with the flow's time; a response from some
  // other server may carry it only inside the flow. No time at all sorts
  // first (as the epoch), which is harmless.
  const auto& t = response->has_time() ? response->time() : response->flow().time();
  item.time_ns = t.seconds() * 1'000'000'000 + t.nanos();
  item.ordered = response->has_flow();
  item.response = std::move(response);
  return item;
}

}  // namespace flows::relay
