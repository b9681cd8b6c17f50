// The configuration a pod gets from Kubernetes itself: the API server's
// address in KUBERNETES_SERVICE_HOST/PORT and a service-account token and CA
// mounted into the pod. Paths and environment are injectable for tests.
#pragma once

#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

#include "flows/flowd/k8s/cluster_config.h"

namespace flows::flowd::k8s {

struct InClusterSource {
  std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::string ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::chrono::seconds token_refresh = std::chrono::minutes(1);
  std::function<std::optional<std::string>(const char* name)> getenv = [](const char* name) {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
};

// Fails (naming what is missing) outside a pod. The token is a
// FileTokenSource, re-read as it rotates; the token file must exist now.
Result<ClusterConfig> InClusterConfig(const InClusterSource& source = {});

}  // namespace flows::flowd::k8s
