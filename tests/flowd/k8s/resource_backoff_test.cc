// Request targets (paths, query encoding) and the backoff sequence.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "flows/flowd/k8s/resource.h"

namespace flows::flowd::k8s {
namespace {

using namespace std::chrono_literals;

TEST(Resource, CollectionPaths) {
  EXPECT_EQ(Resource::Pods().CollectionPath(), "/api/v1/pods");
  Resource svc = Resource::Services();
  svc.namespace_name = "kube-system";
  EXPECT_EQ(svc.CollectionPath(), "/api/v1/namespaces/kube-system/services");
  EXPECT_EQ(Resource::EndpointSlices().CollectionPath(), "/apis/discovery.k8s.io/v1/endpointslices");
  EXPECT_EQ(Resource::EndpointSlices().DisplayName(), "endpointslices.discovery.k8s.io");
}

TEST(Resource, ListTargets) {
  Resource pods = Resource::Pods();
  EXPECT_EQ(ListTarget("", pods, {}), "/api/v1/pods");
  EXPECT_EQ(ListTarget("", pods, {.limit = 500}), "/api/v1/pods?limit=500");
  pods.field_selector = "spec.nodeName=node-a";
  pods.label_selector = "app=web,tier!=db";
  EXPECT_EQ(
      ListTarget("/prefix", pods, {.limit = 2, .continue_token = "eyJ2IjoxfQ==/x", .resource_version = "5"}),
      "/prefix/api/v1/pods?labelSelector=app%3Dweb%2Ctier%21%3Ddb&fieldSelector=spec.nodeName%3Dnode-a"
      "&limit=2&continue=eyJ2IjoxfQ%3D%3D%2Fx");
  EXPECT_EQ(ListTarget("", Resource::Pods(), {.resource_version = "0"}), "/api/v1/pods?resourceVersion=0");
}

TEST(Resource, WatchTargets) {
  EXPECT_EQ(WatchTarget("", Resource::Pods(), {.resource_version = "123", .timeout_seconds = 300}),
            "/api/v1/pods?watch=1&resourceVersion=123&allowWatchBookmarks=true&timeoutSeconds=300");
  EXPECT_EQ(WatchTarget("", Resource::Services(), {.allow_bookmarks = false}), "/api/v1/services?watch=1");
}

}  // namespace
}  // namespace flows::flowd::k8s
