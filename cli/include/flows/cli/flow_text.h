// The pieces every text format shows for a flow, computed as Hubble's
// printer does from what flowd fills in (flowd/observer/src/flow_converter.cc):
// endpoints as "ns/pod:port" (or service, DNS names, IP), the flow type
// ("to-endpoint", "http-request", "dns-response"), the verdict, and a
// one-line summary ("HTTP/1.1 GET http://...", "DNS Query name. A",
// "TCP Flags: SYN").
#pragma once

#include <string>
#include <string_view>

#include "flow/flow.pb.h"
#include "flows/cli/palette.h"

namespace flows::cli {

enum class Side { kSource, kDestination };

// "demo-app/frontend-7d4b:46866", "10.0.0.1:53", "[fd00::1]:80", with
// " (ID:1234)" when the endpoint has a security identity. `numeric`: the
// address even when a name is known (Hubble's --numeric).
void AppendEndpoint(const flow::Flow& f, Side side, const Palette& p, std::string& out, bool numeric = false);

// "to-endpoint", "http-request", "dns-response", "drop", ..., "UNKNOWN".
void AppendFlowType(const flow::Flow& f, std::string& out);

void AppendVerdict(const flow::Flow& f, const Palette& p, std::string& out);

// "" when there is nothing to say.
void AppendSummary(const flow::Flow& f, const Palette& p, std::string& out);

// "->" request direction, "<-" reply (source and destination printed
// swapped so the client stays on the left), "<>" unknown.
enum class Arrow { kRequest, kReply, kUnknown };
Arrow ArrowOf(const flow::Flow& f);

}  // namespace flows::cli
