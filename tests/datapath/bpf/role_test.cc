// Who opened the conversation: every flow-table entry gets a role when it
// is created (flows_stats.role), and every record of the entry carries it.
// Each test plays one conversation through the programs as the host side of
// a veth sees it: the pod's packets arrive on tc ingress, packets for the
// pod leave on tc egress; on a node NIC, XDP sees ingress and tc egress.
#include <netinet/in.h>

#include "bpf_fixture.h"
#include "flows/datapath/flow_sweeper.h"

namespace flows::testing {
namespace {

using datapath::Role;

constexpr const char* kClient = "10.1.0.1";
constexpr const char* kServer = "10.1.0.2";

std::vector<std::uint8_t> Tcp4(bool to_server, std::uint8_t flags) {
  PacketBuilder b;
  b.Eth();
  if (to_server) {
    b.Ipv4(kClient, kServer).Tcp(40000, 8080, flags);
  } else {
    b.Ipv4(kServer, kClient).Tcp(8080, 40000, flags);
  }
  return b.Build();
}

std::vector<std::uint8_t> Udp4(bool to_server) {
  PacketBuilder b;
  b.Eth();
  if (to_server) {
    b.Ipv4(kClient, kServer).Udp(41000, 9000);
  } else {
    b.Ipv4(kServer, kClient).Udp(9000, 41000);
  }
  return b.Payload("datagram").Build();
}

TEST_F(BpfTest, TcpSynOpensAndSynAckAnswers) {
  EXPECT_EQ(RunOne(Tcp4(true, kSyn), Prog::kTcIngress).role, Role::kInitiator);
  EXPECT_EQ(RunOne(Tcp4(false, kSyn | kAck), Prog::kTcEgress).role, Role::kReply);
  // Later records of each entry (here the FINs) say the same.
  EXPECT_EQ(RunOne(Tcp4(true, kFin | kAck), Prog::kTcIngress).role, Role::kInitiator);
  EXPECT_EQ(RunOne(Tcp4(false, kFin | kAck), Prog::kTcEgress).role, Role::kReply);
}

TEST_F(BpfTest, TcpSynAckSeenFirstIsStillTheReply) {
  // The SYN was missed (the program was attached in between): the SYN-ACK
  // alone says which side answers.
  EXPECT_EQ(RunOne(Tcp4(false, kSyn | kAck), Prog::kTcEgress).role, Role::kReply);
  // The client's next ACK creates its entry; the reverse entry is a reply,
  // so this one opens the conversation.
  EXPECT_EQ(RunOne(Tcp4(true, kAck), Prog::kTcIngress).role, Role::kInitiator);
}

TEST_F(BpfTest, ARefusingRstIsTheReply) {
  EXPECT_EQ(RunOne(Tcp4(true, kSyn), Prog::kTcIngress).role, Role::kInitiator);
  const auto rst = RunOne(Tcp4(false, kRst | kAck), Prog::kTcEgress);
  EXPECT_EQ(rst.reasons, FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_RST);
  EXPECT_EQ(rst.role, Role::kReply);
}

// Without the SYN nobody can tell who opened a TCP connection (a server's
// ACK to a client's ephemeral port looks like any other segment): both
// directions stay unknown rather than guessed.
TEST_F(BpfTest, TcpPickedUpMidConnectionIsUnknownBothWays) {
  EXPECT_EQ(RunOne(Tcp4(false, kAck | kPsh), Prog::kTcEgress).role, Role::kUnknown);
  EXPECT_EQ(RunOne(Tcp4(true, kAck), Prog::kTcIngress).role, Role::kUnknown);
}

TEST_F(BpfTest, UdpFirstDatagramOpensTheReverseAnswers) {
  EXPECT_EQ(RunOne(Udp4(true), Prog::kTcIngress).role, Role::kInitiator);
  EXPECT_EQ(RunOne(Udp4(false), Prog::kTcEgress).role, Role::kReply);
}

TEST_F(BpfTest, UdpReverseOnAnotherDirectionOnlyCounts) {
  // The same direction twice is not an answer: both datagrams go to the
  // server, one of them on a different interface direction's entry.
  EXPECT_EQ(RunOne(Udp4(true), Prog::kTcIngress).role, Role::kInitiator);
  EXPECT_EQ(RunOne(Udp4(true), Prog::kTcEgress).role, Role::kInitiator);
}

TEST_F(BpfTest, RoleSurvivesIntoStatsAndFlowEnd) {
  datapath::DatapathOptions opts;
  opts.stats_interval = std::chrono::milliseconds(1);
  Reload(opts);
  Run(Udp4(true), Prog::kTcIngress);
  Run(Udp4(false), Prog::kTcEgress);
  usleep(5'000);
  const auto stats = RunOne(Udp4(false), Prog::kTcEgress);
  EXPECT_EQ(stats.reasons, FLOWS_REASON_STATS);
  EXPECT_EQ(stats.role, Role::kReply);

  datapath::BpfFlowTable table(dp_->flow_table_fd());
  datapath::FlowSweeper all(table, clock_, decoder_,
                            {std::chrono::nanoseconds(1), std::chrono::nanoseconds(1)});
  auto ended = all.Sweep();
  ASSERT_TRUE(ended.ok());
  ASSERT_EQ(ended->size(), 2u);
  for (const auto& f : *ended) {
    EXPECT_EQ(f.reasons, FLOWS_REASON_FLOW_END);
    EXPECT_EQ(f.role, f.src.ToString() == kClient ? Role::kInitiator : Role::kReply) << f.src.ToString();
  }
}

TEST_F(BpfTest, IcmpTypesDecide) {
  // Echo request / reply, v4 and v6, whatever was seen first.
  EXPECT_EQ(RunOne(PacketBuilder().Eth().Ipv4(kServer, kClient).Icmp(0, 0).Build(), Prog::kTcEgress).role,
            Role::kReply);
  EXPECT_EQ(RunOne(PacketBuilder().Eth().Ipv4(kClient, kServer).Icmp(8, 0).Build()).role, Role::kInitiator);
  EXPECT_EQ(RunOne(PacketBuilder().Eth().Ipv6("fd00::1", "fd00::2").Icmp(128, 0).Build()).role,
            Role::kInitiator);
  EXPECT_EQ(
      RunOne(PacketBuilder().Eth().Ipv6("fd00::2", "fd00::1").Icmp(129, 0).Build(), Prog::kTcEgress).role,
      Role::kReply);
  // Errors answer something: destination unreachable, v4 and v6.
  EXPECT_EQ(RunOne(PacketBuilder().Eth().Ipv4(kServer, kClient).Icmp(3, 3).Build()).role, Role::kReply);
  EXPECT_EQ(RunOne(PacketBuilder().Eth().Ipv6("fd00::2", "fd00::1").Icmp(1, 4).Build()).role, Role::kReply);
}

TEST_F(BpfTest, NodeNicPairsXdpIngressWithTcEgress) {
  // From the network (XDP) first, answered on tc egress.
  EXPECT_EQ(RunOne(Udp4(true), Prog::kXdp).role, Role::kInitiator);
  EXPECT_EQ(RunOne(Udp4(false), Prog::kTcEgress).role, Role::kReply);
  // To the network (tc egress) first, answered through XDP: the answer's
  // entry (an ACK, no SYN to go by) finds the opener under the other hook.
  EXPECT_EQ(RunOne(Tcp4(true, kSyn), Prog::kTcEgress).role, Role::kInitiator);
  EXPECT_EQ(RunOne(Tcp4(false, kAck), Prog::kXdp).role, Role::kReply);
}

TEST_F(BpfTest, Ipv6UdpConversation) {
  const auto req = PacketBuilder().Eth().Ipv6("fd00::1", "fd00::2").Udp(41000, 9053).Payload("x").Build();
  const auto rsp = PacketBuilder().Eth().Ipv6("fd00::2", "fd00::1").Udp(9053, 41000).Payload("y").Build();
  EXPECT_EQ(RunOne(req).role, Role::kInitiator);
  EXPECT_EQ(RunOne(rsp, Prog::kTcEgress).role, Role::kReply);
}

}  // namespace
}  // namespace flows::testing
