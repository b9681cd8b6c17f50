// JSON (as served by the API server, or inside a watch event) to the typed
// objects of objects.h. Total functions: a missing optional field is left
// empty; a field of the wrong type, an invalid IP or a missing name is an
// Error naming the object and the field. Only nlohmann-json is needed, so the
// fuzz build compiles these on their own.
#pragma once

#include <nlohmann/json.hpp>

#include "flows/flowd/k8s/errors.h"
#include "flows/flowd/k8s/objects.h"

namespace flows::flowd::k8s {

Result<ObjectMeta> DecodeObjectMeta(const nlohmann::json& object);
Result<Pod> DecodePod(const nlohmann::json& object);
Result<Service> DecodeService(const nlohmann::json& object);
Result<EndpointSlice> DecodeEndpointSlice(const nlohmann::json& object);
Result<Namespace> DecodeNamespace(const nlohmann::json& object);

// The label EndpointSlices carry to name their Service.
inline constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";

}  // namespace flows::flowd::k8s
