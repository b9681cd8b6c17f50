#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <poll.h>

#include "flows/datapath/links.h"

namespace flows::datapath {
namespace {

struct SockDeleter {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct CacheDeleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};
using SockPtr = std::unique_ptr<nl_sock, SockDeleter>;
using CachePtr = std::unique_ptr<nl_cache, CacheDeleter>;

Result<SockPtr> Connect() {
  SockPtr s(nl_socket_alloc());
  if (!s) return Error::Invalid("netlink: out of memory");
  if (int err = nl_connect(s.get(), NETLINK_ROUTE))
    return Error::Invalid(std::string("netlink connect: ") + nl_geterror(err));
  return s;
}

LinkInfo ToLinkInfo(rtnl_link* link) {
  LinkInfo info;
  info.ifindex = static_cast<std::uint32_t>(rtnl_link_get_ifindex(link));
  if (const char* name = rtnl_link_get_name(link)) info.name = name;
  if (const char* kind = rtnl_link_get_type(link)) info.kind = kind;
  return info;
}

struct EventBatch {
  std::vector<LinkEvent>* out;
  LinkEvent::Type type;
};

int OnEventMessage(nl_msg* msg, void* arg) {
  auto* events = static_cast<std::vector<LinkEvent>*>(arg);
  const int type = nlmsg_hdr(msg)->nlmsg_type;
  if (type != RTM_NEWLINK && type != RTM_DELLINK) return NL_OK;
  EventBatch batch{events,
                   type == RTM_NEWLINK ? LinkEvent::Type::kAddedOrChanged : LinkEvent::Type::kRemoved};
  nl_msg_parse(
      msg,
      [](nl_object* obj, void* a) {
        auto* b = static_cast<EventBatch*>(a);
        b->out->push_back({b->type, ToLinkInfo(reinterpret_cast<rtnl_link*>(obj))});
      },
      &batch);
  return NL_OK;
}

}  // namespace

struct NetlinkLinkSource::Sockets {
  SockPtr query;
  SockPtr events;
  std::vector<LinkEvent> pending;
};

Result<std::unique_ptr<NetlinkLinkSource>> NetlinkLinkSource::Create() {
  std::unique_ptr<NetlinkLinkSource> src(new NetlinkLinkSource());
  src->socks_ = std::make_unique<Sockets>();
  auto q = Connect();
  if (!q) return q.error();
  src->socks_->query = std::move(*q);

  SockPtr ev(nl_socket_alloc());
  if (!ev) return Error::Invalid("netlink: out of memory");
  nl_socket_disable_seq_check(ev.get());  // events are unsolicited
  nl_socket_modify_cb(ev.get(), NL_CB_VALID, NL_CB_CUSTOM, OnEventMessage, &src->socks_->pending);
  if (int err = nl_connect(ev.get(), NETLINK_ROUTE))
    return Error::Invalid(std::string("netlink connect: ") + nl_geterror(err));
  if (int err = nl_socket_add_membership(ev.get(), RTNLGRP_LINK))
    return Error::Invalid(std::string("netlink subscribe to links: ") + nl_geterror(err));
  nl_socket_set_nonblocking(ev.get());
  src->socks_->events = std::move(ev);
  return src;
}

NetlinkLinkSource::~NetlinkLinkSource() = default;

Result<std::vector<LinkInfo>> NetlinkLinkSource::List() {
  nl_cache* raw = nullptr;
  if (int err = rtnl_link_alloc_cache(socks_->query.get(), AF_UNSPEC, &raw))
    return Error::Invalid(std::string("netlink list links: ") + nl_geterror(err));
  CachePtr cache(raw);
  std::vector<LinkInfo> out;
  for (nl_object* o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o))
    out.push_back(ToLinkInfo(reinterpret_cast<rtnl_link*>(o)));
  return out;
}

Result<std::optional<std::uint32_t>> NetlinkLinkSource::DefaultRouteIfindex() {
  for (int family : {AF_INET, AF_INET6}) {
    nl_cache* raw = nullptr;
    if (int err = rtnl_route_alloc_cache(socks_->query.get(), family, 0, &raw))
      return Error::Invalid(std::string("netlink list routes: ") + nl_geterror(err));
    CachePtr cache(raw);
    for (nl_object* o = nl_cache_get_first(cache.get()); o; o = nl_cache_get_next(o)) {
      auto* route = reinterpret_cast<rtnl_route*>(o);
      nl_addr* dst = rtnl_route_get_dst(route);
      if (rtnl_route_get_table(route) != RT_TABLE_MAIN || (dst && nl_addr_get_prefixlen(dst) != 0)) continue;
      if (rtnl_route_get_nnexthops(route) < 1) continue;
      const int ifindex = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, 0));
      if (ifindex > 0) return std::optional<std::uint32_t>(static_cast<std::uint32_t>(ifindex));
    }
  }
  return std::optional<std::uint32_t>{};
}

Result<std::vector<LinkEvent>> NetlinkLinkSource::WaitForEvents(std::chrono::milliseconds timeout) {
  pollfd pfd{nl_socket_get_fd(socks_->events.get()), POLLIN, 0};
  const int n = poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (n < 0 && errno != EINTR) return Error::System("poll netlink", errno);
  if (n > 0) {
    // Drain everything readable; -NLE_AGAIN ends a non-blocking read.
    while (nl_recvmsgs_default(socks_->events.get()) >= 0) {
    }
  }
  return std::exchange(socks_->pending, {});
}

}  // namespace flows::datapath
