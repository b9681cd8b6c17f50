// How to reach and authenticate to one API server, however it was found
// (in-cluster service account or kubeconfig file).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "flows/flowd/k8s/errors.h"
#include "flows/flowd/k8s/token_source.h"

namespace flows::flowd::k8s {

struct ServerAddress {
  bool tls = true;
  std::string host;       // DNS name or IP, IPv6 without brackets
  std::string port;       // "443" if the URL gave none (https), "80" (http)
  std::string base_path;  // "" or a prefix like "/k8s/clusters/c-1" (proxies, Rancher)

  // "host:port" with IPv6 in brackets, for the Host header and messages.
  std::string Authority() const;
};

// "https://10.0.0.1:6443", "https://[fd00::1]", "http://127.0.0.1:8080/prefix"
Result<ServerAddress> ParseServerUrl(std::string_view url);

struct ClusterConfig {
  ServerAddress server;
  std::string ca_pem;  // trusted CAs; empty: the system's
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // name to verify instead of server.host
  std::string client_cert_pem;  // client certificate authentication
  std::string client_key_pem;
  std::shared_ptr<TokenSource> token;  // bearer token; null: none
};

}  // namespace flows::flowd::k8s
