#include "flows/cli/filter_builder.h"

#include "filter_tracker.h"
#include "filter_values.h"
#include "flows/cli/filter_flags.h"
#include "flows/flowd/flow_filter_set.h"

namespace flows::cli {

using datapath::Error;

FilterBuilder::FilterBuilder()
    : whitelist_(std::make_unique<Tracker>()), blacklist_(std::make_unique<Tracker>()) {}
FilterBuilder::~FilterBuilder() = default;

datapath::Status FilterBuilder::Add(const FilterArg& arg) {
  if (!FindFilterFlag(arg.flag)) return Error::Invalid("unknown filter flag --" + arg.flag);
  if (arg.flag == "not") {
    if (negate_next_) return Error::Invalid("consecutive --not: each --not negates the one filter after it");
    negate_next_ = true;
    return datapath::OkStatus();
  }
  Tracker& t = negate_next_ ? *blacklist_ : *whitelist_;
  if (negate_next_ && arg.flag == "all-namespaces") {
    return Error::Invalid("--not cannot negate --all-namespaces");
  }
  negate_next_ = false;
  return Set(t, arg.flag, arg.value);
}

datapath::Result<FlowFilters> FilterBuilder::Finish() {
  if (negate_next_)
    return Error::Invalid("--not must be followed by the filter it negates, e.g. --not --to-port 53");
  FlowFilters out{whitelist_->Materialize(), blacklist_->Materialize()};
  // Namespaces are only combined with pods and services here: check the
  // result as the server will.
  google::protobuf::RepeatedPtrField<flow::FlowFilter> white(out.whitelist.begin(), out.whitelist.end());
  google::protobuf::RepeatedPtrField<flow::FlowFilter> black(out.blacklist.begin(), out.blacklist.end());
  auto compiled = flowd::FlowFilterSet::Compile(white, black);
  if (!compiled) return Error::Invalid("invalid filter: " + compiled.error().message);
  return out;
}

datapath::Result<FlowFilters> BuildFlowFilters(const std::vector<FilterArg>& args) {
  FilterBuilder b;
  for (const FilterArg& a : args) {
    if (auto st = b.Add(a); !st) return st.error();
  }
  return b.Finish();
}

}  // namespace flows::cli
