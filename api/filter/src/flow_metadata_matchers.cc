#include "flow_metadata_matchers.h"

#include <algorithm>
#include <vector>

namespace flows::api::filter {
namespace {

// Enum fields of a flow compared against the filter's list of values.
template <typename Get>
FieldMatcherPtr MakeEnumMatcher(const google::protobuf::RepeatedField<int>& values, Get get) {
  return MakeMatcher(Cost::kFieldCompare, [wanted = std::vector<int>(values.begin(), values.end()),
                                           get](const flow::Flow& f) {
    return std::find(wanted.begin(), wanted.end(), static_cast<int>(get(f))) != wanted.end();
  });
}

}  // namespace

FieldMatcherPtr MakeVerdictMatcher(const google::protobuf::RepeatedField<int>& verdicts) {
  return MakeEnumMatcher(verdicts, [](const flow::Flow& f) { return f.verdict(); });
}

FieldMatcherPtr MakeIpVersionMatcher(const google::protobuf::RepeatedField<int>& versions) {
  // A flow without an IP section is IP_NOT_USED, as in Hubble.
  return MakeEnumMatcher(versions, [](const flow::Flow& f) { return f.ip().ipversion(); });
}

FieldMatcherPtr MakeTrafficDirectionMatcher(const google::protobuf::RepeatedField<int>& directions) {
  return MakeEnumMatcher(directions, [](const flow::Flow& f) { return f.traffic_direction(); });
}

FieldMatcherPtr MakeEventTypeMatcher(const google::protobuf::RepeatedPtrField<flow::EventTypeFilter>& types) {
  struct Wanted {
    int type;
    bool match_sub_type;
    int sub_type;
  };
  std::vector<Wanted> wanted;
  for (const auto& t : types) wanted.push_back({t.type(), t.match_sub_type(), t.sub_type()});
  return MakeMatcher(Cost::kFieldCompare, [wanted = std::move(wanted)](const flow::Flow& f) {
    const auto& event = f.event_type();
    return std::any_of(wanted.begin(), wanted.end(), [&](const Wanted& w) {
      return w.type == event.type() && (!w.match_sub_type || w.sub_type == event.sub_type());
    });
  });
}

FieldMatcherPtr MakeReplyMatcher(const google::protobuf::RepeatedField<bool>& replies) {
  const bool want_reply = std::find(replies.begin(), replies.end(), true) != replies.end();
  const bool want_request = std::find(replies.begin(), replies.end(), false) != replies.end();
  return MakeMatcher(Cost::kFieldCompare, [want_reply, want_request](const flow::Flow& f) {
    // Unknown direction matches neither, except that a dropped flow counts
    // as "not a reply" (Hubble does this for clients of the old `reply` field).
    if (!f.has_is_reply() && f.verdict() != flow::DROPPED) return false;
    return f.is_reply().value() ? want_reply : want_request;
  });
}

FieldMatcherPtr MakePrimaryMatcher(const google::protobuf::RepeatedField<bool>& primary) {
  const bool want_primary = std::find(primary.begin(), primary.end(), true) != primary.end();
  const bool want_other = std::find(primary.begin(), primary.end(), false) != primary.end();
  return MakeMatcher(Cost::kFieldCompare, [want_primary, want_other](const flow::Flow& f) {
    return f.primary() ? want_primary : want_other;
  });
}

FieldMatcherPtr MakeInterfaceMatcher(
    const google::protobuf::RepeatedPtrField<flow::NetworkInterface>& ifaces) {
  // Index 0 (no such interface) and an empty name mean "any".
  std::vector<flow::NetworkInterface> wanted(ifaces.begin(), ifaces.end());
  return MakeMatcher(Cost::kStringCompare, [wanted = std::move(wanted)](const flow::Flow& f) {
    if (!f.has_interface()) return false;
    const auto& iface = f.interface();
    return std::any_of(wanted.begin(), wanted.end(), [&](const flow::NetworkInterface& w) {
      return (w.index() == 0 || w.index() == iface.index()) && (w.name().empty() || w.name() == iface.name());
    });
  });
}

}  // namespace flows::api::filter
