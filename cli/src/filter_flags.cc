#include "flows/cli/filter_flags.h"

#include <array>

namespace flows::cli {
namespace {

constexpr std::string_view kSel = kGroupSelectors;
constexpr std::string_view kL4 = kGroupL4;
constexpr std::string_view kL7 = kGroupL7;

// Help texts say what a value looks like: that is what users get wrong.
constexpr std::array kFlags = {
    FilterFlag{"pod", "", kSel,
               "Flows from or to pods whose name starts with [namespace/]NAME (namespace "
               "'default' when omitted; 'ns/' is every pod of ns)"},
    FilterFlag{"from-pod", "", kSel, "Flows from pods whose name starts with [namespace/]NAME"},
    FilterFlag{"to-pod", "", kSel, "Flows to pods whose name starts with [namespace/]NAME"},
    FilterFlag{"namespace", "n", kSel, "Flows from or to pods (or services) of this Kubernetes namespace"},
    FilterFlag{"from-namespace", "", kSel, "Flows from pods (or services) of this namespace"},
    FilterFlag{"to-namespace", "", kSel, "Flows to pods (or services) of this namespace"},
    FilterFlag{"all-namespaces", "A", kSel, "Flows of every namespace (the default; conflicts with -n)",
               false},
    FilterFlag{"label", "l", kSel,
               "Flows from or to endpoints matching this label selector, e.g. 'app=web', "
               "'env in (prod,staging)'"},
    FilterFlag{"from-label", "", kSel, "Flows from endpoints matching this label selector"},
    FilterFlag{"to-label", "", kSel, "Flows to endpoints matching this label selector"},
    FilterFlag{"ip", "", kSel, "Flows from or to this IP address or CIDR, e.g. 10.0.0.1 or 10.0.0.0/24"},
    FilterFlag{"from-ip", "", kSel, "Flows from this IP address or CIDR"},
    FilterFlag{"to-ip", "", kSel, "Flows to this IP address or CIDR"},
    FilterFlag{"service", "", kSel, "Flows from or to the service [namespace/]NAME-prefix"},
    FilterFlag{"from-service", "", kSel, "Flows from the service [namespace/]NAME-prefix"},
    FilterFlag{"to-service", "", kSel, "Flows to the service [namespace/]NAME-prefix"},
    FilterFlag{"workload", "", kSel,
               "Flows from or to pods of this workload: [KIND/]NAME, e.g. Deployment/web"},
    FilterFlag{"from-workload", "", kSel, "Flows from pods of this workload [KIND/]NAME"},
    FilterFlag{"to-workload", "", kSel, "Flows to pods of this workload [KIND/]NAME"},
    FilterFlag{"fqdn", "", kSel, "Flows from or to this DNS name; wildcards allowed, e.g. '*.example.com'"},
    FilterFlag{"from-fqdn", "", kSel, "Flows from this DNS name (wildcards allowed)"},
    FilterFlag{"to-fqdn", "", kSel, "Flows to this DNS name (wildcards allowed)"},
    FilterFlag{"node-name", "", kSel, "Flows observed on these nodes, e.g. 'worker-*' or 'cluster/node-1'"},

    FilterFlag{"port", "", kL4, "Flows with this source or destination port, e.g. 8080"},
    FilterFlag{"from-port", "", kL4, "Flows with this source port"},
    FilterFlag{"to-port", "", kL4, "Flows with this destination port"},
    FilterFlag{"protocol", "", kL4,
               "Flows of this L4 or L7 protocol: tcp, udp, sctp, icmp, icmpv4, icmpv6, http, "
               "dns"},
    FilterFlag{"tcp-flags", "", kL4,
               "TCP flows with all of these flags, comma-separated, e.g. syn or syn,ack"},
    FilterFlag{"ipv4", "4", kL4, "IPv4 flows only", false},
    FilterFlag{"ipv6", "6", kL4, "IPv6 flows only", false},
    FilterFlag{"ip-version", "", kL4, "Flows of this IP version: v4, v6 or none"},
    FilterFlag{"verdict", "", kL4,
               "Flows with this verdict: FORWARDED, DROPPED, ERROR, AUDIT, REDIRECTED, "
               "TRACED, TRANSLATED"},
    FilterFlag{"type", "t", kL4,
               "Event type TYPE[:SUBTYPE]: trace (to-endpoint, from-endpoint, to-network, "
               "from-network, to-stack, ...), l7, drop, policy-verdict, capture, trace-sock"},
    FilterFlag{"traffic-direction", "", kL4,
               "Flows in this direction relative to the pod: ingress or egress"},
    FilterFlag{"interface", "", kL4, "Flows observed on this network interface, e.g. eth0"},

    FilterFlag{"http-status", "", kL7, "HTTP responses with this status code, or prefix: '404', '5+', '40+'"},
    FilterFlag{"http-method", "", kL7, "HTTP requests with this method, e.g. GET"},
    FilterFlag{"http-path", "", kL7,
               "HTTP requests whose path matches this regular expression, e.g. '/api/v\\d+'"},
    FilterFlag{"http-url", "", kL7, "HTTP requests whose URL matches this regular expression"},
    FilterFlag{"http-header", "", kL7, "HTTP flows with this header, KEY:VALUE"},
    FilterFlag{"dns-query", "", kL7,
               "DNS flows whose query name matches this regular expression, e.g. "
               "'productcatalog\\..*'"},

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
