#include "filter_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <string>

#include "flows/cli/event_types.h"

namespace flows::cli {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::optional<int> ParseSmallNumber(std::string_view s) {
  int n = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

}  // namespace

Result<flow::TCPFlags> ParseTcpFlags(std::string_view value) {
  flow::TCPFlags flags;
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t comma = std::min(value.find(',', start), value.size());
    const std::string name = Upper(value.substr(start, comma - start));
    if (name == "SYN")
      flags.set_syn(true);
    else if (name == "ACK")
      flags.set_ack(true);
    else if (name == "FIN")
      flags.set_fin(true);
    else if (name == "RST")
      flags.set_rst(true);
    else if (name == "PSH")
      flags.set_psh(true);
    else if (name == "URG")
      flags.set_urg(true);
    else if (name == "ECE")
      flags.set_ece(true);
    else if (name == "CWR")
      flags.set_cwr(true);
    else if (name == "NS")
      flags.set_ns(true);
    else
      return Error::Invalid("unknown TCP flag " + Quote(name) +
                            " (SYN, ACK, FIN, RST, PSH, URG, ECE, CWR, NS)");
    start = comma + 1;
  }
  return flags;
}

Result<flow::EventTypeFilter> ParseEventType(std::string_view value) {
  const std::size_t colon = value.find(':');
  const std::string_view type_text = value.substr(0, colon);
  flow::EventTypeFilter filter;
  if (auto named = EventTypeNumber(Lower(type_text))) {
    filter.set_type(*named);
  } else if (auto number = ParseSmallNumber(type_text)) {
    filter.set_type(*number);
  } else {
    return Error::Invalid(
        Quote(type_text) +
        " is not an event type (trace, l7, drop, policy-verdict, capture, trace-sock, or a number)");
  }
  if (colon == std::string_view::npos) return filter;
  const std::string_view sub_text = value.substr(colon + 1);
  std::optional<int> sub;
  if (filter.type() == kEventTrace) sub = TraceObservationPointNumber(Lower(sub_text));
  if (!sub) sub = ParseSmallNumber(sub_text);
  if (!sub) {
    return Error::Invalid(Quote(sub_text) + " is not a sub-type of " + Quote(type_text) +
                          (filter.type() == kEventTrace
                               ? " (to-endpoint, from-endpoint, to-network, from-network, "
                                 "to-stack, ..., or a number)"
                               : " (a number)"));
  }
  filter.set_match_sub_type(true);
  filter.set_sub_type(*sub);
  return filter;
}

Result<flow::Verdict> ParseVerdict(std::string_view value) {
  flow::Verdict v;
  if (!flow::Verdict_Parse(Upper(value), &v)) {
    return Error::Invalid(
        Quote(value) +
        " is not a verdict (FORWARDED, DROPPED, ERROR, AUDIT, REDIRECTED, TRACED, TRANSLATED)");
  }
  return v;
}

Result<flow::TrafficDirection> ParseTrafficDirection(std::string_view value) {
  const std::string v = Lower(value);
  if (v == "ingress") return flow::INGRESS;
  if (v == "egress") return flow::EGRESS;
  return Error::Invalid(Quote(value) + " is not a traffic direction (ingress or egress)");
}

Result<flow::IPVersion> ParseIpVersion(std::string_view value) {
  const std::string v = Lower(value);
  if (v == "4" || v == "v4" || v == "ipv4" || v == "ip4") return flow::IPv4;
  if (v == "6" || v == "v6" || v == "ipv6" || v == "ip6") return flow::IPv6;
  if (v == "none") return flow::IP_NOT_USED;
  return Error::Invalid(Quote(value) + " is not an IP version (v4, v6 or none)");
}

Result<flow::HTTPHeader> ParseHttpHeader(std::string_view value) {
  const std::size_t colon = value.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Error::Invalid(Quote(value) + " is not KEY:VALUE");
  }
  flow::HTTPHeader h;
  h.set_key(std::string(value.substr(0, colon)));
  h.set_value(std::string(value.substr(colon + 1)));
  return h;
}

flow::Workload ParseWorkload(std::string_view value) {
  flow::Workload w;
  const std::size_t slash = value.find('/');
  if (slash == std::string_view::npos) {
    w.set_name(std::string(value));
  } else {
    w.set_kind(std::string(value.substr(0, slash)));
    w.set_name(std::string(value.substr(slash + 1)));
  }
  return w;
}

}  // namespace flows::cli
