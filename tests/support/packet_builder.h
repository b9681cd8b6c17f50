// Builds packets for BPF_PROG_TEST_RUN tests and benchmarks, layer by layer
// from the outside in:
//
//   auto pkt = PacketBuilder().Eth().Vlan(100).Ipv4("10.0.0.1", "10.0.0.2")
//                  .Tcp(40000, 80, kSyn).Payload("GET / HTTP/1.1\r\n\r\n").Build();
//
// Build() fills in the length fields (IPv4 total length, IPv6 payload
// length, UDP length) unless a test overrode them to build a hostile packet.
// Checksums are left zero: the flows programs never read them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flows::testing {

inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

struct Ipv4Options {
  std::uint8_t ihl = 5;                       // 32-bit words; >5 adds NOP options
  std::uint16_t frag_off = 0;                 // host order: flags<<13 | offset (8-byte units)
  std::optional<std::uint16_t> total_length;  // override (hostile packets)
  std::optional<std::uint8_t> protocol;       // override the L4 protocol number
};

class PacketBuilder {
 public:
  PacketBuilder& Eth(std::uint16_t ethertype_override = 0);
  PacketBuilder& Vlan(std::uint16_t id, std::uint16_t tpid = 0x8100);
  // Raw ethertype after the L2 headers (for non-IP packets).
  PacketBuilder& EtherType(std::uint16_t ethertype);

  PacketBuilder& Ipv4(std::string_view src, std::string_view dst, Ipv4Options opts = {});
  PacketBuilder& Ipv6(std::string_view src, std::string_view dst);
  // An IPv6 extension header (0 hop-by-hop, 43 routing, 60 dest options: 8
  // bytes; 44 fragment: offset in 8-byte units).
  PacketBuilder& Ipv6Ext(std::uint8_t type, std::uint16_t frag_offset = 0);

  PacketBuilder& Tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags,
                     std::uint8_t data_offset_words = 5);
  PacketBuilder& Udp(std::uint16_t sport, std::uint16_t dport);
  PacketBuilder& Icmp(std::uint8_t type, std::uint8_t code);  // v4 or v6 by the IP layer
  PacketBuilder& Sctp(std::uint16_t sport, std::uint16_t dport);
  PacketBuilder& RawL4(std::uint8_t protocol, std::vector<std::uint8_t> bytes);

  PacketBuilder& Payload(std::string_view bytes);
  PacketBuilder& Payload(const std::vector<std::uint8_t>& bytes);

  std::vector<std::uint8_t> Build() const;
  // Build() cut to `n` bytes (truncated headers).
  std::vector<std::uint8_t> BuildTruncated(std::size_t n) const;

 private:
  struct VlanTag {
    std::uint16_t tpid, id;
  };
  std::vector<VlanTag> vlans_;
  std::uint16_t ethertype_ = 0;  // 0: from the IP layer
  int ip_version_ = 0;
  std::uint8_t src_[16]{}, dst_[16]{};
  Ipv4Options v4_;
  struct Ext {
    std::uint8_t type;
    std::uint16_t frag_offset;
  };
  std::vector<Ext> exts_;
  std::uint8_t l4_proto_ = 0;
  std::vector<std::uint8_t> l4_;
  std::vector<std::uint8_t> payload_;
};

}  // namespace flows::testing
