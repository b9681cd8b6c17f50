// Per typed object: which collection it is listed from and how it is
// decoded, so Informer<Pod> needs no further arguments.
#pragma once

#include "flows/flowd/k8s/decode.h"
#include "flows/flowd/k8s/resource.h"

namespace flows::flowd::k8s {

template <typename T>
struct KindTraits;

template <>
struct KindTraits<Pod> {
  static Resource DefaultResource() { return Resource::Pods(); }
  static Result<Pod> Decode(const nlohmann::json& j) { return DecodePod(j); }
};
template <>
struct KindTraits<Service> {
  static Resource DefaultResource() { return Resource::Services(); }
  static Result<Service> Decode(const nlohmann::json& j) { return DecodeService(j); }
};
template <>
struct KindTraits<EndpointSlice> {
  static Resource DefaultResource() { return Resource::EndpointSlices(); }
  static Result<EndpointSlice> Decode(const nlohmann::json& j) { return DecodeEndpointSlice(j); }
};

template <>
struct KindTraits<Namespace> {
  static Resource DefaultResource() { return Resource::Namespaces(); }
  static Result<Namespace> Decode(const nlohmann::json& j) { return DecodeNamespace(j); }
};

}  // namespace flows::flowd::k8s
