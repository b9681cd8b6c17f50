// FlowFilter fields that compare one enum or small value of the flow:
// verdict, event_type, reply, ip_version, traffic_direction, interface.
// None of them can be malformed.
#pragma once

#include "field_matcher.h"

namespace flows::api::filter {

FieldMatcherPtr MakeVerdictMatcher(const google::protobuf::RepeatedField<int>& verdicts);
FieldMatcherPtr MakeEventTypeMatcher(const google::protobuf::RepeatedPtrField<flow::EventTypeFilter>& types);
FieldMatcherPtr MakeReplyMatcher(const google::protobuf::RepeatedField<bool>& replies);
// flows' count-once rule: FlowFilter.primary against Flow.primary.
FieldMatcherPtr MakePrimaryMatcher(const google::protobuf::RepeatedField<bool>& primary);
FieldMatcherPtr MakeIpVersionMatcher(const google::protobuf::RepeatedField<int>& versions);
FieldMatcherPtr MakeTrafficDirectionMatcher(const google::protobuf::RepeatedField<int>& directions);
FieldMatcherPtr MakeInterfaceMatcher(
    const google::protobuf::RepeatedPtrField<flow::NetworkInterface>& ifaces);

}  // namespace flows::api::filter
