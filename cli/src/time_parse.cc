#include "flows/cli/time_parse.h"

#include <time.h>

#include <cctype>
#include <cstdint>
#include <limits>

namespace flows::cli {
namespace {

constexpr std::int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr std::int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, std::size_t& pos, int n, int& out) {
  if (pos + static_cast<std::size_t>(n) > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    const char c = s[pos++];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

bool Expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

std::optional<google::protobuf::Timestamp> Make(std::int64_t seconds, std::int32_t nanos) {
  if (seconds < kMinSeconds || seconds > kMaxSeconds) return std::nullopt;
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

// Date, optional time, optional fraction, optional zone. Without a zone the
// time is local, as in Hubble.
std::optional<google::protobuf::Timestamp> ParseDateTime(std::string_view s) {
  std::size_t pos = 0;
  struct tm tm {};
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!Digits(s, pos, 4, year) || !Expect(s, pos, '-') || !Digits(s, pos, 2, month) || !Expect(s, pos, '-') ||
      !Digits(s, pos, 2, day)) {
    return std::nullopt;
  }
  std::int32_t nanos = 0;
  bool has_zone = false;
  long offset_seconds = 0;
  if (pos < s.size()) {
    if (!Expect(s, pos, 'T') || !Digits(s, pos, 2, hour) || !Expect(s, pos, ':') ||
        !Digits(s, pos, 2, minute)) {
      return std::nullopt;
    }
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!Digits(s, pos, 2, second)) return std::nullopt;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
          if (digits < 9) nanos = nanos * 10 + (s[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (int i = digits; i < 9; ++i) nanos *= 10;
      }
    }
    if (pos < s.size()) {
      has_zone = true;
      if (s[pos] == 'Z') {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        const int sign = s[pos++] == '-' ? -1 : 1;
        int oh, om;
        if (!Digits(s, pos, 2, oh) || !Expect(s, pos, ':') || !Digits(s, pos, 2, om) || oh > 23 || om > 59) {
          return std::nullopt;
        }
        offset_seconds = sign * (oh * 3600L + om * 60L);
      } else {
        return std::nullopt;
      }
    }
  }
  if (pos != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::int64_t seconds;
  if (has_zone) {
    seconds = static_cast<std::int64_t>(timegm(&tm)) - offset_seconds;
  } else {
    tm.tm_isdst = -1;
    seconds = static_cast<std::int64_t>(mktime(&tm));
  }
  // timegm/mktime normalise 31 February into March: refuse what moved.
  if (tm.tm_mday != day || tm.tm_mon != month - 1) return std::nullopt;
  return Make(seconds, nanos);
}

}  // namespace

std::optional<std::chrono::nanoseconds> ParseGoDuration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  long double total = 0;  // nanoseconds; range-checked below
  while (!s.empty()) {
    std::size_t i = 0;
    long double value = 0;
    bool any_digit = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      value = value * 10 + (s[i++] - '0');
      any_digit = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        value += (s[i++] - '0') * scale;
        scale /= 10;
        any_digit = true;
      }
    }
    if (!any_digit) return std::nullopt;
    s.remove_prefix(i);
    static constexpr struct {
      std::string_view unit;
      long double ns;
    } kUnits[] = {{"ns", 1},   {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
                  {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9}};
    // Longest unit first where one is a prefix of another ("ms" before "m").
    static constexpr int kOrder[] = {0, 1, 2, 3, 4, 6, 7, 5};
    bool matched = false;
    for (int k : kOrder) {
      if (s.substr(0, kUnits[k].unit.size()) == kUnits[k].unit) {
        total += value * kUnits[k].ns;
        s.remove_prefix(kUnits[k].unit.size());
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
    if (total > static_cast<long double>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  }
  const auto ns = std::chrono::nanoseconds(static_cast<std::int64_t>(total));
  return negative ? -ns : ns;
}

google::protobuf::Timestamp ToTimestamp(std::chrono::system_clock::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  google::protobuf::Timestamp ts;
  std::int64_t sec = ns / 1'000'000'000;
  std::int64_t rem = ns % 1'000'000'000;
  if (rem < 0) {
    rem += 1'000'000'000;
    --sec;
  }
  ts.set_seconds(sec);
  ts.set_nanos(static_cast<std::int32_t>(rem));
  return ts;
}

std::optional<google::protobuf::Timestamp> ParseTimeArg(std::string_view text,
                                                        std::chrono::system_clock::time_point now) {
  if (auto d = ParseGoDuration(text)) {
    const std::int64_t now_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    std::int64_t at_ns;
    // "-300000h" (the future) would overflow the clock's representation.
    if (__builtin_sub_overflow(now_ns, d->count(), &at_ns)) return std::nullopt;
    const auto t = ToTimestamp(std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(at_ns))));
    return Make(t.seconds(), t.nanos());
  }
  return ParseDateTime(text);
}

std::optional<google::protobuf::Timestamp> ParseTimeArgWithDays(std::string_view text,
                                                                std::chrono::system_clock::time_point now) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0 || digits > 5 || digits >= text.size() || text[digits] != 'd')
    return ParseTimeArg(text, now);
  std::int64_t days = 0;
  for (std::size_t i = 0; i < digits; ++i) days = days * 10 + (text[i] - '0');
  std::chrono::nanoseconds rest{0};
  if (const std::string_view tail = text.substr(digits + 1); !tail.empty()) {
    // "1d12h"; a sign in the middle ("1d-2h") is not a duration.
    if (tail[0] == '+' || tail[0] == '-') return std::nullopt;
    const auto d = ParseGoDuration(tail);
    if (!d) return std::nullopt;
    rest = *d;
  }
  // At most 99,999 days: 8.6e18 ns, inside int64; the rest may still overflow.
  std::int64_t back_ns, at_ns;
  if (__builtin_add_overflow(days * 86'400'000'000'000, rest.count(), &back_ns)) return std::nullopt;
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  if (__builtin_sub_overflow(ns, back_ns, &at_ns)) return std::nullopt;
  const auto t = ToTimestamp(std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(at_ns))));
  return Make(t.seconds(), t.nanos());
}

}  // namespace flows::cli
