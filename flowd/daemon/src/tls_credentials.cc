#include "flows/flowd/tls_credentials.h"

#include <grpcpp/security/server_credentials.h>

#include "flows/flowd/k8s/token_source.h"

namespace flows::flowd {

datapath::Result<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const std::string& cert_file, const std::string& key_file, const std::vector<std::string>& client_ca_files) {
  if (cert_file.empty()) return grpc::InsecureServerCredentials();
  auto cert = k8s::ReadSmallFile(cert_file);
  if (!cert) return cert.error();
  auto key = k8s::ReadSmallFile(key_file);
  if (!key) return key.error();
  grpc::SslServerCredentialsOptions ssl(client_ca_files.empty()
                                            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  for (const std::string& ca_file : client_ca_files) {
    auto ca = k8s::ReadSmallFile(ca_file);
    if (!ca) return ca.error();
    ssl.pem_root_certs += *ca;
  }
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(ssl);
}

}  // namespace flows::flowd
