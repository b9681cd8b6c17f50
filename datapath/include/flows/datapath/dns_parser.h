// Decoding of the DNS bytes the kernel copies into a flow record. Those bytes
// are untrusted and cut at FLOWS_L7_WINDOW, so every read is bounds-checked
// and a cut inside the answer section is reported (DnsMessage::truncated)
// instead of discarding what was already decoded.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "flows/common/result.h"
#include "flows/datapath/flow.h"

namespace flows::datapath {

// A DNS message as carried over UDP (RFC 1035 section 4, no length prefix).
// Decodes the header, the first question and the answer section. Fails with
// Error::Invalid("dns: ...") when the header or the question is incomplete,
// or when any name or record is malformed (bad label, pointer loop, ...).
// Names come back dotted with a trailing '.', non-printable label bytes
// escaped as \DDD, so the text is always plain ASCII.
Result<DnsMessage> ParseDns(std::span<const std::uint8_t> msg);

// A DNS message at the start of a TCP segment: a 2-byte length (which must
// cover at least a header) followed by the message, possibly cut short.
Result<DnsMessage> ParseDnsOverTcp(std::span<const std::uint8_t> segment);

// "A", "AAAA", "CNAME", ...; "TYPE<n>" for types without a mnemonic here.
std::string DnsTypeName(std::uint16_t type);

// "NOERROR", "NXDOMAIN", ...; "RCODE<n>" for the rest.
std::string DnsRcodeName(std::uint8_t rcode);

}  // namespace flows::datapath
