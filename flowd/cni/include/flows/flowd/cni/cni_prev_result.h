// What flows-cni needs from the result of the plugins before it in the
// chain: the host side of the pod's interface, and the pod's addresses.
//
// The reference bridge plugin reports three interfaces – the bridge, the
// host veth, and the pod's eth0 (the only one with a "sandbox") – and its
// IPs point (by index) at eth0. ptp reports the host veth and eth0. So:
//   host interface = an interface without a sandbox (one with a sandbox is
//   in the pod) that the kernel, asked in the plugin's own namespace, calls
//   a veth; failing that, one it knows and does not call a bridge. If
//   several qualify, the last one (plugins list the bridge before the veth
//   they plug into it). The list's order alone never decides: a bridge
//   listed last must not be mistaken for the pod's interface.
//   pod addresses  = every ips[] entry whose "interface" is a sandbox
//   interface or is not given, without the prefix length; loopback
//   addresses (the loopback plugin's) are left out.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "flows/common/result.h"

namespace flows::flowd {

struct PodPlumbing {
  std::string host_ifname;       // empty: no host-side interface (macvlan, ipvlan, ...)
  std::vector<std::string> ips;  // canonical, de-duplicated
};

// The kernel's kind of link `ifname` ("veth", "bridge", "device", ...; ""
// if there is none): LinkKindInThisNetns in the real plugin.
using LinkKindFn = std::function<std::string(const std::string& ifname)>;

// Errors (wrong types, bad addresses) name the offending field.
Result<PodPlumbing> ParsePrevResult(const nlohmann::ordered_json& prev, const LinkKindFn& link_kind);

}  // namespace flows::flowd
