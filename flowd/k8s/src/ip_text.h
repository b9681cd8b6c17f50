// IP addresses from the API server arrive as text; flowd keys its tables by
// them, so they are checked and written in one canonical form (an IPv6
// address can be spelled many ways).
#pragma once

#include <optional>
#include <string>

namespace flows::flowd::k8s::detail {

std::optional<std::string> CanonicalIp(const std::string& text);

}  // namespace flows::flowd::k8s::detail
