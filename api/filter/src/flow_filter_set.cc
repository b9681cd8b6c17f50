#include "flows/api/filter/flow_filter_set.h"

#include <algorithm>
#include <string>

#include "compiled_flow_filter.h"

namespace flows::api {
namespace {

// Compiles each filter; errors say which list and which filter they are from
// when there is more than one, so "whitelist[2]: http_path: ..." points at it.
Result<std::vector<CompiledFlowFilter>> CompileAll(const FlowFilterSet::Filters& filters, const char* list) {
  std::vector<CompiledFlowFilter> compiled;
  compiled.reserve(filters.size());
  for (int i = 0; i < filters.size(); ++i) {
    auto one = CompiledFlowFilter::Compile(filters[i]);
    if (!one) {
      std::string where = filters.size() > 1 ? std::string(list) + "[" + std::to_string(i) + "]: " : "";
      return Error::Invalid(where + one.error().message);
    }
    compiled.push_back(std::move(*one));
  }
  return compiled;
}

}  // namespace

FlowFilterSet::FlowFilterSet() = default;
FlowFilterSet::FlowFilterSet(FlowFilterSet&&) noexcept = default;
FlowFilterSet& FlowFilterSet::operator=(FlowFilterSet&&) noexcept = default;
FlowFilterSet::~FlowFilterSet() = default;

Result<FlowFilterSet> FlowFilterSet::Compile(const Filters& whitelist, const Filters& blacklist) {
  FlowFilterSet set;
  auto white = CompileAll(whitelist, "whitelist");
  if (!white) return white.error();
  auto black = CompileAll(blacklist, "blacklist");
  if (!black) return black.error();
  set.whitelist_ = std::move(*white);
  set.blacklist_ = std::move(*black);
  return set;
}

bool FlowFilterSet::Matches(const flow::Flow& flow) const {
  const auto matches = [&](const CompiledFlowFilter& f) { return f.Matches(flow); };
  if (!whitelist_.empty() && std::none_of(whitelist_.begin(), whitelist_.end(), matches)) return false;
  return std::none_of(blacklist_.begin(), blacklist_.end(), matches);
}

}  // namespace flows::api
