// Table-driven filter tests: filters and flows written in protobuf text
// format, so each row reads like the request and the flow it is about.
#pragma once

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flow/flow.pb.h"
#include "flows/api/filter/flow_filter_set.h"

namespace flows::api::testing {

template <typename Message>
Message FromText(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << "bad text proto: " << text;
  return m;
}

// One row: a whitelist holding one FlowFilter, a flow, and whether it passes.
struct MatchCase {
  std::string filter;
  std::string flow;
  bool match;
};

inline FlowFilterSet::Filters Filters(const std::vector<std::string>& texts) {
  FlowFilterSet::Filters filters;
  for (const std::string& text : texts) *filters.Add() = FromText<flow::FlowFilter>(text);
  return filters;
}

inline void ExpectCases(const std::vector<MatchCase>& cases) {
  for (const MatchCase& c : cases) {
    SCOPED_TRACE("filter {" + c.filter + "} flow {" + c.flow + "}");
    auto set = FlowFilterSet::Compile(Filters({c.filter}), {});
    ASSERT_TRUE(set.ok()) << set.error().message;
    EXPECT_EQ(set->Matches(FromText<flow::Flow>(c.flow)), c.match);
  }
}

// The error Compile returns for a whitelist of one filter ("" if it compiles).
inline std::string CompileError(const std::string& filter) {
  auto set = FlowFilterSet::Compile(Filters({filter}), {});
  return set.ok() ? "" : set.error().message;
}

}  // namespace flows::api::testing
