#include "flows/flowd/cni/cni_plugin.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "flows/flowd/cni/cni_config.h"
#include "real_plugin_results.h"

namespace flows::flowd {
namespace {

using nlohmann::ordered_json;

// Records what the plugin sends and answers as told.
struct FakeFlowd {
  std::vector<CniRequest> requests;
  std::string socket;
  std::chrono::milliseconds timeout{0};
  Result<CniReply> answer = CniReply{true, true, true, ""};

  CniPluginIo Io() {
    CniPluginIo io;
    io.send = [this](const std::string& s, const CniRequest& r, std::chrono::milliseconds t) {
      socket = s;
      timeout = t;
      requests.push_back(r);
      return answer;
    };
    io.link_kind = [](const std::string& n) { return std::string(n == "cni-exp0" ? "bridge" : "veth"); };
    io.ifindex = [](const std::string& n) { return n == "veth6a1ec340" ? 17u : 0u; };
    return io;
  }
};

CniEnv Env(std::string command) {
  CniEnv env;
  env.command = std::move(command);
  env.container_id = "4f3a9c0d";
  env.netns = "/var/run/netns/pod1";
  env.ifname = "eth0";
  env.args =
      "IgnoreUnknown=1;K8S_POD_NAMESPACE=shop;K8S_POD_NAME=web-1;K8S_POD_INFRA_CONTAINER_ID=4f3a9c0d;"
      "K8S_POD_UID=uid-1";
  env.path = "/opt/cni/bin";
  return env;
}

// The config a runtime hands the second plugin of a chain: its own entry
// plus name, cniVersion and the first plugin's result as prevResult.
std::string ChainedConfig(const char* prev, const char* version = "1.0.0") {
  ordered_json c = {{"cniVersion", version},
                    {"name", "podnet"},
                    {"type", "flows-cni"},
                    {"socket", "/run/test.sock"},
                    {"timeoutMs", 500}};
  if (prev) c["prevResult"] = ordered_json::parse(prev);
  return c.dump();
}

ordered_json ErrorOf(const CniPluginOutcome& out) {
  EXPECT_NE(out.exit_code, 0);
  return ordered_json::parse(out.stdout_text);
}

TEST(CniPlugin, AddRegistersAndPassesThePrevResultThrough) {
  FakeFlowd flowd;
  auto out = RunCniPlugin(Env("ADD"), ChainedConfig(testing::kBridgeResult100), flowd.Io());
  EXPECT_EQ(out.exit_code, 0);
  // Same JSON object, same key order.
  const auto printed = ordered_json::parse(out.stdout_text);
  EXPECT_EQ(printed, ordered_json::parse(testing::kBridgeResult100));
  EXPECT_EQ(printed.dump(), ordered_json::parse(testing::kBridgeResult100).dump());

  ASSERT_EQ(flowd.requests.size(), 1u);
  const CniRequest& r = flowd.requests[0];
  EXPECT_EQ(r.op, CniOp::kAdd);
  EXPECT_EQ(r.container_id, "4f3a9c0d");
  EXPECT_EQ(r.netns, "/var/run/netns/pod1");
  EXPECT_EQ(r.ifname, "eth0");
  EXPECT_EQ(r.pod_namespace, "shop");
  EXPECT_EQ(r.pod_name, "web-1");
  EXPECT_EQ(r.pod_uid, "uid-1");
  EXPECT_EQ(r.host_ifname, "veth6a1ec340");
  EXPECT_EQ(r.host_ifindex, 17u);
  EXPECT_EQ(r.ips, std::vector<std::string>{"10.77.0.2"});
  EXPECT_EQ(flowd.socket, "/run/test.sock");
  EXPECT_EQ(flowd.timeout.count(), 500);
}

TEST(CniPlugin, Add040) {
  FakeFlowd flowd;
  auto out = RunCniPlugin(Env("ADD"), ChainedConfig(testing::kBridgeResult040, "0.4.0"), flowd.Io());
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(ordered_json::parse(out.stdout_text), ordered_json::parse(testing::kBridgeResult040));
  ASSERT_EQ(flowd.requests.size(), 1u);
  EXPECT_EQ(flowd.requests[0].host_ifname, "veth2905f1b5");
}

TEST(CniPlugin, AddFailsOpenWhenFlowdIsDownSlowOrRefuses) {
  for (Result<CniReply> answer : {
           Result<CniReply>(Error::System("connect /run/test.sock", ENOENT)),
           Result<CniReply>(Error{"wait for reply: flowd did not answer in time", ETIMEDOUT}),
           Result<CniReply>(CniReply{false, false, false, "attach: No such device"}),
       }) {
    FakeFlowd flowd;
    flowd.answer = answer;
    auto out = RunCniPlugin(Env("ADD"), ChainedConfig(testing::kBridgeResult100), flowd.Io());
    EXPECT_EQ(out.exit_code, 0);
    EXPECT_EQ(ordered_json::parse(out.stdout_text), ordered_json::parse(testing::kBridgeResult100));
    ASSERT_FALSE(out.log.empty());
    EXPECT_NE(out.log.back().find("pod=shop/web-1"), std::string::npos) << out.log.back();
  }
}

TEST(CniPlugin, AddWithoutHostInterfaceStillRegistersAddresses) {
  FakeFlowd flowd;
  auto out = RunCniPlugin(Env("ADD"), ChainedConfig(R"({"cniVersion": "1.0.0", "interfaces": [
      {"name": "eth0", "sandbox": "/var/run/netns/pod1"}], "ips": [{"interface": 0, "address": "10.5.0.2/16"}]})"),
                          flowd.Io());
  EXPECT_EQ(out.exit_code, 0);
  ASSERT_EQ(flowd.requests.size(), 1u);
  EXPECT_EQ(flowd.requests[0].host_ifname, "");
  EXPECT_EQ(flowd.requests[0].host_ifindex, 0u);
  EXPECT_EQ(flowd.requests[0].ips, std::vector<std::string>{"10.5.0.2"});
}

TEST(CniPlugin, AddNeedsPrevResult) {
  FakeFlowd flowd;
  auto out = RunCniPlugin(Env("ADD"), ChainedConfig(nullptr), flowd.Io());
  const auto err = ErrorOf(out);
  EXPECT_EQ(err["code"], 7);
  EXPECT_EQ(err["cniVersion"], "1.0.0");
  EXPECT_EQ(err["msg"], "prevResult is required");
  EXPECT_TRUE(err.contains("details"));
  EXPECT_TRUE(flowd.requests.empty());
}

TEST(CniPlugin, CallerErrorsUseTheSpecCodes) {
  struct Case {
    std::string command;
    std::string config;
    std::function<void(CniEnv&)> env_change;
    int code;
  };
  const std::string good = ChainedConfig(testing::kBridgeResult100);
  const std::vector<Case> cases = {
      {"ADD", "not json", nullptr, 6},
      {"ADD", "", nullptr, 6},
      {"ADD", "[]", nullptr, 6},
      {"ADD", R"({"cniVersion": "1.1.0", "name": "n"})", nullptr, 7},
      {"ADD", R"({"name": "n"})", nullptr, 7},
      {"ADD", R"({"cniVersion": "1.0.0"})", nullptr, 7},
      {"ADD", R"({"cniVersion": "1.0.0", "name": "n", "timeoutMs": -5})", nullptr, 7},
      {"CHECK", "not json", nullptr, 6},
      {"GC", "not json", nullptr, 6},
      {"DEL", good, [](CniEnv& e) { e.container_id.clear(); }, 4},
      {"DEL", "not json", [](CniEnv& e) { e.container_id = "-bad"; }, 4},
      {"ADD", good, [](CniEnv& e) { e.args = "K8S_POD_NAME=x;FOO=bar"; }, 4},
      {"ADD", good, [](CniEnv& e) { e.args = "garbage"; }, 4},
      {"ADD", good, [](CniEnv& e) { e.container_id.clear(); }, 4},
      {"ADD", good, [](CniEnv& e) { e.container_id = "../etc"; }, 4},
      {"ADD", good, [](CniEnv& e) { e.ifname.clear(); }, 4},
      {"ADD", good, [](CniEnv& e) { e.netns.clear(); }, 4},
      {"CHECK", good, [](CniEnv& e) { e.netns.clear(); }, 4},
      {"", good, nullptr, 4},
      {"CHECK", ChainedConfig(testing::kBridgeResult040, "0.3.1"), nullptr, 1},
      {"CHECK", ChainedConfig(nullptr), nullptr, 7},
  };
  for (const Case& c : cases) {
    FakeFlowd flowd;
    CniEnv env = Env(c.command);
    if (c.env_change) c.env_change(env);
    auto out = RunCniPlugin(env, c.config, flowd.Io());
    ASSERT_NE(out.exit_code, 0) << c.command << " " << c.config;
    const auto err = ordered_json::parse(out.stdout_text);
    EXPECT_EQ(err["code"], c.code) << c.command << " " << c.config << " -> " << out.stdout_text;
    EXPECT_TRUE(err["msg"].is_string());
    EXPECT_TRUE(err["cniVersion"].is_string());
    EXPECT_TRUE(flowd.requests.empty());
  }
}

TEST(CniPlugin, ErrorsReportTheConfigVersion) {
  FakeFlowd flowd;
  CniEnv env = Env("ADD");
  env.args = "NOPE=1";
  auto out = RunCniPlugin(env, ChainedConfig(testing::kBridgeResult040, "0.4.0"), flowd.Io());
  EXPECT_EQ(ErrorOf(out)["cniVersion"], "0.4.0");
}

TEST(CniPlugin, DelTwiceSecondWithoutNetnsOrPrevResult) {
  FakeFlowd flowd;
  auto out = RunCniPlugin(Env("DEL"), ChainedConfig(testing::kBridgeResult100), flowd.Io());
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.stdout_text, "");
  CniEnv again = Env("DEL");
  again.netns.clear();
  flowd.answer = Error::System("connect", ECONNREFUSED);  // and flowd is gone by now
  out = RunCniPlugin(again, ChainedConfig(nullptr), flowd.Io());
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.stdout_text, "");
  ASSERT_EQ(flowd.requests.size(), 2u);
  EXPECT_EQ(flowd.requests[1].op, CniOp::kDel);
  EXPECT_EQ(flowd.requests[1].container_id, "4f3a9c0d");
  EXPECT_EQ(flowd.requests[1].netns, "");
}

TEST(CniPlugin, DelIgnoresABrokenPrevResult) {
  FakeFlowd flowd;
  auto out = RunCniPlugin(Env("DEL"), ChainedConfig("[1, 2]"), flowd.Io());
  EXPECT_EQ(out.exit_code, 0);
}

TEST(CniPlugin, Check) {
  FakeFlowd flowd;
  auto out = RunCniPlugin(Env("CHECK"), ChainedConfig(testing::kBridgeResult100), flowd.Io());
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.stdout_text, "");
  ASSERT_EQ(flowd.requests.size(), 1u);
  EXPECT_EQ(flowd.requests[0].op, CniOp::kCheck);

  // flowd up but it forgot the container (restarted without its state):
  // the pod is fine, so it is registered again and the check passes.
  flowd.requests.clear();
  flowd.answer = CniReply{true, false, false, ""};
  out = RunCniPlugin(Env("CHECK"), ChainedConfig(testing::kBridgeResult100), flowd.Io());
  EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
  EXPECT_EQ(out.stdout_text, "");
  ASSERT_EQ(flowd.requests.size(), 2u);
  EXPECT_EQ(flowd.requests[1].op, CniOp::kAdd);
  EXPECT_EQ(flowd.requests[1].host_ifname, "veth6a1ec340");
  EXPECT_EQ(flowd.requests[1].ips, std::vector<std::string>{"10.77.0.2"});
  EXPECT_EQ(flowd.requests[1].pod_name, "web-1");
  ASSERT_EQ(out.log.size(), 1u);
  EXPECT_NE(out.log[0].find("registered it again"), std::string::npos) << out.log[0];

  flowd.answer = Error::System("connect", ENOENT);  // flowd down: fail open
  out = RunCniPlugin(Env("CHECK"), ChainedConfig(testing::kBridgeResult100), flowd.Io());
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_FALSE(out.log.empty());
}

TEST(CniPlugin, Version) {
  FakeFlowd flowd;
  for (const char* in : {"", "{\"cniVersion\": \"1.0.0\"}", "garbage"}) {
    auto out = RunCniPlugin(Env("VERSION"), in, flowd.Io());
    EXPECT_EQ(out.exit_code, 0);
    EXPECT_EQ(
        ordered_json::parse(out.stdout_text),
        ordered_json::parse(
            R"({"cniVersion": "1.1.0", "supportedVersions": ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"]})"));
  }
}

// The bridge's 1.0.0 result as a 1.1.0 chain hands it on: same shape.
std::string Result110() {
  ordered_json prev = ordered_json::parse(testing::kBridgeResult100);
  prev["cniVersion"] = "1.1.0";
  return prev.dump();
}

TEST(CniPlugin, Add110) {
  FakeFlowd flowd;
  const std::string prev = Result110();
  auto out = RunCniPlugin(Env("ADD"), ChainedConfig(prev.c_str(), "1.1.0"), flowd.Io());
  ASSERT_EQ(out.exit_code, 0) << out.stdout_text;
  EXPECT_EQ(out.stdout_text, ordered_json::parse(prev).dump() + "\n");
  ASSERT_EQ(flowd.requests.size(), 1u);
  EXPECT_EQ(flowd.requests[0].host_ifname, "veth6a1ec340");
}

TEST(CniPlugin, AddPassesThroughWhatItCannotRead) {
  struct Case {
    std::string config;
    std::string prev;  // what must come out
  };
  auto with = [](ordered_json c, const char* key, ordered_json v) {
    c[key] = std::move(v);
    return c.dump();
  };
  const ordered_json good = ordered_json::parse(ChainedConfig(testing::kBridgeResult100));
  ordered_json no_version = good;
  no_version.erase("cniVersion");
  const std::vector<Case> cases = {
      // Versions we do not know (older, newer, none, not a string).
      {with(good, "cniVersion", "1.2.0"), testing::kBridgeResult100},
      {with(good, "cniVersion", "0.2.0"), testing::kBridgeResult100},
      {with(good, "cniVersion", "99"), testing::kBridgeResult100},
      {with(good, "cniVersion", 1), testing::kBridgeResult100},
      {no_version.dump(), testing::kBridgeResult100},
      // Malformed prevResults.
      {ChainedConfig(R"({"ips": [{"address": "banana"}]})"), R"({"ips": [{"address": "banana"}]})"},
      {ChainedConfig("[]"), "[]"},
      {ChainedConfig(R"({"interfaces": "veth1"})"), R"({"interfaces": "veth1"})"},
      {ChainedConfig("\"text\""), "\"text\""},
      // Our own fields broken.
      {with(good, "timeoutMs", -5), testing::kBridgeResult100},
      {with(good, "socket", "relative.sock"), testing::kBridgeResult100},
  };
  for (const Case& c : cases) {
    FakeFlowd flowd;
    auto out = RunCniPlugin(Env("ADD"), c.config, flowd.Io());
    EXPECT_EQ(out.exit_code, 0) << c.config << " -> " << out.stdout_text;
    EXPECT_EQ(ordered_json::parse(out.stdout_text), ordered_json::parse(c.prev)) << c.config;
    EXPECT_EQ(out.log.size(), 1u) << c.config;  // one line says why
    EXPECT_TRUE(flowd.requests.empty()) << c.config;
  }
}

TEST(CniPlugin, DelSucceedsForEveryInputThatNamesAContainer) {
  const std::string good = ChainedConfig(testing::kBridgeResult100);
  struct Case {
    std::string config;
    std::function<void(CniEnv&)> env_change;
    std::string socket;  // where the DEL goes
  };
  const std::vector<Case> cases = {
      {good, nullptr, "/run/test.sock"},
      {ChainedConfig(testing::kBridgeResult100, "1.1.0"), nullptr, "/run/test.sock"},
      {ChainedConfig(testing::kBridgeResult100, "9.9.9"), nullptr, "/run/test.sock"},
      {ChainedConfig(nullptr, "0.3.0"), [](CniEnv& e) { e.netns.clear(); }, "/run/test.sock"},
      {"not json", nullptr, "/run/flows/cni.sock"},
      {"", nullptr, "/run/flows/cni.sock"},
      {R"({"cniVersion": "1.1.0", "name": "n", "socket": 5})", nullptr, "/run/flows/cni.sock"},
      {R"({"name": "n"})", nullptr, "/run/flows/cni.sock"},
      {good, [](CniEnv& e) { e.args = "garbage;K8S_POD_NAME"; }, "/run/test.sock"},
      {good, [](CniEnv& e) { e.ifname = "no/such:if"; }, "/run/test.sock"},
      {good, [](CniEnv& e) { e.netns.clear(); }, "/run/test.sock"},
  };
  for (const Case& c : cases) {
    for (const Result<CniReply>& answer : {Result<CniReply>(CniReply{true, false, false, ""}),
                                           Result<CniReply>(Error::System("connect", ENOENT)),
                                           Result<CniReply>(CniReply{false, false, false, "broken"})}) {
      FakeFlowd flowd;
      flowd.answer = answer;
      CniEnv env = Env("DEL");
      if (c.env_change) c.env_change(env);
      auto out = RunCniPlugin(env, c.config, flowd.Io());
      EXPECT_EQ(out.exit_code, 0) << c.config << " -> " << out.stdout_text;
      EXPECT_EQ(out.stdout_text, "") << c.config;
      ASSERT_EQ(flowd.requests.size(), 1u) << c.config;
      EXPECT_EQ(flowd.requests[0].op, CniOp::kDel);
      EXPECT_EQ(flowd.requests[0].container_id, "4f3a9c0d");
      EXPECT_EQ(flowd.socket, c.socket) << c.config;
      // flowd must accept what it is sent, whatever the plugin was given.
      EXPECT_TRUE(ParseCniRequest(SerializeCniRequest(flowd.requests[0])).ok()) << c.config;
    }
  }
}

TEST(CniPlugin, EveryVerbAndVersionSucceedsWithFlowdDown) {
  const std::string prev110 = Result110();
  for (const char* version : {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0", "7.7.7"}) {
    ordered_json c = ordered_json::parse(ChainedConfig(
        std::string(version) == "1.1.0" ? prev110.c_str() : testing::kBridgeResult100, version));
    c["cni.dev/valid-attachments"] =
        ordered_json::parse(R"([{"containerID": "4f3a9c0d", "ifname": "eth0"}])");
    for (const char* command : {"ADD", "CHECK", "DEL", "GC", "STATUS"}) {
      const bool check_not_allowed =
          std::string(command) == "CHECK" && !CniVersionHasCheck(version) && IsKnownCniVersion(version);
      FakeFlowd flowd;
      flowd.answer = Error::System("connect /run/test.sock", ENOENT);
      CniEnv env = Env(command);
      if (std::string(command) == "GC" || std::string(command) == "STATUS")
        env = CniEnv{command, "", "", "", "", "/opt/cni/bin"};
      auto out = RunCniPlugin(env, c.dump(), flowd.Io());
      if (check_not_allowed) {  // the spec's answer: CHECK needs 0.4.0
        EXPECT_EQ(ErrorOf(out)["code"], 1) << version;
        continue;
      }
      EXPECT_EQ(out.exit_code, 0) << command << " " << version << " -> " << out.stdout_text;
      if (std::string(command) == "ADD") {
        EXPECT_EQ(ordered_json::parse(out.stdout_text), c["prevResult"]) << version;
      } else {
        EXPECT_EQ(out.stdout_text, "") << command << " " << version;
      }
      EXPECT_FALSE(out.log.empty()) << command << " " << version;  // flowd down is always said
    }
  }
}

TEST(CniPlugin, GcSendsTheValidContainers) {
  FakeFlowd flowd;
  flowd.answer = CniReply{true, false, false, "", 3};
  const std::string config = R"({"cniVersion": "1.1.0", "name": "podnet", "type": "flows-cni",
      "socket": "/run/test.sock", "cni.dev/valid-attachments": [
        {"containerID": "aa11", "ifname": "eth0"}, {"containerID": "bb22", "ifname": "eth0"}]})";
  auto out = RunCniPlugin(CniEnv{"GC", "", "", "", "", "/opt/cni/bin"}, config, flowd.Io());
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.stdout_text, "");
  ASSERT_EQ(flowd.requests.size(), 1u);
  EXPECT_EQ(flowd.requests[0].op, CniOp::kGc);
  EXPECT_EQ(flowd.requests[0].valid_container_ids, (std::vector<std::string>{"aa11", "bb22"}));
  ASSERT_EQ(out.log.size(), 1u);
  EXPECT_NE(out.log[0].find("forgot 3"), std::string::npos) << out.log[0];
  EXPECT_NE(out.log[0].find("network=podnet"), std::string::npos) << out.log[0];
}

TEST(CniPlugin, GcWithoutAUsableListRemovesNothing) {
  for (const char* list : {"", R"(, "cni.dev/valid-attachments": "all")",
                           R"(, "cni.dev/valid-attachments": [{"containerID": "../x"}])"}) {
    FakeFlowd flowd;
    const std::string config =
        std::string(R"({"cniVersion": "1.1.0", "name": "podnet", "type": "flows-cni")") + list + "}";
    auto out = RunCniPlugin(CniEnv{"GC", "", "", "", "", "/opt/cni/bin"}, config, flowd.Io());
    EXPECT_EQ(out.exit_code, 0) << config;
    EXPECT_TRUE(flowd.requests.empty()) << config;
    EXPECT_EQ(out.log.size(), 1u) << config;
  }
}

TEST(CniPlugin, StatusIsAlwaysReady) {
  for (const char* config : {R"({"cniVersion": "1.1.0", "name": "podnet", "type": "flows-cni"})", "not json",
                             R"({"cniVersion": "5.0.0"})"}) {
    for (const Result<CniReply>& answer : {Result<CniReply>(CniReply{true, false, false, ""}),
                                           Result<CniReply>(Error::System("connect", ENOENT))}) {
      FakeFlowd flowd;
      flowd.answer = answer;
      auto out = RunCniPlugin(CniEnv{"STATUS", "", "", "", "", "/opt/cni/bin"}, config, flowd.Io());
      EXPECT_EQ(out.exit_code, 0) << config;
      EXPECT_EQ(out.stdout_text, "") << config;
      ASSERT_EQ(flowd.requests.size(), 1u);
      EXPECT_EQ(flowd.requests[0].op, CniOp::kStatus);
      EXPECT_EQ(out.log.size(), answer.ok() ? 0u : 1u) << config;
    }
  }
}

TEST(CniPlugin, LogFileComesFromTheConfig) {
  FakeFlowd flowd;
  ordered_json c = ordered_json::parse(ChainedConfig(testing::kBridgeResult100));
  c["logFile"] = "/var/log/flows-cni.log";
  auto out = RunCniPlugin(Env("ADD"), c.dump(), flowd.Io());
  EXPECT_EQ(out.log_file, "/var/log/flows-cni.log");
}

}  // namespace
}  // namespace flows::flowd
