// The watch envelope and the line splitter: events cut at arbitrary byte
// boundaries come out whole, and bounds and malformed lines are errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "flows/flowd/k8s/line_splitter.h"
#include "flows/flowd/k8s/watch_event.h"

namespace flows::flowd::k8s {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(DecodeWatchEvent, Types) {
  Result<WatchEvent> add =
      DecodeWatchEvent(R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"12"}}})");
  ASSERT_TRUE(add.ok()) << add.error().message;
  EXPECT_EQ(add->type, EventType::kAdded);
  EXPECT_EQ(add->resource_version, "12");
  EXPECT_EQ(add->object["metadata"]["name"], "a");

  Result<WatchEvent> bm =
      DecodeWatchEvent(R"({"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"99"}}})");
  ASSERT_TRUE(bm.ok());
  EXPECT_EQ(bm->type, EventType::kBookmark);
  EXPECT_EQ(bm->resource_version, "99");

  Result<WatchEvent> err = DecodeWatchEvent(
      R"j({"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}})j");
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->type, EventType::kError);
  EXPECT_EQ(err->error_code, 410);
  EXPECT_EQ(err->error_message, "Expired: too old resource version: 1 (5)");

  for (const char* t : {"MODIFIED", "DELETED"}) {
    std::string line = std::string(R"({"type":")") + t + R"(","object":{}})";
    ASSERT_TRUE(DecodeWatchEvent(line).ok()) << t;
  }
}

TEST(DecodeWatchEvent, MalformedEnvelopes) {
  struct Case {
    const char* line;
    const char* error;
  } cases[] = {
      {"not json", "invalid JSON"},
      {"[]", "not a JSON object"},
      {R"({"object":{}})", "no \"type\""},
      {R"({"type":"EXPLODED","object":{}})", "unknown type \"EXPLODED\""},
      {R"({"type":"ADDED"})", "no object"},
      {R"({"type":"ADDED","object":[]})", "no object"},
      {R"({"type":"BOOKMARK","object":{"metadata":{}}})", "no metadata.resourceVersion"},
      {R"({"type":"ADDED","object":{"metadata":{"resourceVersion":5}}})",
       "object.metadata.resourceVersion: not a string"},
      {R"({"type":"ERROR","object":{"code":"410"}})", "object.code: not an HTTP status code"},
      {R"({"type":"ERROR","object":{"code":1e99}})", "object.code: not an HTTP status code"},
  };
  for (const Case& c : cases) {
    Result<WatchEvent> ev = DecodeWatchEvent(c.line);
    ASSERT_FALSE(ev.ok()) << c.line;
    EXPECT_THAT(ev.error().message, HasSubstr(c.error)) << c.line;
  }
}

TEST(LineSplitter, ReassemblesLinesAcrossPieces) {
  const std::string stream = "{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}\n";
  // Every way of cutting the stream in two yields the same lines.
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    LineSplitter s(64);
    std::vector<std::string> lines;
    auto collect = [&](std::string_view l) {
      lines.emplace_back(l);
      return true;
    };
    ASSERT_TRUE(*s.Feed(std::string_view(stream).substr(0, cut), collect));
    ASSERT_TRUE(*s.Feed(std::string_view(stream).substr(cut), collect));
    EXPECT_THAT(lines, ElementsAre("{\"a\":1}", "{\"b\":2}", "{\"c\":3}")) << cut;
    EXPECT_EQ(s.pending(), 0u);
  }
}

TEST(LineSplitter, ByteAtATime) {
  const std::string stream = "first\nsecond\nthird-without-newline";
  LineSplitter s(64);
  std::vector<std::string> lines;
  for (char c : stream) {
    ASSERT_TRUE(s.Feed(std::string_view(&c, 1), [&](std::string_view l) {
                   lines.emplace_back(l);
                   return true;
                 }).ok());
  }
  EXPECT_THAT(lines, ElementsAre("first", "second"));
  EXPECT_EQ(s.pending(), std::string("third-without-newline").size());
}

TEST(LineSplitter, BoundsTheLineLength) {
  LineSplitter s(8);
  auto ignore = [](std::string_view) { return true; };
  EXPECT_TRUE(s.Feed("12345678\n", ignore).ok()) << "exactly the bound is fine";
  EXPECT_TRUE(s.Feed("12345", ignore).ok());
  Result<bool> r = s.Feed("6789", ignore);  // 9 bytes without a newline
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().err, kErrTooLarge);
  LineSplitter big(8);
  EXPECT_FALSE(big.Feed(std::string(1000, 'x') + "\n", ignore).ok());
}

TEST(LineSplitter, ConsumerCanStop) {
  LineSplitter s(64);
  int seen = 0;
  Result<bool> r = s.Feed("a\nb\nc\n", [&](std::string_view) { return ++seen < 2; });
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace flows::flowd::k8s
