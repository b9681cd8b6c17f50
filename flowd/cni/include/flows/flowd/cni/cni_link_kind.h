// What kind of link an interface name is, asked of the kernel over
// rtnetlink in the calling process's network namespace – the namespace the
// runtime runs CNI plugins in, where the bridge and the host veths live.
// (sysfs would answer for whichever namespace mounted /sys, which need not
// be ours.)
#pragma once

#include <string>

namespace flows::flowd {

// "veth", "bridge", ... (IFLA_INFO_KIND); "device" for a link without a kind
// (a physical NIC); "" if there is no such link here or netlink failed.
std::string LinkKindInThisNetns(const std::string& ifname);

}  // namespace flows::flowd
