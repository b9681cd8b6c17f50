// Decides which interfaces get which programs, and keeps that true as
// interfaces come and go: pod veths (by name pattern) get TC ingress and
// egress; the node NIC (the default-route interface, or one named) gets XDP
// ingress and TC egress, falling back to TC ingress if another XDP program
// owns the NIC.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flows/common/result.h"
#include "flows/datapath/attachment.h"
#include "flows/datapath/links.h"

namespace flows::datapath {

struct AttachPolicy {
  // Host-side pod interfaces (fnmatch patterns). Bridges never match.
  std::vector<std::string> pod_patterns = {"veth*", "lxc*", "cali*", "gke*", "eni*", "azv*"};
  // "auto": the default-route interface; "": none; otherwise a name.
  std::string node_nic = "auto";
  bool node_nic_xdp = true;  // false: TC ingress on the NIC instead of XDP
};

// What a link should get under a policy (pure; the table tests use it).
std::vector<AttachPoint> PlanFor(const LinkInfo& link, const AttachPolicy& policy,
                                 std::optional<std::uint32_t> default_route_ifindex);

// The kernel side of attaching, behind an interface for tests.
class Hooks {
 public:
  virtual ~Hooks() = default;
  virtual Status Attach(const LinkInfo& link, AttachPoint point) = 0;
  virtual void DetachAll(std::uint32_t ifindex) = 0;
};

struct InterfaceState {
  LinkInfo link;
  bool node_nic = false;  // else a pod's veth
  std::vector<AttachPoint> attached;
  std::vector<std::string> errors;  // why a planned hook is missing
};

class InterfaceManager {
 public:
  InterfaceManager(LinkSource& links, Hooks& hooks, AttachPolicy policy);

  // Full reconcile: attach what is missing, forget what is gone. Run at
  // start and periodically (netlink events can be dropped under load).
  Status Resync();
  // Waits up to `timeout` for link events and applies them.
  Status PollEvents(std::chrono::milliseconds timeout);
  // The second half of PollEvents, for callers that wait on the LinkSource
  // themselves (without holding the lock that guards this manager).
  void ApplyEvents(const std::vector<LinkEvent>& events);
  // A pod's host-side veth named by the CNI: TC ingress and egress. Refused
  // for a bridge, lo, or a name outside policy.pod_patterns; an error if
  // either hook is missing afterwards.
  Status AttachPod(const LinkInfo& link);

  const std::map<std::uint32_t, InterfaceState>& interfaces() const { return state_; }

 private:
  void Apply(const LinkInfo& link);
  InterfaceState& Attach(const LinkInfo& link, const std::vector<AttachPoint>& plan, bool node_nic);
  void Forget(std::uint32_t ifindex);

  LinkSource& links_;
  Hooks& hooks_;
  AttachPolicy policy_;
  std::optional<std::uint32_t> default_ifindex_;
  std::map<std::uint32_t, InterfaceState> state_;
};

// Hooks backed by real Attachments of a loaded Datapath's programs.
class Datapath;
class KernelHooks final : public Hooks {
 public:
  KernelHooks(const Datapath& dp, std::string link_pin_dir, bool keep_on_exit);
  Status Attach(const LinkInfo& link, AttachPoint point) override;
  void DetachAll(std::uint32_t ifindex) override;

 private:
  const Datapath& dp_;
  std::string pin_dir_;
  bool keep_;
  std::map<std::uint32_t, std::vector<Attachment>> attached_;
};

}  // namespace flows::datapath
