// AppendSummary: the SUMMARY column, worded as Hubble (Cilium's parsers)
// words it, from the fields flowd fills.
#include <charconv>
#include <string_view>

#include "flows/api/flow_fields.h"
#include "flows/cli/flow_text.h"
#include "text_util.h"

namespace flows::cli {
namespace {

template <typename Strings>
void AppendJoined(const Strings& items, std::string_view sep, std::string& out) {
  bool first = true;
  for (const auto& s : items) {
    if (!first) out += sep;
    out += s;
    first = false;
  }
}

void AppendIcmp(std::string_view proto, std::string_view name, std::uint32_t type, std::uint32_t code,
                std::string& out) {
  out += proto;
  out += ' ';
  if (!name.empty()) {
    out += name;
    return;
  }
  out += "type ";
  AppendNumber(type, out);
  out += " code ";
  AppendNumber(code, out);
}

void AppendTcpFlags(const flow::TCPFlags& fl, std::string& out) {
  const std::size_t start = out.size();  // flags are comma-separated from here
  auto add = [&](bool set, std::string_view name) {
    if (!set) return;
    if (out.size() != start) out += ", ";
    out += name;
  };
  add(fl.syn(), "SYN");
  add(fl.ack(), "ACK");
  add(fl.rst(), "RST");
  add(fl.fin(), "FIN");
  add(fl.psh(), "PSH");
  add(fl.urg(), "URG");
  add(fl.ece(), "ECE");
  add(fl.cwr(), "CWR");
  add(fl.ns(), "NS");
}

void AppendHttp(const flow::Flow& f, const Palette& p, std::string& out) {
  const flow::HTTP& h = f.l7().http();
  if (!h.protocol().empty()) {
    out += h.protocol();
    out += ' ';
  }
  if (f.l7().type() == flow::RESPONSE) {
    std::string code;
    AppendNumber(h.code(), code);
    p.Append(h.code() >= 500 ? Color::kRed : h.code() >= 400 ? Color::kYellow : Color::kGreen, code, out);
    if (f.l7().latency_ns() > 0) {
      out += ' ';
      AppendNumber(f.l7().latency_ns() / 1'000'000, out);
      out += "ms";
    }
    // As Hubble prints it: the request a response answers, when the
    // server paired them (flowd and Hubble both do).
    if (!h.method().empty() || !h.url().empty()) {
      out += " (";
      out += h.method();
      if (!h.method().empty() && !h.url().empty()) out += ' ';
      out += h.url();
      out += ')';
    }
    return;
  }
  out += h.method();
  if (!h.url().empty()) {
    out += ' ';
    out += h.url();
  }
}

void AppendDns(const flow::Flow& f, const Palette& p, std::string& out) {
  const flow::DNS& d = f.l7().dns();
  const std::string_view source = d.observation_source() == "proxy" ? "Proxy" : "Query";
  if (f.l7().type() != flow::RESPONSE) {
    out += "DNS Query ";
    out += d.query();
    out += ' ';
    AppendJoined(d.qtypes(), ",", out);
    return;
  }
  out += "DNS Answer ";
  if (d.rcode() != 0) {
    std::string rcode = "RCode: ";
    const std::string_view name = api::DnsRcodeName(d.rcode());
    if (name.empty()) {
      AppendNumber(d.rcode(), rcode);
    } else {
      rcode += name;
    }
    p.Append(Color::kRed, rcode, out);
  } else {
    out += '"';
    AppendJoined(d.ips(), ",", out);
    out += '"';
    if (!d.cnames().empty()) {
      out += " CNAMEs: \"";
      AppendJoined(d.cnames(), ",", out);
      out += '"';
    }
    out += " TTL: ";
    AppendNumber(d.ttl(), out);
  }
  out += " (";
  out += source;
  out += ' ';
  out += d.query();
  out += ' ';
  AppendJoined(d.qtypes(), ",", out);
  out += ')';
}

}  // namespace

void AppendSummary(const flow::Flow& f, const Palette& p, std::string& out) {
  switch (f.l7().record_case()) {
    case flow::Layer7::kHttp:
      AppendHttp(f, p, out);
      return;
    case flow::Layer7::kDns:
      AppendDns(f, p, out);
      return;
    default:
      break;
  }
  const flow::Layer4& l4 = f.l4();
  switch (l4.protocol_case()) {
    case flow::Layer4::kTCP: {
      const std::size_t start = out.size();
      out += "TCP Flags: ";
      const std::size_t flags_at = out.size();
      AppendTcpFlags(l4.tcp().flags(), out);
      if (out.size() == flags_at) out.replace(start, std::string::npos, "TCP");
      return;
    }
    case flow::Layer4::kUDP:
      out += "UDP";
      return;
    case flow::Layer4::kSCTP:
      out += "SCTP";
      return;
    case flow::Layer4::kICMPv4:
      AppendIcmp("ICMPv4", api::IcmpTypeName(false, l4.icmpv4().type()), l4.icmpv4().type(),
                 l4.icmpv4().code(), out);
      return;
    case flow::Layer4::kICMPv6:
      AppendIcmp("ICMPv6", api::IcmpTypeName(true, l4.icmpv6().type()), l4.icmpv6().type(),
                 l4.icmpv6().code(), out);
      return;
    default:
      if (f.has_ip()) out += f.ip().ipversion() == flow::IPv6 ? "IPv6" : "IPv4";
  }
}

}  // namespace flows::cli
