// Kubernetes objects -> flowd's registries: what a pod, Service and
// EndpointSlice look like to flow enrichment, through the informer handlers
// the daemon installs.
#include "flows/flowd/daemon/kubernetes_sync.h"

#include <gtest/gtest.h>

#include "flows/flowd/k8s/informer.h"
#include "temp_dir.h"

namespace flows::flowd {
namespace {

k8s::Pod MakePod(std::string ns, std::string name, std::string uid, std::vector<std::string> ips) {
  k8s::Pod p;
  p.meta.namespace_name = std::move(ns);
  p.meta.name = std::move(name);
  p.meta.uid = std::move(uid);
  p.meta.resource_version = "1";
  p.meta.labels = {{"app", "web"}};
  p.pod_ips = std::move(ips);
  p.phase = "Running";
  p.node_name = "node-a";
  p.workload = {"Deployment", "web"};
  return p;
}

TEST(EndpointFromPod, CarriesIdentityLabelsWorkloadAndAddresses) {
  auto ep = EndpointFromPod(MakePod("shop", "web-1", "u1", {"10.0.0.5", "fd00::5"}));
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->namespace_, "shop");
  EXPECT_EQ(ep->pod_name, "web-1");
  EXPECT_EQ(ep->pod_uid, "u1");
  EXPECT_EQ(ep->labels.at("app"), "web");
  ASSERT_EQ(ep->workloads.size(), 1u);
  EXPECT_EQ(ep->workloads[0].kind, "Deployment");
  EXPECT_EQ(ep->workloads[0].name, "web");
  EXPECT_EQ(ep->ips, (std::vector<std::string>{"10.0.0.5", "fd00::5"}));
  EXPECT_EQ(ep->node_name, "node-a");
  EXPECT_TRUE(ep->From(EndpointSource::kKubernetes));
}

TEST(EndpointFromPod, HostNetworkAndFinishedPodsDoNotClaimAddresses) {
  auto host = MakePod("kube-system", "proxy", "u2", {"192.168.1.10"});
  host.host_network = true;
  host.ports = {{"metrics", 10249, "TCP"}};
  // Kept for policies (labels, ports, hostNetwork), but the node's address
  // must not name it.
  auto kept = EndpointFromPod(host);
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->host_network);
  EXPECT_TRUE(kept->ips.empty());
  EXPECT_EQ(kept->ports, (std::vector<EndpointPort>{{"metrics", 10249, "TCP"}}));
  auto done = MakePod("batch", "job-x", "u3", {"10.0.0.9"});
  done.phase = "Succeeded";
  EXPECT_FALSE(EndpointFromPod(done));
}

TEST(EndpointFromPod, BarePodHasNoWorkload) {
  auto p = MakePod("default", "debug", "u4", {"10.0.0.7"});
  p.workload = {};
  EXPECT_TRUE(EndpointFromPod(p)->workloads.empty());
}

TEST(KubernetesSync, PodLifecycleUpdatesTheRegistry) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  KubernetesSync sync(endpoints, services, namespaces);
  auto h = sync.PodHandlers();
  auto pod = MakePod("shop", "web-1", "u1", {"10.0.0.5"});
  h.on_add(pod);
  ASSERT_TRUE(endpoints.LookupByIp("10.0.0.5"));
  EXPECT_EQ(endpoints.LookupByIp("10.0.0.5")->pod_name, "web-1");

  // The pod finishes: its address goes back to IPAM.
  auto finished = pod;
  finished.phase = "Failed";
  h.on_update(pod, finished);
  EXPECT_FALSE(endpoints.LookupByIp("10.0.0.5"));

  // Recreated under the same name (a StatefulSet pod): the old uid is gone.
  auto again = MakePod("shop", "web-1", "u9", {"10.0.0.6"});
  h.on_add(again);
  h.on_delete(again);
  EXPECT_FALSE(endpoints.LookupByIp("10.0.0.6"));
  EXPECT_EQ(endpoints.size(), 0u);
  EXPECT_EQ(sync.rejected(), 0u);
}

TEST(KubernetesSync, UidChangeOnUpdateDropsTheOldPod) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  KubernetesSync sync(endpoints, services, namespaces);
  auto h = sync.PodHandlers();
  auto old_pod = MakePod("shop", "db-0", "u1", {"10.0.0.5"});
  h.on_add(old_pod);
  auto new_pod = MakePod("shop", "db-0", "u2", {"10.0.0.8"});
  h.on_update(old_pod, new_pod);
  EXPECT_FALSE(endpoints.LookupByIp("10.0.0.5"));
  ASSERT_TRUE(endpoints.LookupByIp("10.0.0.8"));
  EXPECT_EQ(endpoints.LookupByIp("10.0.0.8")->pod_uid, "u2");
}

TEST(KubernetesSync, ServicesAndSlicesNameClusterIpsAndBackends) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  KubernetesSync sync(endpoints, services, namespaces);
  k8s::Service svc;
  svc.meta.namespace_name = "shop";
  svc.meta.name = "web";
  svc.cluster_ips = {"10.96.0.10"};
  sync.ServiceHandlers().on_add(svc);
  ASSERT_TRUE(services.LookupClusterIp("10.96.0.10"));
  EXPECT_EQ(services.LookupClusterIp("10.96.0.10")->name, "web");

  k8s::EndpointSlice slice;
  slice.meta.namespace_name = "shop";
  slice.meta.name = "web-abcde";
  slice.service_name = "web";
  slice.address_type = "IPv4";
  slice.endpoints = {{{"10.0.0.5"}, true, "node-a", {}},
                     {{"10.0.0.6"}, false, "node-a", {}},  // not ready: receives no traffic
                     {{"10.0.0.7"}, std::nullopt, "node-b", {}}};
  sync.EndpointSliceHandlers().on_add(slice);
  EXPECT_EQ(services.LookupBackend("10.0.0.5").size(), 1u);
  EXPECT_TRUE(services.LookupBackend("10.0.0.6").empty());
  EXPECT_EQ(services.LookupBackend("10.0.0.7").size(), 1u);

  sync.EndpointSliceHandlers().on_delete(slice);
  EXPECT_TRUE(services.LookupBackend("10.0.0.5").empty());
  sync.ServiceHandlers().on_delete(svc);
  EXPECT_FALSE(services.LookupClusterIp("10.96.0.10"));
}

TEST(KubernetesSync, HeadlessServiceHasNoClusterIp) {
  k8s::Service svc;
  svc.meta.namespace_name = "db";
  svc.meta.name = "pg";
  svc.headless = true;
  EXPECT_TRUE(ServiceFromK8s(svc).cluster_ips.empty());
}

TEST(KubernetesSync, DecodeErrorsAreCountedNotFatal) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  std::vector<std::string> logged;
  KubernetesSync sync(endpoints, services, namespaces, [&](const std::string& m) { logged.push_back(m); });
  sync.PodHandlers().on_decode_error(Error::Invalid("pod shop/x: status.podIP: not an IP"));
  EXPECT_EQ(sync.rejected(), 1u);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_NE(logged[0].find("status.podIP"), std::string::npos);
}

// A Pod as the API server serves it (what the informer decodes).
nlohmann::json PodJson(const std::string& ns, const std::string& name, const std::string& uid,
                       const std::string& ip, const std::string& rv = "5") {
  return {{"metadata", {{"namespace", ns}, {"name", name}, {"uid", uid}, {"resourceVersion", rv}}},
          {"spec", {{"nodeName", "node-a"}}},
          {"status", {{"phase", "Running"}, {"podIP", ip}}}};
}

Endpoint ApiEndpoint(const std::string& ns, const std::string& name, const std::string& uid,
                     const std::string& ip) {
  Endpoint ep;
  ep.namespace_ = ns;
  ep.pod_name = name;
  ep.pod_uid = uid;
  ep.ips = {ip};
  ep.AddSource(EndpointSource::kKubernetes);
  return ep;
}

// The bug: endpoints restored from disk at start were never pruned by the
// first Pod list (the informer only diffs against what it listed itself), so
// a pod deleted while flowd was down kept its IP, and named whatever pod got
// that IP next.
TEST(KubernetesSync, FirstPodListPrunesEndpointsRestoredFromDisk) {
  testing::TempDir dir;
  const std::string state = dir.path() + "/endpoints.json";
  {
    EndpointRegistry before_restart;
    ASSERT_TRUE(before_restart.Upsert(ApiEndpoint("shop", "web-1", "u1", "10.0.0.5")));
    ASSERT_TRUE(before_restart.Upsert(ApiEndpoint("shop", "web-2", "u2", "10.0.0.6")));  // deleted while down
    Endpoint cni_only;  // a sandbox the API has not described yet: not the API's to prune
    cni_only.container_id = "c9";
    cni_only.ips = {"10.0.0.9"};
    cni_only.AddSource(EndpointSource::kCni);
    ASSERT_TRUE(before_restart.Upsert(cni_only));
    Endpoint both = ApiEndpoint("shop", "web-3", "u3", "10.0.0.7");  // CNI and API, pod gone
    both.container_id = "c3";
    both.AddSource(EndpointSource::kCni);
    ASSERT_TRUE(before_restart.Upsert(both));
    Endpoint pinned = ApiEndpoint("ops", "probe", "u4", "10.0.0.8");  // also in the static file
    pinned.AddSource(EndpointSource::kStatic);
    ASSERT_TRUE(before_restart.Upsert(pinned));
    ASSERT_TRUE(before_restart.SaveTo(state));
  }
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  ASSERT_TRUE(endpoints.LoadFrom(state));
  ASSERT_EQ(endpoints.LookupByIp("10.0.0.6")->pod_name, "web-2");  // restored: names flows until the list

  KubernetesSync sync(endpoints, services, namespaces);
  k8s::Informer<k8s::Pod> informer(sync.PodHandlers());
  std::vector<nlohmann::json> list{PodJson("shop", "web-1", "u1", "10.0.0.5")};
  informer.Replace(std::move(list), "100");

  EXPECT_EQ(endpoints.LookupByIp("10.0.0.5")->pod_name, "web-1");
  EXPECT_FALSE(endpoints.LookupByIp("10.0.0.6")) << "a pod deleted while flowd was down still names its IP";
  EXPECT_FALSE(endpoints.LookupByIp("10.0.0.7"));
  EXPECT_TRUE(endpoints.LookupByIp("10.0.0.9"));
  ASSERT_TRUE(endpoints.LookupByIp("10.0.0.8"));
  EXPECT_FALSE(endpoints.LookupByIp("10.0.0.8")->From(EndpointSource::kKubernetes));
  EXPECT_EQ(sync.pruned(), 2u);
}

// Every complete list is the truth, not only the first: an endpoint the API
// described that a relist (after 410 Gone) lacks is gone, whether or not the
// informer had it.
TEST(KubernetesSync, EveryRelistPrunesWhatItDoesNotContain) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  KubernetesSync sync(endpoints, services, namespaces);
  k8s::Informer<k8s::Pod> informer(sync.PodHandlers());
  informer.Replace({PodJson("shop", "a", "ua", "10.0.0.1"), PodJson("shop", "b", "ub", "10.0.0.2")}, "10");
  ASSERT_EQ(endpoints.size(), 2u);
  // Described by the API behind the informer's back (e.g. a stale record).
  ASSERT_TRUE(endpoints.Upsert(ApiEndpoint("shop", "c", "uc", "10.0.0.3")));
  informer.Replace({PodJson("shop", "a", "ua", "10.0.0.1")}, "20");
  EXPECT_TRUE(endpoints.LookupByIp("10.0.0.1"));
  EXPECT_FALSE(endpoints.LookupByIp("10.0.0.2"));
  EXPECT_FALSE(endpoints.LookupByIp("10.0.0.3"));
}

// Services and their slices are restored too (names right from the first
// packet after a restart) and pruned the same way; static ones stay.
TEST(KubernetesSync, RestoredServicesAndSlicesArePrunedByTheirLists) {
  testing::TempDir dir;
  const std::string state = dir.path() + "/services.json";
  {
    ServiceRegistry before_restart;
    ASSERT_TRUE(before_restart.Upsert(Service{"shop", "web", {"10.96.0.20"}}));
    ASSERT_TRUE(before_restart.Upsert(Service{"shop", "old", {"10.96.0.21"}}));
    ASSERT_TRUE(before_restart.UpsertSlice("shop", "web-abc", "web", {"10.0.0.5"}));
    ASSERT_TRUE(before_restart.UpsertSlice("shop", "old-xyz", "old", {"10.0.0.6"}));
    ASSERT_TRUE(before_restart.SaveTo(state));
  }
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  ASSERT_TRUE(services.LoadFrom(state));
  ASSERT_TRUE(
      services.Upsert(Service{"lab", "pinned", {"10.96.0.30"}, EndpointSource::kStatic}));  // the file's
  // Before the API answers: named from disk.
  EXPECT_EQ(services.LookupByIp("10.96.0.21")->name, "old");
  EXPECT_EQ(services.LookupByIp("10.0.0.6")->name, "old");

  KubernetesSync sync(endpoints, services, namespaces);
  k8s::Informer<k8s::Service> svc_informer(sync.ServiceHandlers());
  k8s::Informer<k8s::EndpointSlice> slice_informer(sync.EndpointSliceHandlers());
  nlohmann::json web = {{"metadata", {{"namespace", "shop"}, {"name", "web"}, {"resourceVersion", "3"}}},
                        {"spec", {{"clusterIP", "10.96.0.20"}}}};
  nlohmann::json web_slice = {
      {"metadata",
       {{"namespace", "shop"}, {"name", "web-abc"}, {"labels", {{"kubernetes.io/service-name", "web"}}}}},
      {"addressType", "IPv4"},
      {"endpoints", {{{"addresses", {"10.0.0.5"}}}}}};
  svc_informer.Replace({web}, "50");
  slice_informer.Replace({web_slice}, "50");

  EXPECT_EQ(services.LookupByIp("10.96.0.20")->name, "web");
  EXPECT_EQ(services.LookupByIp("10.0.0.5")->name, "web");
  EXPECT_FALSE(services.LookupByIp("10.96.0.21")) << "a Service deleted while flowd was down";
  EXPECT_FALSE(services.LookupByIp("10.0.0.6")) << "a slice deleted while flowd was down";
  EXPECT_EQ(services.LookupByIp("10.96.0.30")->name, "pinned");
  EXPECT_EQ(sync.pruned(), 2u);
}

TEST(KubernetesSync, NamespaceLabelsFollowTheApi) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  ASSERT_TRUE(namespaces.Upsert("gone", {{"kubernetes.io/metadata.name", "gone"}}));  // as restored
  KubernetesSync sync(endpoints, services, namespaces);
  k8s::Informer<k8s::Namespace> informer(sync.NamespaceHandlers());
  auto ns = [](const std::string& name, const std::string& rv, nlohmann::json labels) {
    return nlohmann::json{{"metadata", {{"name", name}, {"resourceVersion", rv}, {"labels", labels}}}};
  };
  informer.Replace({ns("shop", "1", {{"kubernetes.io/metadata.name", "shop"}, {"team", "a"}})}, "1");
  EXPECT_EQ(namespaces.LabelsOf("shop")->at("team"), "a");
  EXPECT_FALSE(namespaces.LabelsOf("gone"));

  informer.Apply({k8s::EventType::kModified,
                  ns("shop", "2", {{"kubernetes.io/metadata.name", "shop"}, {"team", "b"}}), "2"});
  EXPECT_EQ(namespaces.LabelsOf("shop")->at("team"), "b");
  informer.Apply({k8s::EventType::kDeleted, ns("shop", "3", nlohmann::json::object()), "3"});
  EXPECT_FALSE(namespaces.LabelsOf("shop"));
}

k8s::Pod FlowdPod(const std::string& name, const std::string& node, const std::string& ip) {
  k8s::Pod p = MakePod("flows", name, "uid-" + name, {ip});
  p.meta.labels = {{"app.kubernetes.io/name", "flows"}, {"app.kubernetes.io/component", "flowd"}};
  p.host_network = true;
  p.node_name = node;
  p.ports = {{"grpc", 4244, "TCP"}, {"metrics", 9965, "TCP"}};
  return p;
}

TEST(KubernetesSync, FlowdPodsAreAnnouncedAsPeers) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  PeerRoster roster;
  KubernetesSync sync(endpoints, services, namespaces);
  auto pp = ParsePeerPods("flows/app.kubernetes.io/name=flows,app.kubernetes.io/component=flowd");
  ASSERT_TRUE(pp);
  pp->roster = &roster;
  sync.SetPeerPods(*pp);
  auto h = sync.PodHandlers();

  h.on_add(FlowdPod("flowd-a", "node-a", "192.168.0.10"));
  h.on_add(FlowdPod("flowd-b", "node-b", "fd00::11"));
  h.on_add(MakePod("shop", "web-1", "u1", {"10.0.0.5"}));  // not flowd
  auto pending = FlowdPod("flowd-c", "node-c", "192.168.0.12");
  pending.phase = "Pending";
  h.on_add(pending);
  EXPECT_EQ(roster.Snapshot(),
            (std::vector<PeerNode>{{"node-a", "192.168.0.10:4244"}, {"node-b", "[fd00::11]:4244"}}));

  h.on_update(pending, FlowdPod("flowd-c", "node-c", "192.168.0.12"));
  EXPECT_EQ(roster.size(), 3u);
  auto leaving = FlowdPod("flowd-a", "node-a", "192.168.0.10");
  leaving.meta.deleting = true;
  h.on_update(FlowdPod("flowd-a", "node-a", "192.168.0.10"), leaving);
  EXPECT_EQ(roster.size(), 2u);
  h.on_delete(leaving);

  // A relist is the whole truth here too.
  h.on_relist({FlowdPod("flowd-b", "node-b", "fd00::11")});
  EXPECT_EQ(roster.Snapshot(), (std::vector<PeerNode>{{"node-b", "[fd00::11]:4244"}}));
}

TEST(KubernetesSync, PeerPodsFlagForms) {
  auto a = ParsePeerPods("kube-system/app=flowd");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->namespace_name, "kube-system");
  EXPECT_EQ(a->selector, (std::map<std::string, std::string>{{"app", "flowd"}}));
  // Label keys may hold '/' too: only the first one ends the namespace.
  auto b = ParsePeerPods("flows/app.kubernetes.io/name=flows,app.kubernetes.io/component=flowd");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->namespace_name, "flows");
  EXPECT_EQ(b->selector, (std::map<std::string, std::string>{{"app.kubernetes.io/component", "flowd"},
                                                             {"app.kubernetes.io/name", "flows"}}));
  for (const char* bad : {"", "flows/", "/app=x", "app=x", "ns/app", "ns/=x", "ns/app=x,", "ns/app=x,,b=c"})
    EXPECT_FALSE(ParsePeerPods(bad)) << bad;
}

}  // namespace
}  // namespace flows::flowd
