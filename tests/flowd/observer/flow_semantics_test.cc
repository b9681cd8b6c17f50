// What every field means to a Hubble user, record by record: is_reply and
// traffic_direction agree for every record of a conversation (not only the
// SYN and the L7 ones), trace_observation_point and trace_reason are filled
// like Cilium's, later IP fragments claim no L4, and the count-once rule
// marks one sighting of each exchange as primary.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <map>

#include "flow_record.h"
#include "flows/flowd/observer/flow_converter.h"
#include "node_fakes.h"

namespace flows::flowd {
namespace {

using datapath::Direction;
using datapath::Role;
using namespace std::chrono_literals;

using testing_fakes::Interfaces;
using testing_fakes::V4;

constexpr const char* kClient = "10.244.1.10";
constexpr const char* kServer = "10.244.1.20";

// A record as the kernel sends it: `to_server` picks the packet's
// direction; `dir` the hook's (veth: ingress = the pod sent it).
datapath::Flow Record(std::uint8_t proto, bool to_server, std::uint32_t ifindex, Direction dir, Role role,
                      datapath::Reasons reasons) {
  datapath::Flow f;
  f.time = std::chrono::system_clock::time_point(1'700'000'000s);
  f.first_seen = f.last_seen = f.time;
  f.ifindex = ifindex;
  f.direction = dir;
  f.src = V4(to_server ? kClient : kServer);
  f.dst = V4(to_server ? kServer : kClient);
  f.l4_proto = proto;
  if (proto == IPPROTO_ICMP) {
    f.icmp_type = to_server ? 8 : 0;
  } else {
    f.src_port = to_server ? 40000 : 8080;
    f.dst_port = to_server ? 8080 : 40000;
  }
  f.role = role;
  f.reasons = reasons;
  f.packets = 1;
  return f;
}

class SemanticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    flow::Endpoint client;
    client.set_namespace_("demo");
    client.set_pod_name("client-0");
    resolver_.endpoints[kClient] = client;
    resolver_.local_pods.insert(kClient);
    flow::Endpoint server;
    server.set_namespace_("demo");
    server.set_pod_name("server-0");
    resolver_.endpoints[kServer] = server;
    resolver_.local_pods.insert(kServer);
  }
  flow::Flow Convert(const datapath::Flow& f, FlowFacts* facts = nullptr) {
    flow::Flow out;
    converter_.Convert(f, &out, nullptr, facts);
    return out;
  }

  testing_fakes::MapResolver resolver_;
  Interfaces interfaces_;
  DnsCache dns_;
  FlowConverter converter_{"node-1", resolver_, interfaces_, dns_};
};

// Every record kind the kernel or the sweeper sends for an entry.
const datapath::Reasons kEveryReason[] = {
    FLOWS_REASON_NEW_FLOW, FLOWS_REASON_STATS,    FLOWS_REASON_TCP_FIN,
    FLOWS_REASON_TCP_RST,  FLOWS_REASON_FLOW_END, FLOWS_REASON_PACKET,
};

TEST_F(SemanticsTest, EveryRecordOfTheReplySideIsAReplyInTheRequestsDirection) {
  for (const std::uint8_t proto : {IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP}) {
    for (const auto reasons : kEveryReason) {
      // The client's veth: its requests arrive on ingress, replies leave on egress.
      const auto req = Convert(Record(proto, true, 7, Direction::kIngress, Role::kInitiator, reasons));
      const auto rsp = Convert(Record(proto, false, 7, Direction::kEgress, Role::kReply, reasons));
      SCOPED_TRACE(testing::Message() << "proto " << int(proto) << " reasons " << reasons);
      ASSERT_TRUE(req.has_is_reply());
      ASSERT_TRUE(rsp.has_is_reply());
      EXPECT_FALSE(req.is_reply().value());
      EXPECT_TRUE(rsp.is_reply().value());
      EXPECT_EQ(req.traffic_direction(), flow::EGRESS);
      EXPECT_EQ(rsp.traffic_direction(), flow::EGRESS);
      // The server's veth: the same conversation is an ingress one there.
      const auto sreq = Convert(Record(proto, true, 9, Direction::kEgress, Role::kInitiator, reasons));
      const auto srsp = Convert(Record(proto, false, 9, Direction::kIngress, Role::kReply, reasons));
      EXPECT_EQ(sreq.traffic_direction(), flow::INGRESS);
      EXPECT_EQ(srsp.traffic_direction(), flow::INGRESS);
    }
  }
}

TEST_F(SemanticsTest, UnknownRoleLeavesIsReplyUnset) {
  const auto f =
      Convert(Record(IPPROTO_UDP, false, 7, Direction::kEgress, Role::kUnknown, FLOWS_REASON_STATS));
  EXPECT_FALSE(f.has_is_reply());
  EXPECT_EQ(f.trace_reason(), flow::TRACE_REASON_UNKNOWN);
}

TEST_F(SemanticsTest, AnL7MessageSaysItsOwnDirection) {
  // The entry was picked up mid-connection with the server's packet first,
  // so the kernel thinks the server opened it; the HTTP response knows better.
  auto f = Record(IPPROTO_TCP, false, 7, Direction::kEgress, Role::kInitiator, FLOWS_REASON_L7);
  f.http = datapath::HttpMessage{true, "", "", "", "HTTP/1.1", 200};
  EXPECT_TRUE(Convert(f).is_reply().value());
}

TEST_F(SemanticsTest, TraceObservationPointOnEveryFlowIncludingL7) {
  auto point = [this](std::uint32_t ifindex, Direction dir) {
    return Convert(Record(IPPROTO_UDP, true, ifindex, dir, Role::kInitiator, 1)).trace_observation_point();
  };
  EXPECT_EQ(point(7, Direction::kIngress), flow::FROM_ENDPOINT);
  EXPECT_EQ(point(7, Direction::kEgress), flow::TO_ENDPOINT);
  EXPECT_EQ(point(2, Direction::kIngress), flow::FROM_NETWORK);
  EXPECT_EQ(point(2, Direction::kEgress), flow::TO_NETWORK);
  auto l7 = Record(IPPROTO_TCP, true, 9, Direction::kEgress, Role::kInitiator, FLOWS_REASON_L7);
  l7.http = datapath::HttpMessage{false, "GET", "/", "server", "HTTP/1.1", 0};
  const auto out = Convert(l7);
  EXPECT_EQ(out.type(), flow::L7);
  EXPECT_EQ(out.trace_observation_point(), flow::TO_ENDPOINT);
}

TEST_F(SemanticsTest, TraceReasonNewEstablishedReply) {
  auto syn = Record(IPPROTO_TCP, true, 7, Direction::kIngress, Role::kInitiator,
                    FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN);
  EXPECT_EQ(Convert(syn).trace_reason(), flow::NEW);
  EXPECT_EQ(Convert(Record(IPPROTO_TCP, true, 7, Direction::kIngress, Role::kInitiator, FLOWS_REASON_STATS))
                .trace_reason(),
            flow::ESTABLISHED);
  EXPECT_EQ(Convert(Record(IPPROTO_TCP, false, 7, Direction::kEgress, Role::kReply,
                           FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYNACK))
                .trace_reason(),
            flow::REPLY);
}

TEST_F(SemanticsTest, LaterFragmentHasNoLayer4) {
  auto f = Record(IPPROTO_ICMP, true, 7, Direction::kIngress, Role::kUnknown, FLOWS_REASON_NEW_FLOW);
  f.icmp_type = 0;  // what a later fragment's zeroed key decodes to
  f.later_fragment = true;
  f.packet_flags = FLOWS_PKT_FRAGMENT | FLOWS_PKT_LATER_FRAGMENT;
  const auto out = Convert(f);
  EXPECT_FALSE(out.has_l4()) << out.l4().DebugString();
  EXPECT_EQ(out.ip().source(), kClient);
  EXPECT_EQ(out.type(), flow::L3_L4);
}

// The count-once rule from graph/count_once.h, seen on the flow.
TEST_F(SemanticsTest, PrimaryIsTheClientsVethForAKnownClient) {
  FlowFacts facts;
  const auto client_veth =
      Convert(Record(IPPROTO_TCP, true, 7, Direction::kIngress, Role::kInitiator, 1), &facts);
  EXPECT_EQ(client_veth.vantage(), flow::CLIENT_SIDE);
  EXPECT_TRUE(client_veth.primary());
  EXPECT_EQ(facts.vantage, graph::Vantage::kClient);
  EXPECT_TRUE(facts.client_observed);
  // The reply at the client's veth is the same exchange, same side.
  const auto reply = Convert(Record(IPPROTO_TCP, false, 7, Direction::kEgress, Role::kReply, 1));
  EXPECT_EQ(reply.vantage(), flow::CLIENT_SIDE);
  EXPECT_TRUE(reply.primary());
  // The server's veth and the NIC see it again: not primary.
  const auto server_veth = Convert(Record(IPPROTO_TCP, true, 9, Direction::kEgress, Role::kInitiator, 1));
  EXPECT_EQ(server_veth.vantage(), flow::SERVER_SIDE);
  EXPECT_FALSE(server_veth.primary());
  const auto nic = Convert(Record(IPPROTO_TCP, true, 2, Direction::kEgress, Role::kInitiator, 1));
  EXPECT_EQ(nic.vantage(), flow::TRANSIT);
  EXPECT_FALSE(nic.primary());
}

TEST_F(SemanticsTest, PrimaryIsTheServersVethForAnUnknownClient) {
  resolver_.endpoints.erase(kClient);  // world or host
  resolver_.local_pods.erase(kClient);
  const auto server_veth = Convert(Record(IPPROTO_TCP, true, 9, Direction::kEgress, Role::kInitiator, 1));
  EXPECT_EQ(server_veth.vantage(), flow::SERVER_SIDE);
  EXPECT_TRUE(server_veth.primary());
  auto l7 = Record(IPPROTO_TCP, false, 9, Direction::kIngress, Role::kReply, FLOWS_REASON_L7);
  l7.http = datapath::HttpMessage{true, "", "", "", "HTTP/1.1", 200};
  const auto rsp = Convert(l7);
  EXPECT_EQ(rsp.vantage(), flow::SERVER_SIDE);
  EXPECT_TRUE(rsp.primary());
}

}  // namespace
}  // namespace flows::flowd
