#include "name_matchers.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "name_pattern.h"

namespace flows::api::filter {
namespace {

struct NodeNamePattern {
  std::optional<NamePattern> cluster;  // nullopt: any cluster
  std::optional<NamePattern> node;     // nullopt: any node

  bool Matches(std::string_view node_name) const {
    if (node_name.empty()) return false;
    std::string_view cluster_name = "default";
    if (const auto slash = node_name.find('/'); slash != std::string_view::npos) {
      cluster_name = node_name.substr(0, slash);
      node_name.remove_prefix(slash + 1);
    }
    return (!cluster || cluster->Matches(cluster_name)) && (!node || node->Matches(node_name));
  }
};

// Parses one side of "cluster/node"; empty means any.
bool ParsePart(std::string_view text, std::optional<NamePattern>& out) {
  if (text.empty()) return true;
  out = NamePattern::Parse(text);
  return out.has_value();
}

}  // namespace

Result<FieldMatcherPtr> MakeFqdnMatcher(const char* field, Side side,
                                        const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<NamePattern> patterns;
  for (const std::string& value : values) {
    auto pattern = NamePattern::Parse(value);
    if (!pattern) return BadValue(field, value, "is not a name pattern like *.example.com");
    patterns.push_back(std::move(*pattern));
  }
  return MakeMatcher(Cost::kStringCompare, [patterns = std::move(patterns), side](const flow::Flow& f) {
    const auto& names = side == Side::kSource ? f.source_names() : f.destination_names();
    for (const std::string& name : names) {
      if (name.empty()) continue;
      for (const NamePattern& p : patterns) {
        if (p.Matches(name)) return true;
      }
    }
    return false;
  });
}

Result<FieldMatcherPtr> MakeNodeNameMatcher(const google::protobuf::RepeatedPtrField<std::string>& values) {
  std::vector<NodeNamePattern> patterns;
  for (const std::string& value : values) {
    const std::string_view text = value;
    const auto slash = text.find('/');
    NodeNamePattern p;
    const bool ok = slash == std::string_view::npos ? !text.empty() && ParsePart(text, p.node)
                                                    : text.find('/', slash + 1) == std::string_view::npos &&
                                                          ParsePart(text.substr(0, slash), p.cluster) &&
                                                          ParsePart(text.substr(slash + 1), p.node);
    if (!ok) return BadValue("node_name", value, "is not a node name pattern like cluster/node-*");
    patterns.push_back(std::move(p));
  }
  return MakeMatcher(Cost::kStringCompare, [patterns = std::move(patterns)](const flow::Flow& f) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const NodeNamePattern& p) { return p.Matches(f.node_name()); });
  });
}

}  // namespace flows::api::filter
