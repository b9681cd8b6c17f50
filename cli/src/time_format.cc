#include "flows/cli/time_format.h"

#include <time.h>

#include <array>
#include <cstdio>
#include <utility>

namespace flows::cli {
namespace {

constexpr std::array<std::pair<std::string_view, TimeLayout>, 9> kLayouts = {{
    {"StampMilli", TimeLayout::kStampMilli},
    {"YearMonthDay", TimeLayout::kYearMonthDay},
    {"YearMonthDayHour", TimeLayout::kYearMonthDayHour},
    {"YearMonthDayHourMinute", TimeLayout::kYearMonthDayHourMinute},
    {"RFC3339", TimeLayout::kRfc3339},
    {"RFC3339Milli", TimeLayout::kRfc3339Milli},
    {"RFC3339Micro", TimeLayout::kRfc3339Micro},
    {"RFC3339Nano", TimeLayout::kRfc3339Nano},
    {"RFC1123Z", TimeLayout::kRfc1123Z},
}};

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// `digits` digits of the nanoseconds, zero-padded.
void AppendFraction(std::int32_t nanos, int digits, std::string& out) {
  char buf[9];
  for (int i = 8; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + nanos % 10);
    nanos /= 10;
  }
  out.append(buf, static_cast<std::size_t>(digits));
}

}  // namespace

std::optional<TimeLayout> ParseTimeLayout(std::string_view name) {
  for (const auto& [n, layout] : kLayouts) {
    if (n == name) return layout;
  }
  return std::nullopt;
}

std::string_view TimeLayoutNames() {
  return "StampMilli, YearMonthDay, YearMonthDayHour, YearMonthDayHourMinute, RFC3339, RFC3339Milli, "
         "RFC3339Micro, RFC3339Nano, RFC1123Z";
}

void TimeFormatter::Append(const google::protobuf::Timestamp& ts, std::string& out) {
  if ((ts.seconds() == 0 && ts.nanos() == 0) || ts.nanos() < 0 || ts.nanos() > 999'999'999) {
    out += "N/A";
    return;
  }
  if (!cached_ || ts.seconds() != cached_second_) {
    const time_t t = static_cast<time_t>(ts.seconds());
    struct tm tm {};
    if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
      out += "N/A";  // a server's timestamp we cannot print is not worth a crash
      return;
    }
    const int year = tm.tm_year + 1900;
    int n = 0;
    switch (layout_) {
      case TimeLayout::kStampMilli:
        n = std::snprintf(prefix_, sizeof(prefix_), "%s %2d %02d:%02d:%02d", kMonths[tm.tm_mon], tm.tm_mday,
                          tm.tm_hour, tm.tm_min, tm.tm_sec);
        break;
      case TimeLayout::kYearMonthDay:
        n = std::snprintf(prefix_, sizeof(prefix_), "%04d-%02d-%02d", year, tm.tm_mon + 1, tm.tm_mday);
        break;
      case TimeLayout::kYearMonthDayHour:
        n = std::snprintf(prefix_, sizeof(prefix_), "%04d-%02d-%02dT%02dZ", year, tm.tm_mon + 1, tm.tm_mday,
                          tm.tm_hour);
        break;
      case TimeLayout::kYearMonthDayHourMinute:
        n = std::snprintf(prefix_, sizeof(prefix_), "%04d-%02d-%02dT%02d:%02dZ", year, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min);
        break;
      case TimeLayout::kRfc1123Z:
        n = std::snprintf(prefix_, sizeof(prefix_), "%s, %02d %s %04d %02d:%02d:%02d +0000",
                          kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon], year, tm.tm_hour, tm.tm_min,
                          tm.tm_sec);
        break;
      default:  // RFC 3339 family: the fraction and zone follow
        n = std::snprintf(prefix_, sizeof(prefix_), "%04d-%02d-%02dT%02d:%02d:%02d", year, tm.tm_mon + 1,
                          tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    prefix_len_ = n > 0 ? static_cast<std::size_t>(n) : 0;
    cached_second_ = ts.seconds();
    cached_ = true;
  }
  out.append(prefix_, prefix_len_);
  switch (layout_) {
    case TimeLayout::kStampMilli:
      out += '.';
      AppendFraction(ts.nanos(), 3, out);
      break;
    case TimeLayout::kRfc3339:
      out += 'Z';
      break;
    case TimeLayout::kRfc3339Milli:
      out += '.';
      AppendFraction(ts.nanos(), 3, out);
      out += 'Z';
      break;
    case TimeLayout::kRfc3339Micro:
      out += '.';
      AppendFraction(ts.nanos(), 6, out);
      out += 'Z';
      break;
    case TimeLayout::kRfc3339Nano: {
      if (ts.nanos() != 0) {
        int digits = 9;
        std::int32_t n = ts.nanos();
        while (n % 10 == 0) {
          n /= 10;
          --digits;
        }
        out += '.';
        AppendFraction(ts.nanos(), digits, out);
      }
      out += 'Z';
      break;
    }
    default:
      break;
  }
}

}  // namespace flows::cli
