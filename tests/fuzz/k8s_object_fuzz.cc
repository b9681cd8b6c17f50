// libFuzzer target for flowd's decoding of API server JSON: the input is
// read both as one object (decoded as each kind) and as a watch stream
// (lines -> events -> objects). Traps when a success breaks what callers
// rely on: a name, canonical IPs, a workload taken from an owner, container
// ports in range with a known protocol.
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "flows/flowd/k8s/bounded_json.h"
#include "flows/flowd/k8s/decode.h"
#include "flows/flowd/k8s/line_splitter.h"
#include "flows/flowd/k8s/watch_event.h"

namespace {

using namespace flows::flowd::k8s;
using flows::Result;

volatile unsigned sink;

void Touch(const std::string& s) {
  unsigned sum = 0;
  for (char c : s) sum += static_cast<unsigned char>(c);
  sink = sink + sum;
}

// Decoded IPs are canonical: they parse and print back the same.
void CheckIp(const std::string& ip) {
  unsigned char bytes[16];
  char back[INET6_ADDRSTRLEN];
  const int family = ip.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (inet_pton(family, ip.c_str(), bytes) != 1) __builtin_trap();
  if (ip != inet_ntop(family, bytes, back, sizeof back)) __builtin_trap();
}

void CheckMeta(const ObjectMeta& m) {
  if (m.name.empty()) __builtin_trap();
  Touch(m.namespace_name);
  for (const auto& [k, v] : m.labels) Touch(k + v);
  for (const OwnerReference& o : m.owner_references) Touch(o.kind + o.name);
}

void DecodeAll(const nlohmann::json& object) {
  if (Result<Pod> p = DecodePod(object); p.ok()) {
    CheckMeta(p->meta);
    for (const std::string& ip : p->pod_ips) CheckIp(ip);
    // A workload is empty or comes from an owner (possibly renamed to the
    // Deployment/CronJob, which only ever shortens the name).
    if (!p->workload.kind.empty() && p->meta.owner_references.empty()) __builtin_trap();
    if (p->workload.kind.empty() && !p->meta.owner_references.empty()) {
      bool any_kind = false;
      for (const OwnerReference& o : p->meta.owner_references) any_kind |= !o.kind.empty();
      if (any_kind && (p->meta.owner_references.size() == 1)) __builtin_trap();
    }
    for (const ContainerPort& port : p->ports) {
      if (port.port == 0) __builtin_trap();
      if (port.protocol != "TCP" && port.protocol != "UDP" && port.protocol != "SCTP") __builtin_trap();
      Touch(port.name);
    }
  } else {
    Touch(p.error().message);
  }
  if (Result<Service> s = DecodeService(object); s.ok()) {
    CheckMeta(s->meta);
    for (const std::string& ip : s->cluster_ips) CheckIp(ip);
  } else {
    Touch(s.error().message);
  }
  if (Result<Namespace> n = DecodeNamespace(object); n.ok()) {
    CheckMeta(n->meta);
  } else {
    Touch(n.error().message);
  }
  if (Result<EndpointSlice> e = DecodeEndpointSlice(object); e.ok()) {
    CheckMeta(e->meta);
    for (const Endpoint& ep : e->endpoints) {
      if (e->address_type != "FQDN") {
        for (const std::string& ip : ep.addresses) CheckIp(ip);
      }
    }
  } else {
    Touch(e.error().message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const JsonLimits limits{.max_bytes = 1 << 16, .max_depth = 32};

  if (Result<nlohmann::json> doc = ParseJson(text, limits); doc.ok()) {
    DecodeAll(*doc);
  } else {
    Touch(doc.error().message);
  }

  LineSplitter lines(1024);
  Result<bool> fed = lines.Feed(text, [&](std::string_view line) {
    if (line.empty() || line.size() > 1024) __builtin_trap();
    Result<WatchEvent> ev = DecodeWatchEvent(line, limits);
    if (!ev.ok()) {
      Touch(ev.error().message);
      return true;
    }
    if (ev->type == EventType::kBookmark && ev->resource_version.empty()) __builtin_trap();
    if (!ev->object.is_object()) __builtin_trap();
    if (ev->type != EventType::kError && ev->type != EventType::kBookmark) DecodeAll(ev->object);
    return true;
  });
  if (!fed.ok()) Touch(fed.error().message);
  return 0;
}
