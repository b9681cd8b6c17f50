// HTTP and DNS: the kernel detects them (HTTP by content, on any port; DNS
// by configured port) and carries a bounded payload window; user space
// parses it. Each case checks the decoded flow.
#include <netinet/in.h>

#include "bpf_fixture.h"
#include "dns_builder.h"

namespace flows::testing {
namespace {

constexpr std::string_view kGet =
    "GET /products/OLJCESPC7Z?currency=EUR HTTP/1.1\r\n"
    "Host: productcatalog:3550\r\n"
    "User-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\n\r\n";

std::vector<std::uint8_t> TcpWith(std::string_view payload, std::uint16_t sport = 41000,
                                  std::uint16_t dport = 3550) {
  return PacketBuilder()
      .Eth()
      .Ipv4("10.244.1.5", "10.244.2.7")
      .Tcp(sport, dport, kAck | kPsh)
      .Payload(payload)
      .Build();
}

TEST_F(BpfTest, HttpRequestOnAnyPortIsDetectedByContent) {
  const auto f = RunOne(TcpWith(kGet));
  EXPECT_EQ(f.reasons, FLOWS_REASON_NEW_FLOW | FLOWS_REASON_L7);
  ASSERT_TRUE(f.http.has_value()) << f.l7_error;
  EXPECT_FALSE(f.http->response);
  EXPECT_EQ(f.http->method, "GET");
  EXPECT_EQ(f.http->url, "/products/OLJCESPC7Z?currency=EUR");
  EXPECT_EQ(f.http->host, "productcatalog:3550");
  EXPECT_EQ(f.http->version, "HTTP/1.1");
  EXPECT_FALSE(f.dns.has_value());
  // The next request on the same connection is another L7 record.
  const auto again = RunOne(TcpWith("POST /cart HTTP/1.1\r\nHost: cart\r\nContent-Length: 0\r\n\r\n"));
  EXPECT_EQ(again.reasons, FLOWS_REASON_L7);
  ASSERT_TRUE(again.http.has_value());
  EXPECT_EQ(again.http->method, "POST");
  EXPECT_EQ(again.packets, 2u);
}

TEST_F(BpfTest, HttpResponseStatus) {
  const auto f = RunOne(TcpWith("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 8080, 41000));
  ASSERT_TRUE(f.http.has_value()) << f.l7_error;
  EXPECT_TRUE(f.http->response);
  EXPECT_EQ(f.http->status, 404);
  EXPECT_EQ(f.http->version, "HTTP/1.1");
  const auto ok = RunOne(TcpWith("HTTP/1.0 500 Internal Server Error\r\n\r\n", 80, 41001));
  ASSERT_TRUE(ok.http.has_value());
  EXPECT_EQ(ok.http->status, 500);
}

TEST_F(BpfTest, HttpWithoutCrlfIsReportedAsAnL7Error) {
  const auto f = RunOne(TcpWith("GET /no-line-end HTTP/1.1"));
  EXPECT_TRUE(f.reasons & FLOWS_REASON_L7);
  EXPECT_FALSE(f.http.has_value());
  EXPECT_FALSE(f.l7_error.empty());
}

TEST_F(BpfTest, OtherTcpPayloadIsNotL7) {
  const auto f = RunOne(TcpWith("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS client hello"));
  EXPECT_EQ(f.reasons, FLOWS_REASON_NEW_FLOW);
  EXPECT_FALSE(f.http.has_value());
  EXPECT_TRUE(Run(TcpWith("GETX / HTTP/1.1\r\n\r\n")).empty());
}

TEST_F(BpfTest, PayloadPastTheWindowIsTruncatedAndCounted) {
  std::string big = "GET /" + std::string(900, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
  const auto f = RunOne(TcpWith(big));
  EXPECT_TRUE(f.packet_flags & FLOWS_PKT_L7_TRUNCATED);
  EXPECT_EQ(Delta(FLOWS_CNT_L7_TRUNCATED), 1u);
  EXPECT_FALSE(f.http.has_value()) << "the request line does not end inside the window";
  EXPECT_FALSE(f.l7_error.empty());
}

TEST_F(BpfTest, DnsQueryOverUdp) {
  const auto msg = DnsMessageBytes(0x1234, 0x0100, "productcatalog.demo-app.svc.cluster.local", 1);
  const auto f =
      RunOne(PacketBuilder().Eth().Ipv4("10.244.1.5", "10.96.0.10").Udp(33333, 53).Payload(msg).Build());
  EXPECT_EQ(f.reasons, FLOWS_REASON_NEW_FLOW | FLOWS_REASON_L7);
  ASSERT_TRUE(f.dns.has_value()) << f.l7_error;
  EXPECT_EQ(f.dns->id, 0x1234);
  EXPECT_FALSE(f.dns->response);
  EXPECT_EQ(f.dns->query, "productcatalog.demo-app.svc.cluster.local.");
  EXPECT_EQ(f.dns->qtype, 1);
}

TEST_F(BpfTest, DnsResponseWithAnswers) {
  const auto msg = DnsMessageBytes(0x1234, 0x8180, "productcatalog.demo-app.svc.cluster.local", 1,
                                   {{1, 30, {10, 96, 12, 34}}, {1, 30, {10, 96, 12, 35}}});
  const auto f =
      RunOne(PacketBuilder().Eth().Ipv4("10.96.0.10", "10.244.1.5").Udp(53, 33333).Payload(msg).Build());
  ASSERT_TRUE(f.dns.has_value()) << f.l7_error;
  EXPECT_TRUE(f.dns->response);
  EXPECT_EQ(f.dns->rcode, 0);
  ASSERT_EQ(f.dns->answers.size(), 2u);
  EXPECT_EQ(f.dns->answers[0].name, "productcatalog.demo-app.svc.cluster.local.");
  EXPECT_EQ(f.dns->answers[0].type, 1);
  EXPECT_EQ(f.dns->answers[0].ttl, 30u);
  EXPECT_EQ(f.dns->answers[0].data, "10.96.12.34");
  EXPECT_EQ(f.dns->answers[1].data, "10.96.12.35");
}

TEST_F(BpfTest, DnsNxdomainAndAaaaOverIpv6) {
  const auto nx = DnsMessageBytes(7, 0x8183, "nope.demo-app.svc.cluster.local", 1);
  const auto f = RunOne(PacketBuilder().Eth().Ipv6("fd00::a", "fd00::5").Udp(53, 40000).Payload(nx).Build());
  ASSERT_TRUE(f.dns.has_value()) << f.l7_error;
  EXPECT_EQ(f.dns->rcode, 3);
  EXPECT_TRUE(f.dns->answers.empty());

  std::vector<std::uint8_t> v6(16, 0);
  v6[0] = 0xfd;
  v6[15] = 0x42;
  const auto aaaa = DnsMessageBytes(8, 0x8180, "api.example", 28, {{28, 300, v6}});
  const auto g =
      RunOne(PacketBuilder().Eth().Ipv6("fd00::a", "fd00::5").Udp(53, 40001).Payload(aaaa).Build());
  ASSERT_TRUE(g.dns.has_value()) << g.l7_error;
  ASSERT_EQ(g.dns->answers.size(), 1u);
  EXPECT_EQ(g.dns->answers[0].data, "fd00::42");
}

TEST_F(BpfTest, DnsOverTcpSkipsTheLengthPrefix) {
  const auto msg =
      WithTcpLength(DnsMessageBytes(99, 0x8180, "big.example", 5, {{5, 60, EncodedName("alias.example")}}));
  const auto f = RunOne(
      PacketBuilder().Eth().Ipv4("10.0.0.53", "10.0.0.9").Tcp(53, 45000, kAck | kPsh).Payload(msg).Build());
  ASSERT_TRUE(f.dns.has_value()) << f.l7_error;
  EXPECT_EQ(f.dns->id, 99);
  ASSERT_EQ(f.dns->answers.size(), 1u);
  EXPECT_EQ(f.dns->answers[0].type, 5);
  EXPECT_EQ(f.dns->answers[0].data, "alias.example.");
}

TEST_F(BpfTest, DnsCompressionLoopIsAnL7ErrorNotAHang) {
  // Header, then a question name that is a pointer to itself (offset 12).
  std::vector<std::uint8_t> loop = {0, 1, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1};
  const auto f =
      RunOne(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.53").Udp(4000, 53).Payload(loop).Build());
  EXPECT_TRUE(f.reasons & FLOWS_REASON_L7);
  EXPECT_FALSE(f.dns.has_value());
  EXPECT_FALSE(f.l7_error.empty());
}

TEST_F(BpfTest, DnsOverlongLabelIsAnL7Error) {
  std::vector<std::uint8_t> m = {0, 2, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 64};
  m.insert(m.end(), 64, 'a');
  m.insert(m.end(), {0, 0, 1, 0, 1});
  const auto f = RunOne(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.53").Udp(4001, 53).Payload(m).Build());
  EXPECT_FALSE(f.dns.has_value());
  EXPECT_FALSE(f.l7_error.empty());
}

TEST_F(BpfTest, DnsPortsAreConfigurable) {
  datapath::DatapathOptions opts;
  opts.dns_ports = {5353};
  Reload(opts);
  const auto msg = DnsMessageBytes(1, 0x0100, "printer.local", 1);
  const auto mdns =
      RunOne(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2").Udp(5353, 5353).Payload(msg).Build());
  ASSERT_TRUE(mdns.dns.has_value()) << mdns.l7_error;
  EXPECT_EQ(mdns.dns->query, "printer.local.");
  const auto p53 =
      RunOne(PacketBuilder().Eth().Ipv4("10.0.0.1", "10.0.0.2").Udp(4000, 53).Payload(msg).Build());
  EXPECT_FALSE(p53.dns.has_value()) << "53 is not a DNS port in this configuration";
  EXPECT_EQ(p53.reasons, FLOWS_REASON_NEW_FLOW);
}

}  // namespace
}  // namespace flows::testing
