// The JSON form of endpoints and services, shared by the persisted registry,
// the static endpoints file and the CNI registration: one spelling of every
// field everywhere.
//
//   {"namespace": "shop", "pod_name": "web-7d9f-abcde", "pod_uid": "0c1e...",
//    "container_id": "4f3a...", "labels": {"app": "web"},
//    "workloads": [{"name": "web", "kind": "Deployment"}],
//    "node_name": "node-1", "ips": ["10.244.1.7"], "host_ifname": "veth1a2b",
//    "host_ifindex": 12, "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
//    "host_network": false, "sources": ["cni", "kubernetes"]}
//
// Every field is optional on input; a field of the wrong type, an address
// that is not one, or an unknown source is an error naming the field.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "flows/common/result.h"
#include "flows/flowd/endpoints/endpoint.h"

namespace flows::flowd {

nlohmann::json EndpointToJson(const Endpoint& ep);
// `where` prefixes error messages, e.g. "endpoints[3]".
Result<Endpoint> EndpointFromJson(const nlohmann::json& j, std::string_view where);

}  // namespace flows::flowd
