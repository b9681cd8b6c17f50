#include "flows/flowd/daemon/registry_identity.h"

#include <gtest/gtest.h>

namespace flows::flowd {
namespace {

TEST(RegistryIdentityResolver, NamesPodsTheWayHubbleFiltersExpect) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  Endpoint ep;
  ep.namespace_ = "demo-app";
  ep.pod_name = "frontend-1";
  ep.pod_uid = "u1";
  ep.labels = {{"app", "frontend"}, {"tier", "web"}};
  ep.workloads = {{"frontend", "Deployment"}};
  ep.ips = {"10.0.0.2"};
  ASSERT_TRUE(endpoints.Upsert(ep));
  RegistryIdentityResolver r(endpoints, services, namespaces, "node-a");

  const auto id = r.Resolve("10.0.0.2");
  ASSERT_TRUE(id.endpoint);
  const flow::Endpoint& out = *id.endpoint;
  EXPECT_EQ(out.namespace_(), "demo-app");
  EXPECT_EQ(out.pod_name(), "frontend-1");
  EXPECT_EQ(std::vector<std::string>(out.labels().begin(), out.labels().end()),
            (std::vector<std::string>{"k8s:app=frontend", "k8s:io.kubernetes.pod.namespace=demo-app",
                                      "k8s:tier=web"}));
  ASSERT_EQ(out.workloads_size(), 1);
  EXPECT_EQ(out.workloads(0).name(), "frontend");
  EXPECT_EQ(out.workloads(0).kind(), "Deployment");

  EXPECT_FALSE(r.Resolve("10.0.0.99").endpoint);
}

// Cilium puts a pod's namespace labels among its identity labels, and Hubble
// shows them in flows (sorted, like every label list it prints):
// "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop".
TEST(RegistryIdentityResolver, NamespaceLabelsAreCarriedTheWayHubbleDoes) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  Endpoint ep;
  ep.namespace_ = "shop";
  ep.pod_name = "web-1";
  ep.pod_uid = "u1";
  ep.labels = {{"app", "web"}};
  ep.ips = {"10.0.0.2"};
  ASSERT_TRUE(endpoints.Upsert(ep));
  RegistryIdentityResolver r(endpoints, services, namespaces, "node-a");
  auto labels = [&] {
    const auto id = r.Resolve("10.0.0.2");
    return std::vector<std::string>(id.endpoint->labels().begin(), id.endpoint->labels().end());
  };
  // Not known yet: only the pod's own.
  EXPECT_EQ(labels(), (std::vector<std::string>{"k8s:app=web", "k8s:io.kubernetes.pod.namespace=shop"}));

  ASSERT_TRUE(namespaces.Upsert("shop", {{"kubernetes.io/metadata.name", "shop"}, {"team", "payments"}}));
  EXPECT_EQ(labels(),
            (std::vector<std::string>{
                "k8s:app=web", "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop",
                "k8s:io.cilium.k8s.namespace.labels.team=payments", "k8s:io.kubernetes.pod.namespace=shop"}));

  // A relabelled namespace shows at once (the cached answer is dropped).
  ASSERT_TRUE(namespaces.Upsert("shop", {{"kubernetes.io/metadata.name", "shop"}}));
  EXPECT_EQ(labels(),
            (std::vector<std::string>{"k8s:app=web",
                                      "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop",
                                      "k8s:io.kubernetes.pod.namespace=shop"}));
}

TEST(RegistryIdentityResolver, LocalPodsAreThoseOfThisNode) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
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
  RegistryIdentityResolver r(endpoints, services, namespaces, "node-a");
  EXPECT_TRUE(r.Resolve("10.0.0.2").local_pod);
  EXPECT_FALSE(r.Resolve("10.0.1.2").local_pod);
  EXPECT_FALSE(r.Resolve("10.0.0.99").local_pod);
}

TEST(RegistryIdentityResolver, CachedAnswersFollowRegistryChanges) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  RegistryIdentityResolver r(endpoints, services, namespaces, "node-a");
  EXPECT_FALSE(r.Resolve("10.0.0.2").endpoint) << "unknown, and remembered as unknown";
  Endpoint ep;
  ep.namespace_ = "demo-app";
  ep.pod_name = "frontend-1";
  ep.pod_uid = "u1";
  ep.labels = {{"app", "frontend"}};
  ep.ips = {"10.0.0.2"};
  ep.AddSource(EndpointSource::kKubernetes);  // the API's labels replace older ones
  ASSERT_TRUE(endpoints.Upsert(ep));
  auto found = r.Resolve("10.0.0.2").endpoint;
  ASSERT_TRUE(found) << "a new pod is found at once";
  EXPECT_EQ(found->labels(0), "k8s:app=frontend");
  ep.labels = {{"app", "frontend"}, {"version", "v2"}};
  ASSERT_TRUE(endpoints.Upsert(ep));
  auto relabelled = r.Resolve("10.0.0.2").endpoint;
  ASSERT_TRUE(relabelled);
  EXPECT_EQ(relabelled->labels_size(), 3) << "new labels, not the cached ones";
  EXPECT_EQ(found->labels_size(), 2) << "what earlier flows point to never changes";
  EXPECT_FALSE(r.Resolve("10.0.0.2").service);
  ASSERT_TRUE(services.UpsertSlice("demo-app", "web-x", "web", {"10.0.0.2"}));
  auto svc = r.Resolve("10.0.0.2").service;
  ASSERT_TRUE(svc) << "a new EndpointSlice is seen at once";
  EXPECT_EQ(svc->name(), "web");
  ASSERT_TRUE(endpoints.RemoveByUid("u1"));
  EXPECT_FALSE(r.Resolve("10.0.0.2").endpoint) << "a deleted pod is forgotten";
}

TEST(RegistryIdentityResolver, ServiceByClusterIpOrBackend) {
  EndpointRegistry endpoints;
  ServiceRegistry services;
  NamespaceRegistry namespaces;
  ASSERT_TRUE(services.Upsert({"shop", "web", {"10.96.0.10"}}));
  ASSERT_TRUE(services.UpsertSlice("shop", "web-x", "web", {"10.0.0.5"}));
  RegistryIdentityResolver r(endpoints, services, namespaces, "node-a");
  auto s = r.Resolve("10.96.0.10").service;
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name(), "web");
  EXPECT_EQ(s->namespace_(), "shop");
  auto b = r.Resolve("10.0.0.5").service;
  ASSERT_TRUE(b);
  EXPECT_EQ(b->name(), "web");
  EXPECT_FALSE(r.Resolve("10.0.0.6").service);
}

}  // namespace
}  // namespace flows::flowd
