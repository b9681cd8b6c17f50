#include "flows/common/ip_address.h"

#include <gtest/gtest.h>

namespace flows {
namespace {

TEST(CanonicalIp, Forms) {
  EXPECT_EQ(CanonicalIp("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(CanonicalIp("FD00::1"), "fd00::1");
  EXPECT_EQ(CanonicalIp("::ffff:10.0.0.1"), "::ffff:10.0.0.1");
  EXPECT_FALSE(CanonicalIp(""));
  EXPECT_FALSE(CanonicalIp("10.0.0.1/24"));
  EXPECT_FALSE(CanonicalIp(std::string(100, '1')));
  EXPECT_FALSE(CanonicalIp(std::string_view("10.0.0.1\0x", 10)));
}

TEST(CanonicalIp, AddressOfCidrKeepsTheHostPart) {
  EXPECT_EQ(AddressOfCidr("10.1.2.3/24"), "10.1.2.3");
  EXPECT_EQ(AddressOfCidr("fd00::0001/64"), "fd00::1");
  EXPECT_EQ(AddressOfCidr("10.1.2.3"), "10.1.2.3");
  EXPECT_FALSE(AddressOfCidr("10.1.2.3/33"));
  EXPECT_FALSE(AddressOfCidr("10.1.2.3/"));
  EXPECT_FALSE(AddressOfCidr("10.1.2.3/2x"));
  EXPECT_TRUE(IsLoopback("127.0.0.1"));
  EXPECT_TRUE(IsLoopback("::1"));
  EXPECT_FALSE(IsLoopback("10.0.0.1"));
}

TEST(IpPrefix, ContainsClearsHostBits) {
  const auto p = IpPrefix::Parse("10.1.2.3/16");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->Contains(*IpAddress::Parse("10.1.200.9")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("10.2.0.1")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("::ffff:10.1.0.1"))) << "families never match";
  const auto v6 = IpPrefix::Parse("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->Contains(*IpAddress::Parse("fdff::1")));
  EXPECT_FALSE(IpPrefix::Parse("10.0.0.0/33"));
}

TEST(IpAddress, TextRoundTrip) {
  for (const char* text :
       {"0.0.0.0", "255.255.255.255", "10.0.0.1", "fd00::1", "::", "2001:db8::ff00:42:8329"}) {
    const auto a = IpAddress::Parse(text);
    ASSERT_TRUE(a) << text;
    EXPECT_EQ(a->ToString(), text);
  }
  EXPECT_EQ(IpAddress{}.ToString(), "");
}

TEST(IpAddress, LinkScopeIsTheNetworksOwnChatter) {
  for (const char* a : {"fe80::1", "ff02::1:ff00:1", "::", "169.254.1.1", "224.0.0.251", "239.1.2.3",
                        "255.255.255.255", "0.0.0.0"})
    EXPECT_TRUE(IsLinkScope(*IpAddress::Parse(a))) << a;
  for (const char* a : {"10.244.1.2", "fd00:10:244:1::2", "2001:db8::1", "192.168.1.1", "::1", "127.0.0.1",
                        "223.255.255.255", "fec0::1"})
    EXPECT_FALSE(IsLinkScope(*IpAddress::Parse(a))) << a;
}

}  // namespace
}  // namespace flows
