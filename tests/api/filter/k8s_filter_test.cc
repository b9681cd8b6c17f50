// source_pod, destination_pod, source_service, destination_service,
// source_workload, destination_workload.
#include "filter_cases.h"

namespace flows::api {
namespace {

using testing::ExpectCases;

const std::string kShopFrontend = R"(source { namespace: "shop" pod_name: "frontend-7d9f" }
                                     destination { namespace: "db" pod_name: "postgres-0" })";

TEST(K8sFilterTest, SourcePod) {
  ExpectCases({
      {R"(source_pod: "shop/frontend-7d9f")", kShopFrontend, true},
      {R"(source_pod: "shop/frontend")", kShopFrontend, true},  // name prefix
      {R"(source_pod: "shop/front")", kShopFrontend, true},
      {R"(source_pod: "shop/backend")", kShopFrontend, false},
      {R"(source_pod: "shop/frontend-7d9f-x")", kShopFrontend, false},
      {R"(source_pod: "shop/")", kShopFrontend, true},  // any pod of shop
      {R"(source_pod: "other/")", kShopFrontend, false},
      {R"(source_pod: "/frontend")", kShopFrontend, true},  // any namespace
      {R"(source_pod: "/postgres")", kShopFrontend, false},
      {R"(source_pod: "db/postgres")", kShopFrontend, false},  // that is the destination
      {R"(source_pod: "frontend")", kShopFrontend, false},     // no slash: namespace "default"
      {R"(source_pod: "frontend")", R"(source { namespace: "default" pod_name: "frontend-1" })", true},
      // The namespace is compared exactly, not as a prefix.
      {R"(source_pod: "shop/")", R"(source { namespace: "shopping" pod_name: "a" })", false},
      {R"(source_pod: "/frontend")", R"(source { })", false},              // world/host endpoint
      {R"(source_pod: "x/a" source_pod: "shop/f")", kShopFrontend, true},  // values OR
  });
}

TEST(K8sFilterTest, DestinationPod) {
  ExpectCases({
      {R"(destination_pod: "db/postgres")", kShopFrontend, true},
      {R"(destination_pod: "db/")", kShopFrontend, true},
      {R"(destination_pod: "shop/")", kShopFrontend, false},
      {R"(destination_pod: "/postgres-0")", kShopFrontend, true},
  });
}

TEST(K8sFilterTest, SourceAndDestinationService) {
  const std::string flow = R"(source_service { namespace: "shop" name: "frontend" }
                              destination_service { namespace: "db" name: "postgres-rw" })";
  ExpectCases({
      {R"(source_service: "shop/frontend")", flow, true},
      {R"(source_service: "shop/front")", flow, true},
      {R"(source_service: "shop/")", flow, true},
      {R"(source_service: "/frontend")", flow, true},
      {R"(source_service: "db/postgres")", flow, false},
      {R"(source_service: "frontend")", flow, false},  // namespace "default"
      {R"(destination_service: "db/postgres")", flow, true},
      {R"(destination_service: "db/postgres-ro")", flow, false},
      {R"(destination_service: "/postgres")", flow, true},
      {R"(source_service: "shop/")", "", false},  // no service
  });
}

TEST(K8sFilterTest, Workloads) {
  const std::string flow = R"(source { workloads { name: "frontend" kind: "Deployment" } }
                              destination { workloads { name: "postgres" kind: "StatefulSet" }
                                            workloads { name: "pg-backup" kind: "CronJob" } })";
  ExpectCases({
      {R"(source_workload { name: "frontend" kind: "Deployment" })", flow, true},
      {R"(source_workload { name: "frontend" })", flow, true},    // empty kind: any
      {R"(source_workload { kind: "Deployment" })", flow, true},  // empty name: any
      {R"(source_workload { name: "front" })", flow, false},      // names are exact
      {R"(source_workload { name: "frontend" kind: "DaemonSet" })", flow, false},
      {R"(source_workload { name: "postgres" })", flow, false},                       // destination's
      {R"(destination_workload { kind: "CronJob" })", flow, true},                    // any of the endpoint's
      {R"(destination_workload { name: "postgres" kind: "CronJob" })", flow, false},  // both of one workload
      {R"(destination_workload { name: "x" } destination_workload { name: "postgres" })", flow, true},
      {R"(source_workload { })", flow, true},  // any workload at all
      {R"(source_workload { })", "", false},
  });
}

}  // namespace
}  // namespace flows::api
