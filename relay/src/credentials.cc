#include "flows/relay/credentials.h"

namespace flows::relay {

Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const ServeTls& tls) {
  api::ServerTls files{tls.cert, tls.key, {}};
  if (!tls.client_ca.empty()) files.client_ca_files.push_back(tls.client_ca);
  return api::MakeServerCredentials(files, {"--tls-cert", "--tls-key", "--tls-client-ca"});
}

Result<ChannelFactory> MakeChannelFactory(const DialOptions& options) {
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  const DialTls& tls = options.tls;
  if (tls.enabled()) {
    api::ClientTls files{{}, tls.cert, tls.key};
    if (!tls.ca.empty()) files.ca_files.push_back(tls.ca);
    auto ssl = api::MakeChannelCredentials(files, {"--peer-tls-ca", "--peer-tls-cert", "--peer-tls-key"});
    if (!ssl) return ssl.error();
    creds = *ssl;
  } else if (!tls.server_name.empty()) {
    return Error::Invalid("--peer-tls-server-name needs --peer-tls-ca");
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
