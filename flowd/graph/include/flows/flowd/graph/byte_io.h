// Little helpers to write and read the graph's binary formats: LEB128
// varints, fixed-width little-endian integers, length-prefixed strings.
// The reader never reads past its input: a short or malformed input sets
// `failed()` and every later read returns 0/empty.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace flows::flowd::graph {

class ByteWriter {
 public:
  explicit ByteWriter(std::string* out) : out_(out) {}
  void Varint(std::uint64_t v) {
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_->append(buf, n);
  }
  // Zig-zag, for values that may be negative (times before the epoch, deltas).
  void SignedVarint(std::int64_t v) {
    Varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void U8(std::uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void U32(std::uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out_->append(b, 4);
  }
  void U64(std::uint64_t v) {
    char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out_->append(b, 8);
  }
  void String(std::string_view s) {
    Varint(s.size());
    out_->append(s.data(), s.size());
  }
  std::string* out() { return out_; }

 private:
  std::string* out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  std::uint64_t Varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Fail();
      const auto b = static_cast<std::uint8_t>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();
  }
  std::int64_t SignedVarint() {
    const std::uint64_t u = Varint();
    return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  std::uint8_t U8() {
    if (pos_ + 1 > in_.size()) return static_cast<std::uint8_t>(Fail());
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  std::uint32_t U32() {
    if (pos_ + 4 > in_.size()) return static_cast<std::uint32_t>(Fail());
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return v;
  }
  std::uint64_t U64() {
    if (pos_ + 8 > in_.size()) return Fail();
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(in_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return v;
  }
  std::string_view Bytes(std::size_t n) {
    if (n > in_.size() - pos_) {
      Fail();
      return {};
    }
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view String() { return Bytes(Varint()); }
  bool failed() const { return failed_; }
  bool done() const { return pos_ == in_.size(); }
  std::size_t pos() const { return pos_; }
  std::size_t remaining() const { return in_.size() - pos_; }

 private:
  std::uint64_t Fail() {
    failed_ = true;
    pos_ = in_.size();
    return 0;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace flows::flowd::graph
