// gRPC server credentials from PEM files, for flowd and flows-relay alike:
// plaintext when no certificate is given, TLS with one, mutual TLS when
// client CAs are given too (a client without a certificate one of them
// signed is refused during the handshake). Files are read and checked at
// startup; errors name the flag and the file, not a later handshake.
#pragma once

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "flows/datapath/result.h"

namespace flows::flowd {

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

datapath::Result<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(const ServerTls& tls,
                                                                                  const ServerTlsFlags& flags = {});

// A PEM file's contents, or an error naming `flag` and the file.
datapath::Result<std::string> ReadPem(const std::string& flag, const std::string& path);

}  // namespace flows::flowd
