#include "packet_builder.h"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

namespace flows::testing {
namespace {

void Put16(std::vector<std::uint8_t>& v, std::uint16_t x) {
  v.push_back(static_cast<std::uint8_t>(x >> 8));
  v.push_back(static_cast<std::uint8_t>(x));
}

void Set16(std::vector<std::uint8_t>& v, std::size_t at, std::uint16_t x) {
  v[at] = static_cast<std::uint8_t>(x >> 8);
  v[at + 1] = static_cast<std::uint8_t>(x);
}

void Parse(int family, std::string_view text, std::uint8_t* out) {
  if (inet_pton(family, std::string(text).c_str(), out) != 1)
    throw std::invalid_argument("bad address " + std::string(text));
}

}  // namespace

PacketBuilder& PacketBuilder::Eth(std::uint16_t ethertype_override) {
  ethertype_ = ethertype_override;
  return *this;
}

PacketBuilder& PacketBuilder::Vlan(std::uint16_t id, std::uint16_t tpid) {
  vlans_.push_back({tpid, id});
  return *this;
}

PacketBuilder& PacketBuilder::EtherType(std::uint16_t ethertype) {
  ethertype_ = ethertype;
  return *this;
}

PacketBuilder& PacketBuilder::Ipv4(std::string_view src, std::string_view dst, Ipv4Options opts) {
  ip_version_ = 4;
  Parse(AF_INET, src, src_);
  Parse(AF_INET, dst, dst_);
  v4_ = opts;
  return *this;
}

PacketBuilder& PacketBuilder::Ipv6(std::string_view src, std::string_view dst) {
  ip_version_ = 6;
  Parse(AF_INET6, src, src_);
  Parse(AF_INET6, dst, dst_);
  return *this;
}

PacketBuilder& PacketBuilder::Ipv6Ext(std::uint8_t type, std::uint16_t frag_offset) {
  exts_.push_back({type, frag_offset});
  return *this;
}

PacketBuilder& PacketBuilder::Tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags,
                                  std::uint8_t data_offset_words) {
  l4_proto_ = 6;
  l4_.clear();
  Put16(l4_, sport);
  Put16(l4_, dport);
  for (int i = 0; i < 8; ++i) l4_.push_back(0);  // seq, ack
  l4_.push_back(static_cast<std::uint8_t>(data_offset_words << 4));
  l4_.push_back(flags);
  Put16(l4_, 65535);  // window
  Put16(l4_, 0);      // checksum
  Put16(l4_, 0);      // urgent
  // TCP options (NOPs) when the data offset says so.
  for (int i = 5; i < data_offset_words; ++i)
    for (int b = 0; b < 4; ++b) l4_.push_back(1);
  return *this;
}

PacketBuilder& PacketBuilder::Udp(std::uint16_t sport, std::uint16_t dport) {
  l4_proto_ = 17;
  l4_.clear();
  Put16(l4_, sport);
  Put16(l4_, dport);
  Put16(l4_, 0);  // length, set by Build
  Put16(l4_, 0);
  return *this;
}

PacketBuilder& PacketBuilder::Icmp(std::uint8_t type, std::uint8_t code) {
  l4_proto_ = ip_version_ == 6 ? 58 : 1;
  l4_ = {type, code, 0, 0, 0, 0, 0, 0};
  return *this;
}

PacketBuilder& PacketBuilder::Sctp(std::uint16_t sport, std::uint16_t dport) {
  l4_proto_ = 132;
  l4_.clear();
  Put16(l4_, sport);
  Put16(l4_, dport);
  for (int i = 0; i < 8; ++i) l4_.push_back(0);  // vtag, checksum
  return *this;
}

PacketBuilder& PacketBuilder::RawL4(std::uint8_t protocol, std::vector<std::uint8_t> bytes) {
  l4_proto_ = protocol;
  l4_ = std::move(bytes);
  return *this;
}

PacketBuilder& PacketBuilder::Payload(std::string_view bytes) {
  payload_.assign(bytes.begin(), bytes.end());
  return *this;
}

PacketBuilder& PacketBuilder::Payload(const std::vector<std::uint8_t>& bytes) {
  payload_ = bytes;
  return *this;
}

std::vector<std::uint8_t> PacketBuilder::Build() const {
  // L4 and payload first: the IP layer needs their length.
  std::vector<std::uint8_t> l4 = l4_;
  if (l4_proto_ == 17 && l4.size() >= 8)
    Set16(l4, 4, static_cast<std::uint16_t>(l4.size() + payload_.size()));
  l4.insert(l4.end(), payload_.begin(), payload_.end());

  std::vector<std::uint8_t> ip;
  if (ip_version_ == 4) {
    const std::size_t hdr = v4_.ihl * 4u;
    ip.push_back(static_cast<std::uint8_t>(0x40 | (v4_.ihl & 0x0f)));
    ip.push_back(0);  // TOS
    Put16(ip,
          v4_.total_length.value_or(static_cast<std::uint16_t>(std::max<std::size_t>(hdr, 20) + l4.size())));
    Put16(ip, 0x1234);  // id
    Put16(ip, v4_.frag_off);
    ip.push_back(64);  // TTL
    ip.push_back(v4_.protocol.value_or(l4_proto_));
    Put16(ip, 0);  // checksum
    ip.insert(ip.end(), src_, src_ + 4);
    ip.insert(ip.end(), dst_, dst_ + 4);
    while (ip.size() < hdr) ip.push_back(1);  // NOP options
  } else if (ip_version_ == 6) {
    std::vector<std::uint8_t> exts;
    for (std::size_t i = 0; i < exts_.size(); ++i) {
      const std::uint8_t next = i + 1 < exts_.size() ? exts_[i + 1].type : l4_proto_;
      exts.push_back(next);
      if (exts_[i].type == 44) {  // fragment header: fixed 8 bytes
        exts.push_back(0);
        Put16(exts, static_cast<std::uint16_t>(exts_[i].frag_offset << 3));
        for (int b = 0; b < 4; ++b) exts.push_back(0);
      } else {
        exts.push_back(0);                                           // hdrlen 0: 8 bytes
        for (int b = 0; b < 6; ++b) exts.push_back(b == 0 ? 1 : 0);  // PadN-ish filler
      }
    }
    ip = {0x60, 0, 0, 0};
    Put16(ip, static_cast<std::uint16_t>(exts.size() + l4.size()));
    ip.push_back(exts_.empty() ? l4_proto_ : exts_[0].type);
    ip.push_back(64);  // hop limit
    ip.insert(ip.end(), src_, src_ + 16);
    ip.insert(ip.end(), dst_, dst_ + 16);
    ip.insert(ip.end(), exts.begin(), exts.end());
  }

  std::vector<std::uint8_t> pkt = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01};  // dst, src MAC
  const std::uint16_t inner = ethertype_ ? ethertype_ : (ip_version_ == 6 ? 0x86dd : 0x0800);
  for (const auto& tag : vlans_) {  // TPID, then TCI, per tag
    Put16(pkt, tag.tpid);
    Put16(pkt, tag.id);
  }
  Put16(pkt, inner);
  pkt.insert(pkt.end(), ip.begin(), ip.end());
  pkt.insert(pkt.end(), l4.begin(), l4.end());
  return pkt;
}

std::vector<std::uint8_t> PacketBuilder::BuildTruncated(std::size_t n) const {
  auto pkt = Build();
  if (n < pkt.size()) pkt.resize(n);
  return pkt;
}

}  // namespace flows::testing
