// Go durations and the --since/--until time forms; times as printed.
#include <gtest/gtest.h>

#include "flows/cli/time_format.h"
#include "flows/cli/time_parse.h"

namespace flows::cli {
namespace {

using std::chrono::nanoseconds;

TEST(GoDuration, AcceptsGoSyntax) {
  EXPECT_EQ(ParseGoDuration("0"), nanoseconds(0));
  EXPECT_EQ(ParseGoDuration("5m"), std::chrono::minutes(5));
  EXPECT_EQ(ParseGoDuration("1h30m"), std::chrono::minutes(90));
  EXPECT_EQ(ParseGoDuration("1.5h"), std::chrono::minutes(90));
  EXPECT_EQ(ParseGoDuration("300ms"), std::chrono::milliseconds(300));
  EXPECT_EQ(ParseGoDuration("2us"), std::chrono::microseconds(2));
  EXPECT_EQ(ParseGoDuration("2\xc2\xb5s"), std::chrono::microseconds(2));
  EXPECT_EQ(ParseGoDuration("7ns"), nanoseconds(7));
  EXPECT_EQ(ParseGoDuration("-1m"), -std::chrono::minutes(1));
  EXPECT_EQ(ParseGoDuration(".5s"), std::chrono::milliseconds(500));
}

TEST(GoDuration, RefusesEverythingElse) {
  for (const char* bad : {"", "5", "m", "5x", "5 m", "1h-5m", "+", "1e3s", "99999999999999999999h", "."}) {
    EXPECT_FALSE(ParseGoDuration(bad).has_value()) << bad;
  }
}

TEST(TimeArg, Forms) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795334400));
  auto t = ParseTimeArg("2026-11-22T03:19:46Z", now);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->seconds(), 1795317586);
  t = ParseTimeArg("2026-11-22T03:19:46.5-01:30", now);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->seconds(), 1795317586 + 5400);
  EXPECT_EQ(t->nanos(), 500'000'000);
  t = ParseTimeArg("10s", now);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->seconds(), 1795334390);
  // Local forms parse (the zone is the machine's).
  EXPECT_TRUE(ParseTimeArg("2026-11-22T03:19:46", now));
  EXPECT_TRUE(ParseTimeArg("2026-11-22T03:19", now));
  EXPECT_TRUE(ParseTimeArg("2026-11-22", now));
  for (const char* bad : {"2026-13-01", "2026-11-22T25:00:00Z", "2026-11-22T03:19:46+0100",
                          "2026-11-22T03:19:46.Z", "2026-11-22X", "-2562047h", "yesterday", "10000-01-01"}) {
    EXPECT_FALSE(ParseTimeArg(bad, now).has_value()) << bad;
  }
}

std::string Format(TimeLayout layout, std::int64_t seconds, std::int32_t nanos) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  std::string out;
  TimeFormatter(layout).Append(ts, out);
  return out;
}

TEST(TimeFormat, HubbleLayoutsInUtc) {
  const std::int64_t s = 1795317586;  // 2026-11-22T03:19:46Z, a Sunday
  const std::int32_t ns = 724123370;
  EXPECT_EQ(Format(TimeLayout::kStampMilli, s, ns), "Nov 22 03:19:46.724");
  EXPECT_EQ(Format(TimeLayout::kStampMilli, s - 20 * 86400, ns), "Nov  2 03:19:46.724");
  EXPECT_EQ(Format(TimeLayout::kYearMonthDay, s, ns), "2026-11-22");
  EXPECT_EQ(Format(TimeLayout::kYearMonthDayHour, s, ns), "2026-11-22T03Z");
  EXPECT_EQ(Format(TimeLayout::kYearMonthDayHourMinute, s, ns), "2026-11-22T03:19Z");
  EXPECT_EQ(Format(TimeLayout::kRfc3339, s, ns), "2026-11-22T03:19:46Z");
  EXPECT_EQ(Format(TimeLayout::kRfc3339Milli, s, ns), "2026-11-22T03:19:46.724Z");
  EXPECT_EQ(Format(TimeLayout::kRfc3339Micro, s, ns), "2026-11-22T03:19:46.724123Z");
  EXPECT_EQ(Format(TimeLayout::kRfc3339Nano, s, ns), "2026-11-22T03:19:46.72412337Z");
  EXPECT_EQ(Format(TimeLayout::kRfc3339Nano, s, 0), "2026-11-22T03:19:46Z");
  EXPECT_EQ(Format(TimeLayout::kRfc1123Z, s, ns), "Sun, 22 Nov 2026 03:19:46 +0000");
  EXPECT_EQ(Format(TimeLayout::kStampMilli, 0, 0), "N/A");
  // Timestamps a server should never send still print something.
  EXPECT_EQ(Format(TimeLayout::kRfc3339, s, -1), "N/A");
  EXPECT_EQ(Format(TimeLayout::kRfc3339, INT64_MAX, 0), "N/A");
  EXPECT_EQ(Format(TimeLayout::kRfc3339, INT64_MIN, 5), "N/A");
}

TEST(TimeFormat, CachedSecondDoesNotLeakIntoTheNext) {
  TimeFormatter f(TimeLayout::kRfc3339Milli);
  google::protobuf::Timestamp a, b;
  a.set_seconds(1795317586);
  a.set_nanos(1'000'000);
  b.set_seconds(1795317587);
  b.set_nanos(2'000'000);
  std::string out;
  f.Append(a, out);
  out += ' ';
  f.Append(b, out);
  out += ' ';
  f.Append(a, out);
  EXPECT_EQ(out, "2026-11-22T03:19:46.001Z 2026-11-22T03:19:47.002Z 2026-11-22T03:19:46.001Z");
}

TEST(TimeFormat, LayoutNames) {
  EXPECT_EQ(ParseTimeLayout("StampMilli"), TimeLayout::kStampMilli);
  EXPECT_EQ(ParseTimeLayout("RFC3339Nano"), TimeLayout::kRfc3339Nano);
  EXPECT_FALSE(ParseTimeLayout("rfc3339"));
}

}  // namespace
}  // namespace flows::cli
