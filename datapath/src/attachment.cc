#include "flows/datapath/attachment.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <net/if.h>
#include <netlink/route/classifier.h>
#include <netlink/route/link.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "uapi_compat.h"

namespace flows::datapath {
namespace {

// Our clsact filter's handle on pre-tcx kernels: fixed, so re-attaching
// replaces our filter instead of adding a second one.
constexpr std::uint32_t kClsactHandle = 0xf10e;
constexpr std::uint32_t kClsactPriority = 1;

int TcxAttachType(AttachPoint p) {
  return p == AttachPoint::kTcIngress ? uapi::kBpfTcxIngress : uapi::kBpfTcxEgress;
}

std::string ProgName(std::uint32_t id) {
  const UniqueFd fd(bpf_prog_get_fd_by_id(id));
  if (!fd) return "?";
  bpf_prog_info info{};
  std::uint32_t len = sizeof(info);
  return bpf_obj_get_info_by_fd(fd.get(), &info, &len) == 0 ? info.name : "?";
}

// The pinned link at `path` if it still drives `ifindex`; otherwise the pin
// is stale (interface gone or renamed) and is removed.
UniqueFd ReusablePinnedLink(const std::string& path, std::uint32_t ifindex, unsigned link_type) {
  if (path.empty()) return UniqueFd();
  // Not stat()/access(): bpffs answers those with EPERM for pinned links.
  UniqueFd fd(bpf_obj_get(path.c_str()));
  if (!fd) return fd;
  bpf_link_info info{};
  std::uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd.get(), &info, &len) == 0 && info.type == link_type &&
      uapi::LinkIfindex(info) == ifindex)
    return fd;
  bpf_link_detach(fd.get());
  unlink(path.c_str());
  return UniqueFd();
}

bpf_tc_attach_point TcPoint(AttachPoint p) {
  return p == AttachPoint::kTcIngress ? BPF_TC_INGRESS : BPF_TC_EGRESS;
}

// Filters on the clsact qdisc of `ifindex`, both directions, that are not
// flows' own (netlink: libbpf can only query a filter by its handle). -1 if
// they cannot be counted.
int ForeignClsactFilters(std::uint32_t ifindex) {
  nl_sock* sock = nl_socket_alloc();
  if (!sock) return -1;
  int total = 0;
  if (nl_connect(sock, NETLINK_ROUTE) != 0) total = -1;
  for (const std::uint32_t parent :
       {TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS), TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)}) {
    nl_cache* cache = nullptr;
    if (total < 0 || rtnl_cls_alloc_cache(sock, static_cast<int>(ifindex), parent, &cache) != 0) {
      total = -1;
      break;
    }
    for (nl_object* o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
      auto* cls = reinterpret_cast<rtnl_cls*>(o);
      if (rtnl_tc_get_handle(TC_CAST(cls)) != kClsactHandle || rtnl_cls_get_prio(cls) != kClsactPriority)
        ++total;
    }
    nl_cache_free(cache);
  }
  nl_socket_free(sock);
  return total;
}

Error XdpBusyError(const std::string& ifname, std::uint32_t ifindex) {
  __u32 id = 0;
  bpf_xdp_query_id(static_cast<int>(ifindex), 0, &id);
  return Error{"interface " + ifname + " already has an XDP program (id " + std::to_string(id) + ", \"" +
                   ProgName(id) +
                   "\"); flows never replaces another XDP program. Chain both through libxdp's "
                   "dispatcher, or observe this interface's ingress with TC instead",
               EBUSY};
}

// bpffs refuses names with a '.' (EPERM), and interface names may hold
// one (VLANs: eth0.100): "eth0.100" -> "eth0+100@xdp-ingress".
std::string PinName(std::string ifname, AttachPoint point) {
  std::replace(ifname.begin(), ifname.end(), '.', '+');
  return ifname + "@" + std::string(AttachPointName(point));
}

}  // namespace

std::string_view AttachModeName(AttachMode m) {
  switch (m) {
    case AttachMode::kNone:
      return "none";
    case AttachMode::kTcx:
      return "tcx";
    case AttachMode::kTcClsact:
      return "tc-clsact";
    case AttachMode::kXdpLink:
      return "xdp-link";
  }
  return "?";
}

std::string_view AttachPointName(AttachPoint p) {
  switch (p) {
    case AttachPoint::kTcIngress:
      return "tc-ingress";
    case AttachPoint::kTcEgress:
      return "tc-egress";
    case AttachPoint::kXdpIngress:
      return "xdp-ingress";
  }
  return "?";
}

Result<Attachment> Attachment::Attach(int prog_fd, std::uint32_t ifindex, const std::string& ifname,
                                      AttachPoint point, const std::string& pin_dir, TcAttach tc_attach) {
  Attachment a;
  a.ifindex_ = ifindex;
  a.point_ = point;
  if (!pin_dir.empty()) a.pin_path_ = pin_dir + "/" + PinName(ifname, point);
  const bool xdp = point == AttachPoint::kXdpIngress;
  const std::string what = std::string(AttachPointName(point)) + " on " + ifname;

  // A restarted daemon: swap the program inside the link it left pinned.
  a.link_fd_ = ReusablePinnedLink(a.pin_path_, ifindex, xdp ? uapi::kBpfLinkTypeXdp : uapi::kBpfLinkTypeTcx);
  if (a.link_fd_) {
    if (bpf_link_update(a.link_fd_.get(), prog_fd, nullptr) != 0) {
      Error e = Error::System("update pinned link for " + what, errno);
      a.keep_ = true;  // leave the old, working link alone
      return e;
    }
    a.mode_ = xdp ? AttachMode::kXdpLink : AttachMode::kTcx;
    a.reused_ = true;
    return a;
  }

  if (xdp) {
    a.link_fd_.reset(bpf_link_create(prog_fd, static_cast<int>(ifindex), BPF_XDP, nullptr));
    if (!a.link_fd_) {
      const int err = errno;
      if (err == EBUSY || err == EEXIST) return XdpBusyError(ifname, ifindex);
      return Error::System("attach " + what, err);
    }
    a.mode_ = AttachMode::kXdpLink;
  } else {
    if (tc_attach == TcAttach::kPreferTcx) {
      LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = uapi::kBpfFBefore);
      a.link_fd_.reset(bpf_link_create(prog_fd, static_cast<int>(ifindex),
                                       static_cast<bpf_attach_type>(TcxAttachType(point)), &opts));
      if (!a.link_fd_ && errno != EINVAL) return Error::System("attach " + what, errno);
    }
    if (!a.link_fd_) {
      // No tcx (Linux < 6.6), or clsact asked for: a filter of our own at
      // priority 1 on the clsact qdisc, which we create if it is missing.
      LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = static_cast<int>(ifindex), .attach_point = TcPoint(point));
      int err = bpf_tc_hook_create(&hook);
      if (err && err != -EEXIST) return Error::System("create clsact qdisc on " + ifname, -err);
      a.created_qdisc_ = err == 0;
      a.mode_ = AttachMode::kTcClsact;  // from here on, a's destructor cleans up
      LIBBPF_OPTS(bpf_tc_opts, tc, .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE, .handle = kClsactHandle,
                  .priority = kClsactPriority);
      err = bpf_tc_attach(&hook, &tc);
      if (err) return Error::System("attach clsact filter " + what, -err);
      return a;
    }
    a.mode_ = AttachMode::kTcx;
  }
  if (!a.pin_path_.empty() && bpf_obj_pin(a.link_fd_.get(), a.pin_path_.c_str()) != 0)
    return Error::System("pin link " + a.pin_path_, errno);  // a's destructor detaches
  return a;
}

Attachment::Attachment(Attachment&& o) noexcept {
  *this = std::move(o);
}

Attachment& Attachment::operator=(Attachment&& o) noexcept {
  if (this != &o) {
    Release();
    link_fd_ = std::move(o.link_fd_);
    ifindex_ = std::exchange(o.ifindex_, 0);
    point_ = o.point_;
    pin_path_ = std::move(o.pin_path_);
    mode_ = std::exchange(o.mode_, AttachMode::kNone);
    reused_ = o.reused_;
    created_qdisc_ = std::exchange(o.created_qdisc_, false);
    keep_ = o.keep_;
  }
  return *this;
}

Attachment::~Attachment() {
  Release();
}

void Attachment::Release() {
  if (mode_ == AttachMode::kTcClsact && !keep_) {
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = static_cast<int>(ifindex_), .attach_point = TcPoint(point_));
    LIBBPF_OPTS(bpf_tc_opts, tc, .handle = kClsactHandle, .priority = kClsactPriority);
    bpf_tc_detach(&hook, &tc);
    // The qdisc goes only if we created it and nobody else's filter is on it
    // (flows' own other direction is released with this one).
    if (created_qdisc_ && ForeignClsactFilters(ifindex_) == 0) {
      hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
      bpf_tc_hook_destroy(&hook);
    }
  }
  if (link_fd_ && !keep_) {
    bpf_link_detach(link_fd_.get());  // also detaches a pinned link
    if (!pin_path_.empty()) unlink(pin_path_.c_str());
  }
  link_fd_.reset();
  mode_ = AttachMode::kNone;
  created_qdisc_ = false;
}

std::vector<std::string> RemoveStaleLinkPins(const std::string& pin_dir) {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(pin_dir, ec)) {
    const std::string pin = entry.path().filename().string();
    const auto at = pin.rfind('@');
    if (at == std::string::npos || at == 0) continue;  // not one of ours
    std::string ifname = pin.substr(0, at);
    std::replace(ifname.begin(), ifname.end(), '+', '.');  // PinName's escape
    const std::string path = entry.path().string();
    const UniqueFd fd(bpf_obj_get(path.c_str()));
    if (!fd) continue;
    bpf_link_info info{};
    std::uint32_t len = sizeof(info);
    if (bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) continue;
    if (info.type != uapi::kBpfLinkTypeTcx && info.type != uapi::kBpfLinkTypeXdp) continue;
    const unsigned linked = uapi::LinkIfindex(info);  // 0 once the interface is gone
    if (linked != 0 && if_nametoindex(ifname.c_str()) == linked) continue;
    bpf_link_detach(fd.get());
    if (unlink(path.c_str()) == 0) removed.push_back(pin);
  }
  return removed;
}

Result<std::vector<AttachedProgram>> QueryTcx(std::uint32_t ifindex, AttachPoint point) {
  std::uint32_t ids[64] = {};
  std::uint32_t count = 64;
  std::uint32_t attach_flags = 0;
  if (bpf_prog_query(static_cast<int>(ifindex), static_cast<bpf_attach_type>(TcxAttachType(point)), 0,
                     &attach_flags, ids, &count) != 0)
    return Error::System("query tcx chain of ifindex " + std::to_string(ifindex), errno);
  std::vector<AttachedProgram> out;
  for (std::uint32_t i = 0; i < count && i < 64; ++i) out.push_back({ids[i], ProgName(ids[i])});
  return out;
}

}  // namespace flows::datapath
