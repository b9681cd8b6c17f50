// Printing Flows for humans (one compact line) and for scripts (one JSON
// object per line). flowd's API uses protobuf instead; this is for the
// datapath's own tool and tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "flows/datapath/counters.h"
#include "flows/datapath/flow.h"
#include "flows/datapath/ring_reader.h"

namespace flows::datapath {

std::string ProtocolName(std::uint8_t l4_proto);  // "TCP", "UDP", "ICMPv4", ..., "proto-47"
std::string TcpFlagsString(std::uint8_t flags);   // "SYN|ACK"

nlohmann::json ToJson(const Flow& flow, const std::string& ifname);
std::string ToCompact(const Flow& flow, const std::string& ifname);
nlohmann::json ToJson(const KernelCounters& counters, const RingReaderStats& reader);

}  // namespace flows::datapath
