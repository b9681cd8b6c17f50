#include "flows/flowd/registry_identity.h"

#include <gtest/gtest.h>

namespace flows::flowd {
namespace {

TEST(RegistryIdentityResolver, NamesPodsTheWayHubbleFiltersExpect) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  Endpoint ep;
  ep.namespace_ = "demo-app";
  ep.pod_name = "frontend-1";
  ep.pod_uid = "u1";
  ep.labels = {{"app", "frontend"}, {"tier", "web"}};
  ep.workloads = {{"frontend", "Deployment"}};
  ep.ips = {"10.0.0.2"};
  ASSERT_TRUE(endpoints.Upsert(ep));
  RegistryIdentityResolver r(endpoints, services, "node-a");

  flow::Endpoint out;
  ASSERT_TRUE(r.ResolveEndpoint("10.0.0.2", &out));
  EXPECT_EQ(out.namespace_(), "demo-app");
  EXPECT_EQ(out.pod_name(), "frontend-1");
  EXPECT_EQ(std::vector<std::string>(out.labels().begin(), out.labels().end()),
            (std::vector<std::string>{"k8s:app=frontend", "k8s:tier=web", "k8s:io.kubernetes.pod.namespace=demo-app"}));
  ASSERT_EQ(out.workloads_size(), 1);
  EXPECT_EQ(out.workloads(0).name(), "frontend");
  EXPECT_EQ(out.workloads(0).kind(), "Deployment");

  flow::Endpoint unknown;
  EXPECT_FALSE(r.ResolveEndpoint("10.0.0.99", &unknown));
  EXPECT_EQ(unknown.pod_name(), "");
}

TEST(RegistryIdentityResolver, LocalPodsAreThoseOfThisNode) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  Endpoint here;
  here.namespace_ = "demo-app";
  here.pod_name = "frontend-1";
  here.pod_uid = "u1";
  here.node_name = "node-a";
  here.ips = {"10.0.0.2"};
  ASSERT_TRUE(endpoints.Upsert(here));
  Endpoint there = here;
  there.pod_name = "productcatalog-1";
  there.pod_uid = "u2";
  there.node_name = "node-b";
  there.ips = {"10.0.1.2"};
  ASSERT_TRUE(endpoints.Upsert(there));
  RegistryIdentityResolver r(endpoints, services, "node-a");
  EXPECT_TRUE(r.IsLocalPod("10.0.0.2"));
  EXPECT_FALSE(r.IsLocalPod("10.0.1.2"));
  EXPECT_FALSE(r.IsLocalPod("10.0.0.99"));
}

TEST(RegistryIdentityResolver, CachedAnswersFollowRegistryChanges) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  RegistryIdentityResolver r(endpoints, services, "node-a");
  flow::Endpoint out;
  flow::Service svc;
  EXPECT_FALSE(r.ResolveEndpoint("10.0.0.2", &out)) << "unknown, and remembered as unknown";
  Endpoint ep;
  ep.namespace_ = "demo-app";
  ep.pod_name = "frontend-1";
  ep.pod_uid = "u1";
  ep.labels = {{"app", "frontend"}};
  ep.ips = {"10.0.0.2"};
  ep.AddSource(EndpointSource::kKubernetes);  // the API's labels replace older ones
  ASSERT_TRUE(endpoints.Upsert(ep));
  ASSERT_TRUE(r.ResolveEndpoint("10.0.0.2", &out)) << "a new pod is found at once";
  EXPECT_EQ(out.labels(0), "k8s:app=frontend");
  ep.labels = {{"app", "frontend"}, {"version", "v2"}};
  ASSERT_TRUE(endpoints.Upsert(ep));
  flow::Endpoint relabelled;
  ASSERT_TRUE(r.ResolveEndpoint("10.0.0.2", &relabelled));
  EXPECT_EQ(relabelled.labels_size(), 3) << "new labels, not the cached ones";
  EXPECT_FALSE(r.ResolveService("10.0.0.2", &svc));
  ASSERT_TRUE(services.UpsertSlice("demo-app", "web-x", "web", {"10.0.0.2"}));
  ASSERT_TRUE(r.ResolveService("10.0.0.2", &svc)) << "a new EndpointSlice is seen at once";
  EXPECT_EQ(svc.name(), "web");
  ASSERT_TRUE(endpoints.RemoveByUid("u1"));
  flow::Endpoint gone;
  EXPECT_FALSE(r.ResolveEndpoint("10.0.0.2", &gone)) << "a deleted pod is forgotten";
}

TEST(RegistryIdentityResolver, ServiceByClusterIpOrBackend) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  ASSERT_TRUE(services.Upsert({"shop", "web", {"10.96.0.10"}}));
  ASSERT_TRUE(services.UpsertSlice("shop", "web-x", "web", {"10.0.0.5"}));
  RegistryIdentityResolver r(endpoints, services, "node-a");
  flow::Service s;
  ASSERT_TRUE(r.ResolveService("10.96.0.10", &s));
  EXPECT_EQ(s.name(), "web");
  EXPECT_EQ(s.namespace_(), "shop");
  flow::Service b;
  ASSERT_TRUE(r.ResolveService("10.0.0.5", &b));
  EXPECT_EQ(b.name(), "web");
  flow::Service none;
  EXPECT_FALSE(r.ResolveService("10.0.0.6", &none));
}

}  // namespace
}  // namespace flows::flowd
