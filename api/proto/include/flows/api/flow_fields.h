// Reading Hubble's flow.Flow the same way in every process: fields that sit
// in one of several oneof branches.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "flow/flow.pb.h"

namespace flows::api {

// The source or destination port of a TCP, UDP or SCTP flow; nullopt for
// other protocols (ICMP has types, not ports).
inline std::optional<std::uint32_t> L4Port(const flow::Layer4& l4, bool source) {
  switch (l4.protocol_case()) {
    case flow::Layer4::kTCP:
      return source ? l4.tcp().source_port() : l4.tcp().destination_port();
    case flow::Layer4::kUDP:
      return source ? l4.udp().source_port() : l4.udp().destination_port();
    case flow::Layer4::kSCTP:
      return source ? l4.sctp().source_port() : l4.sctp().destination_port();
    default:
      return std::nullopt;
  }
}

// The ICMP (v4) or ICMPv6 type's name as Hubble prints it
// ("EchoRequest"); "" for types without one.
std::string_view IcmpTypeName(bool v6, std::uint32_t type);

// The DNS rcode's name ("NXDOMAIN"); "" for codes without one.
std::string_view DnsRcodeName(std::uint32_t rcode);

}  // namespace flows::api
