// A kubeconfig file, for running flowd (or its tests) outside a pod:
// the current (or a named) context's cluster and user. Supported: server,
// certificate-authority(-data), insecure-skip-tls-verify, tls-server-name;
// token, tokenFile, client-certificate(-data), client-key(-data). exec and
// auth-provider plugins and basic auth are refused with a clear error.
#pragma once

#include <string>
#include <string_view>

#include "flows/flowd/k8s/cluster_config.h"

namespace flows::flowd::k8s {

// Relative file names in the kubeconfig are resolved against its directory.
Result<ClusterConfig> LoadKubeconfig(const std::string& path, const std::string& context = "");
Result<ClusterConfig> ParseKubeconfig(std::string_view yaml, const std::string& base_dir,
                                      const std::string& context = "");

// In a pod: InClusterConfig(). Otherwise the first file in $KUBECONFIG, or
// ~/.kube/config.
Result<ClusterConfig> DefaultClusterConfig();

}  // namespace flows::flowd::k8s
