#include "flows/flowd/cni/cni_prev_result.h"

#include <gtest/gtest.h>

#include "real_plugin_results.h"

namespace flows::flowd {
namespace {

using nlohmann::ordered_json;
namespace t = testing;

const LinkKindFn kNoKernel = nullptr;

// A kernel that knows `bridge` as a bridge and every other name as a veth.
LinkKindFn BridgeIs(std::string bridge) {
  return [bridge](const std::string& n) { return std::string(n == bridge ? "bridge" : "veth"); };
}

Result<PodPlumbing> Parse(const char* text, const LinkKindFn& link_kind = kNoKernel) {
  return ParsePrevResult(ordered_json::parse(text), link_kind);
}

TEST(PrevResult, BridgeWithKernelSayingWhichIsTheBridge) {
  auto p = Parse(t::kBridgeResult100, BridgeIs("cni-exp0"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->host_ifname, "veth6a1ec340");
  EXPECT_EQ(p->ips, std::vector<std::string>{"10.77.0.2"});
}

TEST(PrevResult, BridgeWithoutKernelHelpPicksTheLastHostInterface) {
  auto p = Parse(t::kBridgeResult100);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_ifname, "veth6a1ec340");
}

TEST(PrevResult, Bridge040) {
  auto p = Parse(t::kBridgeResult040);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->host_ifname, "veth2905f1b5");
  EXPECT_EQ(p->ips, std::vector<std::string>{"10.77.0.3"});
}

TEST(PrevResult, KernelBridgeCheckBeatsListOrder) {
  // A plugin that lists its bridge last is still handled.
  auto p = Parse(R"({"interfaces": [{"name": "veth1"}, {"name": "br0"}, {"name": "eth0", "sandbox": "/n"}]})",
                 BridgeIs("br0"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_ifname, "veth1");
}

TEST(PrevResult, AVethBeatsAnyOtherKindWhereverListed) {
  // The kernel's kinds, not the order: the node's own NIC or a bridge the
  // result happens to list after the veth is never the pod's interface.
  const LinkKindFn kinds = [](const std::string& n) -> std::string {
    if (n == "cni0") return "bridge";
    if (n == "eth0") return "device";
    return n == "vethab" ? "veth" : "";
  };
  for (const char* text : {
           R"({"interfaces": [{"name": "cni0"}, {"name": "vethab"}, {"name": "eth0", "sandbox": "/n"}]})",
           R"({"interfaces": [{"name": "vethab"}, {"name": "cni0"}, {"name": "eth0", "sandbox": "/n"}]})",
           R"({"interfaces": [{"name": "vethab"}, {"name": "eth0"}, {"name": "cni0"}]})",
       }) {
    auto p = Parse(text, kinds);
    ASSERT_TRUE(p.ok()) << text;
    EXPECT_EQ(p->host_ifname, "vethab") << text;
  }
}

TEST(PrevResult, NoVethAndOnlyABridgeOrUnknownNamesGivesNoHostInterface) {
  // An interface this namespace does not have ("") cannot be attached to
  // from here; a bridge never is the pod's.
  const LinkKindFn kinds = [](const std::string& n) -> std::string { return n == "cni0" ? "bridge" : ""; };
  auto p =
      Parse(R"({"interfaces": [{"name": "cni0"}, {"name": "vethgone"}, {"name": "eth0", "sandbox": "/n"}]})",
            kinds);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_ifname, "");
}

TEST(PrevResult, AnInterfaceWithASandboxIsThePodsEvenIfItsNameIsAVethHere) {
  // eth0 in the pod and a host link that happens to be called eth0.
  auto p = Parse(R"({"interfaces": [{"name": "eth0", "sandbox": "/n"}, {"name": "veth9"}]})",
                 [](const std::string&) { return std::string("veth"); });
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_ifname, "veth9");
}

TEST(PrevResult, Ptp) {
  auto p = Parse(t::kPtpResult);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_ifname, "veth8ff85450");
  EXPECT_EQ(p->ips, std::vector<std::string>{"10.78.0.2"});
}

TEST(PrevResult, LoopbackOnlyGivesNothing) {
  auto p = Parse(t::kLoopbackResult);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_ifname, "");
  EXPECT_TRUE(p->ips.empty());
}

TEST(PrevResult, DualStackIpsWithoutInterfaceIndex) {
  auto p = Parse(R"({"interfaces": [{"name": "cali12ab", "mac": "ee:ee:ee:ee:ee:ee"}],
                     "ips": [{"address": "10.0.0.9/32"}, {"address": "FD00::0009/128"}, {"address": "10.0.0.9/32"}]})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_ifname, "cali12ab");
  EXPECT_EQ(p->ips, (std::vector<std::string>{"10.0.0.9", "fd00::9"}));
}

TEST(PrevResult, AddressOnAHostInterfaceIsNotThePods) {
  auto p = Parse(R"({"interfaces": [{"name": "br0"}, {"name": "veth1"}, {"name": "eth0", "sandbox": "/n"}],
                     "ips": [{"interface": 0, "address": "10.0.0.1/24"}, {"interface": 2, "address": "10.0.0.2/24"},
                             {"interface": 9, "address": "10.0.0.3/24"}]})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->ips, (std::vector<std::string>{"10.0.0.2", "10.0.0.3"}));  // index 9: lenient, kept
}

TEST(PrevResult, EmptyAndMinimal) {
  auto p = Parse("{}");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_ifname, "");
  EXPECT_TRUE(Parse(R"({"interfaces": null, "ips": null})").ok());
}

TEST(PrevResult, InvalidInterfaceNamesAreNeverChosen) {
  auto p = Parse(
      R"({"interfaces": [{"name": "veth1"}, {"name": "../../etc"}, {"name": "a-name-longer-than-15"}]})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host_ifname, "veth1");
}

TEST(PrevResult, Errors) {
  struct Case {
    const char* json;
    const char* want;
  };
  for (const Case& c : {
           Case{"[]", "prevResult is not a JSON object"},
           Case{R"({"interfaces": {}})", "prevResult.interfaces is not a list"},
           Case{R"({"interfaces": [1]})", "prevResult.interfaces[0] is not a JSON object"},
           Case{R"({"interfaces": [{"name": 1}]})", "prevResult.interfaces[0].name: not a string"},
           Case{R"({"interfaces": [{"name": "a", "sandbox": []}]})", "prevResult.interfaces[0].sandbox"},
           Case{R"({"ips": "10.0.0.1"})", "prevResult.ips is not a list"},
           Case{R"({"ips": [{"address": "10.0.0.1/33"}]})", "prevResult.ips[0].address: not an address"},
           Case{R"({"ips": [{"address": "10.0.0.1/"}]})", "not an address"},
           Case{R"({"ips": [{"address": "fd00::1/129"}]})", "not an address"},
           Case{R"({"ips": [{}]})", "prevResult.ips[0].address"},
           Case{R"({"ips": [{"address": "10.0.0.1/24", "interface": -1}]})", "prevResult.ips[0].interface"},
           Case{R"({"ips": [{"address": "10.0.0.1/24", "interface": "2"}]})", "prevResult.ips[0].interface"},
       }) {
    auto p = Parse(c.json);
    ASSERT_FALSE(p.ok()) << c.json;
    EXPECT_NE(p.error().message.find(c.want), std::string::npos) << c.json << " -> " << p.error().message;
  }
}

}  // namespace
}  // namespace flows::flowd
