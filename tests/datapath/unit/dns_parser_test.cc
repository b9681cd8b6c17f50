#include "flows/datapath/dns_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace flows::datapath {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Domain Name System (query)
//     Transaction ID: 0x1a2b
//     Flags: 0x0100 Standard query
//         0... .... .... .... = Response: Message is a query
//         .000 0... .... .... = Opcode: Standard query (0)
//         .... ...1 .... .... = Recursion desired: Do query recursively
//     Questions: 1, Answer RRs: 0, Authority RRs: 0, Additional RRs: 0
//     Queries
//         productcatalog.demo-app.svc.cluster.local: type A, class IN
constexpr std::uint8_t kQueryA[] = {
    0x1a, 0x2b, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    // 0x000c name
    0x0e, 'p', 'r', 'o', 'd', 'u', 'c', 't', 'c', 'a', 't', 'a', 'l', 'o', 'g', 0x08, 'd', 'e', 'm', 'o', '-',
    'a', 'p', 'p', 0x03, 's', 'v', 'c', 0x07, 'c', 'l', 'u', 's', 't', 'e', 'r', 0x05, 'l', 'o', 'c', 'a',
    'l', 0x00, 0x00, 0x01,  // type A
    0x00, 0x01,             // class IN
};

// Domain Name System (response)
//     Transaction ID: 0xbeef
//     Flags: 0x8180 Standard query response, No error
//         1... .... .... .... = Response: Message is a response
//         .... ...1 .... .... = Recursion desired
//         .... .... 1... .... = Recursion available
//         .... .... .... 0000 = Reply code: No error (0)
//     Questions: 1, Answer RRs: 3, Authority RRs: 0, Additional RRs: 0
//     Queries
//         db.demo-app.svc.cluster.local: type A, class IN                  @0x000c
//     Answers
//         db.demo-app.svc.cluster.local: type CNAME, class IN, ttl 300,
//             cname db-primary.demo-app.svc.cluster.local                  @0x002f
//         db-primary.demo-app.svc.cluster.local: type A, class IN, ttl 60,
//             addr 192.0.2.10                                              @0x0048
//         db-primary.demo-app.svc.cluster.local: type A, class IN, ttl 60,
//             addr 192.0.2.11                                              @0x0058
constexpr std::uint8_t kCnameResponse[] = {
    0xbe,
    0xef,
    0x81,
    0x80,
    0x00,
    0x01,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x00,
    // 0x000c question name; "demo-app" starts at 0x000f
    0x02,
    'd',
    'b',
    0x08,
    'd',
    'e',
    'm',
    'o',
    '-',
    'a',
    'p',
    'p',
    0x03,
    's',
    'v',
    'c',
    0x07,
    'c',
    'l',
    'u',
    's',
    't',
    'e',
    'r',
    0x05,
    'l',
    'o',
    'c',
    'a',
    'l',
    0x00,
    0x00,
    0x01,
    0x00,
    0x01,  // type A, class IN
    // 0x002f answer 1: name -> 0x000c, CNAME, IN, ttl 300, rdlength 13
    0xc0,
    0x0c,
    0x00,
    0x05,
    0x00,
    0x01,
    0x00,
    0x00,
    0x01,
    0x2c,
    0x00,
    0x0d,
    // 0x003b rdata: "db-primary" then -> 0x000f
    0x0a,
    'd',
    'b',
    '-',
    'p',
    'r',
    'i',
    'm',
    'a',
    'r',
    'y',
    0xc0,
    0x0f,
    // 0x0048 answer 2: name -> 0x003b, A, IN, ttl 60, rdlength 4, 192.0.2.10
    0xc0,
    0x3b,
    0x00,
    0x01,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x3c,
    0x00,
    0x04,
    0xc0,
    0x00,
    0x02,
    0x0a,
    // 0x0058 answer 3: name -> 0x003b, A, IN, ttl 60, rdlength 4, 192.0.2.11
    0xc0,
    0x3b,
    0x00,
    0x01,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x3c,
    0x00,
    0x04,
    0xc0,
    0x00,
    0x02,
    0x0b,
};
static_assert(sizeof(kCnameResponse) == 0x68);

// Domain Name System (response)
//     Transaction ID: 0x4c1d
//     Flags: 0x8580 Standard query response, No error
//         1... .... .... .... = Response
//         .... .1.. .... .... = Authoritative
//         .... ...1 .... .... = Recursion desired
//         .... .... 1... .... = Recursion available
//     Questions: 1, Answer RRs: 1, Authority RRs: 0, Additional RRs: 0
//     Queries
//         productcatalog.demo-app.svc.cluster.local: type AAAA, class IN
//     Answers
//         productcatalog.demo-app.svc.cluster.local: type AAAA, class IN, ttl 5,
//             addr fd00:10:96::1a2b
constexpr std::uint8_t kAaaaResponse[] = {
    0x4c,
    0x1d,
    0x85,
    0x80,
    0x00,
    0x01,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x00,
    // 0x000c question name
    0x0e,
    'p',
    'r',
    'o',
    'd',
    'u',
    'c',
    't',
    'c',
    'a',
    't',
    'a',
    'l',
    'o',
    'g',
    0x08,
    'd',
    'e',
    'm',
    'o',
    '-',
    'a',
    'p',
    'p',
    0x03,
    's',
    'v',
    'c',
    0x07,
    'c',
    'l',
    'u',
    's',
    't',
    'e',
    'r',
    0x05,
    'l',
    'o',
    'c',
    'a',
    'l',
    0x00,
    0x00,
    0x1c,
    0x00,
    0x01,  // type AAAA, class IN
    // 0x003b answer: name -> 0x000c, AAAA, IN, ttl 5, rdlength 16
    0xc0,
    0x0c,
    0x00,
    0x1c,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    0x05,
    0x00,
    0x10,
    0xfd,
    0x00,
    0x00,
    0x10,
    0x00,
    0x96,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x1a,
    0x2b,
};

// Domain Name System (response)
//     Transaction ID: 0x77e1
//     Flags: 0x8583 Standard query response, No such name
//         1... .... .... .... = Response
//         .... .1.. .... .... = Authoritative
//         .... ...1 .... .... = Recursion desired
//         .... .... 1... .... = Recursion available
//         .... .... .... 0011 = Reply code: No such name (3)
//     Questions: 1, Answer RRs: 0, Authority RRs: 1, Additional RRs: 0
//     Queries
//         nosuch.demo-app.svc.cluster.local: type A, class IN           @0x000c
//     Authoritative nameservers
//         cluster.local: type SOA, class IN, ttl 30,
//             mname ns.dns.cluster.local, rname hostmaster.cluster.local @0x0033
constexpr std::uint8_t kNxdomainResponse[] = {
    0x77, 0xe1, 0x85, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    // 0x000c question name; "cluster" starts at 0x0020
    0x06, 'n', 'o', 's', 'u', 'c', 'h', 0x08, 'd', 'e', 'm', 'o', '-', 'a', 'p', 'p', 0x03, 's', 'v', 'c',
    0x07, 'c', 'l', 'u', 's', 't', 'e', 'r', 0x05, 'l', 'o', 'c', 'a', 'l', 0x00, 0x00, 0x01, 0x00,
    0x01,  // type A, class IN
    // 0x0033 authority: name -> 0x0020, SOA, IN, ttl 30, rdlength 42
    0xc0, 0x20, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1e, 0x00, 0x2a, 0x02, 'n', 's', 0x03, 'd', 'n',
    's', 0xc0, 0x20, 0x0a, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r', 0xc0, 0x20, 0x65, 0x53, 0xf1,
    0x00,                    // serial
    0x00, 0x00, 0x1c, 0x20,  // refresh 7200
    0x00, 0x00, 0x07, 0x08,  // retry 1800
    0x00, 0x01, 0x51, 0x80,  // expire 86400
    0x00, 0x00, 0x00, 0x1e,  // minimum 30
};

// A header (id 0x1234, flags 0x0100) with the given counts, for the cases
// whose point is the bytes that follow it.
Bytes Header(std::uint8_t qdcount, std::uint8_t ancount) {
  return {0x12, 0x34, 0x01, 0x00, 0x00, qdcount, 0x00, ancount, 0x00, 0x00, 0x00, 0x00};
}

Bytes With(Bytes b, std::initializer_list<std::uint8_t> more) {
  b.insert(b.end(), more);
  return b;
}

// A question whose name is the given label lengths, each label of 'a's.
Bytes QuestionOfLabels(std::initializer_list<std::size_t> lengths) {
  Bytes b = Header(1, 0);
  for (std::size_t len : lengths) {
    b.push_back(static_cast<std::uint8_t>(len));
    b.insert(b.end(), len, 'a');
  }
  return With(b, {0x00, 0x00, 0x01, 0x00, 0x01});
}

std::string ErrorOf(const Result<DnsMessage>& r) {
  return r.ok() ? "<ok>" : r.error().message;
}

void ExpectAnswer(const DnsAnswer& a, const std::string& name, std::uint16_t type, std::uint32_t ttl,
                  const std::string& data) {
  EXPECT_EQ(a.name, name);
  EXPECT_EQ(a.type, type);
  EXPECT_EQ(a.ttl, ttl);
  EXPECT_EQ(a.data, data);
}

TEST(DnsParser, Query) {
  auto r = ParseDns(kQueryA);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, 0x1a2b);
  EXPECT_FALSE(r->response);
  EXPECT_EQ(r->flags, 0x0100);
  EXPECT_EQ(r->opcode, 0);
  EXPECT_EQ(r->rcode, 0);
  EXPECT_EQ(r->query, "productcatalog.demo-app.svc.cluster.local.");
  EXPECT_EQ(r->qtype, 1);
  EXPECT_TRUE(r->answers.empty());
  EXPECT_FALSE(r->truncated);
}

TEST(DnsParser, CnameAndTwoARecordsWithCompression) {
  auto r = ParseDns(kCnameResponse);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, 0xbeef);
  EXPECT_TRUE(r->response);
  EXPECT_EQ(r->flags, 0x8180);
  EXPECT_EQ(r->rcode, 0);
  EXPECT_EQ(r->query, "db.demo-app.svc.cluster.local.");
  EXPECT_EQ(r->qtype, 1);
  EXPECT_FALSE(r->truncated);
  ASSERT_EQ(r->answers.size(), 3u);
  ExpectAnswer(r->answers[0], "db.demo-app.svc.cluster.local.", 5, 300,
               "db-primary.demo-app.svc.cluster.local.");
  ExpectAnswer(r->answers[1], "db-primary.demo-app.svc.cluster.local.", 1, 60, "192.0.2.10");
  ExpectAnswer(r->answers[2], "db-primary.demo-app.svc.cluster.local.", 1, 60, "192.0.2.11");
}

TEST(DnsParser, Aaaa) {
  auto r = ParseDns(kAaaaResponse);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, 0x4c1d);
  EXPECT_EQ(r->flags, 0x8580);
  EXPECT_EQ(r->qtype, 28);
  ASSERT_EQ(r->answers.size(), 1u);
  ExpectAnswer(r->answers[0], "productcatalog.demo-app.svc.cluster.local.", 28, 5, "fd00:10:96::1a2b");
}

TEST(DnsParser, NxdomainIgnoresAuthority) {
  auto r = ParseDns(kNxdomainResponse);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->id, 0x77e1);
  EXPECT_TRUE(r->response);
  EXPECT_EQ(r->flags, 0x8583);
  EXPECT_EQ(r->opcode, 0);
  EXPECT_EQ(r->rcode, 3);
  EXPECT_EQ(r->query, "nosuch.demo-app.svc.cluster.local.");
  EXPECT_TRUE(r->answers.empty());
  EXPECT_FALSE(r->truncated);
}

TEST(DnsParser, OpcodeFromFlags) {
  // Flags 0x2800: opcode 5 (UPDATE).
  auto r = ParseDns(Bytes{0x00, 0x01, 0x28, 0x00, 0, 0, 0, 0, 0, 0, 0, 0});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->opcode, 5);
  EXPECT_FALSE(r->response);
}

TEST(DnsParser, AnswerSectionCutByWindowKeepsWholeAnswers) {
  const std::span<const std::uint8_t> full(kCnameResponse);
  auto r = ParseDns(full.first(0x5f));  // inside answer 3's fixed fields
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->query, "db.demo-app.svc.cluster.local.");
  ASSERT_EQ(r->answers.size(), 2u);
  ExpectAnswer(r->answers[1], "db-primary.demo-app.svc.cluster.local.", 1, 60, "192.0.2.10");

  for (std::size_t cut : {0x2f, 0x30, 0x3a, 0x40, 0x47}) {  // no whole answer
    SCOPED_TRACE(cut);
    auto c = ParseDns(full.first(cut));
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_TRUE(c->truncated);
    EXPECT_TRUE(c->answers.empty());
  }
}

TEST(DnsParser, QuestionCutIsAnError) {
  const std::span<const std::uint8_t> full(kCnameResponse);
  EXPECT_EQ(ErrorOf(ParseDns(full.first(12))), "dns: question truncated");
  EXPECT_EQ(ErrorOf(ParseDns(full.first(0x28))), "dns: question truncated");
  EXPECT_EQ(ErrorOf(ParseDns(full.first(0x2d))), "dns: question truncated");  // half QCLASS
}

TEST(DnsParser, ShortHeader) {
  EXPECT_EQ(ErrorOf(ParseDns(std::span(kQueryA).first(11))), "dns: header truncated (11 of 12 bytes)");
  EXPECT_EQ(ErrorOf(ParseDns({})), "dns: header truncated (0 of 12 bytes)");
}

TEST(DnsParser, NoQuestion) {
  auto r = ParseDns(Header(0, 0));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->query, "");
  EXPECT_EQ(r->qtype, 0);
  EXPECT_TRUE(r->answers.empty());
}

TEST(DnsParser, RootName) {
  // Priming query: <Root>: type NS, class IN.
  auto r = ParseDns(With(Header(1, 0), {0x00, 0x00, 0x02, 0x00, 0x01}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->query, ".");
  EXPECT_EQ(r->qtype, 2);
}

TEST(DnsParser, UnprintableLabelBytesAreEscaped) {
  // One label: 'a' NUL SP '.' '\' 0xff.
  auto r =
      ParseDns(With(Header(1, 0), {0x06, 'a', 0x00, ' ', '.', '\\', 0xff, 0x00, 0x00, 0x01, 0x00, 0x01}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->query, "a\\000\\032\\.\\\\\\255.");
}

TEST(DnsParser, SelfPointer) {
  // 0x000c: pointer -> 0x000c
  EXPECT_EQ(ErrorOf(ParseDns(With(Header(1, 0), {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01}))),
            "dns: question name: compression pointer does not point backwards");
}

TEST(DnsParser, PointerLoopThroughALabel) {
  // 0x000c: "a", then pointer -> 0x000c: each hop goes back, yet it cycles.
  EXPECT_EQ(ErrorOf(ParseDns(With(Header(1, 0), {0x01, 'a', 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01}))),
            "dns: question name: compression pointer does not point backwards");
}

TEST(DnsParser, TwoPointersToEachOther) {
  // 0x000c: pointer -> 0x000e; 0x000e: pointer -> 0x000c.
  EXPECT_EQ(ErrorOf(ParseDns(With(Header(1, 0), {0xc0, 0x0e, 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01}))),
            "dns: question name: compression pointer does not point backwards");
}

TEST(DnsParser, ForwardPointerChain) {
  // 0x000c -> 0x000e -> 0x0010: <Root>. Terminates, but compressors never
  // point forwards, so it is rejected.
  EXPECT_EQ(ErrorOf(ParseDns(With(Header(1, 0), {0xc0, 0x0e, 0xc0, 0x10, 0x00, 0x00, 0x01, 0x00, 0x01}))),
            "dns: question name: compression pointer does not point backwards");
}

TEST(DnsParser, ForwardPointerInAnswer) {
  // Answer owner at 0x0011 points to 0x0013, past itself.
  EXPECT_EQ(ErrorOf(ParseDns(With(Header(1, 1), {0x00, 0x00, 0x01, 0x00, 0x01,  // <Root> A IN
                                                 0xc0, 0x13, 0x00}))),
            "dns: answer 0 name: compression pointer does not point backwards");
}

// qdcount 0, two answers. Answer 1 (<Root>, type NULL) carries in its RDATA
// the name "x." at 0x0017 and then `hops` pointers, each to the one before.
// Answer 2's owner points to the last, so its name costs hops + 1 jumps.
Bytes PointerChain(std::size_t hops) {
  Bytes b = With(Header(0, 2), {0x00, 0x00, 0x0a, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                                static_cast<std::uint8_t>(3 + 2 * hops), 0x01, 'x', 0x00});
  std::size_t prev = 0x17;
  for (std::size_t i = 0; i < hops; ++i) {
    const std::size_t here = b.size();
    b.insert(b.end(), {0xc0, static_cast<std::uint8_t>(prev)});
    prev = here;
  }
  return With(b, {0xc0, static_cast<std::uint8_t>(prev), 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00,
                  0x04, 0x0a, 0x00, 0x00, 0x01});
}

TEST(DnsParser, PointerChainWithinJumpLimit) {
  auto r = ParseDns(PointerChain(15));  // 16 jumps
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->answers.size(), 2u);
  ExpectAnswer(r->answers[0], ".", 10, 0, "");  // types we do not decode: no data
  ExpectAnswer(r->answers[1], "x.", 1, 1, "10.0.0.1");
}

TEST(DnsParser, PointerChainOverJumpLimit) {
  EXPECT_EQ(ErrorOf(ParseDns(PointerChain(16))), "dns: answer 1 name: too many compression pointers");
}

TEST(DnsParser, LabelLengths) {
  auto ok = ParseDns(QuestionOfLabels({63}));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->query, std::string(63, 'a') + ".");
  EXPECT_EQ(ErrorOf(ParseDns(QuestionOfLabels({64}))),
            "dns: question name: label longer than 63 or reserved label type");
}

TEST(DnsParser, ReservedLabelTypes) {
  for (std::uint8_t type : {0x40, 0x80}) {
    EXPECT_EQ(ErrorOf(ParseDns(With(Header(1, 0), {type, 0x00, 0x00, 0x01, 0x00, 0x01}))),
              "dns: question name: label longer than 63 or reserved label type");
  }
}

TEST(DnsParser, NameLengthLimit) {
  // 3 * (1 + 63) + (1 + 61) + 1 = 255 bytes on the wire: the most allowed.
  auto ok = ParseDns(QuestionOfLabels({63, 63, 63, 61}));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->query.size(), 254u);
  EXPECT_EQ(ErrorOf(ParseDns(QuestionOfLabels({63, 63, 63, 62}))),
            "dns: question name: name longer than 255 bytes");
  EXPECT_EQ(ErrorOf(ParseDns(QuestionOfLabels({63, 63, 63, 63}))),
            "dns: question name: name longer than 255 bytes");
}

TEST(DnsParser, BadRdata) {
  const Bytes question = With(Header(1, 1), {0x00, 0x00, 0x01, 0x00, 0x01});
  // <Root>: A, IN, ttl 1, rdlength 5.
  EXPECT_EQ(ErrorOf(ParseDns(
                With(question, {0x00, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x05, 1, 2, 3, 4, 5}))),
            "dns: answer 0: A rdata is not 4 bytes");
  // <Root>: CNAME, IN, rdlength 2 holding the start of "abc.".
  EXPECT_EQ(ErrorOf(ParseDns(With(question, {0x00, 0x00, 0x05, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x02, 0x03, 'a',
                                             'b', 'c', 0x00}))),
            "dns: answer 0: CNAME target overruns its rdata");
  // <Root>: CNAME, IN, rdlength 4 holding "a." and a stray byte.
  EXPECT_EQ(ErrorOf(ParseDns(With(
                question, {0x00, 0x00, 0x05, 0x00, 0x01, 0, 0, 0, 1, 0x00, 0x04, 0x01, 'a', 0x00, 0xff}))),
            "dns: answer 0: CNAME rdata longer than its target");
}

TEST(DnsParser, AddressTypesOutsideClassInAreNotDecoded) {
  // <Root>: A, class CH (3), ttl 0, rdlength 2 (a Chaosnet address).
  auto r = ParseDns(With(Header(0, 1), {0x00, 0x00, 0x01, 0x00, 0x03, 0, 0, 0, 0, 0x00, 0x02, 0x01, 0x02}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->answers.size(), 1u);
  ExpectAnswer(r->answers[0], ".", 1, 0, "");
}

TEST(DnsParser, OverTcp) {
  Bytes segment = {0x00, sizeof(kQueryA)};
  segment.insert(segment.end(), std::begin(kQueryA), std::end(kQueryA));
  auto r = ParseDnsOverTcp(segment);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, *ParseDns(kQueryA));
  EXPECT_EQ(r->query, "productcatalog.demo-app.svc.cluster.local.");
}

TEST(DnsParser, OverTcpCutByWindow) {
  Bytes segment = {0x00, sizeof(kCnameResponse)};
  segment.insert(segment.end(), std::begin(kCnameResponse), std::begin(kCnameResponse) + 0x5f);
  auto r = ParseDnsOverTcp(segment);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->truncated);
  EXPECT_EQ(r->answers.size(), 2u);
}

TEST(DnsParser, OverTcpStopsAtStatedLength) {
  // The length covers only header and question; the answers that follow are
  // not part of this message.
  Bytes segment = {0x00, 0x2f};
  segment.insert(segment.end(), std::begin(kCnameResponse), std::end(kCnameResponse));
  auto r = ParseDnsOverTcp(segment);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->truncated);
  EXPECT_TRUE(r->answers.empty());
}

TEST(DnsParser, OverTcpBadFraming) {
  EXPECT_EQ(ErrorOf(ParseDnsOverTcp(Bytes{0x00})), "dns: tcp length prefix truncated");
  Bytes segment = {0x00, 0x0b};
  segment.insert(segment.end(), std::begin(kQueryA), std::end(kQueryA));
  EXPECT_EQ(ErrorOf(ParseDnsOverTcp(segment)), "dns: tcp length 11 shorter than a header");
  EXPECT_EQ(ErrorOf(ParseDnsOverTcp(Bytes{0x00, 0x20, 0x12, 0x34})), "dns: header truncated (2 of 12 bytes)");
}

TEST(DnsParser, TypeNames) {
  EXPECT_EQ(DnsTypeName(1), "A");
  EXPECT_EQ(DnsTypeName(2), "NS");
  EXPECT_EQ(DnsTypeName(5), "CNAME");
  EXPECT_EQ(DnsTypeName(6), "SOA");
  EXPECT_EQ(DnsTypeName(12), "PTR");
  EXPECT_EQ(DnsTypeName(15), "MX");
  EXPECT_EQ(DnsTypeName(16), "TXT");
  EXPECT_EQ(DnsTypeName(28), "AAAA");
  EXPECT_EQ(DnsTypeName(33), "SRV");
  EXPECT_EQ(DnsTypeName(255), "ANY");
  EXPECT_EQ(DnsTypeName(65), "TYPE65");
  EXPECT_EQ(DnsTypeName(0), "TYPE0");
}

TEST(DnsParser, RcodeNames) {
  EXPECT_EQ(DnsRcodeName(0), "NOERROR");
  EXPECT_EQ(DnsRcodeName(1), "FORMERR");
  EXPECT_EQ(DnsRcodeName(2), "SERVFAIL");
  EXPECT_EQ(DnsRcodeName(3), "NXDOMAIN");
  EXPECT_EQ(DnsRcodeName(4), "NOTIMP");
  EXPECT_EQ(DnsRcodeName(5), "REFUSED");
  EXPECT_EQ(DnsRcodeName(9), "RCODE9");
}

}  // namespace
}  // namespace flows::datapath
