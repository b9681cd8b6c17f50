#include "ip_matchers.h"

#include <algorithm>
#include <vector>

#include "flows/common/ip_address.h"

namespace flows::api::filter {

Result<FieldMatcherPtr> MakeIpMatcher(const char* field, Side side,
                                      const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<IpPrefix> prefixes;
  for (const std::string& value : values) {
    auto prefix = IpPrefix::Parse(value);
    if (!prefix) return BadValue(field, value, "is not an IP address or CIDR");
    prefixes.push_back(*prefix);
  }
  return MakeMatcher(Cost::kAddressParse, [prefixes = std::move(prefixes), side](const flow::Flow& f) {
    const std::string& text = side == Side::kSource ? f.ip().source() : f.ip().destination();
    const auto address = IpAddress::Parse(text);
    if (!address) return false;
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const IpPrefix& p) { return p.Contains(*address); });
  });
}

}  // namespace flows::api::filter
