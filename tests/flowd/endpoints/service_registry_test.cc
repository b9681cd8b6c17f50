#include "flows/flowd/endpoints/service_registry.h"

#include <gtest/gtest.h>

namespace flows::flowd {
namespace {

const ServiceRef kWeb{"shop", "web"};
const ServiceRef kApi{"shop", "api"};

TEST(ServiceRegistry, ClusterIpNamesItsService) {
  ServiceRegistry reg;
  ASSERT_TRUE(reg.Upsert({"shop", "web", {"10.96.0.10", "fd00:96::a"}}).ok());
  EXPECT_EQ(reg.LookupByIp("10.96.0.10"), kWeb);
  EXPECT_EQ(reg.LookupClusterIp("FD00:96::A"), kWeb);
  EXPECT_FALSE(reg.LookupByIp("10.96.0.11"));
  ASSERT_TRUE(reg.Upsert({"shop", "web", {"10.96.0.11"}}).ok());  // ClusterIP changed
  EXPECT_FALSE(reg.LookupByIp("10.96.0.10"));
  EXPECT_EQ(reg.LookupByIp("10.96.0.11"), kWeb);
  EXPECT_TRUE(reg.Remove("shop", "web"));
  EXPECT_FALSE(reg.LookupByIp("10.96.0.11"));
  EXPECT_FALSE(reg.Remove("shop", "web"));
}

TEST(ServiceRegistry, BackendsFromSlices) {
  ServiceRegistry reg;
  ASSERT_TRUE(reg.Upsert({"shop", "web", {"10.96.0.10"}}).ok());
  ASSERT_TRUE(reg.Upsert({"shop", "api", {"10.96.0.20"}}).ok());
  ASSERT_TRUE(reg.UpsertSlice("shop", "web-abc", "web", {"10.0.0.5", "10.0.0.6"}).ok());
  ASSERT_TRUE(reg.UpsertSlice("shop", "web-def", "web", {"10.0.0.6"}).ok());  // overlap while rebalancing
  ASSERT_TRUE(reg.UpsertSlice("shop", "api-xyz", "api", {"10.0.0.6"}).ok());
  EXPECT_EQ(reg.LookupBackend("10.0.0.6"), (std::vector<ServiceRef>{kApi, kWeb}));
  EXPECT_EQ(reg.LookupByIp("10.0.0.5"), kWeb);
  ASSERT_TRUE(reg.UpsertSlice("shop", "web-abc", "web", {"10.0.0.7"}).ok());
  EXPECT_FALSE(reg.LookupByIp("10.0.0.5"));
  EXPECT_EQ(reg.LookupBackend("10.0.0.6"), (std::vector<ServiceRef>{kApi, kWeb}));  // web-def still has it
  EXPECT_TRUE(reg.RemoveSlice("shop", "web-def"));
  EXPECT_EQ(reg.LookupBackend("10.0.0.6"), (std::vector<ServiceRef>{kApi}));
  EXPECT_TRUE(reg.Remove("shop", "api"));
  EXPECT_TRUE(reg.LookupBackend("10.0.0.6").empty());
  EXPECT_EQ(reg.LookupByIp("10.0.0.7"), kWeb);
  EXPECT_FALSE(reg.RemoveSlice("shop", "api-xyz"));  // went with its Service
}

TEST(ServiceRegistry, ClusterIpWinsOverBackend) {
  ServiceRegistry reg;
  ASSERT_TRUE(reg.Upsert({"shop", "web", {"10.96.0.10"}}).ok());
  ASSERT_TRUE(reg.UpsertSlice("shop", "odd", "api", {"10.96.0.10"}).ok());
  EXPECT_EQ(reg.LookupByIp("10.96.0.10"), kWeb);
}

TEST(ServiceRegistry, RejectsBadInput) {
  ServiceRegistry reg;
  EXPECT_FALSE(reg.Upsert({"shop", "web", {"None"}}).ok());
  EXPECT_FALSE(reg.Upsert({"", "web", {}}).ok());
  EXPECT_FALSE(reg.UpsertSlice("shop", "s", "web", {"10.0.0.1/32"}).ok());
  EXPECT_FALSE(reg.UpsertSlice("shop", "", "web", {}).ok());
  EXPECT_TRUE(reg.List().empty());
  EXPECT_FALSE(reg.LookupByIp("garbage"));
}

TEST(ServiceRegistry, ListIsSorted) {
  ServiceRegistry reg;
  ASSERT_TRUE(reg.Upsert({"shop", "web", {"10.96.0.10"}}).ok());
  ASSERT_TRUE(reg.Upsert({"db", "pg", {}}).ok());
  auto list = reg.List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "pg");
  EXPECT_EQ(list[1].cluster_ips, std::vector<std::string>{"10.96.0.10"});
}

}  // namespace
}  // namespace flows::flowd
