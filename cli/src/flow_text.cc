#include "flows/cli/flow_text.h"

#include <charconv>

#include "flows/api/flow_fields.h"
#include "flows/cli/event_types.h"
#include "text_util.h"

namespace flows::cli {
namespace {

std::uint32_t PortOf(const flow::Flow& f, Side side) {
  return api::L4Port(f.l4(), side == Side::kSource).value_or(0);
}

// Hubble's names; TO_ENDPOINT is 101 in the enum but 0 as a trace sub_type.
std::string_view ObservationPointName(flow::TraceObservationPoint point) {
  return TraceObservationPointName(point == flow::TO_ENDPOINT ? 0 : static_cast<int>(point));
}

// " from-endpoint client-side": where an L7 message was seen.
void AppendSighting(const flow::Flow& f, std::string& out) {
  if (f.trace_observation_point() != flow::UNKNOWN_POINT) {
    const std::string_view point = ObservationPointName(f.trace_observation_point());
    if (!point.empty()) {
      out += ' ';
      out += point;
    }
  }
  if (f.vantage() == flow::CLIENT_SIDE) out += " client-side";
  if (f.vantage() == flow::SERVER_SIDE) out += " server-side";
}

}  // namespace

void AppendEndpoint(const flow::Flow& f, Side side, const Palette& p, std::string& out, bool numeric) {
  const bool src = side == Side::kSource;
  if (!f.has_ip()) {
    // No IP (ARP and the like): the MAC addresses are all there is.
    const std::string& mac = src ? f.ethernet().source() : f.ethernet().destination();
    p.Append(Color::kCyan, mac.empty() ? std::string_view("N/A") : std::string_view(mac), out);
    return;
  }
  const flow::Endpoint& ep = src ? f.source() : f.destination();
  const flow::Service& svc = src ? f.source_service() : f.destination_service();
  const auto& names = src ? f.source_names() : f.destination_names();
  const std::string& ip = src ? f.ip().source() : f.ip().destination();

  // Hubble's order: pod, then service, then DNS names, then the address.
  std::string host;
  if (!numeric && !ep.pod_name().empty()) {
    host = ep.namespace_().empty() ? ep.pod_name() : ep.namespace_() + "/" + ep.pod_name();
  } else if (!numeric && !svc.name().empty()) {
    host = svc.namespace_().empty() ? svc.name() : svc.namespace_() + "/" + svc.name();
  } else if (!numeric && !names.empty()) {
    for (int i = 0; i < names.size(); ++i) {
      if (i) host += ',';
      host += names[i];
    }
  } else {
    host = ip;
  }
  const std::uint32_t port = PortOf(f, side);
  const bool bracket = port != 0 && host.find(':') != std::string::npos;  // IPv6 literal
  if (bracket) out += '[';
  p.Append(Color::kCyan, host, out);
  if (bracket) out += ']';
  if (port != 0) {
    out += ':';
    std::string digits;
    AppendNumber(port, digits);
    p.Append(Color::kYellow, digits, out);
  }
  if (ep.identity() != 0) {
    out += " (";
    std::string id = "ID:";
    AppendNumber(ep.identity(), id);
    p.Append(Color::kMagenta, id, out);
    out += ')';
  }
}

void AppendFlowType(const flow::Flow& f, std::string& out) {
  if (f.has_l7()) {
    const flow::Layer7& l7 = f.l7();
    switch (l7.record_case()) {
      case flow::Layer7::kHttp:
        out += "http-";
        break;
      case flow::Layer7::kDns:
        out += "dns-";
        break;
      default:
        out += "l7-";
    }
    switch (l7.type()) {
      case flow::REQUEST:
        out += "request";
        break;
      case flow::RESPONSE:
        out += "response";
        break;
      case flow::SAMPLE:
        out += "sample";
        break;
      default:
        out += "unknown_l7_type";
    }
    // One exchange is seen at both pods' veths: say which sighting this is.
    AppendSighting(f, out);
    return;
  }
  const int type = f.event_type().type();
  if (type == kEventTrace) {
    const std::string_view point = f.trace_observation_point() != flow::UNKNOWN_POINT
                                       ? ObservationPointName(f.trace_observation_point())
                                       : TraceObservationPointName(f.event_type().sub_type());
    if (!point.empty()) {
      out += point;
    } else {
      out += "trace-";
      AppendNumber(static_cast<std::uint32_t>(f.event_type().sub_type()), out);
    }
    return;
  }
  const std::string_view name = EventTypeName(type);
  out += name.empty() ? std::string_view("UNKNOWN") : name;
}

void AppendVerdict(const flow::Flow& f, const Palette& p, std::string& out) {
  Color c = Color::kYellow;
  if (f.verdict() == flow::FORWARDED) c = Color::kGreen;
  if (f.verdict() == flow::DROPPED || f.verdict() == flow::ERROR) c = Color::kRed;
  const std::string& name = flow::Verdict_Name(f.verdict());
  // A verdict newer than our proto: its number, not an empty column.
  if (name.empty()) {
    std::string number = "VERDICT_";
    AppendNumber(static_cast<std::uint32_t>(f.verdict()), number);
    p.Append(c, number, out);
  } else {
    p.Append(c, name, out);
  }
}

Arrow ArrowOf(const flow::Flow& f) {
  if (!f.has_is_reply()) return Arrow::kUnknown;
  return f.is_reply().value() ? Arrow::kReply : Arrow::kRequest;
}

}  // namespace flows::cli
