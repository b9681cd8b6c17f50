#include "flows/api/tls/credentials.h"

#include <cerrno>
#include <fstream>
#include <sstream>

namespace flows::api {

Result<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::System(flag + " " + path, errno);
  std::ostringstream s;
  s << in.rdbuf();
  std::string pem = s.str();
  if (pem.find("-----BEGIN ") == std::string::npos)
    return Error::Invalid(flag + " " + path + ": not a PEM file");
  return pem;
}

Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const ServerTls& tls,
                                                                       const ServerTlsFlags& flags) {
  if (tls.cert_file.empty() && tls.key_file.empty()) {
    if (!tls.client_ca_files.empty())
      return Error::Invalid(flags.client_ca + " needs " + flags.cert + " and " + flags.key);
    return grpc::InsecureServerCredentials();
  }
  if (tls.cert_file.empty() || tls.key_file.empty())
    return Error::Invalid(flags.cert + " and " + flags.key + " go together");
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

Result<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(const ClientTls& tls,
                                                                         const ClientTlsFlags& flags) {
  if (tls.cert_file.empty() != tls.key_file.empty())
    return Error::Invalid(flags.cert + " and " + flags.key + " go together");
  grpc::SslCredentialsOptions opts;
  for (const std::string& file : tls.ca_files) {
    auto ca = ReadPem(flags.ca, file);
    if (!ca) return ca.error();
    opts.pem_root_certs += *ca;
  }
  if (!tls.cert_file.empty()) {
    auto cert = ReadPem(flags.cert, tls.cert_file);
    if (!cert) return cert.error();
    auto key = ReadPem(flags.key, tls.key_file);
    if (!key) return key.error();
    opts.pem_cert_chain = *cert;
    opts.pem_private_key = *key;
  }
  return grpc::SslCredentials(opts);
}

}  // namespace flows::api
