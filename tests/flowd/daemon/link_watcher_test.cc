// The link watcher as the converter and the CNI path see it: roles and names
// of attached interfaces, hot-plugged veths, and CNI attach requests.
#include "flows/flowd/daemon/link_watcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "fake_links.h"
#include "wait_for.h"

namespace flows::flowd {
namespace {

using datapath::AttachPoint;
using datapath::LinkEvent;
using datapath::LinkInfo;

using testing::FakeHooks;
using testing::FakeLinks;

LinkWatcherOptions FastOptions() {
  LinkWatcherOptions o;
  o.event_wait = std::chrono::milliseconds(10);
  return o;
}

TEST(LinkWatcher, RolesAndNamesOfAttachedInterfaces) {
  FakeLinks links;
  links.links = {{2, "eth0", ""}, {7, "veth1234", "veth"}, {9, "cni0", "bridge"}};
  links.default_ifindex = 2;
  FakeHooks hooks;
  LinkWatcher w(links, hooks, FastOptions());
  ASSERT_TRUE(w.Start());
  EXPECT_EQ(w.Role(2), InterfaceRole::kNodeNic);
  EXPECT_EQ(w.Role(7), InterfaceRole::kPod);
  EXPECT_EQ(w.Role(9), InterfaceRole::kUnknown);  // bridges get nothing
  EXPECT_EQ(w.Name(7), "veth1234");
  EXPECT_EQ(w.Interfaces().size(), 2u);
}

TEST(LinkWatcher, HotPluggedVethIsAttachedAndNamed) {
  FakeLinks links;
  FakeHooks hooks;
  LinkWatcher w(links, hooks, FastOptions());
  ASSERT_TRUE(w.Start());
  links.Push({LinkEvent::Type::kAddedOrChanged, {11, "veth-new", "veth"}});
  ASSERT_TRUE(flows::testing::WaitFor([&] { return w.Role(11) == InterfaceRole::kPod; }));
  EXPECT_EQ(w.Name(11), "veth-new");
  EXPECT_TRUE(hooks.attached().count({11, AttachPoint::kTcIngress}));
  EXPECT_TRUE(hooks.attached().count({11, AttachPoint::kTcEgress}));
  links.Push({LinkEvent::Type::kRemoved, {11, "veth-new", "veth"}});
  EXPECT_TRUE(flows::testing::WaitFor([&] { return w.Role(11) == InterfaceRole::kUnknown; }));
}

TEST(LinkWatcher, LinksGoingAwayAreReported) {
  FakeLinks links;
  links.links = {{7, "veth1234", "veth"}};
  FakeHooks hooks;
  std::atomic<int> calls{0};
  LinkWatcherOptions o = FastOptions();
  o.resync_interval = std::chrono::seconds(3600);
  o.on_links_gone = [&] { ++calls; };
  LinkWatcher w(links, hooks, o);
  ASSERT_TRUE(w.Start());
  links.Push({LinkEvent::Type::kAddedOrChanged, {8, "veth5678", "veth"}});
  ASSERT_TRUE(flows::testing::WaitFor([&] { return w.Role(8) == InterfaceRole::kPod; }));
  EXPECT_EQ(calls.load(), 0) << "an added link is not a gone one";
  links.Push({LinkEvent::Type::kRemoved, {7, "veth1234", "veth"}});
  ASSERT_TRUE(flows::testing::WaitFor([&] { return calls.load() > 0; }));
  EXPECT_EQ(calls.load(), 1);
}

TEST(LinkWatcher, CniAttachRequestsAreChecked) {
  FakeLinks links;
  FakeHooks hooks;
  LinkWatcher w(links, hooks, FastOptions());
  ASSERT_TRUE(w.Start());
  // An interface that does not exist (in this test's network namespace).
  auto missing = w.AttachPod("flowsnope0", 0);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("flowsnope0"), std::string::npos);
  // "lo" exists but is no pod's veth.
  EXPECT_FALSE(w.AttachPod("lo", 0));
  // A name whose index changed: the CNI's interface was replaced.
  auto replaced = w.AttachPod("lo", 12345);
  ASSERT_FALSE(replaced);
  EXPECT_NE(replaced.error().message.find("replaced"), std::string::npos);
}

}  // namespace
}  // namespace flows::flowd
