// Attaching to real interfaces. Each test runs in a network namespace of
// its own (unshare), holding a veth pair it creates, so nothing outside the
// test is touched and everything disappears with the process.
#include "flows/datapath/attachment.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "empty.skel.h"
#include "flows/datapath/loader.h"

namespace flows::testing {
namespace {

using datapath::Attachment;
using datapath::AttachMode;
using datapath::AttachPoint;
using datapath::TcAttach;

// `tc qdisc show dev fl-test0` mentions a clsact qdisc.
bool HasClsact() {
  FILE* p = popen("tc qdisc show dev fl-test0", "r");
  std::string out;
  char buf[256];
  while (p && fgets(buf, sizeof(buf), p)) out += buf;
  if (p) pclose(p);
  return out.find("clsact") != std::string::npos;
}

// Filters listed by `tc filter show dev fl-test0 <ingress|egress>`.
std::string TcFilters(const char* dir) {
  FILE* p = popen((std::string("tc filter show dev fl-test0 ") + dir).c_str(), "r");
  std::string out;
  char buf[256];
  while (p && fgets(buf, sizeof(buf), p)) out += buf;
  if (p) pclose(p);
  return out;
}

class AttachTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "needs root: " << strerror(errno);
    ASSERT_EQ(std::system("ip link add fl-test0 type veth peer name fl-test1 && ip link set fl-test0 up && "
                          "ip link set fl-test1 up"),
              0);
    ifindex_ = if_nametoindex("fl-test0");
    ASSERT_NE(ifindex_, 0u);
    datapath::DatapathOptions opts;
    opts.pin_root.clear();
    auto dp = datapath::Datapath::Load(opts);
    ASSERT_TRUE(dp.ok()) << dp.error().message;
    dp_ = std::move(*dp);
    empty_ = empty__open_and_load();
    ASSERT_NE(empty_, nullptr);
  }
  void TearDown() override {
    if (empty_) empty__destroy(empty_);
  }

  std::vector<std::string> TcxNames(AttachPoint p) {
    auto progs = datapath::QueryTcx(ifindex_, p);
    EXPECT_TRUE(progs.ok()) << (progs.ok() ? "" : progs.error().message);
    std::vector<std::string> names;
    if (progs.ok())
      for (const auto& prog : *progs) names.push_back(prog.name);
    return names;
  }

  std::uint32_t ifindex_ = 0;
  std::unique_ptr<datapath::Datapath> dp_;
  empty* empty_ = nullptr;
};

TEST_F(AttachTest, TcxAttachAndDetach) {
  {
    auto in = Attachment::Attach(dp_->tc_ingress_fd(), ifindex_, "fl-test0", AttachPoint::kTcIngress, "");
    ASSERT_TRUE(in.ok()) << in.error().message;
    auto eg = Attachment::Attach(dp_->tc_egress_fd(), ifindex_, "fl-test0", AttachPoint::kTcEgress, "");
    ASSERT_TRUE(eg.ok()) << eg.error().message;
    EXPECT_EQ(in->mode(), datapath::AttachMode::kTcx);
    EXPECT_EQ(TcxNames(AttachPoint::kTcIngress), std::vector<std::string>{"flows_tc_ingres"});
    EXPECT_EQ(TcxNames(AttachPoint::kTcEgress), std::vector<std::string>{"flows_tc_egress"});
  }
  EXPECT_TRUE(TcxNames(AttachPoint::kTcIngress).empty()) << "destroying the owner detaches";
  EXPECT_TRUE(TcxNames(AttachPoint::kTcEgress).empty());
}

TEST_F(AttachTest, ClsactQdiscWeCreatedGoesWithUs) {
  ASSERT_FALSE(HasClsact());
  {
    auto in = Attachment::Attach(dp_->tc_ingress_fd(), ifindex_, "fl-test0", AttachPoint::kTcIngress, "",
                                 TcAttach::kClsact);
    ASSERT_TRUE(in.ok()) << in.error().message;
    auto eg = Attachment::Attach(dp_->tc_egress_fd(), ifindex_, "fl-test0", AttachPoint::kTcEgress, "",
                                 TcAttach::kClsact);
    ASSERT_TRUE(eg.ok()) << eg.error().message;
    EXPECT_EQ(in->mode(), AttachMode::kTcClsact);
    EXPECT_TRUE(in->created_qdisc());
    EXPECT_FALSE(eg->created_qdisc()) << "the ingress attach made it";
    EXPECT_TRUE(HasClsact());
    EXPECT_NE(TcFilters("ingress").find("flows_tc_ingres"), std::string::npos) << TcFilters("ingress");
    EXPECT_NE(TcFilters("egress").find("flows_tc_egress"), std::string::npos) << TcFilters("egress");
  }
  EXPECT_FALSE(HasClsact()) << "we created the clsact qdisc, so we removed it";
}

TEST_F(AttachTest, ClsactQdiscSomeoneElseMadeStaysWithTheirFilter) {
  // Another tool's qdisc and filter (cls_bpf with a program of its own).
  LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = static_cast<int>(ifindex_), .attach_point = BPF_TC_INGRESS);
  ASSERT_EQ(bpf_tc_hook_create(&hook), 0);
  LIBBPF_OPTS(bpf_tc_opts, theirs, .prog_fd = bpf_program__fd(empty_->progs.empty_tc), .handle = 7,
              .priority = 9);
  ASSERT_EQ(bpf_tc_attach(&hook, &theirs), 0);
  {
    auto in = Attachment::Attach(dp_->tc_ingress_fd(), ifindex_, "fl-test0", AttachPoint::kTcIngress, "",
                                 TcAttach::kClsact);
    ASSERT_TRUE(in.ok()) << in.error().message;
    EXPECT_FALSE(in->created_qdisc());
  }
  EXPECT_TRUE(HasClsact()) << "not ours to remove";
  const std::string left = TcFilters("ingress");
  EXPECT_NE(left.find("empty_tc"), std::string::npos) << left;
  EXPECT_EQ(left.find("flows_tc_ingres"), std::string::npos) << "our filter is gone: " << left;
}

TEST_F(AttachTest, GoesFirstAndLeavesOtherProgramsInPlace) {
  // A "CNI" program already attached through tcx.
  const int cni_link = bpf_link_create(bpf_program__fd(empty_->progs.empty_tc), static_cast<int>(ifindex_),
                                       static_cast<bpf_attach_type>(46 /* BPF_TCX_INGRESS */), nullptr);
  ASSERT_GE(cni_link, 0) << strerror(errno);
  {
    auto ours = Attachment::Attach(dp_->tc_ingress_fd(), ifindex_, "fl-test0", AttachPoint::kTcIngress, "");
    ASSERT_TRUE(ours.ok()) << ours.error().message;
    EXPECT_EQ(TcxNames(AttachPoint::kTcIngress), (std::vector<std::string>{"flows_tc_ingres", "empty_tc"}));
  }
  EXPECT_EQ(TcxNames(AttachPoint::kTcIngress), std::vector<std::string>{"empty_tc"});
  close(cni_link);
}

TEST_F(AttachTest, ReattachAfterRestartSwapsTheProgramInsteadOfAddingOne) {
  const std::string pins = "/sys/fs/bpf/flows-test-links-" + std::to_string(getpid());
  ASSERT_TRUE(datapath::EnsureBpffsDir(pins).ok());
  std::uint32_t first_id = 0;
  {
    auto a = Attachment::Attach(dp_->tc_ingress_fd(), ifindex_, "fl-test0", AttachPoint::kTcIngress, pins);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_FALSE(a->reused());
    a->Keep();  // the daemon exits but observation goes on
    first_id = datapath::QueryTcx(ifindex_, AttachPoint::kTcIngress)->at(0).id;
  }
  ASSERT_EQ(TcxNames(AttachPoint::kTcIngress).size(), 1u) << "kept across the owner's exit";

  // A new daemon loads a new program instance and attaches again.
  datapath::DatapathOptions opts;
  opts.pin_root.clear();
  auto dp2 = datapath::Datapath::Load(opts);
  ASSERT_TRUE(dp2.ok());
  {
    auto a = Attachment::Attach((*dp2)->tc_ingress_fd(), ifindex_, "fl-test0", AttachPoint::kTcIngress, pins);
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_TRUE(a->reused());
    auto progs = datapath::QueryTcx(ifindex_, AttachPoint::kTcIngress);
    ASSERT_TRUE(progs.ok());
    ASSERT_EQ(progs->size(), 1u) << "never two of ours";
    EXPECT_NE(progs->at(0).id, first_id) << "the new program replaced the old one";
  }
  EXPECT_TRUE(TcxNames(AttachPoint::kTcIngress).empty());
  EXPECT_LT(bpf_obj_get((pins + "/fl-test0@tc-ingress").c_str()), 0) << "the pin went with the link";
  std::filesystem::remove_all(pins);
}

// A veth deleted while no daemon ran: its kept links stay pinned, detached.
// The next daemon's start removes exactly those pins.
TEST_F(AttachTest, PinsOfInterfacesGoneWhileDownAreRemovedAtStart) {
  const std::string pins = "/sys/fs/bpf/flows-test-stale-" + std::to_string(getpid());
  ASSERT_TRUE(datapath::EnsureBpffsDir(pins).ok());
  ASSERT_EQ(std::system("ip link add fl-gone0 type veth peer name fl-gone1 && ip link set fl-gone0 up && "
                        "ip link add fl-vlan.7 type veth peer name fl-vlan1 && ip link set fl-vlan.7 up"),
            0);
  struct Kept {
    std::string ifname;
    AttachPoint point;
  };
  const std::vector<Kept> kept = {{"fl-test0", AttachPoint::kTcIngress},
                                  {"fl-gone0", AttachPoint::kTcIngress},
                                  {"fl-gone0", AttachPoint::kTcEgress},
                                  {"fl-vlan.7", AttachPoint::kTcEgress}};
  for (const Kept& k : kept) {
    const int fd = k.point == AttachPoint::kTcIngress ? dp_->tc_ingress_fd() : dp_->tc_egress_fd();
    auto a = Attachment::Attach(fd, if_nametoindex(k.ifname.c_str()), k.ifname, k.point, pins);
    ASSERT_TRUE(a.ok()) << k.ifname << ": " << a.error().message;
    a->Keep();  // the daemon stops, the links stay
  }
  auto pinned = [&](const std::string& name) { return std::filesystem::exists(pins + "/" + name); };
  ASSERT_TRUE(pinned("fl-gone0@tc-ingress"));
  ASSERT_TRUE(pinned("fl-vlan+7@tc-egress"));
  // Meanwhile the pod goes (and its veth), and nobody is listening.
  ASSERT_EQ(std::system("ip link del fl-gone0"), 0);
  std::ofstream(pins + "/not-a-link") << "";  // bpffs refuses regular files; if it did not, it stays

  auto removed = datapath::RemoveStaleLinkPins(pins);
  std::sort(removed.begin(), removed.end());
  EXPECT_EQ(removed, (std::vector<std::string>{"fl-gone0@tc-egress", "fl-gone0@tc-ingress"}));
  EXPECT_FALSE(pinned("fl-gone0@tc-ingress"));
  EXPECT_FALSE(pinned("fl-gone0@tc-egress"));
  EXPECT_TRUE(pinned("fl-test0@tc-ingress")) << "a live interface keeps its link";
  EXPECT_TRUE(pinned("fl-vlan+7@tc-egress")) << "escaped names are read back";
  EXPECT_EQ(TcxNames(AttachPoint::kTcIngress).size(), 1u);

  // A name now held by another interface: the old link is stale too.
  ASSERT_EQ(std::system("ip link del fl-vlan.7 && ip link add fl-vlan.7 type veth peer name fl-vlan2"), 0);
  EXPECT_EQ(datapath::RemoveStaleLinkPins(pins), std::vector<std::string>{"fl-vlan+7@tc-egress"});
  EXPECT_TRUE(datapath::RemoveStaleLinkPins(pins).empty()) << "nothing left to clean";
  // Reusing the live pin still works after the clean-up.
  auto again = Attachment::Attach(dp_->tc_ingress_fd(), ifindex_, "fl-test0", AttachPoint::kTcIngress, pins);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->reused());
  std::filesystem::remove_all(pins);
}

TEST_F(AttachTest, XdpNeverReplacesAForeignProgram) {
  ASSERT_EQ(bpf_xdp_attach(static_cast<int>(ifindex_), bpf_program__fd(empty_->progs.empty_xdp), 0, nullptr),
            0);
  auto ours = Attachment::Attach(dp_->xdp_ingress_fd(), ifindex_, "fl-test0", AttachPoint::kXdpIngress, "");
  ASSERT_FALSE(ours.ok());
  EXPECT_EQ(ours.error().err, EBUSY);
  EXPECT_NE(ours.error().message.find("already has an XDP program"), std::string::npos)
      << ours.error().message;
  EXPECT_NE(ours.error().message.find("empty_xdp"), std::string::npos) << ours.error().message;
  __u32 id = 0;
  ASSERT_EQ(bpf_xdp_query_id(static_cast<int>(ifindex_), 0, &id), 0);
  EXPECT_NE(id, 0u) << "the foreign program is still attached";
  bpf_xdp_detach(static_cast<int>(ifindex_), 0, nullptr);
}

TEST_F(AttachTest, XdpAttachesWhenTheNicIsFree) {
  {
    auto ours = Attachment::Attach(dp_->xdp_ingress_fd(), ifindex_, "fl-test0", AttachPoint::kXdpIngress, "");
    ASSERT_TRUE(ours.ok()) << ours.error().message;
    EXPECT_EQ(ours->mode(), datapath::AttachMode::kXdpLink);
    __u32 id = 0;
    ASSERT_EQ(bpf_xdp_query_id(static_cast<int>(ifindex_), 0, &id), 0);
    EXPECT_NE(id, 0u);
  }
  __u32 id = 0;
  ASSERT_EQ(bpf_xdp_query_id(static_cast<int>(ifindex_), 0, &id), 0);
  EXPECT_EQ(id, 0u);
}

}  // namespace
}  // namespace flows::testing
