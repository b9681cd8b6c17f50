// gRPC credentials from PEM files, for every process that speaks the API:
//   serving (flowd, flows-relay): plaintext when no certificate is given,
//     TLS with one, mutual TLS when client CAs are given too (a client
//     without a certificate one of them signed is refused in the handshake);
//   dialing (flows-relay to its nodes, the CLI): TLS verified against the
//     given CAs, plus a client certificate for mutual TLS.
// Files are read and checked once, at startup; errors name the flag and the
// file, not a later handshake.
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "flows/common/result.h"

namespace flows::api {

struct ServerTls {
  std::string cert_file, key_file;
  std::vector<std::string> client_ca_files;
};

// The flags the files came from, for error messages (flowd's, by default:
// Hubble's names).
struct ServerTlsFlags {
  std::string cert = "--tls-cert-file";
  std::string key = "--tls-key-file";
  std::string client_ca = "--tls-client-ca-files";
};

Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const ServerTls& tls,
                                                                       const ServerTlsFlags& flags = {});

struct ClientTls {
  std::vector<std::string> ca_files;  // empty: the system's roots
  std::string cert_file, key_file;    // both or neither: mutual TLS
};

struct ClientTlsFlags {
  std::string ca, cert, key;
};

Result<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(const ClientTls& tls,
                                                                         const ClientTlsFlags& flags);

// A PEM file's contents, or an error naming `flag` and the file.
Result<std::string> ReadPem(const std::string& flag, const std::string& path);

}  // namespace flows::api
