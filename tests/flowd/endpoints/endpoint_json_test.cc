#include "flows/flowd/endpoints/endpoint_json.h"

#include <gtest/gtest.h>

namespace flows::flowd {
namespace {

using nlohmann::json;

Endpoint Full() {
  Endpoint ep;
  ep.namespace_ = "shop";
  ep.pod_name = "web-1";
  ep.pod_uid = "uid-1";
  ep.container_id = "cid1";
  ep.labels = {{"app", "web"}, {"tier", "front"}};
  ep.workloads = {{"web-5d9", "ReplicaSet"}, {"web", "Deployment"}};
  ep.node_name = "node-1";
  ep.ips = {"10.0.0.5", "fd00::5"};
  ep.host_ifname = "veth1";
  ep.host_ifindex = 12;
  ep.ports = {{"http", 8080, "TCP"}, {"", 53, "UDP"}};
  ep.host_network = true;
  ep.AddSource(EndpointSource::kCni);
  ep.AddSource(EndpointSource::kKubernetes);
  return ep;
}

TEST(EndpointJson, RoundTrip) {
  const Endpoint ep = Full();
  auto back = EndpointFromJson(EndpointToJson(ep), "ep");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, ep);
  EXPECT_EQ(EndpointToJson(ep)["namespace"], "shop");
  EXPECT_EQ(EndpointToJson(ep)["sources"], json::array({"cni", "kubernetes"}));
}

TEST(EndpointJson, EverythingOptionalNullIsAbsent) {
  auto ep = EndpointFromJson(json::parse(R"({"pod_name": "a", "labels": null})"), "ep");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->pod_name, "a");
  EXPECT_TRUE(ep->labels.empty());
}

TEST(EndpointJson, CanonicalizesAddresses) {
  auto ep = EndpointFromJson(json::parse(R"({"ips": ["fd00:0::0001", "010.1.2.3"]})"), "ep");
  // inet_pton refuses leading zeros in dotted quads: an error, not a guess.
  ASSERT_FALSE(ep.ok());
  ep = EndpointFromJson(json::parse(R"({"ips": ["fd00:0::0001"]})"), "ep");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->ips, std::vector<std::string>{"fd00::1"});
}

TEST(EndpointJson, ErrorsNameTheField) {
  struct Case {
    const char* json;
    const char* want;
  };
  for (const Case& c : {
           Case{R"([])", "ep: not a JSON object"},
           Case{R"({"namespace": 3})", "ep.namespace: not a string"},
           Case{R"({"ips": "10.0.0.1"})", "ep.ips: not a list"},
           Case{R"({"ports": {}})", "ep.ports: not a list"},
           Case{R"({"ports": [{"port": 0}]})", "ep.ports[0].port: not between 1 and 65535"},
           Case{R"({"ports": [{"name": "x"}]})", "ep.ports[0].port: missing"},
           Case{R"({"ports": [{"port": 80, "protocol": "ICMP"}]})",
                "ep.ports[0].protocol: not TCP, UDP or SCTP"},
           Case{R"({"host_network": "yes"})", "ep.host_network: not"},
           Case{R"({"ips": [1]})", "ep.ips: has an element"},
           Case{R"({"ips": ["nope"]})", "ep.ips[0]: not an IP address"},
           Case{R"({"labels": {"a": 1}})", "ep.labels.a: not a string"},
           Case{R"({"host_ifindex": -1})", "ep.host_ifindex"},
           Case{R"({"host_ifindex": 4294967296})", "ep.host_ifindex"},
           Case{R"({"sources": ["cni", "dns"]})", "unknown source \"dns\""},
           Case{R"({"workloads": [{"name": 1}]})", "ep.workloads[0].name: not a string"},
           Case{R"({"workloads": {}})", "ep.workloads: not a list"},
       }) {
    auto ep = EndpointFromJson(json::parse(c.json), "ep");
    ASSERT_FALSE(ep.ok()) << c.json;
    EXPECT_NE(ep.error().message.find(c.want), std::string::npos) << c.json << " -> " << ep.error().message;
  }
}

}  // namespace
}  // namespace flows::flowd
