#include "flows/relay/address.h"

#include <gtest/gtest.h>

namespace flows::relay {
namespace {

TEST(AddressTest, HostPortForms) {
  auto a = ParseHostPort("10.0.0.1:4244");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "10.0.0.1");
  EXPECT_EQ(a->port, 4244u);
  auto b = ParseHostPort("[fd00::1]:4244");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "fd00::1");
  EXPECT_EQ(JoinHostPort(b->host, b->port), "[fd00::1]:4244");
  // Hubble's peer service announces bare addresses.
  EXPECT_EQ(ParseHostPort("10.0.0.2", 4244)->port, 4244u);
  EXPECT_EQ(ParseHostPort("fd00::2", 4244)->host, "fd00::2");
  EXPECT_EQ(ParseHostPort("relay.kube-system.svc", 80)->host, "relay.kube-system.svc");
}

TEST(AddressTest, RefusesJunk) {
  for (const char* bad :
       {"", ":4244", "host:", "host:0", "host:65536", "host:12ab", "[::1", "[::1]x", "a b:1", "host:-1"})
    EXPECT_FALSE(ParseHostPort(bad, 0)) << bad;
  EXPECT_FALSE(ParseHostPort("host"));  // no default port
}

TEST(AddressTest, ListenAddresses) {
  EXPECT_EQ(*ListenAddress(":4245"), "[::]:4245");
  EXPECT_EQ(*ListenAddress("127.0.0.1:0"), "127.0.0.1:0");
  EXPECT_EQ(*ListenAddress("unix:///run/relay.sock"), "unix:///run/relay.sock");
  EXPECT_FALSE(ListenAddress(":x"));
  EXPECT_FALSE(ListenAddress("unix:"));
}

}  // namespace
}  // namespace flows::relay
