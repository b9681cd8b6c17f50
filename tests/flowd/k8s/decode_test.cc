// Typed decoding of Pods, Services and EndpointSlices, the workload rules,
// and clear errors (never exceptions) for malformed objects.
#include "flows/flowd/k8s/decode.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "flows/flowd/k8s/bounded_json.h"
#include "flows/flowd/k8s/workload.h"

namespace flows::flowd::k8s {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using json = nlohmann::json;

json Cluster() {
  std::ifstream in(K8S_TESTDATA_DIR "/cluster.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

TEST(DecodePod, DeploymentPodWithDualStackIps) {
  Result<Pod> pod = DecodePod(Cluster()["pods"][0]);
  ASSERT_TRUE(pod.ok()) << pod.error().message;
  EXPECT_EQ(pod->meta.namespace_name, "shop");
  EXPECT_EQ(pod->meta.name, "web-7d4b9c8f6d-x2x8k");
  EXPECT_EQ(pod->meta.labels.at("app"), "web");
  ASSERT_EQ(pod->meta.owner_references.size(), 1u);
  EXPECT_TRUE(pod->meta.owner_references[0].controller);
  EXPECT_EQ(pod->node_name, "node-a");
  EXPECT_EQ(pod->phase, "Running");
  EXPECT_FALSE(pod->host_network);
  EXPECT_THAT(pod->pod_ips, ElementsAre("10.244.1.5", "fd00:10:244:1::5"));
  EXPECT_EQ(pod->workload, (Workload{"Deployment", "web"}));
}

TEST(DecodePod, HostNetworkDaemonSetPod) {
  Result<Pod> pod = DecodePod(Cluster()["pods"][2]);
  ASSERT_TRUE(pod.ok());
  EXPECT_TRUE(pod->host_network);
  EXPECT_EQ(pod->workload, (Workload{"DaemonSet", "kube-proxy"}));
  EXPECT_THAT(pod->ports, ElementsAre(ContainerPort{"metrics", 10249, "TCP"}));
}

// What NetworkPolicy named ports resolve to: every container's ports, the
// protocol TCP when the object leaves it out (the API server's default).
TEST(DecodePod, ContainerPortsAndReadiness) {
  Result<Pod> pod = DecodePod(Cluster()["pods"][0]);
  ASSERT_TRUE(pod.ok()) << pod.error().message;
  EXPECT_THAT(pod->ports,
              ElementsAre(ContainerPort{"http", 8080, "TCP"}, ContainerPort{"metrics", 9090, "TCP"}));
  EXPECT_EQ(pod->ready, std::optional<bool>(true));

  pod = DecodePod(json::parse(R"({"metadata":{"name":"p"},
      "spec":{"containers":[{"name":"a","ports":[{"containerPort":53,"protocol":"UDP"}]},
                            {"name":"b","ports":[{"name":"sctp","containerPort":9,"protocol":"SCTP"}]}]},
      "status":{"conditions":[{"type":"Ready","status":"False"}]}})"));
  ASSERT_TRUE(pod.ok()) << pod.error().message;
  EXPECT_THAT(pod->ports, ElementsAre(ContainerPort{"", 53, "UDP"}, ContainerPort{"sctp", 9, "SCTP"}));
  EXPECT_EQ(pod->ready, std::optional<bool>(false));
  EXPECT_FALSE(DecodePod(json::parse(R"({"metadata":{"name":"p"}})"))->ready.has_value());
}

TEST(DecodePod, BadPortsNameTheField) {
  struct Case {
    const char* spec;
    const char* want;
  };
  for (const Case& c : {
           Case{R"({"containers":{}})", "spec.containers: not"},
           Case{R"({"containers":[3]})", "spec.containers[0]: not an object"},
           Case{R"({"containers":[{"ports":[{"containerPort":0}]}]})",
                "spec.containers[0].ports[0].containerPort: not between 1 and 65535"},
           Case{R"({"containers":[{"ports":[{"containerPort":70000}]}]})", "containerPort: not between"},
           Case{R"({"containers":[{"ports":[{"name":"x"}]}]})",
                "spec.containers[0].ports[0].containerPort: missing"},
           Case{R"({"containers":[{"ports":[{"containerPort":80,"protocol":"ICMP"}]}]})",
                "spec.containers[0].ports[0].protocol: not TCP, UDP or SCTP"},
           Case{R"({"containers":[{"ports":[{"containerPort":"80"}]}]})", "containerPort: not an integer"},
       }) {
    json pod = json::parse(R"({"metadata":{"name":"p","namespace":"n"}})");
    pod["spec"] = json::parse(c.spec);
    Result<Pod> r = DecodePod(pod);
    ASSERT_FALSE(r.ok()) << c.spec;
    EXPECT_THAT(r.error().message, HasSubstr(c.want)) << c.spec;
    EXPECT_THAT(r.error().message, HasSubstr("pod n/p")) << c.spec;
  }
}

TEST(DecodeNamespace, LabelsAsTheApiServerServesThem) {
  Result<Namespace> ns = DecodeNamespace(json::parse(
      R"({"metadata":{"name":"shop","labels":{"kubernetes.io/metadata.name":"shop","team":"payments"}}})"));
  ASSERT_TRUE(ns.ok()) << ns.error().message;
  EXPECT_EQ(ns->meta.name, "shop");
  EXPECT_EQ(ns->meta.labels.at("team"), "payments");
  EXPECT_FALSE(DecodeNamespace(json::parse(R"({"metadata":{"labels":{}}})")).ok());
  EXPECT_FALSE(DecodeNamespace(json::parse(R"({"metadata":{"name":"x","labels":{"a":1}}})")).ok());
}

TEST(DecodePod, PendingPodHasNoIps) {
  Result<Pod> pod = DecodePod(
      json::parse(R"({"metadata":{"name":"p","namespace":"n"},"status":{"phase":"Pending","podIP":""}})"));
  ASSERT_TRUE(pod.ok()) << pod.error().message;
  EXPECT_TRUE(pod->pod_ips.empty());
  EXPECT_EQ(pod->workload, Workload{});
}

TEST(DecodePod, CanonicalizesAndDeduplicatesIps) {
  Result<Pod> pod = DecodePod(json::parse(
      R"({"metadata":{"name":"p"},"status":{"podIP":"FD00:0:0::5","podIPs":[{"ip":"fd00::5"},{"ip":"10.1.2.3"}]}})"));
  ASSERT_TRUE(pod.ok()) << pod.error().message;
  EXPECT_THAT(pod->pod_ips, ElementsAre("fd00::5", "10.1.2.3"));
}

TEST(DecodePod, DeletionTimestampMarksDeleting) {
  Result<Pod> pod =
      DecodePod(json::parse(R"({"metadata":{"name":"p","deletionTimestamp":"2025-01-01T00:00:00Z"}})"));
  ASSERT_TRUE(pod.ok());
  EXPECT_TRUE(pod->meta.deleting);
}

TEST(DecodePod, ErrorsNameTheObjectAndTheField) {
  struct Case {
    const char* json;
    const char* error;
  } cases[] = {
      {R"([1,2])", "(object): not a JSON object"},
      {R"({"spec":{}})", "metadata: missing"},
      {R"({"metadata":{"namespace":"n"}})", "pod n/: metadata.name: missing or empty"},
      {R"({"metadata":{"name":"p","namespace":"n","labels":{"a":1}}})",
       "pod n/p: metadata.labels.a: not a string"},
      {R"({"metadata":{"name":"p","ownerReferences":{}}})", "metadata.ownerReferences: not an array"},
      {R"({"metadata":{"name":"p","ownerReferences":[{"kind":"ReplicaSet","controller":"yes"}]}})",
       "metadata.ownerReferences[0].controller: not a boolean"},
      {R"({"metadata":{"name":"p"},"spec":{"hostNetwork":1}})", "spec.hostNetwork: not a boolean"},
      {R"({"metadata":{"name":"p"},"status":{"podIPs":[{"ip":"10.0.0.1"},{"ip":"10.0.0.300"}]}})",
       "pod p: status.podIPs[1].ip: not an IP address"},
      {R"({"metadata":{"name":"p"},"status":{"podIPs":["10.0.0.1"]}})", "status.podIPs[0]: not an object"},
      {R"({"metadata":{"name":"p"},"status":"Running"})", "status: not an object"},
  };
  for (const Case& c : cases) {
    Result<Pod> pod = DecodePod(json::parse(c.json));
    ASSERT_FALSE(pod.ok()) << c.json;
    EXPECT_THAT(pod.error().message, HasSubstr(c.error)) << c.json;
  }
}

TEST(DecodePod, IpWithEmbeddedNulIsRejected) {
  json pod = {{"metadata", {{"name", "p"}}}, {"status", {{"podIP", std::string("10.0.0.1\0x", 10)}}}};
  EXPECT_FALSE(DecodePod(pod).ok());
}

TEST(Workload, OwnerRules) {
  auto of = [](std::vector<OwnerReference> owners, std::map<std::string, std::string> labels = {}) {
    ObjectMeta m;
    m.name = "p";
    m.owner_references = std::move(owners);
    m.labels = std::move(labels);
    return WorkloadOf(m);
  };
  // ReplicaSet: the pod-template-hash label decides when present.
  EXPECT_EQ(of({{"apps/v1", "ReplicaSet", "api-5f9c7d", "", true}}, {{"pod-template-hash", "5f9c7d"}}),
            (Workload{"Deployment", "api"}));
  EXPECT_EQ(of({{"apps/v1", "ReplicaSet", "api-5f9c7d", "", true}}, {{"pod-template-hash", "other"}}),
            (Workload{"ReplicaSet", "api-5f9c7d"}));
  // Without it, a hash-like suffix (SafeEncodeString's alphabet) does.
  EXPECT_EQ(of({{"apps/v1", "ReplicaSet", "my-app-7b9f5c4d8", "", true}}),
            (Workload{"Deployment", "my-app"}));
  EXPECT_EQ(of({{"apps/v1", "ReplicaSet", "standalone-rs-a1", "", true}}),
            (Workload{"ReplicaSet", "standalone-rs-a1"}));
  EXPECT_EQ(of({{"apps/v1", "ReplicaSet", "norshash", "", true}}), (Workload{"ReplicaSet", "norshash"}));
  // Job from a CronJob: <name>-<minutes since epoch>.
  EXPECT_EQ(of({{"batch/v1", "Job", "backup-28934520", "", true}}), (Workload{"CronJob", "backup"}));
  EXPECT_EQ(of({{"batch/v1", "Job", "migrate-2", "", true}}), (Workload{"Job", "migrate-2"}));
  EXPECT_EQ(of({{"apps/v1", "StatefulSet", "db", "", true}}), (Workload{"StatefulSet", "db"}));
  EXPECT_EQ(of({{"apps/v1", "DaemonSet", "agent", "", true}}), (Workload{"DaemonSet", "agent"}));
  // The controller owner wins over others listed first.
  EXPECT_EQ(of({{"v1", "ConfigMap", "x", "", false}, {"apps/v1", "StatefulSet", "db", "", true}}),
            (Workload{"StatefulSet", "db"}));
  EXPECT_EQ(of({{"example.com/v1", "Widget", "w", "", false}}), (Workload{"Widget", "w"}));
  EXPECT_EQ(of({}), Workload{});
  EXPECT_EQ(of({{"apps/v1", "ReplicaSet", "-", "", true}}), (Workload{"ReplicaSet", "-"}));
}

TEST(DecodeService, ClusterIpsAndHeadless) {
  Result<Service> svc = DecodeService(Cluster()["services"][0]);
  ASSERT_TRUE(svc.ok()) << svc.error().message;
  EXPECT_EQ(svc->meta.namespace_name, "shop");
  EXPECT_EQ(svc->type, "ClusterIP");
  EXPECT_THAT(svc->cluster_ips, ElementsAre("10.96.0.20"));
  EXPECT_EQ(svc->selector.at("app"), "web");
  EXPECT_FALSE(svc->headless);

  Result<Service> headless = DecodeService(
      json::parse(R"({"metadata":{"name":"h"},"spec":{"clusterIP":"None","clusterIPs":["None"]}})"));
  ASSERT_TRUE(headless.ok());
  EXPECT_TRUE(headless->headless);
  EXPECT_TRUE(headless->cluster_ips.empty());

  Result<Service> dual = DecodeService(json::parse(
      R"({"metadata":{"name":"d"},"spec":{"type":"LoadBalancer","clusterIP":"10.96.1.1","clusterIPs":["10.96.1.1","fd00:96::1"]}})"));
  ASSERT_TRUE(dual.ok());
  EXPECT_THAT(dual->cluster_ips, ElementsAre("10.96.1.1", "fd00:96::1"));

  Result<Service> bad =
      DecodeService(json::parse(R"({"metadata":{"name":"b","namespace":"n"},"spec":{"clusterIPs":[5]}})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "service n/b: spec.clusterIPs[0]: not a string");
}

TEST(DecodeEndpointSlice, EndpointsAndTargets) {
  Result<EndpointSlice> slice = DecodeEndpointSlice(Cluster()["endpointslices"][0]);
  ASSERT_TRUE(slice.ok()) << slice.error().message;
  EXPECT_EQ(slice->service_name, "web");
  EXPECT_EQ(slice->address_type, "IPv4");
  ASSERT_EQ(slice->endpoints.size(), 1u);
  const Endpoint& ep = slice->endpoints[0];
  EXPECT_THAT(ep.addresses, ElementsAre("10.244.1.5"));
  EXPECT_EQ(ep.ready, true);
  EXPECT_EQ(ep.node_name, "node-a");
  ASSERT_TRUE(ep.target_ref.has_value());
  EXPECT_EQ(ep.target_ref->kind, "Pod");
  EXPECT_EQ(ep.target_ref->name, "web-7d4b9c8f6d-x2x8k");
}

TEST(DecodeEndpointSlice, FqdnAndErrors) {
  Result<EndpointSlice> fqdn = DecodeEndpointSlice(json::parse(
      R"({"metadata":{"name":"f"},"addressType":"FQDN","endpoints":[{"addresses":["db.example.com"]}]})"));
  ASSERT_TRUE(fqdn.ok());
  EXPECT_THAT(fqdn->endpoints[0].addresses, ElementsAre("db.example.com"));
  EXPECT_FALSE(fqdn->endpoints[0].ready.has_value());
  EXPECT_TRUE(fqdn->service_name.empty());

  Result<EndpointSlice> bad = DecodeEndpointSlice(json::parse(
      R"({"metadata":{"name":"s"},"addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"]},{"addresses":["db"]}]})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "endpointslice s: endpoints[1].addresses[0]: not an IP address");
  Result<EndpointSlice> bad_cond = DecodeEndpointSlice(
      json::parse(R"({"metadata":{"name":"s"},"endpoints":[{"conditions":{"ready":"true"}}]})"));
  ASSERT_FALSE(bad_cond.ok());
  EXPECT_THAT(bad_cond.error().message, HasSubstr("endpoints[0].conditions.ready: not a boolean"));
}

TEST(BoundedJson, SizeDepthAndSyntax) {
  EXPECT_TRUE(ParseJson(R"({"a":[1,2,{"b":null}]})").ok());
  Result<json> big = ParseJson(std::string(100, ' '), {.max_bytes = 10});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().err, kErrTooLarge);
  std::string deep = std::string(100, '[') + std::string(100, ']');
  Result<json> nested = ParseJson(deep, {.max_depth = 64});
  ASSERT_FALSE(nested.ok());
  EXPECT_THAT(nested.error().message, HasSubstr("nested deeper than 64"));
  EXPECT_TRUE(ParseJson(std::string(60, '[') + std::string(60, ']')).ok());
  Result<json> broken = ParseJson(R"({"a": tru})");
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.error().message, HasSubstr("invalid JSON"));
  EXPECT_FALSE(ParseJson("\"\xff\"").ok()) << "invalid UTF-8";
  // Pathological depth is refused without exhausting the stack.
  EXPECT_FALSE(ParseJson(std::string(1'000'000, '[')).ok());
}

}  // namespace
}  // namespace flows::flowd::k8s
