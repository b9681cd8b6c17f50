// Endpoints whose pod went while nobody was listening: its CNI DEL was
// missed (flowd down or hung, or a network without flows-cni), so the
// registry would name the address's next holder after it. The interface
// going is the proof: the CNI's part of every endpoint whose recorded host
// interface the kernel no longer has is forgotten (EndpointRegistry::
// RemoveByInterface; a pod the Kubernetes API still lists keeps its
// identity). Run at start, for restored endpoints, and whenever links go.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "flows/flowd/endpoints/endpoint_registry.h"

namespace flows::flowd {

// The kernel's index of an interface name in flowd's namespace, 0 if none
// (if_nametoindex): asked at the moment of deciding, so an interface made
// after a link listing was taken is never mistaken for a gone one.
using IfindexOfFn = std::function<std::uint32_t(const std::string& ifname)>;

// Returns how many endpoints lost their CNI part.
std::size_t ForgetEndpointsOfGoneInterfaces(EndpointRegistry& registry, const IfindexOfFn& ifindex_of);

}  // namespace flows::flowd
