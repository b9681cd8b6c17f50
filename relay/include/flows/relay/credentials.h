// TLS both ways, from PEM files named on the command line:
//   serving  --tls-cert/--tls-key (TLS), plus --tls-client-ca (mutual TLS:
//            clients must present a certificate signed by that CA)
//   dialing  --peer-tls-ca (TLS, verify nodes against it), plus
//            --peer-tls-cert/--peer-tls-key (mutual TLS), and
//            --peer-tls-server-name (the name expected in node certificates,
//            unless a peer.Peer notification names one)
// No files: plaintext. Errors name the flag and the file.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "flows/api/tls/credentials.h"
#include "flows/common/result.h"
#include "flows/relay/peer_manager.h"

namespace flows::relay {

struct ServeTls {
  std::string cert, key, client_ca;
};

struct DialTls {
  std::string ca, cert, key, server_name;
  bool enabled() const { return !ca.empty() || !cert.empty(); }
};

struct DialOptions {
  DialTls tls;
  // gRPC's reconnect backoff for broken channels: starts at `initial`,
  // grows (x1.6, with jitter) up to `max`.
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{30000};
};

Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const ServeTls& tls);
// Reads the files once; the factory then dials any peer with them.
Result<ChannelFactory> MakeChannelFactory(const DialOptions& options);

}  // namespace flows::relay
