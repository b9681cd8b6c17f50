#include "flows/flowd/graph/types.h"

namespace flows::flowd::graph {

std::string_view EndpointKindName(EndpointKind kind) {
  switch (kind) {
    case EndpointKind::kWorkload:
      return "workload";
    case EndpointKind::kHost:
      return "host";
    case EndpointKind::kRemoteNode:
      return "remote-node";
    case EndpointKind::kWorld:
      return "world";
    case EndpointKind::kService:
      return "service";
    case EndpointKind::kNamespace:
      return "namespace";
  }
  return "unknown";
}

std::string_view L4ProtoName(L4Proto proto) {
  switch (proto) {
    case L4Proto::kTcp:
      return "TCP";
    case L4Proto::kUdp:
      return "UDP";
    case L4Proto::kSctp:
      return "SCTP";
    case L4Proto::kIcmp:
      return "ICMP";
    case L4Proto::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view L7ProtoName(L7Proto proto) {
  switch (proto) {
    case L7Proto::kHttp:
      return "http";
    case L7Proto::kDns:
      return "dns";
    case L7Proto::kNone:
      break;
  }
  return "";
}

namespace {
constexpr std::string_view kMethods[kHttpMethodCount] = {"GET",  "POST",    "PUT",     "DELETE", "PATCH",
                                                         "HEAD", "OPTIONS", "CONNECT", "TRACE",  "OTHER"};
}  // namespace

std::string_view HttpMethodName(HttpMethod method) {
  const auto i = static_cast<int>(method);
  return i >= 0 && i < kHttpMethodCount ? kMethods[i] : "OTHER";
}

HttpMethod ParseHttpMethod(std::string_view method) {
  for (int i = 0; i + 1 < kHttpMethodCount; ++i) {
    if (method == kMethods[i]) return static_cast<HttpMethod>(i);
  }
  return HttpMethod::kOther;
}

}  // namespace flows::flowd::graph
