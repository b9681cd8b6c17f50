#include "flows/flowd/daemon/gone_interfaces.h"

namespace flows::flowd {

std::size_t ForgetEndpointsOfGoneInterfaces(EndpointRegistry& registry, const IfindexOfFn& ifindex_of) {
  std::size_t forgotten = 0;
  for (const Endpoint& ep : registry.List()) {
    if (ep.host_ifname.empty() || !ep.From(EndpointSource::kCni)) continue;
    const std::uint32_t now = ifindex_of(ep.host_ifname);
    // Still there, with the index the CNI reported (0: it reported none).
    if (now != 0 && (ep.host_ifindex == 0 || now == ep.host_ifindex)) continue;
    forgotten += registry.RemoveByInterface(ep.host_ifname, ep.host_ifindex);
  }
  return forgotten;
}

}  // namespace flows::flowd
