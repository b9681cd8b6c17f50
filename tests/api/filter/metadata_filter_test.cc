// verdict, event_type, reply, traffic_direction, interface.
#include "filter_cases.h"

namespace flows::api {
namespace {

using testing::ExpectCases;

TEST(MetadataFilterTest, Verdict) {
  ExpectCases({
      {"verdict: DROPPED", "verdict: DROPPED", true},
      {"verdict: DROPPED", "verdict: FORWARDED", false},
      {"verdict: FORWARDED verdict: DROPPED", "verdict: DROPPED", true},
      {"verdict: VERDICT_UNKNOWN", "", true},
      {"verdict: AUDIT", "verdict: TRANSLATED", false},
  });
}

TEST(MetadataFilterTest, EventType) {
  const std::string to_stack = "event_type { type: 4 sub_type: 3 }";
  ExpectCases({
      {"event_type { type: 4 }", to_stack, true},  // any sub type
      {"event_type { type: 1 }", to_stack, false},
      {"event_type { type: 4 match_sub_type: true sub_type: 3 }", to_stack, true},
      {"event_type { type: 4 match_sub_type: true sub_type: 0 }", to_stack, false},
      {"event_type { type: 4 sub_type: 0 }", to_stack, true},  // sub_type ignored unless match_sub_type
      {"event_type { type: 1 } event_type { type: 4 }", to_stack, true},
      {"event_type { type: 129 }", "event_type { type: 129 }", true},
  });
}

TEST(MetadataFilterTest, Reply) {
  ExpectCases({
      {"reply: true", "is_reply { value: true }", true},
      {"reply: true", "is_reply { value: false }", false},
      {"reply: false", "is_reply { value: false }", true},
      {"reply: false", "is_reply { value: true }", false},
      {"reply: true reply: false", "is_reply { value: true }", true},
      {"reply: false", "", false},  // direction unknown: neither
      {"reply: true", "", false},
      {"reply: false", "verdict: DROPPED", true},  // Hubble: unknown on a drop is "not a reply"
      {"reply: true", "verdict: DROPPED", false},
  });
}

// --once: the count-once rule's sighting of each exchange.
TEST(MetadataFilterTest, Primary) {
  ExpectCases({
      {"primary: true", "primary: true", true},
      {"primary: true", "primary: false", false},
      {"primary: true", "", false},
      {"primary: false", "vantage: TRANSIT", true},
      {"primary: false", "primary: true", false},
      {"primary: true primary: false", "", true},
  });
}

TEST(MetadataFilterTest, TrafficDirection) {
  ExpectCases({
      {"traffic_direction: INGRESS", "traffic_direction: INGRESS", true},
      {"traffic_direction: INGRESS", "traffic_direction: EGRESS", false},
      {"traffic_direction: EGRESS traffic_direction: INGRESS", "traffic_direction: EGRESS", true},
      {"traffic_direction: TRAFFIC_DIRECTION_UNKNOWN", "", true},
  });
}

TEST(MetadataFilterTest, Interface) {
  const std::string eth0 = R"(interface { index: 2 name: "eth0" })";
  ExpectCases({
      {R"(interface { index: 2 name: "eth0" })", eth0, true},
      {R"(interface { index: 2 })", eth0, true},      // any name
      {R"(interface { name: "eth0" })", eth0, true},  // any index
      {R"(interface { index: 3 })", eth0, false},
      {R"(interface { name: "eth1" })", eth0, false},
      {R"(interface { index: 2 name: "eth1" })", eth0, false},
      {R"(interface { name: "lxc1" } interface { index: 2 })", eth0, true},
      {R"(interface { name: "eth0" })", "", false},  // no interface recorded
  });
}

}  // namespace
}  // namespace flows::api
