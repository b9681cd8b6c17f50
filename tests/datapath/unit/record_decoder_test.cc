// The decoder trusts nothing in a ring record: every size and version is
// checked before a field is used.
#include "flows/datapath/record_decoder.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>
#include <vector>

#include "../../support/fake_clock.h"
#include "flows/datapath/abi.h"

namespace flows::datapath {
namespace {

using testing::FakeClock;

std::vector<std::uint8_t> Record(const flows_record& r, std::string_view payload = {}) {
  std::vector<std::uint8_t> out(sizeof(r) + payload.size());
  std::memcpy(out.data(), &r, sizeof(r));
  if (!payload.empty()) std::memcpy(out.data() + sizeof(r), payload.data(), payload.size());
  return out;
}

flows_record TcpSyn() {
  flows_record r{};
  r.version = FLOWS_RECORD_VERSION;
  r.size = sizeof(r);
  r.reasons = FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN;
  r.tcp_flags = FLOWS_TCP_SYN;
  r.key.ifindex = 7;
  r.key.direction = FLOWS_DIR_EGRESS;
  r.key.ip_version = 4;
  r.key.l4_proto = IPPROTO_TCP;
  const std::uint8_t src[4] = {10, 244, 1, 5}, dst[4] = {10, 244, 2, 7};
  std::memcpy(r.key.saddr, src, 4);
  std::memcpy(r.key.daddr, dst, 4);
  r.key.sport = 41000;
  r.key.dport = 3550;
  r.ts_ns = 5'000'000'123;
  r.stats.first_seen_ns = 5'000'000'000;
  r.stats.last_seen_ns = 5'000'000'123;
  r.stats.packets = 1;
  r.stats.bytes = 74;
  r.pkt_len = 74;
  return r;
}

class DecoderTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  RecordDecoder decoder_{clock_};
};

TEST_F(DecoderTest, DecodesEveryField) {
  auto f = decoder_.Decode(Record(TcpSyn()));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_EQ(f->ifindex, 7u);
  EXPECT_EQ(f->direction, Direction::kEgress);
  EXPECT_EQ(f->src.ToString(), "10.244.1.5");
  EXPECT_EQ(f->dst.ToString(), "10.244.2.7");
  EXPECT_EQ(f->src_port, 41000);
  EXPECT_EQ(f->dst_port, 3550);
  EXPECT_EQ(f->reasons, FLOWS_REASON_NEW_FLOW | FLOWS_REASON_TCP_SYN);
  EXPECT_EQ(f->packets, 1u);
  EXPECT_EQ(f->bytes, 74u);
  EXPECT_EQ(f->time.time_since_epoch(),
            std::chrono::nanoseconds(5'000'000'123 + FakeClock::kWallMinusKernelNs));
  EXPECT_EQ(f->first_seen.time_since_epoch(),
            std::chrono::nanoseconds(5'000'000'000 + FakeClock::kWallMinusKernelNs));
}

TEST_F(DecoderTest, IcmpTypeAndCodeComeFromThePortFields) {
  auto r = TcpSyn();
  r.key.l4_proto = IPPROTO_ICMP;
  r.key.sport = 3;
  r.key.dport = 1;
  auto f = decoder_.Decode(Record(r));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->icmp_type, 3);
  EXPECT_EQ(f->icmp_code, 1);
  EXPECT_EQ(f->src_port, 0);
  EXPECT_EQ(f->dst_port, 0);
}

TEST_F(DecoderTest, RoleComesFromTheFlowTableEntry) {
  auto r = TcpSyn();
  EXPECT_EQ(decoder_.Decode(Record(r))->role, Role::kUnknown);
  r.stats.role = FLOWS_ROLE_INITIATOR;
  EXPECT_EQ(decoder_.Decode(Record(r))->role, Role::kInitiator);
  r.stats.role = FLOWS_ROLE_REPLY;
  EXPECT_EQ(decoder_.Decode(Record(r))->role, Role::kReply);
  r.stats.role = 77;  // newer than us: not a guess
  EXPECT_EQ(decoder_.Decode(Record(r))->role, Role::kUnknown);
  // Flow-end records come from the table entry itself.
  r.stats.role = FLOWS_ROLE_REPLY;
  EXPECT_EQ(decoder_.FromTableEntry(r.key, r.stats, FLOWS_REASON_FLOW_END).role, Role::kReply);
}

TEST_F(DecoderTest, LaterFragmentsClaimNoL4) {
  auto r = TcpSyn();
  r.key.l4_proto = IPPROTO_ICMP;
  r.key.sport = 0;  // what the kernel leaves in a later fragment's key
  r.key.dport = 0;
  r.key.flags = FLOWS_KEY_LATER_FRAGMENTS;
  r.packet_flags = FLOWS_PKT_FRAGMENT | FLOWS_PKT_LATER_FRAGMENT;
  auto f = decoder_.Decode(Record(r));
  ASSERT_TRUE(f.ok()) << f.error().message;
  EXPECT_TRUE(f->later_fragment);
  EXPECT_EQ(f->l4_proto, IPPROTO_ICMP);
  EXPECT_EQ(f->icmp_type, 0);
  EXPECT_TRUE(decoder_.FromTableEntry(r.key, r.stats, FLOWS_REASON_FLOW_END).later_fragment);
  r.key.flags = 0;
  EXPECT_FALSE(decoder_.Decode(Record(r))->later_fragment);
}

TEST_F(DecoderTest, RejectsShortRecords) {
  auto bytes = Record(TcpSyn());
  bytes.resize(100);
  auto f = decoder_.Decode(bytes);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("shorter"), std::string::npos);
  EXPECT_FALSE(decoder_.Decode({}).ok());
}

TEST_F(DecoderTest, RejectsOtherVersions) {
  auto r = TcpSyn();
  r.version = FLOWS_RECORD_VERSION + 1;
  auto f = decoder_.Decode(Record(r));
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("version"), std::string::npos);
}

TEST_F(DecoderTest, RejectsInconsistentSizes) {
  auto r = TcpSyn();
  r.l7_len = 10;  // but size still says no payload
  EXPECT_FALSE(decoder_.Decode(Record(r, "0123456789")).ok());
  r.size = sizeof(r) + 10;
  EXPECT_TRUE(decoder_.Decode(Record(r, "0123456789")).ok());
  EXPECT_FALSE(decoder_.Decode(Record(r, "01234")).ok()) << "payload shorter than declared";
  r.l7_len = FLOWS_L7_WINDOW + 1;
  r.size = sizeof(r) + r.l7_len;
  EXPECT_FALSE(decoder_.Decode(Record(r, std::string(FLOWS_L7_WINDOW + 1, 'x'))).ok());
}

TEST_F(DecoderTest, RejectsUnknownIpVersion) {
  auto r = TcpSyn();
  r.key.ip_version = 5;
  EXPECT_FALSE(decoder_.Decode(Record(r)).ok());
}

TEST_F(DecoderTest, ParsesHttpPayload) {
  auto r = TcpSyn();
  constexpr std::string_view kReq = "GET /products HTTP/1.1\r\nHost: productcatalog:3550\r\n\r\n";
  r.l7_kind = FLOWS_L7_HTTP;
  r.l7_len = kReq.size();
  r.size = sizeof(r) + kReq.size();
  auto f = decoder_.Decode(Record(r, kReq));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->http.has_value());
  EXPECT_EQ(f->http->url, "/products");
  EXPECT_TRUE(f->l7_error.empty());
}

TEST_F(DecoderTest, BadL7KeepsTheFlowAndSaysWhy) {
  auto r = TcpSyn();
  constexpr std::string_view kJunk = "GET junk without line end";
  r.l7_kind = FLOWS_L7_HTTP;
  r.l7_len = kJunk.size();
  r.size = sizeof(r) + kJunk.size();
  auto f = decoder_.Decode(Record(r, kJunk));
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->http.has_value());
  EXPECT_FALSE(f->l7_error.empty());
}

}  // namespace
TEST(IpAddress, TextFormMatchesInetNtop) {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "10.0.0.1", "192.168.100.200", "1.22.133.4"}) {
    IpAddress a;
    a.version = 4;
    ASSERT_EQ(inet_pton(AF_INET, text, a.bytes.data()), 1);
    EXPECT_EQ(a.ToString(), text);
  }
  for (const char* text : {"::", "fd00::1", "2001:db8::ff00:42:8329", "::ffff:10.0.0.1"}) {
    IpAddress a;
    a.version = 6;
    ASSERT_EQ(inet_pton(AF_INET6, text, a.bytes.data()), 1);
    EXPECT_EQ(a.ToString(), text);
  }
}

}  // namespace flows::datapath
