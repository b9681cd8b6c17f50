#include "k8s_matchers.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace flows::api::filter {
namespace {

struct NamespacedPrefix {
  std::string ns;  // empty: any namespace
  std::string prefix;

  bool Matches(std::string_view object_ns, std::string_view object_name) const {
    // An object with neither (a world or host endpoint) matches no value.
    if (object_ns.empty() && object_name.empty()) return false;
    return (ns.empty() || ns == object_ns) && object_name.substr(0, prefix.size()) == prefix;
  }
};

Result<std::vector<NamespacedPrefix>> ParseNamespacedPrefixes(
    const char* field, const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<NamespacedPrefix> parsed;
  for (const std::string& value : values) {
    const auto slash = value.find('/');
    NamespacedPrefix p;
    if (slash == std::string::npos) {
      p = {"default", value};
    } else {
      p = {value.substr(0, slash), value.substr(slash + 1)};
    }
    if (value.empty() || value == "/" || p.prefix.find('/') != std::string::npos) {
      return BadValue(field, value, "is not [namespace/]name-prefix");
    }
    parsed.push_back(std::move(p));
  }
  return parsed;
}

template <typename GetNamespaceAndName>
Result<FieldMatcherPtr> MakeNamespacedMatcher(const char* field,
                                              const google::protobuf::RepeatedPtrField<std::string>& values,
                                              GetNamespaceAndName get) {
  auto parsed = ParseNamespacedPrefixes(field, values);
  if (!parsed) return parsed.error();
  return MakeMatcher(Cost::kStringCompare, [wanted = std::move(*parsed), get](const flow::Flow& f) {
    const auto got = get(f);  // a pair: clang 14 cannot capture structured bindings
    return std::any_of(wanted.begin(), wanted.end(),
                       [&](const NamespacedPrefix& p) { return p.Matches(got.first, got.second); });
  });
}

}  // namespace

Result<FieldMatcherPtr> MakePodMatcher(const char* field, Side side,
                                       const google::protobuf::RepeatedPtrField<std::string>& values) {
  return MakeNamespacedMatcher(field, values, [side](const flow::Flow& f) {
    const flow::Endpoint& ep = EndpointOf(f, side);
    return std::pair<std::string_view, std::string_view>(ep.namespace_(), ep.pod_name());
  });
}

Result<FieldMatcherPtr> MakeServiceMatcher(const char* field, Side side,
                                           const google::protobuf::RepeatedPtrField<std::string>& values) {
  return MakeNamespacedMatcher(field, values, [side](const flow::Flow& f) {
    const flow::Service& svc = side == Side::kSource ? f.source_service() : f.destination_service();
    return std::pair<std::string_view, std::string_view>(svc.namespace_(), svc.name());
  });
}

FieldMatcherPtr MakeWorkloadMatcher(Side side,
                                    const google::protobuf::RepeatedPtrField<flow::Workload>& values) {
  std::vector<flow::Workload> wanted(values.begin(), values.end());
  return MakeMatcher(Cost::kStringCompare, [wanted = std::move(wanted), side](const flow::Flow& f) {
    for (const flow::Workload& have : EndpointOf(f, side).workloads()) {
      for (const flow::Workload& w : wanted) {
        if ((w.name().empty() || w.name() == have.name()) && (w.kind().empty() || w.kind() == have.kind())) {
          return true;
        }
      }
    }
    return false;
  });
}

}  // namespace flows::api::filter
