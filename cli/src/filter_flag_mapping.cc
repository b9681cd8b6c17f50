// FilterBuilder::Set: what each filter flag puts into the FlowFilters (Hubble's
// mapping; see filter_builder.h for the left/right scheme).
#include <algorithm>

#include "filter_tracker.h"
#include "filter_values.h"
#include "flows/flowd/flow_filter_set.h"

namespace flows::cli {
namespace {

using datapath::Error;
using flow::FlowFilter;

Error ForFlag(std::string_view flag, std::string_view problem) {
  return Error::Invalid("--" + std::string(flag) + ": " + std::string(problem));
}

// flowd's filter compiler says "whitelist[0]: source_ip: "x" is not an IP
// address"; the user typed --from-ip, so the list and field names go (the
// leading "word: " parts; the problem itself has spaces or quotes).
std::string_view WithoutFieldName(std::string_view message) {
  while (true) {
    const std::size_t colon = message.find(": ");
    if (colon == std::string_view::npos ||
        message.substr(0, colon).find_first_of(" \"") != std::string_view::npos) {
      return message;
    }
    message.remove_prefix(colon + 2);
  }
}

bool IsNamespaceName(const std::string& ns) {
  return !ns.empty() && ns.find('/') == std::string::npos;
}

}  // namespace

datapath::Status FilterBuilder::Set(Tracker& t, std::string_view flag, const std::string& v) {
  if (std::find(t.changed.begin(), t.changed.end(), flag) == t.changed.end()) {
    t.changed.emplace_back(flag);
    if (auto conflict = t.Conflict()) return *conflict;
  }
  using F = FlowFilter;

  if (flag == "pod") {
    t.Split([&](F& f) { f.add_source_pod(v); }, [&](F& f) { f.add_destination_pod(v); });
  } else if (flag == "from-pod") {
    t.Both([&](F& f) { f.add_source_pod(v); });
  } else if (flag == "to-pod") {
    t.Both([&](F& f) { f.add_destination_pod(v); });
  } else if (flag == "namespace" || flag == "from-namespace" || flag == "to-namespace") {
    if (!IsNamespaceName(v)) return ForFlag(flag, Quote(v) + " is not a namespace name");
    (flag == "namespace" ? t.ns : flag == "from-namespace" ? t.src_ns : t.dst_ns).push_back(v);
  } else if (flag == "all-namespaces") {
    // Every namespace is what no namespace filter gives; the flag only
    // exists to say so explicitly (and to conflict with -n).
  } else if (flag == "label") {
    t.Split([&](F& f) { f.add_source_label(v); }, [&](F& f) { f.add_destination_label(v); });
  } else if (flag == "from-label") {
    t.Both([&](F& f) { f.add_source_label(v); });
  } else if (flag == "to-label") {
    t.Both([&](F& f) { f.add_destination_label(v); });
  } else if (flag == "ip") {
    t.Split([&](F& f) { f.add_source_ip(v); }, [&](F& f) { f.add_destination_ip(v); });
  } else if (flag == "from-ip") {
    t.Both([&](F& f) { f.add_source_ip(v); });
  } else if (flag == "to-ip") {
    t.Both([&](F& f) { f.add_destination_ip(v); });
  } else if (flag == "service") {
    t.Split([&](F& f) { f.add_source_service(v); }, [&](F& f) { f.add_destination_service(v); });
  } else if (flag == "from-service") {
    t.Both([&](F& f) { f.add_source_service(v); });
  } else if (flag == "to-service") {
    t.Both([&](F& f) { f.add_destination_service(v); });
  } else if (flag == "workload") {
    const flow::Workload w = ParseWorkload(v);
    t.Split([&](F& f) { *f.add_source_workload() = w; }, [&](F& f) { *f.add_destination_workload() = w; });
  } else if (flag == "from-workload") {
    const flow::Workload w = ParseWorkload(v);
    t.Both([&](F& f) { *f.add_source_workload() = w; });
  } else if (flag == "to-workload") {
    const flow::Workload w = ParseWorkload(v);
    t.Both([&](F& f) { *f.add_destination_workload() = w; });
  } else if (flag == "fqdn") {
    t.Split([&](F& f) { f.add_source_fqdn(v); }, [&](F& f) { f.add_destination_fqdn(v); });
  } else if (flag == "from-fqdn") {
    t.Both([&](F& f) { f.add_source_fqdn(v); });
  } else if (flag == "to-fqdn") {
    t.Both([&](F& f) { f.add_destination_fqdn(v); });
  } else if (flag == "node-name") {
    t.Both([&](F& f) { f.add_node_name(v); });
  } else if (flag == "port") {
    t.Split([&](F& f) { f.add_source_port(v); }, [&](F& f) { f.add_destination_port(v); });
  } else if (flag == "from-port") {
    t.Both([&](F& f) { f.add_source_port(v); });
  } else if (flag == "to-port") {
    t.Both([&](F& f) { f.add_destination_port(v); });
  } else if (flag == "protocol") {
    t.Both([&](F& f) { f.add_protocol(v); });
  } else if (flag == "tcp-flags") {
    auto flags = ParseTcpFlags(v);
    if (!flags) return ForFlag(flag, flags.error().message);
    t.Both([&](F& f) { *f.add_tcp_flags() = *flags; });
  } else if (flag == "ipv4" || flag == "ipv6" || flag == "ip-version") {
    datapath::Result<flow::IPVersion> version = flag == "ipv4" ? datapath::Result<flow::IPVersion>(flow::IPv4)
                                                : flag == "ipv6"
                                                    ? datapath::Result<flow::IPVersion>(flow::IPv6)
                                                    : ParseIpVersion(v);
    if (!version) return ForFlag(flag, version.error().message);
    t.Both([&](F& f) { f.add_ip_version(*version); });
  } else if (flag == "verdict") {
    auto verdict = ParseVerdict(v);
    if (!verdict) return ForFlag(flag, verdict.error().message);
    t.Both([&](F& f) { f.add_verdict(*verdict); });
  } else if (flag == "type") {
    auto type = ParseEventType(v);
    if (!type) return ForFlag(flag, type.error().message);
    t.Both([&](F& f) { *f.add_event_type() = *type; });
  } else if (flag == "traffic-direction") {
    auto dir = ParseTrafficDirection(v);
    if (!dir) return ForFlag(flag, dir.error().message);
    t.Both([&](F& f) { f.add_traffic_direction(*dir); });
  } else if (flag == "interface") {
    t.Both([&](F& f) { f.add_interface()->set_name(v); });
  } else if (flag == "http-status") {
    t.Both([&](F& f) { f.add_http_status_code(v); });
  } else if (flag == "http-method") {
    t.Both([&](F& f) { f.add_http_method(v); });
  } else if (flag == "http-path") {
    t.Both([&](F& f) { f.add_http_path(v); });
  } else if (flag == "http-url") {
    t.Both([&](F& f) { f.add_http_url(v); });
  } else if (flag == "http-header") {
    auto header = ParseHttpHeader(v);
    if (!header) return ForFlag(flag, header.error().message);
    t.Both([&](F& f) { *f.add_http_header() = *header; });
  } else if (flag == "dns-query") {
    t.Both([&](F& f) { f.add_dns_query(v); });
  } else {
    return Error::Invalid("unknown filter flag --" + std::string(flag));
  }

  if (auto e = t.NamespaceConflicts(t.left)) return *e;
  if (auto e = t.NamespaceConflicts(t.right)) return *e;
  // The value as flowd will read it: a bad address, pattern or selector is
  // reported now, against this flag, rather than by the server.
  if (t.used) {
    google::protobuf::RepeatedPtrField<FlowFilter> filters;
    *filters.Add() = t.left;
    *filters.Add() = t.right;
    auto compiled = flowd::FlowFilterSet::Compile(filters, {});
    if (!compiled) return ForFlag(flag, WithoutFieldName(compiled.error().message));
  }
  return datapath::OkStatus();
}

}  // namespace flows::cli
