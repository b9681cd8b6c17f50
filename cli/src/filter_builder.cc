#include "flows/cli/filter_builder.h"

#include "filter_tracker.h"
#include "filter_values.h"
#include "flows/api/filter/flow_filter_set.h"
#include "flows/cli/filter_flags.h"

namespace flows::cli {

FilterBuilder::FilterBuilder()
    : whitelist_(std::make_unique<FilterTracker>()), blacklist_(std::make_unique<FilterTracker>()) {}
FilterBuilder::~FilterBuilder() = default;

Status FilterBuilder::Add(const FilterArg& arg) {
  const FilterFlag* flag = FindFilterFlag(arg.flag);
  if (!flag) return Error::Invalid("unknown filter flag --" + arg.flag);
  if (arg.flag == "not") {
    if (negate_next_) return Error::Invalid("consecutive --not: each --not negates the one filter after it");
    negate_next_ = true;
    return OkStatus();
  }
  FilterTracker& t = negate_next_ ? *blacklist_ : *whitelist_;
  if (negate_next_ && arg.flag == "all-namespaces") {
    return Error::Invalid("--not cannot negate --all-namespaces");
  }
  negate_next_ = false;
  return Set(t, *flag, arg.value);
}

Result<FlowFilters> FilterBuilder::Finish() {
  if (negate_next_)
    return Error::Invalid("--not must be followed by the filter it negates, e.g. --not --to-port 53");
  FlowFilters out{whitelist_->Materialize(), blacklist_->Materialize()};
  // Namespaces are only combined with pods and services here: check the
  // result as the server will.
  google::protobuf::RepeatedPtrField<flow::FlowFilter> white(out.whitelist.begin(), out.whitelist.end());
  google::protobuf::RepeatedPtrField<flow::FlowFilter> black(out.blacklist.begin(), out.blacklist.end());
  auto compiled = api::FlowFilterSet::Compile(white, black);
  if (!compiled) return Error::Invalid("invalid filter: " + compiled.error().message);
  return out;
}

Result<FlowFilters> BuildFlowFilters(const std::vector<FilterArg>& args) {
  FilterBuilder b;
  for (const FilterArg& a : args) {
    if (auto st = b.Add(a); !st) return st.error();
  }
  return b.Finish();
}

}  // namespace flows::cli
