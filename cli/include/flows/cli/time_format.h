// Flow times as Hubble prints them (--time-format), always in UTC so the
// same flow reads the same on every node and in every test. Formatting is
// on the per-flow path: the text of the current second is cached.
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flows::cli {

enum class TimeLayout {
  kStampMilli,              // "Nov 22 03:19:46.724" (Hubble's default)
  kYearMonthDay,            // "2026-11-22"
  kYearMonthDayHour,        // "2026-11-22T03Z"
  kYearMonthDayHourMinute,  // "2026-11-22T03:19Z"
  kRfc3339,                 // "2026-11-22T03:19:46Z"
  kRfc3339Milli,            // "2026-11-22T03:19:46.724Z"
  kRfc3339Micro,            // "2026-11-22T03:19:46.724123Z"
  kRfc3339Nano,             // "2026-11-22T03:19:46.724123373Z" (trailing zeros trimmed, as Go does)
  kRfc1123Z,                // "Sun, 22 Nov 2026 03:19:46 +0000"
};

std::optional<TimeLayout> ParseTimeLayout(std::string_view name);
// The names ParseTimeLayout accepts, for --help and errors.
std::string_view TimeLayoutNames();

class TimeFormatter {
 public:
  explicit TimeFormatter(TimeLayout layout) : layout_(layout) {}
  // "N/A" for a zero or missing time.
  void Append(const google::protobuf::Timestamp& ts, std::string& out);

 private:
  TimeLayout layout_;
  bool cached_ = false;  // prefix_ holds the text of cached_second_
  std::int64_t cached_second_ = 0;
  char prefix_[48] = {};
  std::size_t prefix_len_ = 0;
};

}  // namespace flows::cli
