// Forgetting pods whose DEL was missed, decided by whether their host
// interface still exists (the kernel replaced by a table).
#include "flows/flowd/daemon/gone_interfaces.h"

#include <gtest/gtest.h>

#include <map>

namespace flows::flowd {
namespace {

Endpoint Cni(std::string cid, std::string ip, std::string ifname, std::uint32_t ifindex) {
  Endpoint ep;
  ep.container_id = std::move(cid);
  ep.namespace_ = "shop";
  ep.pod_name = "web-" + ep.container_id;
  ep.ips = {std::move(ip)};
  ep.host_ifname = std::move(ifname);
  ep.host_ifindex = ifindex;
  ep.AddSource(EndpointSource::kCni);
  return ep;
}

IfindexOfFn Kernel(const std::map<std::string, std::uint32_t>& links) {
  return [links](const std::string& name) -> std::uint32_t {
    auto it = links.find(name);
    return it == links.end() ? 0 : it->second;
  };
}

TEST(GoneInterfaces, ForgetsOnlyPodsWhoseInterfaceWent) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(Cni("live", "10.0.0.1", "vethlive", 11)).ok());
  ASSERT_TRUE(reg.Upsert(Cni("gone", "10.0.0.2", "vethgone", 12)).ok());
  ASSERT_TRUE(reg.Upsert(Cni("renamed", "10.0.0.3", "vethre", 13)).ok());    // the name is now index 99's
  ASSERT_TRUE(reg.Upsert(Cni("noindex", "10.0.0.4", "vethnoidx", 0)).ok());  // the CNI knew no index
  ASSERT_TRUE(reg.Upsert(Cni("noif", "10.0.0.5", "", 0)).ok());              // macvlan: nothing to check
  Endpoint api;  // the API's pods have no interface: not this check's business
  api.namespace_ = "shop";
  api.pod_name = "api-only";
  api.ips = {"10.0.0.6"};
  api.AddSource(EndpointSource::kKubernetes);
  ASSERT_TRUE(reg.Upsert(api).ok());

  const auto kernel = Kernel({{"vethlive", 11}, {"vethre", 99}, {"vethnoidx", 14}});
  EXPECT_EQ(ForgetEndpointsOfGoneInterfaces(reg, kernel), 2u);
  EXPECT_TRUE(reg.LookupByContainerId("live"));
  EXPECT_FALSE(reg.LookupByContainerId("gone"));
  EXPECT_FALSE(reg.LookupByIp("10.0.0.2"));
  EXPECT_FALSE(reg.LookupByContainerId("renamed"));
  EXPECT_TRUE(reg.LookupByContainerId("noindex"));
  EXPECT_TRUE(reg.LookupByContainerId("noif"));
  EXPECT_TRUE(reg.LookupByIp("10.0.0.6"));
  // Nothing more goes on a second pass.
  EXPECT_EQ(ForgetEndpointsOfGoneInterfaces(reg, kernel), 0u);
}

TEST(GoneInterfaces, TheNextHolderOfTheAddressIsNotNamedAfterTheGonePod) {
  EndpointRegistry reg;
  ASSERT_TRUE(reg.Upsert(Cni("old", "10.0.0.7", "vetha", 21)).ok());
  ForgetEndpointsOfGoneInterfaces(reg, Kernel({}));  // its veth went, no DEL came
  // A host (not a pod flowd was told about) now sends from the address.
  EXPECT_FALSE(reg.FindByIp("10.0.0.7"));
}

TEST(GoneInterfaces, ApiListedPodKeepsItsIdentity) {
  EndpointRegistry reg;
  Endpoint cni = Cni("c1", "10.0.0.8", "vethb", 31);
  cni.pod_uid = "uid-1";
  ASSERT_TRUE(reg.Upsert(cni).ok());
  Endpoint api;
  api.namespace_ = "shop";
  api.pod_name = "web-c1";
  api.pod_uid = "uid-1";
  api.ips = {"10.0.0.8"};
  api.AddSource(EndpointSource::kKubernetes);
  ASSERT_TRUE(reg.Upsert(api).ok());
  EXPECT_EQ(ForgetEndpointsOfGoneInterfaces(reg, Kernel({})), 1u);
  auto ep = reg.LookupByIp("10.0.0.8");
  ASSERT_TRUE(ep);  // the API says it runs with that IP: its word stands
  EXPECT_EQ(ep->pod_name, "web-c1");
  EXPECT_TRUE(ep->host_ifname.empty());
}

}  // namespace
}  // namespace flows::flowd
