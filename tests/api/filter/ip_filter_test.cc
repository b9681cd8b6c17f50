// source_ip, destination_ip, ip_version.
#include "filter_cases.h"

namespace flows::api {
namespace {

using testing::ExpectCases;

TEST(IpFilterTest, SourceIp) {
  const std::string v4 = R"(IP { source: "10.0.1.5" destination: "192.168.0.1" })";
  const std::string v6 = R"(IP { source: "fd00::1:5" destination: "2001:db8::1" })";
  ExpectCases({
      {R"(source_ip: "10.0.1.5")", v4, true},
      {R"(source_ip: "10.0.1.6")", v4, false},
      {R"(source_ip: "192.168.0.1")", v4, false},  // that is the destination
      {R"(source_ip: "10.0.0.0/16")", v4, true},
      {R"(source_ip: "10.0.1.4/31")", v4, true},
      {R"(source_ip: "10.0.1.6/31")", v4, false},
      {R"(source_ip: "10.0.1.99/24")", v4, true},  // host bits ignored
      {R"(source_ip: "0.0.0.0/0")", v4, true},
      {R"(source_ip: "0.0.0.0/0")", v6, false},  // families never mix
      {R"(source_ip: "::/0")", v6, true},
      {R"(source_ip: "fd00::1:5")", v6, true},
      {R"(source_ip: "fd00:0:0:0:0:0:1:5")", v6, true},  // same address, other spelling
      {R"(source_ip: "fd00::/8")", v6, true},
      {R"(source_ip: "fd00::1:0/113")", v6, true},
      {R"(source_ip: "fd00::1:0/128")", v6, false},
      {R"(source_ip: "fe80::/10")", v6, false},
      {R"(source_ip: "1.1.1.1" source_ip: "10.0.1.5")", v4, true},  // values OR
      {R"(source_ip: "10.0.1.5")", "", false},                      // no IP section
  });
}

TEST(IpFilterTest, DestinationIp) {
  const std::string v4 = R"(IP { source: "10.0.1.5" destination: "192.168.0.1" })";
  ExpectCases({
      {R"(destination_ip: "192.168.0.1")", v4, true},
      {R"(destination_ip: "192.168.0.0/24")", v4, true},
      {R"(destination_ip: "10.0.1.5")", v4, false},
      {R"(destination_ip: "2001:db8::1")", R"(IP { destination: "2001:db8::1" })", true},
      {R"(destination_ip: "2001:db8::/32")", R"(IP { destination: "2001:db9::1" })", false},
  });
}

TEST(IpFilterTest, IpVersion) {
  ExpectCases({
      {"ip_version: IPv4", R"(IP { source: "10.0.0.1" ipVersion: IPv4 })", true},
      {"ip_version: IPv6", R"(IP { source: "10.0.0.1" ipVersion: IPv4 })", false},
      {"ip_version: IPv6 ip_version: IPv4", R"(IP { ipVersion: IPv4 })", true},
      {"ip_version: IP_NOT_USED", "", true},
      {"ip_version: IPv4", "", false},
  });
}

}  // namespace
}  // namespace flows::api
