#include "flows/flowd/cni/cni_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace flows::flowd {
namespace {

CniRequest Sample() {
  CniRequest req;
  req.op = CniOp::kAdd;
  req.container_id = "4f3a9c";
  req.netns = "/var/run/netns/cni-1234";
  req.ifname = "eth0";
  req.pod_namespace = "shop";
  req.pod_name = "web-1";
  req.pod_uid = "0c1e-uid";
  req.host_ifname = "veth1a2b";
  req.host_ifindex = 42;
  req.ips = {"10.0.0.5", "fd00::5"};
  return req;
}

TEST(CniProtocol, RequestRoundTrip) {
  const std::string line = SerializeCniRequest(Sample());
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // exactly one line
  auto back = ParseCniRequest(line);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->container_id, "4f3a9c");
  EXPECT_EQ(back->netns, "/var/run/netns/cni-1234");
  EXPECT_EQ(back->pod_namespace, "shop");
  EXPECT_EQ(back->pod_name, "web-1");
  EXPECT_EQ(back->pod_uid, "0c1e-uid");
  EXPECT_EQ(back->host_ifname, "veth1a2b");
  EXPECT_EQ(back->host_ifindex, 42u);
  EXPECT_EQ(back->ips, (std::vector<std::string>{"10.0.0.5", "fd00::5"}));
}

TEST(CniProtocol, MinimalRequestsAndOps) {
  for (const auto& [text, op] : std::vector<std::pair<std::string, CniOp>>{
           {R"({"op": "del", "container_id": "abc"})", CniOp::kDel},
           {R"({"op": "check", "container_id": "abc", "v": 1, "future_field": [1, 2]})", CniOp::kCheck},
           {"{\"op\": \"add\", \"container_id\": \"abc\"}\r\n", CniOp::kAdd},
       }) {
    auto r = ParseCniRequest(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.error().message;
    EXPECT_EQ(r->op, op);
  }
}

TEST(CniProtocol, GcAndStatusNeedNoContainer) {
  CniRequest gc;
  gc.op = CniOp::kGc;
  gc.valid_container_ids = {"aa11", "bb22"};
  const std::string line = SerializeCniRequest(gc);
  EXPECT_EQ(line, "{\"v\":1,\"op\":\"gc\",\"valid\":[\"aa11\",\"bb22\"]}\n");
  auto back = ParseCniRequest(line);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->op, CniOp::kGc);
  EXPECT_EQ(back->valid_container_ids, gc.valid_container_ids);
  // An empty list is a list: nothing is valid.
  back = ParseCniRequest(R"({"op": "gc", "valid": []})");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->valid_container_ids.empty());

  CniRequest status;
  status.op = CniOp::kStatus;
  back = ParseCniRequest(SerializeCniRequest(status));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->op, CniOp::kStatus);

  for (const char* bad : {R"({"op": "gc", "valid": ["../x"]})", R"({"op": "gc", "valid": "aa11"})",
                          R"({"op": "status", "container_id": "-x"})"}) {
    EXPECT_FALSE(ParseCniRequest(bad).ok()) << bad;
  }
  // The biggest list flows-cni sends fits in one line.
  gc.valid_container_ids.clear();
  for (std::size_t i = 0; i < kMaxCniGcIds; ++i)
    gc.valid_container_ids.push_back(std::string(64, 'a') + std::to_string(i));
  EXPECT_LE(SerializeCniRequest(gc).size(), kMaxCniLine);
  EXPECT_TRUE(ParseCniRequest(SerializeCniRequest(gc)).ok());
}

TEST(CniProtocol, BadRequests) {
  struct Case {
    std::string line;
    const char* want;
  };
  const std::vector<Case> cases = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"\"add\"", "not a JSON object"},
      {R"({"container_id": "abc"})", "op: missing"},
      {R"({"op": "ADD", "container_id": "abc"})", "op: unknown operation"},
      {R"({"op": 1, "container_id": "abc"})", "op: not a string"},
      {R"({"op": "add"})", "container_id: missing"},
      {R"({"op": "add", "container_id": "-abc"})", "container_id"},
      {R"({"op": "add", "container_id": "a/b"})", "container_id"},
      {R"({"op": "add", "container_id": "abc", "v": 2})", "unsupported protocol version 2"},
      {R"({"op": "add", "container_id": "abc", "host_ifname": "a/b"})", "host_ifname"},
      {R"({"op": "add", "container_id": "abc", "host_ifname": "sixteen-chars-xx"})", "host_ifname"},
      {R"({"op": "add", "container_id": "abc", "ifname": ".."})", "ifname"},
      {R"({"op": "add", "container_id": "abc", "host_ifindex": -1})", "host_ifindex"},
      {R"({"op": "add", "container_id": "abc", "host_ifindex": 4294967296})", "host_ifindex"},
      {R"({"op": "add", "container_id": "abc", "ips": ["10.0.0.1/24"]})", "ips: not an IP address"},
      {R"({"op": "add", "container_id": "abc", "ips": [1]})", "ips: has an element"},
      {R"({"op": "add", "container_id": "abc", "namespace": ")" + std::string(300, 'n') + "\"}",
       "namespace: longer"},
      {std::string(kMaxCniLine + 1, ' '), "longer than"},
  };
  for (const Case& c : cases) {
    auto r = ParseCniRequest(c.line);
    ASSERT_FALSE(r.ok()) << c.line.substr(0, 80);
    EXPECT_NE(r.error().message.find(c.want), std::string::npos)
        << c.line.substr(0, 80) << " -> " << r.error().message;
  }
  std::string many = R"({"op": "add", "container_id": "abc", "ips": [)";
  for (std::size_t i = 0; i <= kMaxCniIps; ++i) many += std::string(i ? "," : "") + "\"10.0.0.1\"";
  EXPECT_FALSE(ParseCniRequest(many + "]}").ok());
}

TEST(CniProtocol, NonUtf8FieldsSerializeInsteadOfThrowing) {
  CniRequest req = Sample();
  req.pod_name = "bad\xff";
  const std::string line = SerializeCniRequest(req);
  auto back = ParseCniRequest(line);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->pod_name, "bad\xEF\xBF\xBD");
}

TEST(CniProtocol, Replies) {
  CniReply ok;
  ok.ok = true;
  ok.attached = true;
  auto r = ParseCniReply(SerializeCniReply(ok));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ok);
  EXPECT_TRUE(r->attached);
  EXPECT_FALSE(r->known);

  CniReply bad;
  bad.error = "attach veth1: No such device";
  r = ParseCniReply(SerializeCniReply(bad));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->error, "attach veth1: No such device");
  EXPECT_EQ(nlohmann::json::parse(SerializeCniReply(bad)),
            nlohmann::json::parse(R"({"ok": false, "error": "attach veth1: No such device"})"));

  EXPECT_EQ(ParseCniReply(R"({"ok": false})")->error, "flowd gave no reason");
  EXPECT_FALSE(ParseCniReply(R"({"attached": true})").ok());
  EXPECT_FALSE(ParseCniReply(R"({"ok": "yes"})").ok());
  EXPECT_FALSE(ParseCniReply(R"({"ok": true, "known": 1})").ok());
  EXPECT_FALSE(ParseCniReply(R"({"ok": false, "error": 5})").ok());
  EXPECT_FALSE(ParseCniReply("HTTP/1.1 200 OK").ok());
}

TEST(CniProtocol, NameRules) {
  EXPECT_TRUE(IsValidIfname("eth0"));
  EXPECT_TRUE(IsValidIfname("veth6a1ec340"));
  EXPECT_TRUE(IsValidIfname("fifteen-chars-x"));
  EXPECT_FALSE(IsValidIfname("sixteen-chars-xx"));
  for (const char* bad : {"", ".", "..", "a/b", "a:b", "a b", "a\tb"})
    EXPECT_FALSE(IsValidIfname(bad)) << bad;
  EXPECT_TRUE(IsValidContainerId("0123abcDEF_.-x"));
  for (const char* bad : {"", "_a", ".a", "-a", "a/b", "a b", "a;b"})
    EXPECT_FALSE(IsValidContainerId(bad)) << bad;
}

}  // namespace
}  // namespace flows::flowd
