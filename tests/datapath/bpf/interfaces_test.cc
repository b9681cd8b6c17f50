// Interface discovery and hot-plug against real rtnetlink, in a network
// namespace of the test's own: links listed, the default-route NIC found,
// and programs attached to a veth created after the manager started.
#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>

#include <algorithm>

#include "flows/datapath/attachment.h"
#include "flows/datapath/interface_manager.h"
#include "flows/datapath/loader.h"

namespace flows::testing {
namespace {

using datapath::AttachPoint;

class InterfacesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "needs root: " << strerror(errno);
    auto links = datapath::NetlinkLinkSource::Create();
    ASSERT_TRUE(links.ok()) << links.error().message;
    links_ = std::move(*links);
  }
  static void Sh(const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; }

  std::unique_ptr<datapath::NetlinkLinkSource> links_;
};

TEST_F(InterfacesTest, ListsLinksWithTheirKind) {
  // (This kernel has no dummy driver; a veth stands in for a NIC.)
  Sh("ip link add fl-nic0 type veth peer name fl-nic0p && ip link add fl-br0 type bridge && "
     "ip link add vethfl0 type veth peer name fl-peer0");
  auto list = links_->List();
  ASSERT_TRUE(list.ok()) << list.error().message;
  auto kind = [&](const std::string& name) -> std::string {
    auto it = std::find_if(list->begin(), list->end(), [&](const auto& l) { return l.name == name; });
    return it == list->end() ? "<missing>" : it->kind;
  };
  EXPECT_EQ(kind("lo"), "");
  EXPECT_EQ(kind("fl-nic0"), "veth");
  EXPECT_EQ(kind("fl-br0"), "bridge");
  EXPECT_EQ(kind("vethfl0"), "veth");
}

TEST_F(InterfacesTest, FindsTheDefaultRouteInterface) {
  auto none = links_->DefaultRouteIfindex();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "a fresh namespace has no default route";
  Sh("ip link add fl-nic0 type veth peer name fl-nic0p && ip link set fl-nic0p up && ip link set fl-nic0 up "
     "&& "
     "ip addr add 192.0.2.10/24 dev fl-nic0 && "
     "ip route add default via 192.0.2.1 dev fl-nic0");
  auto def = links_->DefaultRouteIfindex();
  ASSERT_TRUE(def.ok());
  ASSERT_TRUE(def->has_value());
  EXPECT_EQ(**def, if_nametoindex("fl-nic0"));
}

TEST_F(InterfacesTest, HotPluggedVethGetsProgramsAndLosesThemOnRemoval) {
  datapath::DatapathOptions opts;
  opts.pin_root.clear();
  auto dp = datapath::Datapath::Load(opts);
  ASSERT_TRUE(dp.ok()) << dp.error().message;
  datapath::KernelHooks hooks(**dp, "", false);
  datapath::InterfaceManager manager(*links_, hooks, {});
  ASSERT_TRUE(manager.Resync().ok());
  EXPECT_TRUE(manager.interfaces().empty());

  Sh("ip link add vethfl1 type veth peer name fl-peer1");
  const auto ifindex = if_nametoindex("vethfl1");
  for (int i = 0; i < 20 && manager.interfaces().empty(); ++i)
    ASSERT_TRUE(manager.PollEvents(std::chrono::milliseconds(100)).ok());
  ASSERT_EQ(manager.interfaces().count(ifindex), 1u) << "the new veth was not picked up";
  EXPECT_EQ(manager.interfaces().at(ifindex).attached.size(), 2u);
  auto in = datapath::QueryTcx(ifindex, AttachPoint::kTcIngress);
  ASSERT_TRUE(in.ok());
  ASSERT_EQ(in->size(), 1u);
  EXPECT_EQ(in->at(0).name, "flows_tc_ingres");
  EXPECT_EQ(manager.interfaces().count(if_nametoindex("fl-peer1")), 0u) << "its peer does not match veth*";

  Sh("ip link del vethfl1");
  for (int i = 0; i < 20 && !manager.interfaces().empty(); ++i)
    ASSERT_TRUE(manager.PollEvents(std::chrono::milliseconds(100)).ok());
  EXPECT_TRUE(manager.interfaces().empty());
}

}  // namespace
}  // namespace flows::testing
