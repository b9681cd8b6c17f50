// The compiled form of one FlowFilter field: all of its values, parsed once,
// answering "does this flow match any of them" (values of a field OR).
#pragma once

#include <memory>
#include <utility>

#include "flow/flow.pb.h"

namespace flows::api::filter {

// Relative cost of a Matches() call. A FlowFilter tries its fields cheapest
// first and stops at the first field that does not match (fields AND), so a
// regex only runs on flows that already passed the cheap checks.
enum class Cost {
  kFieldCompare = 0,   // enum or integer compares
  kStringCompare = 1,  // compares or scans over strings
  kAddressParse = 2,   // parses the flow's address text
  kRegex = 3,
};

class FieldMatcher {
 public:
  virtual ~FieldMatcher() = default;
  // Must not allocate: this runs for every flow a GetFlows stream reads.
  virtual bool Matches(const flow::Flow& flow) const = 0;
  virtual Cost cost() const = 0;
};

using FieldMatcherPtr = std::unique_ptr<FieldMatcher>;

// A matcher from a lambda, for fields whose test is a line or two.
template <typename Test>
class LambdaMatcher final : public FieldMatcher {
 public:
  LambdaMatcher(Cost cost, Test test) : cost_(cost), test_(std::move(test)) {}
  bool Matches(const flow::Flow& flow) const override { return test_(flow); }
  Cost cost() const override { return cost_; }

 private:
  Cost cost_;
  Test test_;
};

template <typename Test>
FieldMatcherPtr MakeMatcher(Cost cost, Test test) {
  return std::make_unique<LambdaMatcher<Test>>(cost, std::move(test));
}

// Fields that come in a source_ and a destination_ flavour.
enum class Side { kSource, kDestination };

inline const flow::Endpoint& EndpointOf(const flow::Flow& f, Side side) {
  return side == Side::kSource ? f.source() : f.destination();
}

}  // namespace flows::api::filter
