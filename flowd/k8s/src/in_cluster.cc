#include "flows/flowd/k8s/in_cluster.h"

#include <memory>

namespace flows::flowd::k8s {

Result<ClusterConfig> InClusterConfig(const InClusterSource& src) {
  const std::optional<std::string> host = src.getenv("KUBERNETES_SERVICE_HOST");
  const std::optional<std::string> port = src.getenv("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    return Error::Invalid(
        "not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set");
  }
  // The host is an IP (the kubernetes Service's); IPv6 needs brackets.
  const bool v6 = host->find(':') != std::string::npos;
  Result<ServerAddress> server = ParseServerUrl("https://" + (v6 ? "[" + *host + "]" : *host) + ":" + *port);
  if (!server) return Error::Invalid("in-cluster config: " + server.error().message);

  ClusterConfig config;
  config.server = std::move(*server);
  Result<std::string> ca = ReadSmallFile(src.ca_file);
  if (!ca) return Error{"in-cluster config: service account CA: " + ca.error().message, ca.error().err};
  config.ca_pem = std::move(*ca);
  auto token = std::make_shared<FileTokenSource>(src.token_file, src.token_refresh);
  if (Result<std::string> t = token->Token(); !t) {
    return Error{"in-cluster config: service account token: " + t.error().message, t.error().err};
  }
  config.token = std::move(token);
  return config;
}

}  // namespace flows::flowd::k8s
