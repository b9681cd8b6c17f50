#include "flows/common/json_reader.h"

#include <gtest/gtest.h>

namespace flows {
namespace {

using nlohmann::json;

TEST(JsonFields, ReadsTypedFieldsAndTreatsNullAsAbsent) {
  const json j = json::parse(
      R"({"name": "a", "n": 7, "on": true, "ips": ["x", "y"], "labels": {"k": "v"}, "gone": null})");
  JsonFields f(j, "obj");
  std::string name, gone = "kept";
  std::int64_t n = 0;
  bool on = false;
  std::vector<std::string> ips;
  std::map<std::string, std::string> labels;
  EXPECT_TRUE(f.String("name", name));
  EXPECT_TRUE(f.Integer("n", n, 0, 10));
  EXPECT_TRUE(f.Bool("on", on));
  EXPECT_TRUE(f.StringList("ips", ips));
  EXPECT_TRUE(f.StringMap("labels", labels));
  EXPECT_FALSE(f.String("gone", gone));
  EXPECT_FALSE(f.String("missing", gone));
  EXPECT_FALSE(f.failed());
  EXPECT_EQ(name, "a");
  EXPECT_EQ(n, 7);
  EXPECT_TRUE(on);
  EXPECT_EQ(ips, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(labels.at("k"), "v");
  EXPECT_EQ(gone, "kept");
}

TEST(JsonFields, FirstProblemNamesTheFieldAndLaterReadsAreNoOps) {
  const json j = json::parse(R"({"n": "seven", "name": 3, "ok": "fine"})");
  JsonFields f(j, "spec");
  std::int64_t n = 0;
  std::string name, ok;
  EXPECT_FALSE(f.Integer("n", n, 0, 10));
  EXPECT_FALSE(f.String("name", name));
  EXPECT_FALSE(f.String("ok", ok)) << "reads after a failure do nothing";
  ASSERT_TRUE(f.failed());
  EXPECT_EQ(f.error().message, "spec.n: not an integer between 0 and 10");
  EXPECT_TRUE(ok.empty());
}

TEST(JsonFields, BoundsAreEnforced) {
  const json j = json::parse(R"({"s": "abcdef", "big": 18446744073709551615, "list": ["a", "b", "c"]})");
  std::string s;
  JsonFields a(j, "");
  EXPECT_FALSE(a.String("s", s, 5));
  EXPECT_EQ(a.error().message, "s: longer than 5 bytes");
  std::int64_t n = 0;
  JsonFields b(j, "");
  EXPECT_FALSE(b.Integer("big", n, 0, 100));
  EXPECT_EQ(b.error().message, "big: not between 0 and 100");
  std::vector<std::string> list;
  JsonFields c(j, "");
  EXPECT_FALSE(c.StringList("list", list, 2));
  EXPECT_EQ(c.error().message, "list: more than 2 elements");
  std::uint32_t u = 0;
  const json too_big = json::parse(R"({"u": 4294967296})");
  JsonFields d(too_big, "");
  EXPECT_FALSE(d.Uint32("u", u));
}

TEST(JsonReader, PathsNameNestedFields) {
  const json j = json::parse(R"({"metadata": {"labels": {"app": 1}}})");
  JsonReader r;
  std::map<std::string, std::string> labels;
  const json* meta = r.Object(j, "metadata", "metadata");
  ASSERT_NE(meta, nullptr);
  r.StringMap(*meta, "labels", "metadata.labels", labels);
  ASSERT_TRUE(r.failed());
  EXPECT_EQ(r.error().message, "metadata.labels.app: not a string");
  EXPECT_EQ(JsonReader::Get(json::array(), "x"), nullptr) << "a non-object has no members";
}

}  // namespace
}  // namespace flows
