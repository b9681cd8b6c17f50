// protocol, source_port, destination_port, tcp_flags.
#include "filter_cases.h"

namespace flows::api {
namespace {

using testing::ExpectCases;

const std::string kTcp = R"(l4 { TCP { source_port: 43210 destination_port: 80 } })";
const std::string kUdp = R"(l4 { UDP { source_port: 5353 destination_port: 53 } })";
const std::string kSctp = R"(l4 { SCTP { source_port: 1000 destination_port: 2000 } })";
const std::string kIcmp4 = R"(l4 { ICMPv4 { type: 8 } })";
const std::string kIcmp6 = R"(l4 { ICMPv6 { type: 128 } })";
const std::string kHttp = R"(l4 { TCP { destination_port: 80 } } l7 { http { code: 200 } })";
const std::string kDns = R"(l4 { UDP { destination_port: 53 } } l7 { dns { query: "example.com." } })";

TEST(L4FilterTest, Protocol) {
  ExpectCases({
      {R"(protocol: "tcp")", kTcp, true},
      {R"(protocol: "TCP")", kTcp, true},  // case-insensitive
      {R"(protocol: "tcp")", kUdp, false},
      {R"(protocol: "udp")", kUdp, true},
      {R"(protocol: "sctp")", kSctp, true},
      {R"(protocol: "sctp")", kTcp, false},
      {R"(protocol: "icmpv4")", kIcmp4, true},
      {R"(protocol: "icmpv4")", kIcmp6, false},
      {R"(protocol: "ICMPv6")", kIcmp6, true},
      {R"(protocol: "icmp")", kIcmp4, true},  // either ICMP
      {R"(protocol: "icmp")", kIcmp6, true},
      {R"(protocol: "http")", kHttp, true},
      {R"(protocol: "http")", kTcp, false},
      {R"(protocol: "tcp")", kHttp, true},  // an HTTP record is also TCP
      {R"(protocol: "dns")", kDns, true},
      {R"(protocol: "dns")", kHttp, false},
      {R"(protocol: "kafka")", kTcp, false},  // accepted, never present
      {R"(protocol: "udp" protocol: "tcp")", kTcp, true},
      {R"(protocol: "tcp")", "", false},
  });
}

TEST(L4FilterTest, SourcePort) {
  ExpectCases({
      {R"(source_port: "43210")", kTcp, true},
      {R"(source_port: "80")", kTcp, false},  // the destination's
      {R"(source_port: "5353")", kUdp, true},
      {R"(source_port: "1000")", kSctp, true},
      {R"(source_port: "1" source_port: "43210")", kTcp, true},
      {R"(source_port: "0")", kIcmp4, false},  // no ports in ICMP
      {R"(source_port: "0")", "", false},
  });
}

TEST(L4FilterTest, DestinationPort) {
  ExpectCases({
      {R"(destination_port: "80")", kTcp, true},
      {R"(destination_port: "443")", kTcp, false},
      {R"(destination_port: "53")", kUdp, true},
      {R"(destination_port: "2000")", kSctp, true},
      {R"(destination_port: "65535")", R"(l4 { TCP { destination_port: 65535 } })", true},
  });
}

TEST(L4FilterTest, TcpFlags) {
  const std::string syn_ack = R"(l4 { TCP { flags { SYN: true ACK: true } } })";
  const std::string fin = R"(l4 { TCP { flags { FIN: true ACK: true } } })";
  ExpectCases({
      {"tcp_flags { SYN: true }", syn_ack, true},  // every flag of the value is set
      {"tcp_flags { SYN: true ACK: true }", syn_ack, true},
      {"tcp_flags { SYN: true RST: true }", syn_ack, false},
      {"tcp_flags { FIN: true }", syn_ack, false},
      {"tcp_flags { FIN: true } tcp_flags { SYN: true }", syn_ack, true},  // values OR
      {"tcp_flags { FIN: true }", fin, true},
      {"tcp_flags { NS: true }", R"(l4 { TCP { flags { NS: true } } })", true},
      {"tcp_flags { CWR: true ECE: true URG: true PSH: true }",
       R"(l4 { TCP { flags { CWR: true ECE: true URG: true PSH: true } } })", true},
      {"tcp_flags { }", syn_ack, true},                         // no flag: any TCP flow with flags
      {"tcp_flags { SYN: true }", R"(l4 { TCP { } })", false},  // no flags reported
      {"tcp_flags { SYN: true }", kUdp, false},
  });
}

}  // namespace
}  // namespace flows::api
