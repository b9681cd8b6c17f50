// Builds DNS messages for tests: a header, one question, and answers whose
// owner names point back to the question with compression pointers.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flows::testing {

struct DnsAnswerSpec {
  std::uint16_t type;  // 1 A, 28 AAAA, 5 CNAME
  std::uint32_t ttl;
  std::vector<std::uint8_t> rdata;  // address bytes, or an encoded name
};

inline void PutName(std::vector<std::uint8_t>& out, std::string_view name) {
  while (!name.empty()) {
    const auto dot = name.find('.');
    const auto label = name.substr(0, dot);
    out.push_back(static_cast<std::uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  out.push_back(0);
}

inline std::vector<std::uint8_t> EncodedName(std::string_view name) {
  std::vector<std::uint8_t> out;
  PutName(out, name);
  return out;
}

// id, flags (0x0100 query with RD; 0x8180 response NOERROR; 0x8183 NXDOMAIN).
inline std::vector<std::uint8_t> DnsMessageBytes(std::uint16_t id, std::uint16_t flags,
                                                 std::string_view qname, std::uint16_t qtype,
                                                 const std::vector<DnsAnswerSpec>& answers = {}) {
  std::vector<std::uint8_t> m = {static_cast<std::uint8_t>(id >> 8),
                                 static_cast<std::uint8_t>(id),
                                 static_cast<std::uint8_t>(flags >> 8),
                                 static_cast<std::uint8_t>(flags),
                                 0,
                                 1,  // qdcount
                                 0,
                                 static_cast<std::uint8_t>(answers.size()),
                                 0,
                                 0,
                                 0,
                                 0};
  PutName(m, qname);
  m.insert(m.end(), {static_cast<std::uint8_t>(qtype >> 8), static_cast<std::uint8_t>(qtype), 0, 1});
  for (const auto& a : answers) {
    m.insert(m.end(), {0xc0, 0x0c});  // owner: pointer to the question name
    m.insert(m.end(), {static_cast<std::uint8_t>(a.type >> 8), static_cast<std::uint8_t>(a.type), 0, 1});
    for (int s = 24; s >= 0; s -= 8) m.push_back(static_cast<std::uint8_t>(a.ttl >> s));
    m.push_back(static_cast<std::uint8_t>(a.rdata.size() >> 8));
    m.push_back(static_cast<std::uint8_t>(a.rdata.size()));
    m.insert(m.end(), a.rdata.begin(), a.rdata.end());
  }
  return m;
}

// The same message with TCP's 2-byte length prefix.
inline std::vector<std::uint8_t> WithTcpLength(std::vector<std::uint8_t> m) {
  const auto n = m.size();
  m.insert(m.begin(), {static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
  return m;
}

}  // namespace flows::testing
