// protocol, source_port / destination_port, tcp_flags.
#pragma once

#include <string>

#include "field_error.h"
#include "field_matcher.h"

namespace flows::api::filter {

// Case-insensitive names: tcp, udp, sctp, icmpv4, icmpv6, icmp (either ICMP),
// and the L7 records http, dns. "kafka" is accepted for Hubble clients and
// matches nothing: flows never carry Kafka records.
Result<FieldMatcherPtr> MakeProtocolMatcher(const google::protobuf::RepeatedPtrField<std::string>& values);

// Decimal port numbers 0-65535, matched against TCP, UDP and SCTP ports.
Result<FieldMatcherPtr> MakePortMatcher(const char* field, Side side,
                                        const google::protobuf::RepeatedPtrField<std::string>& values);

// A flow matches a TCPFlags value if every flag set in the value is set in
// the flow's TCP flags (a value with no flag set matches any TCP flow that
// reports flags).
FieldMatcherPtr MakeTcpFlagsMatcher(const google::protobuf::RepeatedPtrField<flow::TCPFlags>& values);

}  // namespace flows::api::filter
