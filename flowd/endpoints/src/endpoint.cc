#include "flows/flowd/endpoints/endpoint.h"

namespace flows::flowd {

std::string_view SourceName(EndpointSource s) {
  switch (s) {
    case EndpointSource::kCni:
      return "cni";
    case EndpointSource::kKubernetes:
      return "kubernetes";
    case EndpointSource::kStatic:
      return "static";
  }
  return "unknown";
}

std::optional<EndpointSource> ParseSource(std::string_view name) {
  for (EndpointSource s : {EndpointSource::kCni, EndpointSource::kKubernetes, EndpointSource::kStatic}) {
    if (SourceName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace flows::flowd
