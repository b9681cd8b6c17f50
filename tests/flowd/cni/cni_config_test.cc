#include "flows/flowd/cni/cni_config.h"

#include <gtest/gtest.h>

#include "flows/flowd/cni/cni_protocol.h"

namespace flows::flowd {
namespace {

using nlohmann::ordered_json;

ordered_json Decode(std::string_view text) {
  auto j = DecodeCniJson(text);
  EXPECT_TRUE(j.ok()) << text;
  return j.ok() ? *j : ordered_json();
}

TEST(CniConfig, DecodeFailures) {
  EXPECT_FALSE(DecodeCniJson("").ok());
  EXPECT_FALSE(DecodeCniJson("{").ok());
  EXPECT_FALSE(DecodeCniJson("[1]").ok());
  EXPECT_FALSE(DecodeCniJson("{} {}").ok());
  EXPECT_FALSE(DecodeCniJson(std::string(kMaxCniConfigBytes + 1, ' ')).ok());
  EXPECT_TRUE(DecodeCniJson(" {\"a\": 1}\n").ok());
}

TEST(CniConfig, Versions) {
  for (const char* v : {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}) {
    auto got = CniVersionOf(ordered_json{{"cniVersion", v}});
    ASSERT_TRUE(got.ok()) << v;
    EXPECT_EQ(*got, v);
    EXPECT_TRUE(IsKnownCniVersion(v)) << v;
  }
  // Unknown versions are returned (the plugin passes their results through), not refused.
  for (const char* v : {"0.2.0", "1.2.0", "9.9.9", ""}) {
    auto got = CniVersionOf(ordered_json{{"cniVersion", v}});
    ASSERT_TRUE(got.ok()) << v;
    EXPECT_EQ(*got, v);
    EXPECT_FALSE(IsKnownCniVersion(v)) << v;
  }
  for (const ordered_json& j : {ordered_json{{"cniVersion", 1}}, ordered_json::object()}) {
    EXPECT_FALSE(CniVersionOf(j).ok()) << j.dump();
  }
  EXPECT_TRUE(CniVersionHasCheck("0.4.0"));
  EXPECT_TRUE(CniVersionHasCheck("1.0.0"));
  EXPECT_TRUE(CniVersionHasCheck("1.1.0"));
  EXPECT_FALSE(CniVersionHasCheck("0.3.1"));
}

TEST(CniConfig, VersionFromACniVersionsList) {
  // A 1.1.0 conflist may carry "cniVersions"; the newest one we speak wins.
  auto v = CniVersionOf(ordered_json::parse(R"({"cniVersions": ["0.4.0", "1.1.0", "2.0.0", "1.0.0"]})"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, "1.1.0");
  // "cniVersion" is what the runtime chose: it beats the list.
  v = CniVersionOf(ordered_json::parse(R"({"cniVersion": "1.0.0", "cniVersions": ["1.0.0", "1.1.0"]})"));
  EXPECT_EQ(*v, "1.0.0");
  auto none = CniVersionOf(ordered_json::parse(R"({"cniVersions": ["2.0.0", 7]})"));
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("1.1.0"), std::string::npos) << none.error().message;
}

TEST(CniConfig, ValidAttachments) {
  auto ids = ParseValidAttachments(ordered_json::parse(R"({"cni.dev/valid-attachments": [
      {"containerID": "aa11", "ifname": "eth0"}, {"containerID": "aa11", "ifname": "net1"},
      {"containerID": "bb22", "ifname": "eth0", "extra": true}]})"));
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  EXPECT_EQ(*ids, (std::vector<std::string>{"aa11", "bb22"}));
  // libcni's other spelling, and an empty list (every attachment is stale).
  ids = ParseValidAttachments(ordered_json::parse(R"({"cni.dev/attachments": [{"containerID": "cc33"}]})"));
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<std::string>{"cc33"});
  ids = ParseValidAttachments(ordered_json::parse(R"({"cni.dev/valid-attachments": []})"));
  ASSERT_TRUE(ids.ok());
  EXPECT_TRUE(ids->empty());
  // A missing or broken list is not "nothing is valid".
  for (const char* bad :
       {R"({})", R"({"cni.dev/valid-attachments": null})",
        R"({"cni.dev/valid-attachments": {"containerID": "a"}})",
        R"({"cni.dev/valid-attachments": [{"ifname": "eth0"}]})",
        R"({"cni.dev/valid-attachments": [{"containerID": "../x"}]})",
        R"({"cni.dev/valid-attachments": [{"containerID": 5}]})", R"({"cni.dev/valid-attachments": [1]})"}) {
    EXPECT_FALSE(ParseValidAttachments(ordered_json::parse(bad)).ok()) << bad;
  }
  ordered_json many = {{"cni.dev/valid-attachments", ordered_json::array()}};
  for (std::size_t i = 0; i <= kMaxCniGcIds; ++i)
    many["cni.dev/valid-attachments"].push_back({{"containerID", "c" + std::to_string(i)}});
  EXPECT_FALSE(ParseValidAttachments(many).ok());
}

TEST(CniConfig, DefaultsAndOurFields) {
  auto c =
      ParseCniConfig(Decode(R"({"cniVersion": "1.0.0", "name": "k8s-pod-network", "type": "flows-cni"})"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->socket, "/run/flows/cni.sock");
  EXPECT_EQ(c->timeout.count(), 2000);
  EXPECT_FALSE(c->prev_result);

  c = ParseCniConfig(Decode(R"({"type": "flows-cni", "name": "n", "cniVersion": "0.4.0",
      "socket": "/tmp/x.sock", "timeoutMs": 250, "logFile": "/var/log/flows-cni.log",
      "runtimeConfig": {"portMappings": []}, "capabilities": {"portMappings": true},
      "prevResult": {"cniVersion": "0.4.0", "ips": []}})"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->cni_version, "0.4.0");
  EXPECT_EQ(c->socket, "/tmp/x.sock");
  EXPECT_EQ(c->timeout.count(), 250);
  EXPECT_EQ(c->log_file, "/var/log/flows-cni.log");
  ASSERT_TRUE(c->prev_result);
  EXPECT_EQ(c->prev_result->begin().key(), "cniVersion");  // order kept
}

TEST(CniConfig, InvalidFields) {
  struct Case {
    const char* json;
    const char* want;
  };
  for (const Case& k : {
           Case{R"({"cniVersion": "1.0.0", "type": "flows-cni"})", "missing network name"},
           Case{R"({"cniVersion": "1.0.0", "name": 5})", "name: not a string"},
           Case{R"({"cniVersion": "1.0.0", "name": "n", "socket": "run/x.sock"})",
                "socket: not an absolute path"},
           Case{R"({"cniVersion": "1.0.0", "name": "n", "socket": ""})", "socket: not an absolute path"},
           Case{R"({"cniVersion": "1.0.0", "name": "n", "timeoutMs": 0})",
                "timeoutMs: not between 1 and 60000"},
           Case{R"({"cniVersion": "1.0.0", "name": "n", "timeoutMs": 60001})", "timeoutMs"},
           Case{R"({"cniVersion": "1.0.0", "name": "n", "timeoutMs": 2.5})", "timeoutMs: not an integer"},
           Case{R"({"cniVersion": "1.0.0", "name": "n", "timeoutMs": "2000"})", "timeoutMs: not an integer"},
           Case{R"({"cniVersion": "1.0.0", "name": "n", "timeoutMs": 18446744073709551615})", "timeoutMs"},
           Case{R"({"cniVersion": "1.0.0", "name": "n", "logFile": "x.log"})",
                "logFile: not an absolute path"},
       }) {
    auto c = ParseCniConfig(Decode(k.json));
    ASSERT_FALSE(c.ok()) << k.json;
    EXPECT_NE(c.error().message.find(k.want), std::string::npos) << k.json << " -> " << c.error().message;
  }
  const std::string long_socket =
      R"({"cniVersion": "1.0.0", "name": "n", "socket": "/)" + std::string(120, 'a') + "\"}";
  EXPECT_FALSE(ParseCniConfig(Decode(long_socket)).ok());
}

TEST(CniArgs, KeysInAnyOrder) {
  for (const char* args : {
           "K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-1;K8S_POD_UID=u-1;K8S_POD_INFRA_CONTAINER_ID=abc",
           "K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=u-1;K8S_POD_NAME=web-1;K8S_POD_NAMESPACE=shop",
           "IgnoreUnknown=1;K8S_POD_NAME=web-1;K8S_POD_NAMESPACE=shop;K8S_POD_UID=u-1;"
           "K8S_POD_INFRA_CONTAINER_ID=abc",
       }) {
    auto a = ParseCniArgs(args);
    ASSERT_TRUE(a.ok()) << args << ": " << a.error().message;
    EXPECT_EQ(a->pod_namespace, "shop");
    EXPECT_EQ(a->pod_name, "web-1");
    EXPECT_EQ(a->pod_uid, "u-1");
    EXPECT_EQ(a->infra_container_id, "abc");
  }
}

TEST(CniArgs, UnknownKeysNeedIgnoreUnknown) {
  auto a = ParseCniArgs("K8S_POD_NAME=x;FOO=1;BAR=2");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.error().message.find("unknown keys FOO, BAR"), std::string::npos);
  // IgnoreUnknown may come anywhere, also after the unknown keys.
  for (const char* ok : {"FOO=1;IgnoreUnknown=1", "IgnoreUnknown=true;FOO=1", "FOO=1;IgnoreUnknown=TRUE"}) {
    EXPECT_TRUE(ParseCniArgs(ok).ok()) << ok;
  }
  EXPECT_FALSE(ParseCniArgs("FOO=1;IgnoreUnknown=0").ok());
  EXPECT_FALSE(ParseCniArgs("FOO=1;IgnoreUnknown=false").ok());
  EXPECT_FALSE(ParseCniArgs("IgnoreUnknown=yes").ok());
}

TEST(CniArgs, Malformed) {
  EXPECT_TRUE(ParseCniArgs("").ok());
  EXPECT_TRUE(ParseCniArgs("K8S_POD_NAME=x;").ok());
  EXPECT_TRUE(ParseCniArgs("K8S_POD_NAME=").ok());  // empty value: allowed
  EXPECT_FALSE(ParseCniArgs("K8S_POD_NAME").ok());
  EXPECT_FALSE(ParseCniArgs("=x").ok());
  EXPECT_FALSE(ParseCniArgs("IgnoreUnknown=1;garbage").ok());  // a pair without '=' is never ignorable
  EXPECT_FALSE(ParseCniArgs("K8S_POD_NAME=" + std::string(2000, 'x')).ok());
  // flowd's bounds: what the plugin accepts, flowd accepts (found by cni_config_fuzz).
  EXPECT_TRUE(ParseCniArgs("K8S_POD_NAME=" + std::string(253, 'x')).ok());
  EXPECT_FALSE(ParseCniArgs("K8S_POD_NAME=" + std::string(254, 'x')).ok());
  EXPECT_FALSE(ParseCniArgs("K8S_POD_NAMESPACE=" + std::string(254, 'x')).ok());
  EXPECT_FALSE(ParseCniArgs("K8S_POD_UID=" + std::string(129, 'x')).ok());
  EXPECT_FALSE(ParseCniArgs("K8S_POD_NAME=caf\xc3\xa9").ok());
  EXPECT_FALSE(ParseCniArgs("K8S_POD_NAME=a b").ok());
  auto a = ParseCniArgs("K8S_POD_NAME=a=b");  // value keeps what follows the first '='
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->pod_name, "a=b");
}

TEST(CniErrorJson, SpecShape) {
  const auto j = ordered_json::parse(CniErrorJson("0.4.0", CniCode::kInvalidConfig, "bad", "why"));
  EXPECT_EQ(j, ordered_json::parse(R"({"cniVersion": "0.4.0", "code": 7, "msg": "bad", "details": "why"})"));
  const auto k = ordered_json::parse(CniErrorJson("1.0.0", CniCode::kDecodeFailure, std::string("\xff"), ""));
  EXPECT_FALSE(k.contains("details"));
  EXPECT_EQ(k["code"], 6);
}

}  // namespace
}  // namespace flows::flowd
