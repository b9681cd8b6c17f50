// Small enums shared by the connectivity graph: what an endpoint is, the
// protocols of an edge, HTTP methods and status classes, and where an
// observation was made. Values are stable: they are written to disk.
#pragma once

#include <cstdint>
#include <string_view>

namespace flows::flowd::graph {

// Nanoseconds since the Unix epoch. The library never reads a clock: every
// call that needs "now" takes it as an argument.
using TimeNs = std::int64_t;
inline constexpr TimeNs kSecondNs = 1'000'000'000;
inline constexpr TimeNs kMinuteNs = 60 * kSecondNs;
inline constexpr TimeNs kHourNs = 60 * kMinuteNs;
inline constexpr TimeNs kDayNs = 24 * kHourNs;

enum class EndpointKind : std::uint8_t {
  kWorkload = 0,    // a pod, named by its owning workload (or itself when it has none)
  kHost = 1,        // this node's host network namespace
  kRemoteNode = 2,  // another node of the cluster (host network)
  kWorld = 3,       // outside the cluster, named by DNS name or IP
  kService = 4,     // only in query results grouped by service
  kNamespace = 5,   // only in query results grouped by namespace
};
std::string_view EndpointKindName(EndpointKind kind);

enum class L4Proto : std::uint8_t { kUnknown = 0, kTcp = 1, kUdp = 2, kSctp = 3, kIcmp = 4 };
std::string_view L4ProtoName(L4Proto proto);

enum class L7Proto : std::uint8_t { kNone = 0, kHttp = 1, kDns = 2 };
std::string_view L7ProtoName(L7Proto proto);

enum class HttpMethod : std::uint8_t {
  kGet = 0,
  kPost,
  kPut,
  kDelete,
  kPatch,
  kHead,
  kOptions,
  kConnect,
  kTrace,
  kOther,
};
inline constexpr int kHttpMethodCount = 10;
std::string_view HttpMethodName(HttpMethod method);
HttpMethod ParseHttpMethod(std::string_view method);  // kOther when unknown

// 1xx..5xx are classes 1..5; anything else (0, 600+) is class 0 ("other").
inline constexpr int kHttpClassCount = 6;
inline int HttpStatusClass(int status) {
  return status >= 100 && status < 600 ? status / 100 : 0;
}

// Where an observation was made, relative to the connection it belongs to.
enum class Vantage : std::uint8_t {
  kClient = 0,   // at the client's attachment: the client pod's veth (or the client host's stack)
  kServer = 1,   // at the server's attachment: the server pod's veth
  kTransit = 2,  // anywhere else on the path (a node NIC seeing a pod's packets)
};

}  // namespace flows::flowd::graph
