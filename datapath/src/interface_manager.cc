#include "flows/datapath/interface_manager.h"

#include <fnmatch.h>

#include <algorithm>
#include <cerrno>

#include "flows/datapath/loader.h"

namespace flows::datapath {
namespace {

bool MatchesAny(const std::string& name, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return fnmatch(p.c_str(), name.c_str(), 0) == 0; });
}

}  // namespace

bool IsNodeNic(const LinkInfo& link, const AttachPolicy& policy,
               std::optional<std::uint32_t> default_route_ifindex) {
  return policy.node_nic == "auto" ? default_route_ifindex && *default_route_ifindex == link.ifindex
                                   : !policy.node_nic.empty() && policy.node_nic == link.name;
}

std::vector<AttachPoint> PlanFor(const LinkInfo& link, const AttachPolicy& policy,
                                 std::optional<std::uint32_t> default_route_ifindex) {
  if (link.name == "lo" || link.kind == "bridge") return {};
  if (IsNodeNic(link, policy, default_route_ifindex)) {
    return {policy.node_nic_xdp ? AttachPoint::kXdpIngress : AttachPoint::kTcIngress, AttachPoint::kTcEgress};
  }
  if (MatchesAny(link.name, policy.pod_patterns)) return {AttachPoint::kTcIngress, AttachPoint::kTcEgress};
  return {};
}

InterfaceManager::InterfaceManager(LinkSource& links, Hooks& hooks, AttachPolicy policy)
    : links_(links), hooks_(hooks), policy_(std::move(policy)) {}

void InterfaceManager::Apply(const LinkInfo& link) {
  auto it = state_.find(link.ifindex);
  if (it != state_.end() && it->second.link.name != link.name) {
    Forget(link.ifindex);  // renamed: the plan may differ
    it = state_.end();
  }
  const auto plan = PlanFor(link, policy_, default_ifindex_);
  if (plan.empty()) return;
  Attach(link, plan, IsNodeNic(link, policy_, default_ifindex_));
}

Status InterfaceManager::AttachPod(const LinkInfo& link) {
  if (link.name == "lo" || link.kind == "bridge")
    return Error::Invalid("interface " + link.name + " is not a pod's veth (" +
                          (link.kind.empty() ? "lo" : link.kind) + ")");
  // The CNI names the interface, but the operator's patterns decide what
  // flowd touches: never the node's bridge, a NIC, or anything else a
  // confused prevResult may list.
  if (!MatchesAny(link.name, policy_.pod_patterns))
    return Error::Invalid("interface " + link.name +
                          " matches none of the pod interface patterns (--interfaces)");
  auto it = state_.find(link.ifindex);
  if (it != state_.end() && it->second.link.name != link.name) Forget(link.ifindex);
  InterfaceState& st = Attach(link, {AttachPoint::kTcIngress, AttachPoint::kTcEgress}, false);
  if (st.attached.size() < 2)
    return Error{"attach to " + link.name + ": " + (st.errors.empty() ? "failed" : st.errors.back()), EIO};
  return OkStatus();
}

InterfaceState& InterfaceManager::Attach(const LinkInfo& link, const std::vector<AttachPoint>& plan,
                                         bool node_nic) {
  InterfaceState& st = state_[link.ifindex];
  st.link = link;
  st.node_nic = node_nic;
  st.errors.clear();
  for (AttachPoint p : plan) {
    if (std::find(st.attached.begin(), st.attached.end(), p) != st.attached.end()) continue;
    Status s = hooks_.Attach(link, p);
    if (!s && p == AttachPoint::kXdpIngress && s.error().err == EBUSY) {
      // Someone else's XDP program owns the NIC: observe ingress with TC.
      st.errors.push_back(s.error().message);
      p = AttachPoint::kTcIngress;
      if (std::find(st.attached.begin(), st.attached.end(), p) != st.attached.end()) continue;
      s = hooks_.Attach(link, p);
    }
    if (s)
      st.attached.push_back(p);
    else
      st.errors.push_back(s.error().message);
  }
  return st;
}

void InterfaceManager::Forget(std::uint32_t ifindex) {
  if (state_.erase(ifindex)) hooks_.DetachAll(ifindex);
}

Status InterfaceManager::Resync() {
  auto def = links_.DefaultRouteIfindex();
  if (!def) return def.error();
  if (*def != default_ifindex_) {
    // The node NIC moved: re-plan the old and the new one.
    if (default_ifindex_) Forget(*default_ifindex_);
    if (*def) Forget(**def);
    default_ifindex_ = *def;
  }
  auto links = links_.List();
  if (!links) return links.error();
  std::vector<std::uint32_t> gone;
  for (const auto& entry : state_) {
    const std::uint32_t ifindex = entry.first;
    if (std::none_of(links->begin(), links->end(), [&](const LinkInfo& l) { return l.ifindex == ifindex; }))
      gone.push_back(ifindex);
  }
  for (auto ifindex : gone) Forget(ifindex);
  for (const auto& link : *links) Apply(link);
  return OkStatus();
}

Status InterfaceManager::PollEvents(std::chrono::milliseconds timeout) {
  auto events = links_.WaitForEvents(timeout);
  if (!events) return events.error();
  ApplyEvents(*events);
  return OkStatus();
}

void InterfaceManager::ApplyEvents(const std::vector<LinkEvent>& events) {
  for (const auto& ev : events) {
    if (ev.type == LinkEvent::Type::kRemoved)
      Forget(ev.link.ifindex);
    else
      Apply(ev.link);
  }
}

KernelHooks::KernelHooks(const Datapath& dp, std::string link_pin_dir, bool keep_on_exit)
    : dp_(dp), pin_dir_(std::move(link_pin_dir)), keep_(keep_on_exit) {}

Status KernelHooks::Attach(const LinkInfo& link, AttachPoint point) {
  const int fd = point == AttachPoint::kTcIngress  ? dp_.tc_ingress_fd()
                 : point == AttachPoint::kTcEgress ? dp_.tc_egress_fd()
                                                   : dp_.xdp_ingress_fd();
  auto a = Attachment::Attach(fd, link.ifindex, link.name, point, pin_dir_);
  if (!a) return a.error();
  if (keep_) a->Keep();
  attached_[link.ifindex].push_back(std::move(*a));
  return OkStatus();
}

void KernelHooks::DetachAll(std::uint32_t ifindex) {
  auto it = attached_.find(ifindex);
  if (it == attached_.end()) return;
  // The interface is gone or re-planned: its pins must not outlive it, even
  // when links are otherwise kept across restarts.
  for (auto& a : it->second) a.Keep(false);
  attached_.erase(it);
}

}  // namespace flows::datapath
