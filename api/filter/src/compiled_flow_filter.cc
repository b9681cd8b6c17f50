#include "compiled_flow_filter.h"

#include <google/protobuf/unknown_field_set.h>

#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>

#include "flow_metadata_matchers.h"
#include "ip_matchers.h"
#include "k8s_matchers.h"
#include "l4_matchers.h"
#include "l7_matchers.h"
#include "label_selector.h"
#include "name_matchers.h"

namespace flows::api {
namespace {

using filter::BadField;
using filter::FieldMatcherPtr;
using filter::Side;

constexpr int kL7EventType = 129;  // Hubble's event_type.type of L7 records

// Hubble refuses HTTP fields next to an event_type filter that cannot match
// L7 records (the result would always be empty); so do we, with the name of
// the first HTTP field set.
const char* HttpFieldWithoutL7EventType(const flow::FlowFilter& f) {
  if (f.event_type().empty()) return nullptr;
  const bool l7_allowed =
      std::any_of(f.event_type().begin(), f.event_type().end(),
                  [](const flow::EventTypeFilter& t) { return t.type() == kL7EventType; });
  if (l7_allowed) return nullptr;
  if (!f.http_status_code().empty()) return "http_status_code";
  if (!f.http_method().empty()) return "http_method";
  if (!f.http_path().empty()) return "http_path";
  if (!f.http_url().empty()) return "http_url";
  if (!f.http_header().empty()) return "http_header";
  return nullptr;
}

// A filter on a Hubble field flows does not honour (they arrive as unknown
// fields) would otherwise be ignored, widening the result without a word.
std::optional<Error> UnsupportedField(const flow::FlowFilter& f) {
  const auto& unknown = f.GetReflection()->GetUnknownFields(f);
  if (unknown.field_count() == 0) return std::nullopt;
  const int number = unknown.field(0).number();
  const char* name = "unknown field";
  switch (number) {
    case 19:
      name = "source_identity";
      break;
    case 20:
      name = "destination_identity";
      break;
    case 28:
      name = "trace_id";
      break;
    case 29:
      name = "uuid";
      break;
    case 33:
      name = "drop_reason_desc";
      break;
    case 34:
      name = "source_ip_xlated";
      break;
    case 36:
      name = "node_labels";
      break;
    case 37:
      name = "source_cluster_name";
      break;
    case 38:
      name = "destination_cluster_name";
      break;
    case 39:
      name = "ip_trace_id";
      break;
    case 40:
      name = "encrypted";
      break;
    case 999:
      name = "experimental";
      break;
  }
  return BadField(name, "FlowFilter field " + std::to_string(number) + " is not supported by flows");
}

}  // namespace

Result<CompiledFlowFilter> CompiledFlowFilter::Compile(const flow::FlowFilter& f) {
  if (auto unsupported = UnsupportedField(f)) return *unsupported;
  if (const char* field = HttpFieldWithoutL7EventType(f)) {
    return BadField(field, "needs event_type to include L7 events (type 129) when event_type is set");
  }

  CompiledFlowFilter compiled;
  std::optional<Error> error;
  // Adds the matcher for a field that is set; remembers the first error.
  auto add = [&](bool is_set, auto&& make) {
    if (!is_set || error) return;
    auto matcher = make();
    if constexpr (std::is_same_v<std::decay_t<decltype(matcher)>, FieldMatcherPtr>) {
      compiled.fields_.push_back(std::move(matcher));
    } else if (matcher) {
      compiled.fields_.push_back(std::move(*matcher));
    } else {
      error = matcher.error();
    }
  };

  add(!f.source_ip().empty(),
      [&] { return filter::MakeIpMatcher("source_ip", Side::kSource, f.source_ip()); });
  add(!f.destination_ip().empty(),
      [&] { return filter::MakeIpMatcher("destination_ip", Side::kDestination, f.destination_ip()); });
  add(!f.source_pod().empty(),
      [&] { return filter::MakePodMatcher("source_pod", Side::kSource, f.source_pod()); });
  add(!f.destination_pod().empty(),
      [&] { return filter::MakePodMatcher("destination_pod", Side::kDestination, f.destination_pod()); });
  add(!f.verdict().empty(), [&] { return filter::MakeVerdictMatcher(f.verdict()); });
  add(!f.event_type().empty(), [&] { return filter::MakeEventTypeMatcher(f.event_type()); });
  add(!f.source_fqdn().empty(),
      [&] { return filter::MakeFqdnMatcher("source_fqdn", Side::kSource, f.source_fqdn()); });
  add(!f.destination_fqdn().empty(),
      [&] { return filter::MakeFqdnMatcher("destination_fqdn", Side::kDestination, f.destination_fqdn()); });
  add(!f.http_status_code().empty(), [&] { return filter::MakeHttpStatusMatcher(f.http_status_code()); });
  add(!f.source_label().empty(),
      [&] { return filter::MakeLabelMatcher("source_label", Side::kSource, f.source_label()); });
  add(!f.destination_label().empty(), [&] {
    return filter::MakeLabelMatcher("destination_label", Side::kDestination, f.destination_label());
  });
  add(!f.protocol().empty(), [&] { return filter::MakeProtocolMatcher(f.protocol()); });
  add(!f.source_port().empty(),
      [&] { return filter::MakePortMatcher("source_port", Side::kSource, f.source_port()); });
  add(!f.destination_port().empty(),
      [&] { return filter::MakePortMatcher("destination_port", Side::kDestination, f.destination_port()); });
  add(!f.reply().empty(), [&] { return filter::MakeReplyMatcher(f.reply()); });
  add(!f.source_service().empty(),
      [&] { return filter::MakeServiceMatcher("source_service", Side::kSource, f.source_service()); });
  add(!f.destination_service().empty(), [&] {
    return filter::MakeServiceMatcher("destination_service", Side::kDestination, f.destination_service());
  });
  add(!f.dns_query().empty(), [&] { return filter::MakeDnsQueryMatcher(f.dns_query()); });
  add(!f.http_method().empty(), [&] { return filter::MakeHttpMethodMatcher(f.http_method()); });
  add(!f.http_path().empty(), [&] { return filter::MakeHttpPathMatcher(f.http_path()); });
  add(!f.tcp_flags().empty(), [&] { return filter::MakeTcpFlagsMatcher(f.tcp_flags()); });
  add(!f.node_name().empty(), [&] { return filter::MakeNodeNameMatcher(f.node_name()); });
  add(!f.ip_version().empty(), [&] { return filter::MakeIpVersionMatcher(f.ip_version()); });
  add(!f.source_workload().empty(),
      [&] { return filter::MakeWorkloadMatcher(Side::kSource, f.source_workload()); });
  add(!f.destination_workload().empty(),
      [&] { return filter::MakeWorkloadMatcher(Side::kDestination, f.destination_workload()); });
  add(!f.traffic_direction().empty(),
      [&] { return filter::MakeTrafficDirectionMatcher(f.traffic_direction()); });
  add(!f.http_url().empty(), [&] { return filter::MakeHttpUrlMatcher(f.http_url()); });
  add(!f.http_header().empty(), [&] { return filter::MakeHttpHeaderMatcher(f.http_header()); });
  add(!f.interface().empty(), [&] { return filter::MakeInterfaceMatcher(f.interface()); });
  add(!f.primary().empty(), [&] { return filter::MakePrimaryMatcher(f.primary()); });
  if (error) return *error;

  std::stable_sort(compiled.fields_.begin(), compiled.fields_.end(),
                   [](const FieldMatcherPtr& a, const FieldMatcherPtr& b) { return a->cost() < b->cost(); });
  return compiled;
}

}  // namespace flows::api
