#include "flows/datapath/dns_parser.h"

#include <arpa/inet.h>

#include <cstddef>
#include <string_view>
#include <utility>

namespace flows::datapath {
namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kFixedQuestion = 4;  // QTYPE, QCLASS
constexpr std::size_t kFixedRecord = 10;   // TYPE, CLASS, TTL, RDLENGTH
constexpr std::size_t kMaxNameWire = 255;  // RFC 1035 3.1, incl. length octets
// Pointers already have to point strictly backwards (so a chain ends); this
// only caps the work a hostile message can make one name cost.
constexpr int kMaxJumps = 16;

constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kTypeA = 1;
constexpr std::uint16_t kTypeCname = 5;
constexpr std::uint16_t kTypeAaaa = 28;

// Running off the end of the bytes is expected (the kernel cuts the payload)
// and is told apart from bytes that can never be a valid message.
enum class Got { kOk, kTruncated, kInvalid };

struct NameRead {
  Got got = Got::kOk;
  std::string_view why;  // for kInvalid
  std::size_t end = 0;   // just past the name where it starts (not where it jumps)
};

std::uint16_t Be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}

std::uint32_t Be32(std::span<const std::uint8_t> b, std::size_t at) {
  return std::uint32_t{Be16(b, at)} << 16 | Be16(b, at + 2);
}

// Escapes like dig: "\." and "\\" for the bytes that would change how the
// text splits, \DDD for anything not printable, so any label is safe ASCII.
void AppendLabel(std::span<const std::uint8_t> label, std::string* out) {
  for (std::uint8_t c : label) {
    if (c == '.' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c > 0x20 && c < 0x7f) {
      out->push_back(static_cast<char>(c));
    } else {
      out->push_back('\\');
      out->push_back(static_cast<char>('0' + c / 100));
      out->push_back(static_cast<char>('0' + c / 10 % 10));
      out->push_back(static_cast<char>('0' + c % 10));
    }
  }
  out->push_back('.');
}

// Every pointer must point before the start of the labels it was found in;
// since those starts then strictly decrease, loops (self-pointers, forward
// pointers, a label followed by a pointer back to it) cannot happen.
NameRead ReadName(std::span<const std::uint8_t> msg, std::size_t pos, std::string* out) {
  NameRead r;
  std::string text;
  std::size_t segment_start = pos;
  std::size_t wire_len = 0;
  int jumps = 0;
  for (;;) {
    if (pos >= msg.size()) return {Got::kTruncated, {}, 0};
    const std::uint8_t len = msg[pos];
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= msg.size()) return {Got::kTruncated, {}, 0};
      const std::size_t target = Be16(msg, pos) & 0x3fff;
      if (jumps == 0) r.end = pos + 2;
      if (target >= segment_start) {
        return {Got::kInvalid, "compression pointer does not point backwards", 0};
      }
      if (++jumps > kMaxJumps) return {Got::kInvalid, "too many compression pointers", 0};
      pos = segment_start = target;
      continue;
    }
    // 0x40 (extended label, RFC 6891) and 0x80 are reserved; a length byte
    // of 64..191 is the same thing as a label longer than 63.
    if (len & 0xc0) return {Got::kInvalid, "label longer than 63 or reserved label type", 0};
    wire_len += 1 + std::size_t{len};
    if (wire_len > kMaxNameWire) return {Got::kInvalid, "name longer than 255 bytes", 0};
    if (len == 0) {
      if (jumps == 0) r.end = pos + 1;
      *out = text.empty() ? std::string(".") : std::move(text);
      return r;
    }
    if (msg.size() - pos - 1 < len) return {Got::kTruncated, {}, 0};
    AppendLabel(msg.subspan(pos + 1, len), &text);
    pos += 1 + std::size_t{len};
  }
}

std::string AddressText(int family, const std::uint8_t* bytes) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(family, bytes, buf, sizeof buf) == nullptr) return {};
  return buf;
}

// Fills answer->data from the RDATA at msg[at, at + len), which is known to
// be within msg. Returns an empty view on success, else what is wrong.
std::string_view DecodeRdata(std::span<const std::uint8_t> msg, std::size_t at, std::size_t len,
                             std::uint16_t rclass, DnsAnswer* answer) {
  switch (answer->type) {
    case kTypeA:
    case kTypeAaaa: {
      // Other classes (e.g. CH) give these type numbers other layouts.
      if (rclass != kClassIn) return {};
      const bool v4 = answer->type == kTypeA;
      if (len != (v4 ? 4u : 16u)) return v4 ? "A rdata is not 4 bytes" : "AAAA rdata is not 16 bytes";
      answer->data = AddressText(v4 ? AF_INET : AF_INET6, msg.data() + at);
      return {};
    }
    case kTypeCname: {
      // Limiting the view to the end of the RDATA keeps the target inside it
      // (valid pointers only point backwards, so nothing valid is lost), and
      // running off that end is an error, not truncation: the RDATA is whole.
      NameRead r = ReadName(msg.first(at + len), at, &answer->data);
      if (r.got == Got::kInvalid) return r.why;
      if (r.got == Got::kTruncated) return "CNAME target overruns its rdata";
      if (r.end != at + len) return "CNAME rdata longer than its target";
      return {};
    }
    default:
      return {};
  }
}

Error Invalid(std::string_view what) {
  return Error::Invalid("dns: " + std::string(what));
}

}  // namespace

Result<DnsMessage> ParseDns(std::span<const std::uint8_t> msg) {
  if (msg.size() < kHeaderSize) {
    return Invalid("header truncated (" + std::to_string(msg.size()) + " of 12 bytes)");
  }
  DnsMessage m;
  m.id = Be16(msg, 0);
  m.flags = Be16(msg, 2);
  m.response = (m.flags & 0x8000) != 0;
  m.opcode = static_cast<std::uint8_t>(m.flags >> 11 & 0xf);
  m.rcode = static_cast<std::uint8_t>(m.flags & 0xf);
  const std::uint16_t qdcount = Be16(msg, 4);
  const std::uint16_t ancount = Be16(msg, 6);

  // Each question and record consumes bytes, so these loops are bounded by
  // the message size whatever the counts claim.
  std::size_t pos = kHeaderSize;
  for (unsigned i = 0; i < qdcount; ++i) {
    std::string name;
    NameRead r = ReadName(msg, pos, &name);
    if (r.got == Got::kInvalid) return Invalid("question name: " + std::string(r.why));
    if (r.got == Got::kTruncated || msg.size() - r.end < kFixedQuestion) {
      if (i == 0) return Invalid("question truncated");
      m.truncated = true;  // the first question is all we report anyway
      return m;
    }
    if (i == 0) {
      m.query = std::move(name);
      m.qtype = Be16(msg, r.end);
    }
    pos = r.end + kFixedQuestion;
  }

  for (unsigned i = 0; i < ancount; ++i) {
    DnsAnswer a;
    NameRead r = ReadName(msg, pos, &a.name);
    if (r.got == Got::kInvalid) {
      return Invalid("answer " + std::to_string(i) + " name: " + std::string(r.why));
    }
    if (r.got == Got::kTruncated || msg.size() - r.end < kFixedRecord) {
      m.truncated = true;
      return m;
    }
    a.type = Be16(msg, r.end);
    const std::uint16_t rclass = Be16(msg, r.end + 2);
    a.ttl = Be32(msg, r.end + 4);
    const std::size_t rdlen = Be16(msg, r.end + 8);
    const std::size_t rdata = r.end + kFixedRecord;
    if (msg.size() - rdata < rdlen) {
      m.truncated = true;
      return m;
    }
    if (std::string_view why = DecodeRdata(msg, rdata, rdlen, rclass, &a); !why.empty()) {
      return Invalid("answer " + std::to_string(i) + ": " + std::string(why));
    }
    m.answers.push_back(std::move(a));
    pos = rdata + rdlen;
  }
  return m;
}

Result<DnsMessage> ParseDnsOverTcp(std::span<const std::uint8_t> segment) {
  if (segment.size() < 2) return Invalid("tcp length prefix truncated");
  const std::size_t len = Be16(segment, 0);
  if (len < kHeaderSize) {
    return Invalid("tcp length " + std::to_string(len) + " shorter than a header");
  }
  // Bytes past the stated length belong to the next message on the stream.
  std::span<const std::uint8_t> rest = segment.subspan(2);
  return ParseDns(rest.size() > len ? rest.first(len) : rest);
}

std::string DnsTypeName(std::uint16_t type) {
  switch (type) {
    case 1:
      return "A";
    case 2:
      return "NS";
    case 5:
      return "CNAME";
    case 6:
      return "SOA";
    case 12:
      return "PTR";
    case 15:
      return "MX";
    case 16:
      return "TXT";
    case 28:
      return "AAAA";
    case 33:
      return "SRV";
    case 255:
      return "ANY";
    default:
      return "TYPE" + std::to_string(type);
  }
}

std::string DnsRcodeName(std::uint8_t rcode) {
  switch (rcode) {
    case 0:
      return "NOERROR";
    case 1:
      return "FORMERR";
    case 2:
      return "SERVFAIL";
    case 3:
      return "NXDOMAIN";
    case 4:
      return "NOTIMP";
    case 5:
      return "REFUSED";
    default:
      return "RCODE" + std::to_string(rcode);
  }
}

}  // namespace flows::datapath
