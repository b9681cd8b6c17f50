#include "flows/flowd/metrics/flow_metrics.h"

#include <array>
#include <cassert>
#include <charconv>

#include "flows/api/flow_fields.h"
#include "flows/flowd/metrics/metric_name.h"

namespace flows::flowd {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildHistogram;
using prometheus::Counter;
using prometheus::Histogram;

// Cilium's trace observation points, as Hubble names them.
std::string_view TraceSubtype(const flow::Flow& f) {
  switch (f.event_type().sub_type()) {
    case 0:
      return "to-endpoint";
    case 3:
      return "to-stack";
    case 5:
      return "from-endpoint";
    case 10:
      return "from-network";
    case 11:
      return "to-network";
    default:
      return "unknown";
  }
}

std::string_view Rcode(std::uint32_t rcode) {
  const std::string_view name = api::DnsRcodeName(rcode);
  return name.empty() ? "OTHER" : name;
}

std::string_view IcmpType(bool v6, std::uint32_t type) {
  const std::string_view name = api::IcmpTypeName(v6, type);
  return name.empty() ? "Other" : name;
}

std::string_view L4Name(const flow::Layer4& l4) {
  if (l4.has_tcp()) return "TCP";
  if (l4.has_udp()) return "UDP";
  if (l4.has_sctp()) return "SCTP";
  if (l4.has_icmpv4()) return "ICMPv4";
  if (l4.has_icmpv6()) return "ICMPv6";
  return "other";
}

// Small integers as label values without allocating.
class Num {
 public:
  explicit Num(std::uint64_t v) { len_ = std::to_chars(buf_, buf_ + sizeof(buf_), v).ptr - buf_; }
  std::string_view view() const { return {buf_, len_}; }

 private:
  char buf_[24];
  std::size_t len_;
};

// The metric names --metrics-context takes (each family's option name).
constexpr std::string_view kContextMetrics[] = {"flows_processed",   "dns",  "http",   "tcp",
                                                "port-distribution", "icmp", "traffic"};

bool KnownContextMetric(std::string_view name) {
  for (auto known : kContextMetrics)
    if (name == known) return true;
  return false;
}

}  // namespace

Result<ContextKind> ParseContextKind(std::string_view t) {
  if (t == "namespace") return ContextKind::kNamespace;
  if (t == "pod") return ContextKind::kPod;
  if (t == "workload") return ContextKind::kWorkload;
  if (t == "dns") return ContextKind::kDns;
  if (t == "ip") return ContextKind::kIp;
  if (t == "none" || t.empty()) return ContextKind::kNone;
  return Error::Invalid("unknown metric context \"" + std::string(t) +
                        "\" (namespace, pod, workload, dns, ip or none)");
}

Status ParseMetricContexts(std::string_view spec, MetricsOptions* o) {
  while (!spec.empty()) {
    const auto semi = spec.find(';');
    std::string_view part = spec.substr(0, semi);
    spec = semi == std::string_view::npos ? std::string_view{} : spec.substr(semi + 1);
    if (part.empty()) continue;
    const auto colon = part.find(':');
    if (colon == std::string_view::npos)
      return Error::Invalid("metric context \"" + std::string(part) +
                            "\": expected <metric>:source=..,destination=..");
    const std::string metric(part.substr(0, colon));
    if (metric != "*" && !KnownContextMetric(metric)) {
      std::string known;
      for (auto k : kContextMetrics) known += (known.empty() ? "" : ", ") + std::string(k);
      return Error::Invalid("metric context: unknown metric \"" + metric + "\" (" + known + " or *)");
    }
    MetricContext ctx;
    std::string_view kvs = part.substr(colon + 1);
    while (!kvs.empty()) {
      const auto comma = kvs.find(',');
      std::string_view kv = kvs.substr(0, comma);
      kvs = comma == std::string_view::npos ? std::string_view{} : kvs.substr(comma + 1);
      const auto eq = kv.find('=');
      if (eq == std::string_view::npos)
        return Error::Invalid("metric context \"" + std::string(kv) +
                              "\": expected source=<kind> or destination=<kind>");
      auto kind = ParseContextKind(kv.substr(eq + 1));
      if (!kind) return kind.error();
      if (kv.substr(0, eq) == "source")
        ctx.source = *kind;
      else if (kv.substr(0, eq) == "destination")
        ctx.destination = *kind;
      else
        return Error::Invalid("metric context key \"" + std::string(kv.substr(0, eq)) +
                              "\": expected source or destination");
    }
    if (metric == "*")
      o->default_context = ctx;
    else
      o->context[metric] = ctx;
  }
  return OkStatus();
}

struct FlowMetrics::Families {
  Families(prometheus::Registry& r, const MetricsOptions& o)
      : overflow_family(
            BuildCounter()
                .Name(MetricName(o.prefix, "metrics_series_overflow_total"))
                .Help("Flows counted in an \"other\" series because a metric hit its series budget")
                .Register(r)),
        opts(o),
        processed(Make<Counter>(r, "flows_processed_total", "Total number of flows processed",
                                {"type", "subtype", "verdict"}, "flows_processed")),
        dns_queries(Make<Counter>(r, "dns_queries_total", "Number of DNS queries observed",
                                  {"rcode", "qtypes", "ips_returned"}, "dns")),
        dns_responses(Make<Counter>(r, "dns_responses_total", "Number of DNS responses observed",
                                    {"rcode", "qtypes", "ips_returned"}, "dns")),
        http_requests(Make<Counter>(r, "http_requests_total", "Count of HTTP requests",
                                    {"method", "protocol", "reporter"}, "http")),
        http_responses(Make<Counter>(r, "http_responses_total", "Count of HTTP responses",
                                     {"method", "protocol", "status", "reporter"}, "http")),
        http_duration(Make<Histogram>(r, "http_request_duration_seconds",
                                      "Quantiles of HTTP request duration in seconds", {"method", "reporter"},
                                      "http", {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})),
        tcp_flags(Make<Counter>(r, "tcp_flags_total", "TCP flag occurrences", {"flag", "family"}, "tcp")),
        ports(Make<Counter>(r, "port_distribution_total",
                            "Numbers of packets distributed by destination port", {"protocol", "port"},
                            "port-distribution")),
        icmp(Make<Counter>(r, "icmp_total", "Number of ICMP messages", {"family", "type"}, "icmp")),
        traffic_bytes(Make<Counter>(r, "traffic_bytes_total",
                                    "Bytes sent from source to destination, each packet counted once",
                                    {"protocol"}, "traffic")),
        traffic_packets(Make<Counter>(r, "traffic_packets_total",
                                      "Packets sent from source to destination, each counted once",
                                      {"protocol"}, "traffic")),
        lost_family(BuildCounter()
                        .Name(MetricName(o.prefix, "lost_events_total"))
                        .Help("Number of lost events")
                        .Register(r)) {}

  struct Metric {
    std::unique_ptr<BudgetedFamily<Counter>> counter;
    std::unique_ptr<BudgetedFamily<Histogram>> histogram;
    MetricContext ctx;
  };

  template <typename M>
  Metric Make(prometheus::Registry& r, const std::string& name, const std::string& help,
              std::vector<std::string> labels, const std::string& option_name,
              const std::vector<double>& buckets = {}) {
    Metric m;
    assert(KnownContextMetric(option_name));  // or --metrics-context refuses its name
    auto it = opts.context.find(option_name);
    m.ctx = it != opts.context.end() ? it->second : opts.default_context;
    if (m.ctx.source != ContextKind::kNone) labels.push_back("source");
    if (m.ctx.destination != ContextKind::kNone) labels.push_back("destination");
    auto& overflow = overflow_family.Add({{"metric", name}});
    if constexpr (std::is_same_v<M, Counter>) {
      auto& fam = BuildCounter().Name(MetricName(opts.prefix, name)).Help(help).Register(r);
      m.counter = std::make_unique<BudgetedFamily<Counter>>(fam, labels, opts.series_budget, overflow);
    } else {
      auto& fam = BuildHistogram().Name(MetricName(opts.prefix, name)).Help(help).Register(r);
      m.histogram =
          std::make_unique<BudgetedFamily<Histogram>>(fam, labels, opts.series_budget, overflow, buckets);
    }
    return m;
  }

  prometheus::Family<Counter>& overflow_family;
  MetricsOptions opts;
  Metric processed, dns_queries, dns_responses, http_requests, http_responses, http_duration, tcp_flags,
      ports, icmp, traffic_bytes, traffic_packets;
  prometheus::Family<Counter>& lost_family;
  std::unordered_map<std::string, Counter*> lost;
};

namespace {

// The context label value for one side of a flow.
std::string_view ContextValue(ContextKind kind, const flow::Endpoint& ep,
                              const google::protobuf::RepeatedPtrField<std::string>& names,
                              const std::string& ip, std::string& scratch) {
  switch (kind) {
    case ContextKind::kNamespace:
      return ep.namespace_();
    case ContextKind::kPod:
      if (ep.pod_name().empty()) return "";
      scratch = ep.namespace_() + "/" + ep.pod_name();
      return scratch;
    case ContextKind::kWorkload:
      if (ep.workloads().empty()) return "";
      scratch = ep.namespace_() + "/" + ep.workloads(0).name();
      return scratch;
    case ContextKind::kDns:
      return names.empty() ? std::string_view{} : std::string_view(names[0]);
    case ContextKind::kIp:
      return ip;
    case ContextKind::kNone:
      break;
  }
  return "";
}

}  // namespace

FlowMetrics::FlowMetrics(prometheus::Registry& registry, const MetricsOptions& options)
    : f_(std::make_unique<Families>(registry, options)) {}
FlowMetrics::~FlowMetrics() = default;

void FlowMetrics::AddLost(std::string_view source, std::uint64_t n) {
  // n == 0 still creates the series: a dashboard then shows 0, not "no data".
  auto it = f_->lost.find(std::string(source));
  if (it == f_->lost.end())
    it = f_->lost.emplace(std::string(source), &f_->lost_family.Add({{"source", std::string(source)}})).first;
  it->second->Increment(static_cast<double>(n));
}

void FlowMetrics::Observe(const flow::Flow& fl, const TrafficDelta& traffic) {
  std::string src_scratch, dst_scratch;
  // Each metric appends its context labels (if configured) to its own.
  auto counter = [&](Families::Metric& m, std::initializer_list<std::string_view> base) -> Counter& {
    std::string_view vals[8];
    std::size_t n = 0;
    for (auto v : base) vals[n++] = v;
    if (m.ctx.source != ContextKind::kNone)
      vals[n++] = ContextValue(m.ctx.source, fl.source(), fl.source_names(), fl.ip().source(), src_scratch);
    if (m.ctx.destination != ContextKind::kNone)
      vals[n++] = ContextValue(m.ctx.destination, fl.destination(), fl.destination_names(),
                               fl.ip().destination(), dst_scratch);
    switch (n) {  // initializer_list cannot be built from a runtime count
      case 1:
        return m.counter->Get({vals[0]});
      case 2:
        return m.counter->Get({vals[0], vals[1]});
      case 3:
        return m.counter->Get({vals[0], vals[1], vals[2]});
      case 4:
        return m.counter->Get({vals[0], vals[1], vals[2], vals[3]});
      case 5:
        return m.counter->Get({vals[0], vals[1], vals[2], vals[3], vals[4]});
      default:
        return m.counter->Get({vals[0], vals[1], vals[2], vals[3], vals[4], vals[5]});
    }
  };

  const bool l7 = fl.type() == flow::L7;
  const std::string_view subtype = l7 ? (fl.l7().has_http() ? "HTTP" : "DNS") : TraceSubtype(fl);
  counter(f_->processed, {l7 ? "L7" : "L3_L4", subtype, flow::Verdict_Name(fl.verdict())}).Increment();

  const bool v6 = fl.ip().ipversion() == flow::IPv6;
  const std::string_view family = v6 ? "IPv6" : "IPv4";
  if (l7 && fl.l7().has_http()) {
    const auto& h = fl.l7().http();
    // Seen leaving the pod: the pod is the client; entering it: the server.
    const std::string_view reporter = fl.traffic_direction() == flow::EGRESS ? "client" : "server";
    if (fl.l7().type() == flow::REQUEST) {
      counter(f_->http_requests, {h.method(), h.protocol(), reporter}).Increment();
    } else {
      counter(f_->http_responses, {h.method(), h.protocol(), Num(h.code()).view(), reporter}).Increment();
      if (fl.l7().latency_ns() > 0) {
        std::string_view vals[4] = {h.method(), reporter};
        std::size_t n = 2;
        auto& m = f_->http_duration;
        if (m.ctx.source != ContextKind::kNone)
          vals[n++] =
              ContextValue(m.ctx.source, fl.source(), fl.source_names(), fl.ip().source(), src_scratch);
        if (m.ctx.destination != ContextKind::kNone)
          vals[n++] = ContextValue(m.ctx.destination, fl.destination(), fl.destination_names(),
                                   fl.ip().destination(), dst_scratch);
        auto& hist = n == 2   ? m.histogram->Get({vals[0], vals[1]})
                     : n == 3 ? m.histogram->Get({vals[0], vals[1], vals[2]})
                              : m.histogram->Get({vals[0], vals[1], vals[2], vals[3]});
        hist.Observe(static_cast<double>(fl.l7().latency_ns()) / 1e9);
      }
    }
  }
  if (l7 && fl.l7().has_dns()) {
    const auto& d = fl.l7().dns();
    const std::string_view qtype = d.qtypes().empty() ? std::string_view{} : std::string_view(d.qtypes(0));
    if (fl.l7().type() == flow::REQUEST)
      counter(f_->dns_queries, {"", qtype, "0"}).Increment();
    else
      counter(f_->dns_responses, {Rcode(d.rcode()), qtype, Num(d.ips_size()).view()}).Increment();
  }
  // Hubble's tcp and port-distribution handlers count forwarded flows only.
  const bool forwarded = fl.verdict() == flow::FORWARDED || fl.verdict() == flow::REDIRECTED;
  bool new_flow = false, summary = false;
  for (const auto& reason : fl.flow_stats().reasons()) {
    if (reason == "new_flow") new_flow = true;
    if (reason == "flow_end") summary = true;
  }

  // Like Hubble: each flag of the flow event's TCP header, once per event.
  // A flow-end record is the sweeper's summary of an expired entry, not a
  // packet: its flags are every flag the entry saw, counted already.
  if (forwarded && !summary && fl.l4().has_tcp() && fl.l4().tcp().has_flags()) {
    const auto& flags = fl.l4().tcp().flags();
    if (flags.fin()) counter(f_->tcp_flags, {"FIN", family}).Increment();
    if (flags.syn()) counter(f_->tcp_flags, {flags.ack() ? "SYN-ACK" : "SYN", family}).Increment();
    if (flags.rst()) counter(f_->tcp_flags, {"RST", family}).Increment();
  }

  // Like Hubble: destination ports of request-direction flows only. A
  // reply's destination is the client's ephemeral port (a series per
  // connection); a flow whose direction is unknown (is_reply unset) is left
  // out, as Hubble leaves it out, rather than guessed.
  if (forwarded && fl.has_is_reply() && !fl.is_reply().value()) {
    const auto& l4 = fl.l4();
    if (l4.has_tcp())
      counter(f_->ports, {"TCP", Num(l4.tcp().destination_port()).view()}).Increment();
    else if (l4.has_udp())
      counter(f_->ports, {"UDP", Num(l4.udp().destination_port()).view()}).Increment();
    else if (l4.has_sctp())
      counter(f_->ports, {"SCTP", Num(l4.sctp().destination_port()).view()}).Increment();
    else if (l4.has_icmpv4())
      counter(f_->ports, {"ICMPv4", "0"}).Increment();
    else if (l4.has_icmpv6())
      counter(f_->ports, {"ICMPv6", "0"}).Increment();
  }

  if (new_flow) {
    if (fl.l4().has_icmpv4())
      counter(f_->icmp, {"IPv4", IcmpType(false, fl.l4().icmpv4().type())}).Increment();
    else if (fl.l4().has_icmpv6())
      counter(f_->icmp, {"IPv6", IcmpType(true, fl.l4().icmpv6().type())}).Increment();
  }

  if (traffic.counted && (traffic.packets > 0 || traffic.bytes > 0)) {
    const std::string_view proto = L4Name(fl.l4());
    counter(f_->traffic_bytes, {proto}).Increment(static_cast<double>(traffic.bytes));
    counter(f_->traffic_packets, {proto}).Increment(static_cast<double>(traffic.packets));
  }
}

}  // namespace flows::flowd
