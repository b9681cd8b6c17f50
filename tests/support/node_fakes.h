// What a simulated node's converter needs, shared by the ingest-path tests:
// an identity resolver from a map (every node knows every pod; local_pods
// are its own) and an interface directory where ifindex kNic is the node NIC
// and every other index a pod veth (named eth0 and vethN).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "flows/common/ip_address.h"
#include "flows/flowd/observer/flow_converter.h"

namespace flows::flowd::testing_fakes {

inline IpAddress V4(const std::string& text) {
  return IpAddress::Parse(text).value();
}

constexpr std::uint32_t kNic = 2;

class MapResolver final : public IdentityResolver {
 public:
  std::map<std::string, flow::Endpoint> endpoints;
  std::map<std::string, flow::Service> services;
  std::set<std::string> local_pods;
  Identity Resolve(const std::string& ip) const override {
    Identity id;
    if (auto it = endpoints.find(ip); it != endpoints.end())
      id.endpoint = std::make_shared<flow::Endpoint>(it->second);
    if (auto it = services.find(ip); it != services.end())
      id.service = std::make_shared<flow::Service>(it->second);
    id.local_pod = local_pods.count(ip) > 0;
    return id;
  }
};

class Interfaces final : public InterfaceDirectory {
 public:
  InterfaceRole Role(std::uint32_t ifindex) const override {
    return ifindex == kNic ? InterfaceRole::kNodeNic : InterfaceRole::kPod;
  }
  std::string Name(std::uint32_t ifindex) const override {
    return ifindex == kNic ? "eth0" : "veth" + std::to_string(ifindex);
  }
};

}  // namespace flows::flowd::testing_fakes
