#include "flows/flowd/endpoints/static_endpoints.h"

#include <nlohmann/json.hpp>

#include "flows/common/atomic_file.h"
#include "flows/common/ip_address.h"
#include "flows/common/json_reader.h"
#include "flows/flowd/endpoints/endpoint_json.h"

namespace flows::flowd {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxStaticFileBytes = 64u << 20;

Result<StaticService> ServiceFromJson(const json& j, const std::string& where) {
  if (!j.is_object()) return Error::Invalid(where + ": not a JSON object");
  StaticService s;
  JsonFields f(j, where);
  f.String("namespace", s.service.namespace_);
  f.String("name", s.service.name);
  f.StringList("cluster_ips", s.service.cluster_ips);
  f.StringList("backend_ips", s.backend_ips);
  if (f.failed()) return f.error();
  if (s.service.namespace_.empty() || s.service.name.empty())
    return Error::Invalid(where + ": a service needs \"namespace\" and \"name\"");
  for (const auto* list : {&s.service.cluster_ips, &s.backend_ips}) {
    for (const std::string& ip : *list) {
      if (!CanonicalIp(ip)) return Error::Invalid(where + ": not an IP address: " + ip);
    }
  }
  return s;
}

Result<StaticNode> NodeFromJson(const json& j, const std::string& where) {
  if (!j.is_object()) return Error::Invalid(where + ": not a JSON object");
  StaticNode n;
  JsonFields f(j, where);
  f.String("name", n.name, 253);
  f.String("address", n.address, 300);
  if (f.failed()) return f.error();
  if (n.name.empty() || n.address.empty())
    return Error::Invalid(where + ": a node needs \"name\" and \"address\" (host:port)");
  return n;
}

}  // namespace

Result<StaticInventory> ParseStaticInventory(std::string_view json_text, const std::string& origin) {
  const json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Error::Invalid(origin + ": not valid JSON");
  const json* endpoints = &doc;
  const json* services = nullptr;
  const json* nodes = nullptr;
  if (doc.is_object()) {
    auto e = doc.find("endpoints");
    auto s = doc.find("services");
    auto n = doc.find("nodes");
    if (e == doc.end() && s == doc.end() && n == doc.end())
      return Error::Invalid(origin +
                            ": expected a list of endpoints or {\"endpoints\": [...], \"services\": [...], "
                            "\"nodes\": [...]}");
    static const json kEmpty = json::array();
    endpoints = e == doc.end() ? &kEmpty : &*e;
    services = s == doc.end() ? nullptr : &*s;
    nodes = n == doc.end() ? nullptr : &*n;
  }
  if (!endpoints->is_array()) return Error::Invalid(origin + ": \"endpoints\" is not a list");
  if (services && !services->is_array()) return Error::Invalid(origin + ": \"services\" is not a list");
  if (nodes && !nodes->is_array()) return Error::Invalid(origin + ": \"nodes\" is not a list");

  StaticInventory inv;
  for (std::size_t i = 0; i < endpoints->size(); ++i) {
    const std::string where = "endpoints[" + std::to_string(i) + "]";
    auto ep = EndpointFromJson((*endpoints)[i], where);
    if (!ep) return Error::Invalid(origin + ": " + ep.error().message);
    if (ep->pod_uid.empty() && (ep->namespace_.empty() || ep->pod_name.empty()) && ep->container_id.empty())
      return Error::Invalid(origin + ": " + where + ": needs \"namespace\" and \"pod_name\" (or a pod_uid)");
    ep->sources = static_cast<std::uint8_t>(EndpointSource::kStatic);
    inv.endpoints.push_back(std::move(*ep));
  }
  for (std::size_t i = 0; services && i < services->size(); ++i) {
    auto svc = ServiceFromJson((*services)[i], "services[" + std::to_string(i) + "]");
    if (!svc) return Error::Invalid(origin + ": " + svc.error().message);
    inv.services.push_back(std::move(*svc));
  }
  for (std::size_t i = 0; nodes && i < nodes->size(); ++i) {
    auto node = NodeFromJson((*nodes)[i], "nodes[" + std::to_string(i) + "]");
    if (!node) return Error::Invalid(origin + ": " + node.error().message);
    inv.nodes.push_back(std::move(*node));
  }
  return inv;
}

Result<StaticInventory> LoadStaticFile(const std::string& path) {
  auto text = ReadSmallFile(path, kMaxStaticFileBytes);
  if (!text) return text.error();
  return ParseStaticInventory(*text, path);
}

Status ApplyStatic(const StaticInventory& inv, EndpointRegistry& endpoints, ServiceRegistry& services) {
  for (const Endpoint& ep : inv.endpoints) {
    if (Status s = endpoints.Upsert(ep); !s) return s;
  }
  for (const StaticService& s : inv.services) {
    Service svc = s.service;
    svc.source = EndpointSource::kStatic;
    if (Status st = services.Upsert(svc); !st) return st;
    if (!s.backend_ips.empty()) {
      // One synthetic slice per Service carries its backends.
      if (Status st = services.UpsertSlice(s.service.namespace_, "static:" + s.service.name, s.service.name,
                                           s.backend_ips, EndpointSource::kStatic);
          !st)
        return st;
    }
  }
  return OkStatus();
}

}  // namespace flows::flowd
