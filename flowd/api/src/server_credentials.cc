#include "flows/flowd/server_credentials.h"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace flows::flowd {

datapath::Result<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return datapath::Error::System(flag + " " + path, errno);
  std::ostringstream s;
  s << in.rdbuf();
  std::string pem = s.str();
  if (pem.find("-----BEGIN ") == std::string::npos)
    return datapath::Error::Invalid(flag + " " + path + ": not a PEM file");
  return pem;
}

datapath::Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const ServerTls& tls,
                                                                                  const ServerTlsFlags& flags) {
  if (tls.cert_file.empty() && tls.key_file.empty()) {
    if (!tls.client_ca_files.empty())
      return datapath::Error::Invalid(flags.client_ca + " needs " + flags.cert + " and " + flags.key);
    return grpc::InsecureServerCredentials();
  }
  if (tls.cert_file.empty() || tls.key_file.empty())
    return datapath::Error::Invalid(flags.cert + " and " + flags.key + " go together");
  auto cert = ReadPem(flags.cert, tls.cert_file);
  if (!cert) return cert.error();
  auto key = ReadPem(flags.key, tls.key_file);
  if (!key) return key.error();
  grpc::SslServerCredentialsOptions opts;
  opts.pem_key_cert_pairs.push_back({*key, *cert});
  for (const std::string& file : tls.client_ca_files) {
    auto ca = ReadPem(flags.client_ca, file);
    if (!ca) return ca.error();
    opts.pem_root_certs += *ca;
  }
  if (!tls.client_ca_files.empty())
    opts.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  return grpc::SslServerCredentials(opts);
}

}  // namespace flows::flowd
