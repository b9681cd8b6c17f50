// Kubernetes objects -> flowd's registries: what a pod, Service and
// EndpointSlice look like to flow enrichment, through the informer handlers
// the daemon installs.
#include "flows/flowd/daemon/kubernetes_sync.h"

#include <gtest/gtest.h>

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
  EXPECT_FALSE(EndpointFromPod(host));
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
  KubernetesSync sync(endpoints, services);
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
  KubernetesSync sync(endpoints, services);
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
  KubernetesSync sync(endpoints, services);
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
  std::vector<std::string> logged;
  KubernetesSync sync(endpoints, services, [&](const std::string& m) { logged.push_back(m); });
  sync.PodHandlers().on_decode_error(Error::Invalid("pod shop/x: status.podIP: not an IP"));
  EXPECT_EQ(sync.rejected(), 1u);
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_NE(logged[0].find("status.podIP"), std::string::npos);
}

}  // namespace
}  // namespace flows::flowd
