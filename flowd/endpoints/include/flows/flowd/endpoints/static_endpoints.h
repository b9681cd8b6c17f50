// Endpoints (and Services) from a file, for sandboxes and nodes without a
// Kubernetes API: flowd --endpoints-file. Either a JSON list of endpoints
// (endpoint_json.h), or an object with both:
//
//   {"endpoints": [{"namespace": "demo", "pod_name": "client", "ips": ["10.0.0.2"],
//                   "labels": {"app": "client"}}],
//    "services":  [{"namespace": "demo", "name": "web", "cluster_ips": ["10.96.0.10"],
//                   "backend_ips": ["10.0.0.3"]}],
//    "nodes":     [{"name": "node-b", "address": "10.0.0.12:4244"}]}
//
// Every endpoint is marked as coming from the "static" source. "nodes" are
// the other flowd a node's Peer service announces (where no Kubernetes API
// lists flowd's pods).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "flows/common/result.h"
#include "flows/flowd/endpoints/endpoint.h"
#include "flows/flowd/endpoints/endpoint_registry.h"
#include "flows/flowd/endpoints/service_registry.h"

namespace flows::flowd {

struct StaticService {
  Service service;
  std::vector<std::string> backend_ips;
};

struct StaticNode {
  std::string name;
  std::string address;  // host:port a relay dials
};

struct StaticInventory {
  std::vector<Endpoint> endpoints;
  std::vector<StaticService> services;
  std::vector<StaticNode> nodes;
};

// `origin` (the file name) prefixes error messages.
Result<StaticInventory> ParseStaticInventory(std::string_view json_text, const std::string& origin);
Result<StaticInventory> LoadStaticFile(const std::string& path);
// Upserts everything; the first failure stops and is returned.
Status ApplyStatic(const StaticInventory& inv, EndpointRegistry& endpoints, ServiceRegistry& services);

}  // namespace flows::flowd
