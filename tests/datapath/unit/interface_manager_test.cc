// Which interfaces get which hooks, and how that follows link changes,
// with netlink and the kernel replaced by fakes.
#include "flows/datapath/interface_manager.h"

#include <gtest/gtest.h>

#include <set>

#include "fake_links.h"

namespace flows::datapath {
namespace {

using testing::FakeHooks;
using testing::FakeLinks;

const LinkInfo kLo{1, "lo", ""};
const LinkInfo kEth0{2, "eth0", ""};
const LinkInfo kBridge{3, "cni0", "bridge"};
const LinkInfo kVeth{4, "veth1a2b3c", "veth"};
const LinkInfo kCali{5, "cali12345", "veth"};
const LinkInfo kOther{6, "docker0", "bridge"};

TEST(PlanFor, PodVethsGetBothTcHooks) {
  AttachPolicy p;
  EXPECT_EQ(PlanFor(kVeth, p, 2), (std::vector{AttachPoint::kTcIngress, AttachPoint::kTcEgress}));
  EXPECT_EQ(PlanFor(kCali, p, 2), (std::vector{AttachPoint::kTcIngress, AttachPoint::kTcEgress}));
}

TEST(PlanFor, NodeNicGetsXdpIngressAndTcEgress) {
  AttachPolicy p;
  EXPECT_EQ(PlanFor(kEth0, p, 2), (std::vector{AttachPoint::kXdpIngress, AttachPoint::kTcEgress}));
  p.node_nic_xdp = false;
  EXPECT_EQ(PlanFor(kEth0, p, 2), (std::vector{AttachPoint::kTcIngress, AttachPoint::kTcEgress}));
  EXPECT_TRUE(PlanFor(kEth0, p, std::nullopt).empty()) << "no default route: no node NIC";
}

TEST(PlanFor, NamedNodeNicAndNone) {
  AttachPolicy p;
  p.node_nic = "eth0";
  EXPECT_EQ(PlanFor(kEth0, p, 99).size(), 2u);
  p.node_nic = "";
  EXPECT_TRUE(PlanFor(kEth0, p, 2).empty());
}

TEST(PlanFor, NeverLoopbackOrBridges) {
  AttachPolicy p;
  p.pod_patterns = {"*"};
  EXPECT_TRUE(PlanFor(kLo, p, 1).empty());
  EXPECT_TRUE(PlanFor(kBridge, p, 2).empty());
  EXPECT_TRUE(PlanFor(kOther, p, 2).empty());
}

TEST(PlanFor, PatternsAreGlobs) {
  AttachPolicy p;
  p.pod_patterns = {"tap?"};
  EXPECT_EQ(PlanFor({9, "tap1", ""}, p, 2).size(), 2u);
  EXPECT_TRUE(PlanFor({9, "tap12", ""}, p, 2).empty());
  EXPECT_TRUE(PlanFor(kVeth, p, 2).empty());
}

TEST(InterfaceManager, ResyncAttachesPlannedHooksOnce) {
  FakeLinks links;
  links.links = {kLo, kEth0, kBridge, kVeth};
  links.default_ifindex = 2;
  FakeHooks hooks;
  InterfaceManager m(links, hooks, {});
  ASSERT_TRUE(m.Resync().ok());
  EXPECT_EQ(hooks.attached(), (std::set<std::pair<std::uint32_t, AttachPoint>>{{2, AttachPoint::kXdpIngress},
                                                                               {2, AttachPoint::kTcEgress},
                                                                               {4, AttachPoint::kTcIngress},
                                                                               {4, AttachPoint::kTcEgress}}));
  const int calls = hooks.attach_calls();
  ASSERT_TRUE(m.Resync().ok());
  EXPECT_EQ(hooks.attach_calls(), calls) << "a second resync attaches nothing twice";
}

TEST(InterfaceManager, ForeignXdpFallsBackToTcIngress) {
  FakeLinks links;
  links.links = {kEth0};
  links.default_ifindex = 2;
  FakeHooks hooks;
  hooks.SetXdpBusy({2});
  InterfaceManager m(links, hooks, {});
  ASSERT_TRUE(m.Resync().ok());
  EXPECT_EQ(hooks.attached(), (std::set<std::pair<std::uint32_t, AttachPoint>>{{2, AttachPoint::kTcIngress},
                                                                               {2, AttachPoint::kTcEgress}}));
  const auto& st = m.interfaces().at(2);
  ASSERT_EQ(st.errors.size(), 1u);
  EXPECT_NE(st.errors[0].find("already has an XDP program"), std::string::npos);
}

TEST(InterfaceManager, FollowsLinkEvents) {
  FakeLinks links;
  FakeHooks hooks;
  InterfaceManager m(links, hooks, {});
  ASSERT_TRUE(m.Resync().ok());
  EXPECT_TRUE(hooks.attached().empty());

  links.Push({LinkEvent::Type::kAddedOrChanged, kVeth});
  links.Push({LinkEvent::Type::kAddedOrChanged, kBridge});
  ASSERT_TRUE(m.PollEvents(std::chrono::milliseconds(0)).ok());
  EXPECT_EQ(hooks.attached().size(), 2u);
  EXPECT_EQ(m.interfaces().size(), 1u);

  links.Push({LinkEvent::Type::kRemoved, kVeth});
  ASSERT_TRUE(m.PollEvents(std::chrono::milliseconds(0)).ok());
  EXPECT_TRUE(hooks.attached().empty());
  EXPECT_TRUE(m.interfaces().empty());
}

TEST(InterfaceManager, RenameReplansTheInterface) {
  FakeLinks links;
  FakeHooks hooks;
  InterfaceManager m(links, hooks, {});
  links.Push({LinkEvent::Type::kAddedOrChanged, kVeth});
  ASSERT_TRUE(m.PollEvents(std::chrono::milliseconds(0)).ok());
  EXPECT_EQ(hooks.attached().size(), 2u);
  links.Push({LinkEvent::Type::kAddedOrChanged, {4, "eth1", "veth"}});  // moved/renamed: no match
  ASSERT_TRUE(m.PollEvents(std::chrono::milliseconds(0)).ok());
  EXPECT_TRUE(hooks.attached().empty());
}

TEST(InterfaceManager, ResyncForgetsVanishedLinks) {
  FakeLinks links;
  links.links = {kVeth, kCali};
  FakeHooks hooks;
  InterfaceManager m(links, hooks, {});
  ASSERT_TRUE(m.Resync().ok());
  EXPECT_EQ(hooks.attached().size(), 4u);
  links.links = {kCali};  // kVeth's removal event was lost
  ASSERT_TRUE(m.Resync().ok());
  EXPECT_EQ(hooks.attached().size(), 2u);
  EXPECT_EQ(m.interfaces().count(kVeth.ifindex), 0u);
}

TEST(InterfaceManager, CniNamedPodVethIsAttachedWithinThePatterns) {
  FakeLinks links;
  FakeHooks hooks;
  InterfaceManager m(links, hooks, {});
  ASSERT_TRUE(m.AttachPod(kVeth));
  EXPECT_TRUE(hooks.attached().count({kVeth.ifindex, AttachPoint::kTcIngress}));
  EXPECT_TRUE(hooks.attached().count({kVeth.ifindex, AttachPoint::kTcEgress}));
  EXPECT_FALSE(m.interfaces().at(kVeth.ifindex).node_nic);
  // A second request (a repeated ADD) attaches nothing twice.
  const int calls = hooks.attach_calls();
  ASSERT_TRUE(m.AttachPod(kVeth));
  EXPECT_EQ(hooks.attach_calls(), calls);
}

TEST(InterfaceManager, CniNeverAttachesOutsideThePatternsOrToABridge) {
  FakeLinks links;
  FakeHooks hooks;
  AttachPolicy p;
  InterfaceManager m(links, hooks, p);
  // What a confused prevResult may name: the node's bridge, its NIC, lo, a
  // veth the operator did not ask flowd to watch.
  for (const LinkInfo& l : {kBridge, kOther, kEth0, kLo, LinkInfo{8, "pod-eth-7", "veth"}}) {
    auto s = m.AttachPod(l);
    EXPECT_FALSE(s) << l.name;
  }
  EXPECT_EQ(hooks.attach_calls(), 0);
  EXPECT_TRUE(m.interfaces().empty());
  auto s = m.AttachPod(LinkInfo{8, "pod-eth-7", "veth"});
  EXPECT_NE(s.error().message.find("--interfaces"), std::string::npos) << s.error().message;

  // Even a pattern that matches everything never makes a bridge a pod's.
  p.pod_patterns = {"*"};
  InterfaceManager all(links, hooks, p);
  EXPECT_FALSE(all.AttachPod(kBridge));
  EXPECT_TRUE(all.AttachPod(LinkInfo{8, "pod-eth-7", "veth"}));
}

}  // namespace
}  // namespace flows::datapath
