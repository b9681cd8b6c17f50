#include "flows/flowd/endpoints/static_endpoints.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>

#include "temp_dir.h"

namespace flows::flowd {
namespace {

TEST(StaticEndpoints, PlainList) {
  auto inv = ParseStaticInventory(R"([
    {"namespace": "demo", "pod_name": "client", "ips": ["10.0.0.2"], "labels": {"app": "client"},
     "sources": ["cni"]},
    {"namespace": "demo", "pod_name": "server", "ips": ["10.0.0.3"]}])",
                                  "f.json");
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  ASSERT_EQ(inv->endpoints.size(), 2u);
  EXPECT_EQ(inv->endpoints[0].sources, static_cast<std::uint8_t>(EndpointSource::kStatic));  // always static
  EXPECT_TRUE(inv->services.empty());
}

TEST(StaticEndpoints, ObjectWithServicesAppliesToRegistries) {
  testing::TempDir dir;
  const std::string path = dir.File("static.json");
  std::ofstream(path) << R"({
    "endpoints": [{"namespace": "demo", "pod_name": "server", "ips": ["10.0.0.3"],
                   "workloads": [{"name": "server", "kind": "Deployment"}]}],
    "services": [{"namespace": "demo", "name": "web", "cluster_ips": ["10.96.0.10"],
                  "backend_ips": ["10.0.0.3"]}]})";
  auto inv = LoadStaticFile(path);
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  EndpointRegistry endpoints;
  ServiceRegistry services;
  ASSERT_TRUE(ApplyStatic(*inv, endpoints, services).ok());
  auto ep = endpoints.LookupByIp("10.0.0.3");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->workloads[0].kind, "Deployment");
  EXPECT_TRUE(ep->From(EndpointSource::kStatic));
  EXPECT_EQ(services.LookupByIp("10.96.0.10")->name, "web");
  EXPECT_EQ(services.LookupByIp("10.0.0.3")->name, "web");
}

TEST(StaticEndpoints, NodesAreTheOtherFlowdToAnnounce) {
  auto inv = ParseStaticInventory(
      R"({"nodes": [{"name": "node-b", "address": "10.0.0.12:4244"}, {"name": "node-c", "address": "[fd00::13]:4244"}]})",
      "static.json");
  ASSERT_TRUE(inv.ok()) << inv.error().message;
  ASSERT_EQ(inv->nodes.size(), 2u);
  EXPECT_EQ(inv->nodes[1].name, "node-c");
  EXPECT_EQ(inv->nodes[1].address, "[fd00::13]:4244");
  for (const char* bad : {R"({"nodes": {}})", R"({"nodes": [{"name": "x"}]})", R"({"nodes": [3]})"})
    EXPECT_FALSE(ParseStaticInventory(bad, "static.json").ok()) << bad;
}

TEST(StaticEndpoints, ClearErrors) {
  struct Case {
    const char* text;
    const char* want;
  };
  for (const Case& c : {
           Case{"{", "f.json: not valid JSON"},
           Case{"42", "\"endpoints\" is not a list"},
           Case{R"({"pods": []})", "expected a list of endpoints"},
           Case{R"({"endpoints": {}})", "\"endpoints\" is not a list"},
           Case{R"({"endpoints": [], "services": 1})", "\"services\" is not a list"},
           Case{R"([{"ips": ["10.0.0.1"]}])", "endpoints[0]: needs \"namespace\""},
           Case{R"([{"namespace": "a", "pod_name": "b", "ips": ["10.0.0.256"]}])", "endpoints[0].ips[0]"},
           Case{R"({"services": [{"name": "x"}]})", "services[0]: a service needs"},
           Case{R"({"services": [{"namespace": "a", "name": "x", "backend_ips": ["q"]}]})",
                "services[0]: not an IP"},
           Case{R"({"services": [{"namespace": "a", "name": "x", "cluster_ips": "10.0.0.1"}]})",
                "services[0].cluster_ips: not a list"},
       }) {
    auto inv = ParseStaticInventory(c.text, "f.json");
    ASSERT_FALSE(inv.ok()) << c.text;
    EXPECT_NE(inv.error().message.find(c.want), std::string::npos) << c.text << " -> " << inv.error().message;
  }
}

TEST(StaticEndpoints, MissingFile) {
  auto inv = LoadStaticFile("/nonexistent/flows-static.json");
  ASSERT_FALSE(inv.ok());
  EXPECT_EQ(inv.error().err, ENOENT);
}

}  // namespace
}  // namespace flows::flowd
