#include "flows/cli/filter_flags.h"

#include <array>

#include "filter_tracker.h"
#include "filter_values.h"
#include "flows/common/text.h"

namespace flows::cli {
namespace {

using F = flow::FlowFilter;

Status AddNamespace(std::vector<std::string>& to, const std::string& v) {
  if (v.empty() || v.find('/') != std::string::npos)
    return Error::Invalid(Quote(v) + " is not a namespace name");
  to.push_back(v);
  return OkStatus();
}

// A value that must parse first, then set in both filters.
template <typename T, typename Set>
Status Parsed(Result<T> value, FilterTracker& t, Set set) {
  if (!value) return value.error();
  return t.Both([&](F& f) { set(f, *value); });
}

constexpr std::string_view kSel = kGroupSelectors;
constexpr std::string_view kL4 = kGroupL4;
constexpr std::string_view kL7 = kGroupL7;

// Help texts say what a value looks like: that is what users get wrong.
constexpr std::array kFlags = {
    FilterFlag{"pod", "", kSel,
               "Flows from or to pods whose name starts with [namespace/]NAME (namespace "
               "'default' when omitted; 'ns/' is every pod of ns)", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Split([&](F& f) { f.add_source_pod(v); }, [&](F& f) { f.add_destination_pod(v); });
    }},
    FilterFlag{"from-pod", "", kSel, "Flows from pods whose name starts with [namespace/]NAME", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_source_pod(v); });
    }},
    FilterFlag{"to-pod", "", kSel, "Flows to pods whose name starts with [namespace/]NAME", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_destination_pod(v); });
    }},
    FilterFlag{"namespace", "n", kSel, "Flows from or to pods (or services) of this Kubernetes namespace", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return AddNamespace(t.ns, v);
    }},
    FilterFlag{"from-namespace", "", kSel, "Flows from pods (or services) of this namespace", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return AddNamespace(t.src_ns, v);
    }},
    FilterFlag{"to-namespace", "", kSel, "Flows to pods (or services) of this namespace", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return AddNamespace(t.dst_ns, v);
    }},
    FilterFlag{"all-namespaces", "A", kSel, "Flows of every namespace (the default; conflicts with -n)",
               false,
               [](FilterTracker& t, const std::string&) -> Status {
      return OkStatus();  // what no namespace filter gives; the flag says so (and conflicts with -n)
    }},
    FilterFlag{"label", "l", kSel,
               "Flows from or to endpoints matching this label selector, e.g. 'app=web', "
               "'env in (prod,staging)'", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Split([&](F& f) { f.add_source_label(v); }, [&](F& f) { f.add_destination_label(v); });
    }},
    FilterFlag{"from-label", "", kSel, "Flows from endpoints matching this label selector", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_source_label(v); });
    }},
    FilterFlag{"to-label", "", kSel, "Flows to endpoints matching this label selector", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_destination_label(v); });
    }},
    FilterFlag{"ip", "", kSel, "Flows from or to this IP address or CIDR, e.g. 10.0.0.1 or 10.0.0.0/24", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Split([&](F& f) { f.add_source_ip(v); }, [&](F& f) { f.add_destination_ip(v); });
    }},
    FilterFlag{"from-ip", "", kSel, "Flows from this IP address or CIDR", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_source_ip(v); });
    }},
    FilterFlag{"to-ip", "", kSel, "Flows to this IP address or CIDR", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_destination_ip(v); });
    }},
    FilterFlag{"service", "", kSel, "Flows from or to the service [namespace/]NAME-prefix", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Split([&](F& f) { f.add_source_service(v); }, [&](F& f) { f.add_destination_service(v); });
    }},
    FilterFlag{"from-service", "", kSel, "Flows from the service [namespace/]NAME-prefix", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_source_service(v); });
    }},
    FilterFlag{"to-service", "", kSel, "Flows to the service [namespace/]NAME-prefix", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_destination_service(v); });
    }},
    FilterFlag{"workload", "", kSel,
               "Flows from or to pods of this workload: [KIND/]NAME, e.g. Deployment/web", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      const flow::Workload w = ParseWorkload(v);
      return t.Split([&](F& f) { *f.add_source_workload() = w; }, [&](F& f) { *f.add_destination_workload() = w; });
    }},
    FilterFlag{"from-workload", "", kSel, "Flows from pods of this workload [KIND/]NAME", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      const flow::Workload w = ParseWorkload(v);
      return t.Both([&](F& f) { *f.add_source_workload() = w; });
    }},
    FilterFlag{"to-workload", "", kSel, "Flows to pods of this workload [KIND/]NAME", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      const flow::Workload w = ParseWorkload(v);
      return t.Both([&](F& f) { *f.add_destination_workload() = w; });
    }},
    FilterFlag{"fqdn", "", kSel, "Flows from or to this DNS name; wildcards allowed, e.g. '*.example.com'", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Split([&](F& f) { f.add_source_fqdn(v); }, [&](F& f) { f.add_destination_fqdn(v); });
    }},
    FilterFlag{"from-fqdn", "", kSel, "Flows from this DNS name (wildcards allowed)", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_source_fqdn(v); });
    }},
    FilterFlag{"to-fqdn", "", kSel, "Flows to this DNS name (wildcards allowed)", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_destination_fqdn(v); });
    }},
    FilterFlag{"node-name", "", kSel, "Flows observed on these nodes, e.g. 'worker-*' or 'cluster/node-1'", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_node_name(v); });
    }},

    FilterFlag{"port", "", kL4, "Flows with this source or destination port, e.g. 8080", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Split([&](F& f) { f.add_source_port(v); }, [&](F& f) { f.add_destination_port(v); });
    }},
    FilterFlag{"from-port", "", kL4, "Flows with this source port", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_source_port(v); });
    }},
    FilterFlag{"to-port", "", kL4, "Flows with this destination port", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_destination_port(v); });
    }},
    FilterFlag{"protocol", "", kL4,
               "Flows of this L4 or L7 protocol: tcp, udp, sctp, icmp, icmpv4, icmpv6, http, "
               "dns", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_protocol(v); });
    }},
    FilterFlag{"tcp-flags", "", kL4,
               "TCP flows with all of these flags, comma-separated, e.g. syn or syn,ack", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return Parsed(ParseTcpFlags(v), t, [](F& f, const flow::TCPFlags& x) { *f.add_tcp_flags() = x; });
    }},
    FilterFlag{"ipv4", "4", kL4, "IPv4 flows only", false,
               [](FilterTracker& t, const std::string&) -> Status {
      return t.Both([](F& f) { f.add_ip_version(flow::IPv4); });
    }},
    FilterFlag{"ipv6", "6", kL4, "IPv6 flows only", false,
               [](FilterTracker& t, const std::string&) -> Status {
      return t.Both([](F& f) { f.add_ip_version(flow::IPv6); });
    }},
    FilterFlag{"ip-version", "", kL4, "Flows of this IP version: v4, v6 or none", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return Parsed(ParseIpVersion(v), t, [](F& f, flow::IPVersion x) { f.add_ip_version(x); });
    }},
    FilterFlag{"verdict", "", kL4,
               "Flows with this verdict: FORWARDED, DROPPED, ERROR, AUDIT, REDIRECTED, "
               "TRACED, TRANSLATED", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return Parsed(ParseVerdict(v), t, [](F& f, flow::Verdict x) { f.add_verdict(x); });
    }},
    FilterFlag{"type", "t", kL4,
               "Event type TYPE[:SUBTYPE]: trace (to-endpoint, from-endpoint, to-network, "
               "from-network, to-stack, ...), l7, drop, policy-verdict, capture, trace-sock", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return Parsed(ParseEventType(v), t, [](F& f, const flow::EventTypeFilter& x) { *f.add_event_type() = x; });
    }},
    FilterFlag{"traffic-direction", "", kL4,
               "Flows in this direction relative to the pod: ingress or egress", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return Parsed(ParseTrafficDirection(v), t, [](F& f, flow::TrafficDirection x) { f.add_traffic_direction(x); });
    }},
    FilterFlag{"once", "", kL4,
               "Each exchange once: of the sightings of one packet or L7 message (the client's "
               "and the server's veth, node NICs), only the one the connectivity graph counts -- "
               "the client pod's veth, or the server's when the client is not a pod", false,
               [](FilterTracker& t, const std::string&) -> Status {
      return t.Both([](F& f) { f.add_primary(true); });
    }},
    FilterFlag{"interface", "", kL4, "Flows observed on this network interface, e.g. eth0", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_interface()->set_name(v); });
    }},

    FilterFlag{"http-status", "", kL7, "HTTP responses with this status code, or prefix: '404', '5+', '40+'", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_http_status_code(v); });
    }},
    FilterFlag{"http-method", "", kL7, "HTTP requests with this method, e.g. GET", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_http_method(v); });
    }},
    FilterFlag{"http-path", "", kL7,
               "HTTP requests whose path matches this regular expression, e.g. '/api/v\\d+'", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_http_path(v); });
    }},
    FilterFlag{"http-url", "", kL7, "HTTP requests whose URL matches this regular expression", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_http_url(v); });
    }},
    FilterFlag{"http-header", "", kL7, "HTTP flows with this header, KEY:VALUE", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return Parsed(ParseHttpHeader(v), t, [](F& f, const flow::HTTPHeader& x) { *f.add_http_header() = x; });
    }},
    FilterFlag{"dns-query", "", kL7,
               "DNS flows whose query name matches this regular expression, e.g. "
               "'productcatalog\\..*'", true,
               [](FilterTracker& t, const std::string& v) -> Status {
      return t.Both([&](F& f) { f.add_dns_query(v); });
    }},

    FilterFlag{"not", "", kGroupNegation,
               "Negate the next filter: flows it matches are left out, e.g. --not --to-port 53", false},
};

}  // namespace

std::span<const FilterFlag> FilterFlags() {
  return kFlags;
}

const FilterFlag* FindFilterFlag(std::string_view name) {
  for (const FilterFlag& f : kFlags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace flows::cli
