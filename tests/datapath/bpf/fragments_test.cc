// Later IP fragments carry no L4 header. They are tracked in entries of
// their own (FLOWS_KEY_LATER_FRAGMENTS), never with invented ports or ICMP
// types: before, a fragmented `ping -s 3000` request's tail showed up as an
// ICMPv4 echo reply (type 0) and merged with real echo replies.
#include <netinet/in.h>

#include "bpf_fixture.h"

namespace flows::testing {
namespace {

using datapath::Role;

std::vector<std::uint8_t> LaterV4(const char* src, const char* dst, std::uint8_t proto) {
  // Offset 185 x 8 = 1480 bytes: the second fragment of a 3000-byte datagram.
  return PacketBuilder()
      .Eth()
      .Ipv4(src, dst, {.frag_off = 185, .protocol = proto})
      .RawL4(proto, std::vector<std::uint8_t>(64, 0xab))
      .Build();
}

std::vector<std::uint8_t> LaterV6(const char* src, const char* dst, std::uint8_t proto) {
  return PacketBuilder()
      .Eth()
      .Ipv6(src, dst)
      .Ipv6Ext(44, 185)
      .RawL4(proto, std::vector<std::uint8_t>(64, 0xab))
      .Build();
}

TEST_F(BpfTest, LaterIcmpFragmentIsNotAnEchoReply) {
  // A real echo reply from .1 to .2, then the tail of a big echo request
  // from .1 to .2: two entries, and the fragment claims no ICMP type.
  const auto echo_reply = RunOne(PacketBuilder().Eth().Ipv4("10.2.0.1", "10.2.0.2").Icmp(0, 0).Build());
  EXPECT_FALSE(echo_reply.later_fragment);
  const auto frag = RunOne(LaterV4("10.2.0.1", "10.2.0.2", IPPROTO_ICMP));
  EXPECT_TRUE(frag.later_fragment);
  EXPECT_EQ(frag.l4_proto, IPPROTO_ICMP);
  EXPECT_EQ(frag.reasons, FLOWS_REASON_NEW_FLOW) << "its own entry, not the echo reply's";
  EXPECT_EQ(frag.packets, 1u);
  EXPECT_EQ(frag.icmp_type, 0);
  EXPECT_EQ(frag.src_port, 0);
  EXPECT_TRUE(frag.packet_flags & FLOWS_PKT_LATER_FRAGMENT);
  // The echo reply's entry did not grow.
  EXPECT_TRUE(Run(PacketBuilder().Eth().Ipv4("10.2.0.1", "10.2.0.2").Icmp(0, 0).Build()).empty());
}

TEST_F(BpfTest, LaterFragmentsOfBothDirections) {
  // Nothing tells which side a lone fragment stream is on; the answering
  // stream finds the first one and is the reply.
  const auto request = RunOne(LaterV4("10.2.0.1", "10.2.0.2", IPPROTO_ICMP));
  EXPECT_EQ(request.role, Role::kUnknown);
  const auto reply = RunOne(LaterV4("10.2.0.2", "10.2.0.1", IPPROTO_ICMP), Prog::kTcEgress);
  EXPECT_EQ(reply.role, Role::kReply);
  EXPECT_TRUE(reply.later_fragment);
}

TEST_F(BpfTest, LaterUdpFragmentKeepsNoPorts) {
  const auto first = RunOne(
      PacketBuilder().Eth().Ipv4("10.2.0.1", "10.2.0.2", {.frag_off = 0x2000}).Udp(41000, 9000).Build());
  EXPECT_FALSE(first.later_fragment);
  EXPECT_EQ(first.dst_port, 9000);
  const auto later = RunOne(LaterV4("10.2.0.1", "10.2.0.2", IPPROTO_UDP));
  EXPECT_TRUE(later.later_fragment);
  EXPECT_EQ(later.src_port, 0);
  EXPECT_EQ(later.dst_port, 0);
  EXPECT_EQ(Delta(FLOWS_CNT_LATER_FRAGMENTS), 1u);
}

TEST_F(BpfTest, LaterIcmpv6FragmentIsNotTypeZero) {
  const auto f = RunOne(LaterV6("fd00::1", "fd00::2", IPPROTO_ICMPV6));
  EXPECT_TRUE(f.later_fragment);
  EXPECT_EQ(f.l4_proto, IPPROTO_ICMPV6);
  EXPECT_TRUE(f.packet_flags & FLOWS_PKT_LATER_FRAGMENT);
  const auto reply = RunOne(LaterV6("fd00::2", "fd00::1", IPPROTO_ICMPV6), Prog::kTcEgress);
  EXPECT_EQ(reply.role, Role::kReply);
}

}  // namespace
}  // namespace flows::testing
