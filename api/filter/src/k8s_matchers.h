// Kubernetes object fields: source_pod / destination_pod,
// source_service / destination_service, source_workload / destination_workload.
//
// Pod and service values are "namespace/name-prefix":
//   "shop/frontend"  pods of namespace shop whose name starts with frontend
//   "shop/"          any pod of namespace shop
//   "/frontend"      name prefix frontend in any namespace
//   "frontend"       no slash: namespace "default", as Hubble does (the
//                    hubble CLI sends "default/frontend" for it anyway)
#pragma once

#include <string>

#include "field_error.h"
#include "field_matcher.h"

namespace flows::api::filter {

Result<FieldMatcherPtr> MakePodMatcher(const char* field, Side side,
                                       const google::protobuf::RepeatedPtrField<std::string>& values);

Result<FieldMatcherPtr> MakeServiceMatcher(const char* field, Side side,
                                           const google::protobuf::RepeatedPtrField<std::string>& values);

// Name and kind compared exactly; an empty one matches any.
FieldMatcherPtr MakeWorkloadMatcher(Side side,
                                    const google::protobuf::RepeatedPtrField<flow::Workload>& values);

}  // namespace flows::api::filter
