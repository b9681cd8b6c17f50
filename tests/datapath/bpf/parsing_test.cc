// L2-L4 parsing: every header the programs understand, and hostile packets,
// each checked against the exact record (or its absence and the counter).
#include <netinet/in.h>

#include "bpf_fixture.h"

namespace flows::testing {
namespace {

using datapath::Direction;
using datapath::Hook;

TEST_F(BpfTest, Ipv4TcpSynStartsAFlow) {
  const auto pkt = PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2").Tcp(40000, 80, kSyn).Build();
  const auto f = RunOne(pkt);
  EXPECT_EQ(f.reasons, FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN);
  EXPECT_EQ(f.hook, Hook::kTc);
  EXPECT_EQ(f.direction, Direction::kIngress);
  EXPECT_EQ(f.src.ToString(), "10.0.0.1");
  EXPECT_EQ(f.dst.ToString(), "10.0.0.2");
  EXPECT_EQ(f.l4_proto, IPPROTO_TCP);
  EXPECT_EQ(f.src_port, 40000);
  EXPECT_EQ(f.dst_port, 80);
  EXPECT_EQ(f.tcp_flags, kSyn);
  EXPECT_EQ(f.packets, 1u);
  EXPECT_EQ(f.bytes, pkt.size());
  EXPECT_EQ(f.packet_bytes, pkt.size());
  EXPECT_EQ(f.ethertype, 0x0800);
  EXPECT_EQ(f.src_mac, (std::array<std::uint8_t, 6>{0x02, 0, 0, 0, 0, 0x01}));
  EXPECT_EQ(f.dst_mac, (std::array<std::uint8_t, 6>{0x02, 0, 0, 0, 0, 0x02}));
  EXPECT_EQ(Delta(FLOWS_CNT_PACKETS), 1u);
  EXPECT_EQ(Delta(FLOWS_CNT_RECORDS), 1u);
}

TEST_F(BpfTest, TcpHandshakeAndTeardownReportEachEventOnce) {
  PacketBuilder fwd, rev;
  auto c2s = [](std::uint8_t flags) {
    return PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2").Tcp(40000, 80, flags).Build();
  };
  auto s2c = [](std::uint8_t flags) {
    return PacketBuilder().Eth().Ipv4("10.0.0.2", "10.0.0.1").Tcp(80, 40000, flags).Build();
  };
  EXPECT_EQ(RunOne(c2s(kSyn)).reasons, FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN);
  EXPECT_TRUE(Run(c2s(kSyn)).empty()) << "a retransmitted SYN is not a new event";
  EXPECT_EQ(RunOne(s2c(kSyn | kAck)).reasons, FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYNACK);
  EXPECT_TRUE(Run(c2s(kAck)).empty()) << "an established ACK is only counted";
  EXPECT_TRUE(Run(c2s(kAck | kPsh)).empty());
  const auto fin = RunOne(c2s(kFin | kAck));
  EXPECT_EQ(fin.reasons, FLOWS_REASON_TCP_FIN);
  EXPECT_EQ(fin.packets, 5u) << "the FIN record carries the flow's totals";
  EXPECT_EQ(fin.tcp_flags_seen, kSyn | kAck | kPsh | kFin);
  EXPECT_TRUE(Run(c2s(kFin | kAck)).empty());
  EXPECT_EQ(RunOne(s2c(kRst)).reasons, FLOWS_REASON_TCP_RST);
}

TEST_F(BpfTest, DirectionAndInterfaceAreSeparateFlows) {
  const auto pkt = PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2").Udp(5000, 6000).Build();
  EXPECT_EQ(RunOne(pkt, Prog::kTcIngress).direction, Direction::kIngress);
  const auto eg = RunOne(pkt, Prog::kTcEgress);
  EXPECT_EQ(eg.direction, Direction::kEgress);
  EXPECT_EQ(eg.reasons, FLOWS_REASON_NEW_FLOW);
  const auto xdp = RunOne(pkt, Prog::kXdp);
  EXPECT_EQ(xdp.hook, Hook::kXdp);
  EXPECT_EQ(xdp.reasons, FLOWS_REASON_NEW_FLOW);
}

TEST_F(BpfTest, UdpSctpAndIcmp) {
  auto udp = RunOne(PacketBuilder().Eth().Ipv4("10.1.0.1", "10.1.0.2").Udp(1234, 4321).Payload("x").Build());
  EXPECT_EQ(udp.l4_proto, IPPROTO_UDP);
  EXPECT_EQ(udp.src_port, 1234);
  EXPECT_EQ(udp.dst_port, 4321);

  auto sctp = RunOne(PacketBuilder().Eth().Ipv4("10.1.0.1", "10.1.0.2").Sctp(3868, 3869).Build());
  EXPECT_EQ(sctp.l4_proto, IPPROTO_SCTP);
  EXPECT_EQ(sctp.src_port, 3868);
  EXPECT_EQ(sctp.dst_port, 3869);

  auto icmp = RunOne(PacketBuilder().Eth().Ipv4("10.1.0.1", "10.1.0.2").Icmp(8, 0).Build());
  EXPECT_EQ(icmp.l4_proto, IPPROTO_ICMP);
  EXPECT_EQ(icmp.icmp_type, 8);
  EXPECT_EQ(icmp.icmp_code, 0);
  EXPECT_EQ(icmp.src_port, 0);

  auto unreach = RunOne(PacketBuilder().Eth().Ipv4("10.1.0.2", "10.1.0.1").Icmp(3, 3).Build());
  EXPECT_EQ(unreach.icmp_type, 3);
  EXPECT_EQ(unreach.icmp_code, 3);

  auto icmp6 = RunOne(PacketBuilder().Eth().Ipv6("fd00::1", "fd00::2").Icmp(128, 0).Build());
  EXPECT_EQ(icmp6.l4_proto, IPPROTO_ICMPV6);
  EXPECT_EQ(icmp6.icmp_type, 128);
  EXPECT_EQ(icmp6.src.ToString(), "fd00::1");
  EXPECT_EQ(icmp6.dst.ToString(), "fd00::2");
}

TEST_F(BpfTest, Ipv4OptionsAreSkipped) {
  const auto f =
      RunOne(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2", {.ihl = 8}).Tcp(1, 2, kSyn).Build());
  EXPECT_EQ(f.src_port, 1);
  EXPECT_EQ(f.dst_port, 2);
  EXPECT_TRUE(f.packet_flags & FLOWS_PKT_IPV4_OPTIONS);
}

TEST_F(BpfTest, Ipv4FragmentsL4OnlyFromTheFirst) {
  const auto first =
      RunOne(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2", {.frag_off = 0x2000}).Udp(53, 5353).Build());
  EXPECT_EQ(first.src_port, 53);
  EXPECT_EQ(first.packet_flags & (FLOWS_PKT_FRAGMENT | FLOWS_PKT_LATER_FRAGMENT), FLOWS_PKT_FRAGMENT);

  // A later fragment: no L4 header, so no ports, but still counted.
  const auto later = RunOne(PacketBuilder()
                                .Eth()
                                .Ipv4("10.0.0.1", "10.0.0.2", {.frag_off = 185, .protocol = IPPROTO_UDP})
                                .RawL4(IPPROTO_UDP, std::vector<std::uint8_t>(64, 0xab))
                                .Build());
  EXPECT_EQ(later.l4_proto, IPPROTO_UDP);
  EXPECT_EQ(later.src_port, 0);
  EXPECT_EQ(later.dst_port, 0);
  EXPECT_TRUE(later.packet_flags & FLOWS_PKT_LATER_FRAGMENT);
  EXPECT_EQ(Delta(FLOWS_CNT_LATER_FRAGMENTS), 1u);
}

TEST_F(BpfTest, Ipv6ExtensionHeadersAreWalked) {
  const auto f = RunOne(PacketBuilder()
                            .Eth()
                            .Ipv6("2001:db8::1", "2001:db8::2")
                            .Ipv6Ext(0)   // hop-by-hop
                            .Ipv6Ext(43)  // routing
                            .Ipv6Ext(44)  // fragment, offset 0: L4 follows
                            .Ipv6Ext(60)  // destination options
                            .Tcp(443, 50000, kSyn | kAck)
                            .Build());
  EXPECT_EQ(f.l4_proto, IPPROTO_TCP);
  EXPECT_EQ(f.src_port, 443);
  EXPECT_EQ(f.dst_port, 50000);
  EXPECT_EQ(f.reasons, FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYNACK);
  EXPECT_TRUE(f.packet_flags & FLOWS_PKT_IPV6_EXT);
  EXPECT_TRUE(f.packet_flags & FLOWS_PKT_FRAGMENT);
}

TEST_F(BpfTest, Ipv6LaterFragmentHasNoPorts) {
  const auto f = RunOne(PacketBuilder()
                            .Eth()
                            .Ipv6("2001:db8::1", "2001:db8::2")
                            .Ipv6Ext(44, 100)
                            .RawL4(IPPROTO_UDP, std::vector<std::uint8_t>(32, 0))
                            .Build());
  EXPECT_EQ(f.l4_proto, IPPROTO_UDP);
  EXPECT_EQ(f.src_port, 0);
  EXPECT_TRUE(f.packet_flags & FLOWS_PKT_LATER_FRAGMENT);
  EXPECT_EQ(Delta(FLOWS_CNT_LATER_FRAGMENTS), 1u);
}

TEST_F(BpfTest, Ipv6ExtensionChainPastTheBoundIsCountedNotTracked) {
  PacketBuilder b;
  b.Eth().Ipv6("2001:db8::1", "2001:db8::2");
  for (int i = 0; i < 7; ++i) b.Ipv6Ext(60);
  EXPECT_TRUE(Run(b.Udp(1, 2).Build()).empty());
  EXPECT_EQ(Delta(FLOWS_CNT_IPV6_EXT_LIMIT), 1u);
  EXPECT_EQ(Delta(FLOWS_CNT_PACKETS), 1u);
}

TEST_F(BpfTest, BadIhlIsMalformed) {
  EXPECT_TRUE(
      Run(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2", {.ihl = 4}).Tcp(1, 2, kSyn).Build()).empty());
  EXPECT_EQ(Delta(FLOWS_CNT_MALFORMED), 1u);
}

TEST_F(BpfTest, TotalLengthShorterThanHeaderIsMalformed) {
  EXPECT_TRUE(Run(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2", {.total_length = 12}).Udp(1, 2).Build())
                  .empty());
  EXPECT_EQ(Delta(FLOWS_CNT_MALFORMED), 1u);
}

// Linux 6.18's BPF_PROG_TEST_RUN refuses TC packets shorter than an
// Ethernet + IPv4 header, so cut headers are fed to the XDP program, which
// runs the very same parsers.
TEST_F(BpfTest, TruncatedIpHeaderIsMalformed) {
  const auto pkt = PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2").Tcp(1, 2, kSyn).BuildTruncated(14 + 12);
  EXPECT_TRUE(Run(pkt, Prog::kXdp).empty());
  const auto pkt6 = PacketBuilder().Eth().Ipv6("fd00::1", "fd00::2").Udp(1, 2).BuildTruncated(14 + 30);
  EXPECT_TRUE(Run(pkt6, Prog::kXdp).empty());
  const auto v6ext =
      PacketBuilder().Eth().Ipv6("fd00::1", "fd00::2").Ipv6Ext(0).Udp(1, 2).BuildTruncated(14 + 40 + 1);
  EXPECT_TRUE(Run(v6ext, Prog::kXdp).empty());
  EXPECT_EQ(Delta(FLOWS_CNT_MALFORMED), 3u);
}

TEST_F(BpfTest, TruncatedTcpHeaderIsTrackedWithoutPorts) {
  const auto pkt =
      PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2").Tcp(1, 2, kSyn).BuildTruncated(14 + 20 + 10);
  const auto f = RunOne(pkt);
  EXPECT_EQ(f.l4_proto, IPPROTO_TCP);
  EXPECT_EQ(f.src_port, 0);
  EXPECT_EQ(f.reasons, FLOWS_REASON_NEW_FLOW);
  EXPECT_TRUE(f.packet_flags & FLOWS_PKT_L4_TRUNCATED);
}

TEST_F(BpfTest, TcpDataOffsetBelowFiveIsTruncated) {
  const auto f = RunOne(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2").Tcp(1, 2, kSyn, 2).Build());
  EXPECT_TRUE(f.packet_flags & FLOWS_PKT_L4_TRUNCATED);
  EXPECT_EQ(f.src_port, 0);
}

TEST_F(BpfTest, VlanTags) {
  const auto one = RunOne(PacketBuilder().Eth().Vlan(100).Ipv4("10.0.0.1", "10.0.0.2").Udp(1, 2).Build());
  EXPECT_EQ(one.vlan_id, 100);
  EXPECT_EQ(one.inner_vlan_id, 0);
  const auto qinq =
      RunOne(PacketBuilder().Eth().Vlan(200, 0x88a8).Vlan(300).Ipv6("fd00::1", "fd00::2").Udp(1, 2).Build());
  EXPECT_EQ(qinq.vlan_id, 200);
  EXPECT_EQ(qinq.inner_vlan_id, 300);
  EXPECT_EQ(qinq.src.ToString(), "fd00::1");
  // A third tag is past what we parse: counted as non-IP, not tracked.
  EXPECT_TRUE(
      Run(PacketBuilder().Eth().Vlan(1).Vlan(2).Vlan(3).Ipv4("10.0.0.1", "10.0.0.2").Udp(1, 2).Build())
          .empty());
  EXPECT_EQ(Delta(FLOWS_CNT_NON_IP), 1u);
  // A VLAN tag cut short.
  EXPECT_TRUE(
      Run(PacketBuilder().Eth().Vlan(5).Ipv4("10.0.0.1", "10.0.0.2").Udp(1, 2).BuildTruncated(16), Prog::kXdp)
          .empty());
  EXPECT_EQ(Delta(FLOWS_CNT_MALFORMED), 1u);
}

TEST_F(BpfTest, NonIpIsCountedNotTracked) {
  auto arp = PacketBuilder().Eth().EtherType(0x0806).Build();
  arp.resize(42, 0);
  EXPECT_TRUE(Run(arp).empty());
  EXPECT_EQ(Delta(FLOWS_CNT_NON_IP), 1u);
}

TEST_F(BpfTest, OtherL4IsTrackedAndCounted) {
  const auto gre = RunOne(
      PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2").RawL4(47, std::vector<std::uint8_t>(8, 0)).Build());
  EXPECT_EQ(gre.l4_proto, 47);
  EXPECT_EQ(gre.reasons, FLOWS_REASON_NEW_FLOW);
  EXPECT_EQ(Delta(FLOWS_CNT_OTHER_L4), 1u);
}

TEST_F(BpfTest, XdpSeesTheSameFlowFields) {
  const auto f = RunOne(PacketBuilder().Eth().Ipv4("192.168.1.1", "192.168.1.2").Tcp(5555, 443, kSyn).Build(),
                        Prog::kXdp);
  EXPECT_EQ(f.hook, Hook::kXdp);
  EXPECT_EQ(f.direction, Direction::kIngress);
  EXPECT_EQ(f.src_port, 5555);
  EXPECT_EQ(f.dst_port, 443);
  EXPECT_EQ(f.reasons, FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN);
  // Hostile packets pass XDP too.
  EXPECT_TRUE(
      Run(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2", {.ihl = 3}).Udp(1, 2).Build(), Prog::kXdp)
          .empty());
}

}  // namespace
}  // namespace flows::testing
