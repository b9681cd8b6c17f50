#include "flows/flowd/cni/cni_link_kind.h"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cstring>

#include "flows/common/unique_fd.h"

namespace flows::flowd {
namespace {

// The payload of attribute `type` among the attributes in [p, p+len), or nullptr.
const rtattr* FindAttr(const rtattr* a, int len, unsigned short type) {
  for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if ((a->rta_type & NLA_TYPE_MASK) == type) return a;
  }
  return nullptr;
}

}  // namespace

std::string LinkKindInThisNetns(const std::string& ifname) {
  if (ifname.empty() || ifname.size() >= 16) return "";
  const UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd) return "";
  const timeval tv{1, 0};  // the kernel answers at once; never hold a pod up on it
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

  struct {
    nlmsghdr nh;
    ifinfomsg ifi;
    char attrs[RTA_SPACE(16)];
  } req{};
  req.nh.nlmsg_type = RTM_GETLINK;
  req.nh.nlmsg_flags = NLM_F_REQUEST;
  req.nh.nlmsg_seq = 1;
  req.ifi.ifi_family = AF_UNSPEC;
  auto* name = reinterpret_cast<rtattr*>(req.attrs);
  name->rta_type = IFLA_IFNAME;
  name->rta_len = RTA_LENGTH(ifname.size() + 1);
  std::memcpy(RTA_DATA(name), ifname.c_str(), ifname.size() + 1);
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg)) + RTA_ALIGN(name->rta_len);
  if (::send(fd.get(), &req, req.nh.nlmsg_len, 0) < 0) return "";

  alignas(nlmsghdr) char buf[32768];
  const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
  if (n <= 0) return "";
  // One reply: the link (RTM_NEWLINK), or NLMSG_ERROR (no such device).
  const auto* nh = reinterpret_cast<const nlmsghdr*>(buf);
  if (static_cast<std::size_t>(n) < NLMSG_LENGTH(sizeof(ifinfomsg)) || nh->nlmsg_type != RTM_NEWLINK ||
      nh->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg)) || nh->nlmsg_len > static_cast<std::size_t>(n))
    return "";
  const auto* ifi = static_cast<const ifinfomsg*>(NLMSG_DATA(nh));
  const int attrs_len = static_cast<int>(nh->nlmsg_len - NLMSG_LENGTH(sizeof(ifinfomsg)));
  const rtattr* info = FindAttr(IFLA_RTA(ifi), attrs_len, IFLA_LINKINFO);
  if (!info) return "device";
  const rtattr* kind = FindAttr(static_cast<const rtattr*>(RTA_DATA(info)),
                                static_cast<int>(RTA_PAYLOAD(info)), IFLA_INFO_KIND);
  if (!kind || RTA_PAYLOAD(kind) == 0) return "device";
  const char* s = static_cast<const char*>(RTA_DATA(kind));
  return std::string(s, strnlen(s, RTA_PAYLOAD(kind)));
}

}  // namespace flows::flowd
