#include "flows/relay/credentials.h"

#include <fstream>
#include <sstream>

namespace flows::relay {

datapath::Result<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return datapath::Error::System(flag + " " + path, errno);
  std::ostringstream s;
  s << in.rdbuf();
  std::string pem = s.str();
  // Checked here so that a wrong file is refused at startup with its flag,
  // not later as an opaque handshake failure.
  if (pem.find("-----BEGIN ") == std::string::npos)
    return datapath::Error::Invalid(flag + " " + path + ": not a PEM file");
  return pem;
}

datapath::Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const ServeTls& tls) {
  if (tls.cert.empty() && tls.key.empty()) {
    if (!tls.client_ca.empty())
      return datapath::Error::Invalid("--tls-client-ca needs --tls-cert and --tls-key");
    return grpc::InsecureServerCredentials();
  }
  if (tls.cert.empty() || tls.key.empty())
    return datapath::Error::Invalid("--tls-cert and --tls-key go together");
  auto cert = ReadPem("--tls-cert", tls.cert);
  if (!cert) return cert.error();
  auto key = ReadPem("--tls-key", tls.key);
  if (!key) return key.error();
  grpc::SslServerCredentialsOptions opts;
  opts.pem_key_cert_pairs.push_back({*key, *cert});
  if (!tls.client_ca.empty()) {
    auto ca = ReadPem("--tls-client-ca", tls.client_ca);
    if (!ca) return ca.error();
    opts.pem_root_certs = *ca;
    opts.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(opts);
}

datapath::Result<ChannelFactory> MakeChannelFactory(const DialOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  const DialTls& tls = options.tls;
  if (tls.enabled()) {
    if (tls.cert.empty() != tls.key.empty())
      return datapath::Error::Invalid("--peer-tls-cert and --peer-tls-key go together");
    grpc::SslCredentialsOptions opts;
    if (!tls.ca.empty()) {
      auto ca = ReadPem("--peer-tls-ca", tls.ca);
      if (!ca) return ca.error();
      opts.pem_root_certs = *ca;
    }
    if (!tls.cert.empty()) {
      auto cert = ReadPem("--peer-tls-cert", tls.cert);
      if (!cert) return cert.error();
      auto key = ReadPem("--peer-tls-key", tls.key);
      if (!key) return key.error();
      opts.pem_cert_chain = *cert;
      opts.pem_private_key = *key;
    }
    creds = grpc::SslCredentials(opts);
  } else if (!tls.server_name.empty()) {
    return datapath::Error::Invalid("--peer-tls-server-name needs --peer-tls-ca");
  }
  const bool use_tls = tls.enabled();
  return ChannelFactory([creds, use_tls, options](const PeerSpec& peer) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, static_cast<int>(options.backoff_initial.count()));
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(options.backoff_initial.count()));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(options.backoff_max.count()));
    // Flows can be large (L7 headers); accept up to 16 MiB per response.
    args.SetMaxReceiveMessageSize(16 << 20);
    // One connection per peer: channels to different nodes must not share
    // a subchannel pool keyed by address when names differ.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    if (use_tls) {
      const std::string& name = peer.tls_server_name.empty() ? options.tls.server_name : peer.tls_server_name;
      if (!name.empty()) args.SetSslTargetNameOverride(name);
    }
    return grpc::CreateCustomChannel(peer.address, creds, args);
  });
}

}  // namespace flows::relay
